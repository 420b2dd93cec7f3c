using KlGpu.Engine;
using KlGpu.Families;
using KlGpu.Kernels;
using KlGpu.Numerics;

namespace KlGpu.Landscape;

/// <summary>One parameter of a K-component mixture: weight k, mean k or std k (k from 1 as the user writes it).</summary>
public sealed record MixtureParameterName(int Kind, int Component)
{
    static readonly string[] Words = ["weight", "mean", "std"];

    public string Name => Words[Kind] + (Component + 1);

    /// <summary>The kernels' code of this parameter in a mixture of <paramref name="count"/> components.</summary>
    public int Code(int count) => MixtureParameter.Code(Kind, Component, count);

    public double ValueIn(GaussianMixture q) => Kind switch
    {
        MixtureParameter.Weight => q.Weights[Component],
        MixtureParameter.Mean => q.Means[Component],
        _ => q.Stds[Component],
    };

    /// <summary>Every name a mixture of <paramref name="count"/> components has, in order.</summary>
    public static IEnumerable<MixtureParameterName> All(int count) =>
        from kind in Enumerable.Range(0, Words.Length) from k in Enumerable.Range(0, count) select new MixtureParameterName(kind, k);

    public static MixtureParameterName? TryParse(string text, int count) =>
        All(count).FirstOrDefault(p => string.Equals(p.Name, text.Trim(), StringComparison.OrdinalIgnoreCase));

    public override string ToString() => Name;
}

/// <summary>A slice axis: which parameter varies, over which values.</summary>
public sealed record SliceAxis(MixtureParameterName Parameter, GridAxis Axis);

/// <summary>
/// A 2-D slice of the K-component mixture family: q with two named parameters replaced by the grid's (x, y).
/// A varied weight takes its value and the other weights share the rest in their proportions in q. Every point's q is
/// integrated on the f-divergence panels, the KLs included, since a q that changes per point has no prepared plan.
/// </summary>
public sealed record MixtureSlice(GaussianMixture Q, SliceAxis X, SliceAxis Y) : ThetaSlice
{
    /// <summary>Grid points per run: a slice is computed whole (a mixture q per point has no tiled kernel of its own).</summary>
    public const long MaxPoints = 1L << 22;

    public override ThetaFamily Family => new MixtureFamily(Q.Count);

    public override SlicePlane Plane =>
        new(X.Parameter.Name, X.Axis, Y.Parameter.Name, Y.Axis, (X.Parameter.ValueIn(Q), Y.Parameter.ValueIn(Q)), Q.ToString());

    internal override double[] Values(KlEngine engine, GaussianMixture p, Divergence divergence) => engine.MixtureSlice(p, this, divergence);

    /// <summary>+∞ is a true value of some divergences; NaN or −∞ would be a failure.</summary>
    internal override void Admit(Divergence divergence, double value, int i, int j)
    {
        if (double.IsNaN(value) || double.IsNegativeInfinity(value))
            throw new InvalidOperationException($"{divergence.Name()} is {value} at {X.Parameter.Name} = {X.Axis.At(i):R}, {Y.Parameter.Name} = {Y.Axis.At(j):R}; no files were written");
    }

    /// <summary>The mixture at one grid point, as the kernels build it (for tests and figures).</summary>
    public GaussianMixture At(double x, double y)
    {
        int k = Q.Count;
        double[] w = [.. Q.Weights], m = [.. Q.Means], s = [.. Q.Stds];
        double fixedSum = 0, freeSum = 0;
        var varied = new bool[k];
        foreach (var (p, v) in new[] { (X.Parameter, x), (Y.Parameter, y) })
        {
            if (p.Kind == MixtureParameter.Weight) { w[p.Component] = v; varied[p.Component] = true; fixedSum += v; }
            else if (p.Kind == MixtureParameter.Mean) m[p.Component] = v;
            else s[p.Component] = v;
        }
        for (int j = 0; j < k; j++) if (!varied[j]) freeSum += Q.Weights[j];
        for (int j = 0; j < k; j++) if (!varied[j]) w[j] = Q.Weights[j] * (1 - fixedSum) / freeSum;
        return new GaussianMixture(w, m, s);
    }
}
