using System.Globalization;
using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>The law of one mixture component.</summary>
public enum ComponentKind
{
    /// <summary>N(mean, std).</summary>
    Normal,
    /// <summary>T(ν, mean, scale): Student-t, tails like |x|^−(ν+1).</summary>
    StudentT,
    /// <summary>L(mean, scale): Laplace, density e^{−|x−m|/b}/(2b), a kink at the mean.</summary>
    Laplace,
}

/// <summary>
/// A 1-D mixture whose components may be Gaussian, Student-t or Laplace: Σ_k π_k p_k(x). Targets of Gaussians only
/// stay <see cref="GaussianMixture"/>s (their fast paths rely on Gaussian components); this type is for the others.
/// Each component's log-density is <c>Offset − shape(z)</c> with z = (x − m)·InvScale, the offset holding log π_k and
/// the normaliser (log Γ for the t), so kernels never need log Γ.
/// </summary>
public sealed class HeavyTailedMixture
{
    public double[] Weights { get; }
    public ComponentKind[] Kinds { get; }
    /// <summary>ν of each Student-t component; 0 for the others.</summary>
    public double[] Nus { get; }
    public double[] Means { get; }
    /// <summary>The std of a Gaussian, the scale of a t or a Laplace.</summary>
    public double[] Scales { get; }
    public int Count => Weights.Length;

    /// <summary>Per component: kind code (<see cref="ComponentKind"/> as int), log π_k + log normaliser, 1/scale,
    /// (ν+1)/2 and 1/√ν for a t (0 otherwise).</summary>
    public int[] KindCodes { get; }
    public double[] Offsets { get; }
    public double[] InvScales { get; }
    public double[] Exponents { get; }
    public double[] InvSqrtNus { get; }

    public HeavyTailedMixture(IReadOnlyList<double> weights, IReadOnlyList<ComponentKind> kinds, IReadOnlyList<double> nus,
        IReadOnlyList<double> means, IReadOnlyList<double> scales)
    {
        int n = weights.Count;
        if (n == 0 || kinds.Count != n || nus.Count != n || means.Count != n || scales.Count != n)
            throw new ArgumentException("a mixture needs the same non-zero number of weights, kinds, ν, means and scales");
        for (int k = 0; k < n; k++)
        {
            if (!double.IsFinite(weights[k]) || !double.IsFinite(means[k]) || !double.IsFinite(scales[k]) || !double.IsFinite(nus[k]))
                throw new ArgumentException($"component {k + 1} has a non-finite number");
            if (scales[k] <= 0) throw new ArgumentException($"component {k + 1} has scale {Format(scales[k])}; scales must be positive");
            if (weights[k] <= 0) throw new ArgumentException($"component {k + 1} has weight {Format(weights[k])}; weights must be positive");
            if (kinds[k] == ComponentKind.StudentT && nus[k] <= 0)
                throw new ArgumentException($"component {k + 1} has ν = {Format(nus[k])}; ν must be positive");
        }
        double sum = weights.Sum();
        if (Math.Abs(sum - 1) > GaussianMixture.WeightSumTolerance) throw new ArgumentException($"weights sum to {Format(sum)}, not 1");
        Weights = [.. weights];
        Kinds = [.. kinds];
        Nus = kinds.Select((kind, k) => kind == ComponentKind.StudentT ? nus[k] : 0).ToArray();
        Means = [.. means];
        Scales = [.. scales];
        KindCodes = Kinds.Select(kind => (int)kind).ToArray();
        InvScales = Scales.Select(s => 1 / s).ToArray();
        Exponents = Nus.Select(nu => nu > 0 ? 0.5 * (nu + 1) : 0).ToArray();
        InvSqrtNus = Nus.Select(nu => nu > 0 ? 1 / Math.Sqrt(nu) : 0).ToArray();
        Offsets = Enumerable.Range(0, n).Select(k => Math.Log(Weights[k]) + LogNormaliser(Kinds[k], Nus[k], Scales[k])).ToArray();
    }

    /// <summary>A Gaussian mixture as a mixture of this kind (for a Student-t q against a Gaussian target).</summary>
    public static HeavyTailedMixture FromGaussian(GaussianMixture p) =>
        new(p.Weights, Enumerable.Repeat(ComponentKind.Normal, p.Count).ToArray(), new double[p.Count], p.Means, p.Stds);

