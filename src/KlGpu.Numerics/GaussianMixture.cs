using System.Globalization;

namespace KlGpu.Numerics;

/// <summary>A 1-D Gaussian mixture Σ_k π_k N(m_k, s_k). A single Gaussian is a mixture of one.</summary>
public sealed class GaussianMixture
{
    /// <summary>Weights must sum to 1 within this tolerance (the spec language's rule).</summary>
    public const double WeightSumTolerance = 1e-9;

    public double[] Weights { get; }
    public double[] Means { get; }
    public double[] Stds { get; }
    public int Count => Weights.Length;

    public GaussianMixture(IReadOnlyList<double> weights, IReadOnlyList<double> means, IReadOnlyList<double> stds)
    {
        if (weights.Count == 0 || weights.Count != means.Count || weights.Count != stds.Count)
            throw new ArgumentException($"a mixture needs the same non-zero number of weights, means and stds (got {weights.Count}, {means.Count}, {stds.Count})");
        for (int k = 0; k < weights.Count; k++)
        {
            if (!double.IsFinite(weights[k]) || !double.IsFinite(means[k]) || !double.IsFinite(stds[k]))
                throw new ArgumentException($"component {k + 1} has a non-finite number");
            if (stds[k] <= 0)
                throw new ArgumentException($"component {k + 1} has std {Format(stds[k])}; stds must be positive");
            if (weights[k] <= 0)
                throw new ArgumentException($"component {k + 1} has weight {Format(weights[k])}; weights must be positive");
        }
        double sum = weights.Sum();
        if (Math.Abs(sum - 1) > WeightSumTolerance)
            throw new ArgumentException($"weights sum to {Format(sum)}, not 1");
        Weights = weights.ToArray();
        Means = means.ToArray();
        Stds = stds.ToArray();
    }

    public static GaussianMixture Gaussian(double mean, double std) => new([1.0], [mean], [std]);

    public double Mean
    {
        get
        {
            double m = 0;
            for (int k = 0; k < Count; k++) m += Weights[k] * Means[k];
            return m;
        }
    }

    /// <summary>V_p = Σ π_k (s_k² + (m_k − m_p)²), centred to avoid cancellation when the mean is large.</summary>
    public double Variance
    {
        get
        {
            double m = Mean, v = 0;
            for (int k = 0; k < Count; k++)
            {
                double d = Means[k] - m;
                v += Weights[k] * (Stds[k] * Stds[k] + d * d);
            }
            return v;
        }
    }

    /// <summary>log p(x) as a log-sum-exp over components (densities underflow; their logs do not).</summary>
    public double LogDensity(double x)
    {
        double max = double.NegativeInfinity;
        Span<double> l = Count <= 16 ? stackalloc double[Count] : new double[Count];
        for (int k = 0; k < Count; k++)
        {
            l[k] = Math.Log(Weights[k]) + Normal.LogPdf(x, Means[k], Stds[k]);
            max = Math.Max(max, l[k]);
        }
        double s = 0;
        for (int k = 0; k < Count; k++) s += Math.Exp(l[k] - max);
        return max + Math.Log(s);
    }

    /// <summary>The spec language: "0.3*N(-2,0.3) + 0.7*N(1,1)"; invariant culture, round-trippable.</summary>
    public override string ToString()
    {
        if (Count == 1) return $"N({Format(Means[0])},{Format(Stds[0])})";
        return string.Join(" + ", Enumerable.Range(0, Count)
            .Select(k => $"{Format(Weights[k])}*N({Format(Means[k])},{Format(Stds[k])})"));
    }

    static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