    /// <summary>log of the density's constant: −log(√(2π) s); log Γ((ν+1)/2) − log Γ(ν/2) − ½ log(νπ) − log s; −log 2b.</summary>
    public static double LogNormaliser(ComponentKind kind, double nu, double scale) => kind switch
    {
        ComponentKind.Normal => -Normal.LogSqrt2Pi - Math.Log(scale),
        ComponentKind.StudentT => SpecialFunctions.LogGamma(0.5 * (nu + 1)) - SpecialFunctions.LogGamma(0.5 * nu)
            - 0.5 * Math.Log(nu * Math.PI) - Math.Log(scale),
        ComponentKind.Laplace => -Math.Log(2 * scale),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Whether every component has a finite variance (no Student-t with ν ≤ 2).</summary>
    public bool HasFiniteVariance => Nus.All(nu => nu == 0 || nu > 2);

    /// <summary>p's mean, or null when a Student-t component with ν ≤ 1 leaves it undefined.</summary>
    public double? Mean => Nus.Any(nu => nu > 0 && nu <= 1) ? null : Enumerable.Range(0, Count).Sum(k => Weights[k] * Means[k]);

    /// <summary>V_p = Σ π_k (Var_k + (m_k − m_p)²) with Var = s², s²ν/(ν−2), 2b²; +∞ when a t has ν ≤ 2.</summary>
    public double Variance
    {
        get
        {
            if (!HasFiniteVariance) return double.PositiveInfinity;
            double m = Mean!.Value, v = 0;
            for (int k = 0; k < Count; k++)
            {
                double d = Means[k] - m, s2 = Scales[k] * Scales[k];
                double own = Kinds[k] switch
                {
                    ComponentKind.StudentT => s2 * Nus[k] / (Nus[k] - 2),
                    ComponentKind.Laplace => 2 * s2,
                    _ => s2,
                };
                v += Weights[k] * (own + d * d);
            }
            return v;
        }
    }

    /// <summary>log π_k p_k(x).</summary>
    public double ComponentLogDensity(int k, double x) =>
        TailDensity.Component<double, F64>(KindCodes[k], Offsets[k], Means[k], InvScales[k], Exponents[k], InvSqrtNus[k], x);

    /// <summary>log p(x) as a log-sum-exp over components.</summary>
    public double LogDensity(double x) => TailDensity.LogDensity<double, F64, TailArrays>(Components, x);

    /// <summary>The components as the generic formulas read them.</summary>
    public TailArrays Components => new(KindCodes, Offsets, Means, InvScales, Exponents, InvSqrtNus);

    /// <summary>The spec language: "0.5*T(3,-2,1) + 0.5*L(2,0.5)"; invariant culture, round-trippable.</summary>
    public override string ToString()
    {
        string Term(int k) => Kinds[k] switch
        {
            ComponentKind.StudentT => $"T({Format(Nus[k])},{Format(Means[k])},{Format(Scales[k])})",
            ComponentKind.Laplace => $"L({Format(Means[k])},{Format(Scales[k])})",
            _ => $"N({Format(Means[k])},{Format(Scales[k])})",
        };
        if (Count == 1) return Term(0);
        return string.Join(" + ", Enumerable.Range(0, Count).Select(k => $"{Format(Weights[k])}*{Term(k)}"));
    }

    static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The component log-densities of a <see cref="HeavyTailedMixture"/>, written once for host and kernels.</summary>
public static class TailDensity
{
    /// <summary>
    /// offset − ½z² (Gaussian), offset − ((ν+1)/2)·log(1 + z²/ν) (Student-t), offset − |z| (Laplace), z = (x − m)/scale.
    /// The t's logarithm is taken as 2 log a + log(1 + 1/a²) for a = |z|/√ν ≥ 1, so z² never overflows far out.
    /// </summary>
    public static T Component<T, R>(int kind, T offset, T mean, T invScale, T exponent, T invSqrtNu, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T z = (x - mean) * invScale;
        if (kind == (int)ComponentKind.Laplace) return offset - T.Abs(z);
        if (kind == (int)ComponentKind.StudentT)
        {
            T a = T.Abs(z) * invSqrtNu;
            T log = a < T.One ? LogMixture.LogOnePlus(a * a) : R.Of(2.0) * T.Log(a) + LogMixture.LogOnePlus(T.One / a / a);
            return offset - exponent * log;
        }
        return offset - R.Of(0.5) * z * z;
    }

    /// <summary>log p(x) = log Σ_k e^{ℓ_k(x)} with a running maximum: one exponential per component, no underflow.</summary>
    public static T LogDensity<T, R, S>(in S set, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : ITailComponents<T>
    {
        T max = T.NegativeInfinity, sum = T.Zero;
        for (int k = 0; k < set.Count; k++)
        {
            T l = Component<T, R>(set.Kind(k), set.Offset(k), set.Mean(k), set.InvScale(k), set.Exponent(k), set.InvSqrtNu(k), x);
            if (l > max)
            {
                sum = sum * T.Exp(max - l) + T.One;
                max = l;
            }
            else if (l > T.NegativeInfinity) sum += T.Exp(l - max); // a Gaussian far out may be −∞ in T
        }
        return max + T.Log(sum);
    }

    /// <summary>
    /// ∂ₓ log π_k p_k(x): −z/s (Gaussian), −(ν+1)z/(s(ν + z²)) (Student-t), −sign(z)/b (Laplace; 0 at the peak).
    /// The t's is written in a = z/√ν as −2·((ν+1)/2)·(1/√ν)(1/s)·a/(1 + a²), with a/(1 + a²) = 1/(a + 1/a) for |a| ≥ 1 so a² never overflows.
    /// </summary>
    public static T ComponentScore<T, R>(int kind, T mean, T invScale, T exponent, T invSqrtNu, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T z = (x - mean) * invScale;
        if (kind == (int)ComponentKind.Laplace) return z > T.Zero ? -invScale : z < T.Zero ? invScale : T.Zero;
        if (kind == (int)ComponentKind.StudentT)
        {
            T a = z * invSqrtNu;
            T ratio = T.Abs(a) < T.One ? a / (T.One + a * a) : T.One / (a + T.One / a);
            return -R.Of(2.0) * exponent * invSqrtNu * invScale * ratio;
        }
        return -z * invScale;
    }

    /// <summary>log p(x) as <see cref="LogDensity{T, R, S}"/>, and <paramref name="score"/> = ∂ₓ log p(x): the components'
    /// scores weighted by their responsibilities π_k p_k(x)/p(x) (a softmax of the component log-densities).</summary>
    public static T LogDensityAndScore<T, R, S>(in S set, T x, out T score)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : ITailComponents<T>
    {
        T max = T.NegativeInfinity, sum = T.Zero, weighted = T.Zero;
        for (int k = 0; k < set.Count; k++)
        {
            T l = Component<T, R>(set.Kind(k), set.Offset(k), set.Mean(k), set.InvScale(k), set.Exponent(k), set.InvSqrtNu(k), x);
            if (!(l > T.NegativeInfinity)) continue;
            T d = ComponentScore<T, R>(set.Kind(k), set.Mean(k), set.InvScale(k), set.Exponent(k), set.InvSqrtNu(k), x);
            if (l > max)
            {
                T shrink = T.Exp(max - l);
                sum = sum * shrink + T.One;
                weighted = weighted * shrink + d;
                max = l;
            }
            else
            {
                T e = T.Exp(l - max);
                sum += e;
                weighted += e * d;
            }
        }
        score = weighted / sum;
        return max + T.Log(sum);
    }
}

/// <summary>The per-component numbers of a <see cref="HeavyTailedMixture"/>, as host arrays or device views.</summary>
public interface ITailComponents<T> where T : unmanaged
{
    int Count { get; }
    int Kind(int k);
    T Offset(int k);
    T Mean(int k);
    T InvScale(int k);
    T Exponent(int k);
    T InvSqrtNu(int k);
}

/// <summary>Components in host arrays (double).</summary>
public readonly struct TailArrays(int[] kinds, double[] offsets, double[] means, double[] invScales, double[] exponents, double[] invSqrtNus)
    : ITailComponents<double>
{
    public int Count => kinds.Length;
    public int Kind(int k) => kinds[k];
    public double Offset(int k) => offsets[k];
    public double Mean(int k) => means[k];
    public double InvScale(int k) => invScales[k];
    public double Exponent(int k) => exponents[k];
    public double InvSqrtNu(int k) => invSqrtNus[k];
}
