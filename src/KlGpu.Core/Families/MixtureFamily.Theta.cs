using System.Globalization;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Families;

/// <summary>A mixture q's θ: K logits, K means, K log stds; its points are canonical mixtures (components by mean), so the K!
/// orderings of one q are one point.</summary>
public sealed partial record MixtureFamily
{
    /// <summary>Logits start uniform in ±this: weights within a factor e² of each other.</summary>
    public const double LogitRange = 1;

    /// <summary>Polished points closer than this (canonical weights, means, log stds) are one optimum.</summary>
    public const double MergeRadius = 1e-6;

    public override int ParameterCount => MixtureFit.ParametersPerComponent * Components;

    public override IReadOnlyList<string> ParameterNames =>
        [.. new[] { "logit", "mean", "log_std" }.SelectMany(name => Enumerable.Range(1, Components).Select(j => $"{name}{j}"))];

    public override string ParameterNote => "(logits, means, log stds)";

    /// <summary>Logits uniform in ±<see cref="LogitRange"/>, means uniform in the mean range, stds log-uniform in the std range.</summary>
    public override double Start(int j, double u, double meanMin, double meanMax, double stdMin, double stdMax) =>
        j < Components ? LogitRange * (2 * u - 1)
        : j < 2 * Components ? meanMin + u * (meanMax - meanMin)
        : Math.Log(stdMin) + u * (Math.Log(stdMax) - Math.Log(stdMin));

    internal override ThetaObjective Objective(LogMixturePlan plan, Divergence divergence) =>
        new MixtureThetaObjective(plan, divergence.Integrand, divergence.Order, Components);

    /// <summary>The canonical mixture of an end point; a weight that underflowed is kept at the smallest positive double, so the
    /// collapse is still seen.</summary>
    public override GaussianMixture? EndPoint(double[] theta, double value)
    {
        double top = theta.Take(Components).Max();
        return MixturePolish.Canonical(MixtureFit.Mixture(theta.Select((v, j) => j < Components ? Math.Max(v, top - 700) : v).ToArray()));
    }

    public override double Distance(GaussianMixture a, GaussianMixture b) => MixturePolish.Distance(a, b);

    public override Func<GaussianMixture, ThetaStationary<GaussianMixture>> Polish(GaussianMixture p, Divergence divergence) =>
        new MixturePolish(p, divergence.Integrand, divergence.Order).Polish;

    /// <summary>Within <see cref="MergeRadius"/>; or, where the landscape is so flat near a collapse that polish leaves points 1e-4
    /// apart, within 1e-2 and equal in value to 1e-12 (mirror twins, equal in value, are much farther apart).</summary>
    public override bool Same(ThetaStationary<GaussianMixture> a, ThetaStationary<GaussianMixture> b)
    {
        double d = MixturePolish.Distance(a.Q, b.Q);
        return d < MergeRadius || (d < 1e-2 && Math.Abs(a.Value - b.Value) <= 1e-12 * Math.Max(1, Math.Abs(a.Value)));
    }

    public override double Location(GaussianMixture q) => q.Means[0];

    /// <summary>A minimum by its Hessian, polished or not: the sweep's continuation starts from each.</summary>
    public override bool IsMinimum(ThetaBasin<GaussianMixture> b) => b.Kind == ThetaKind.Minimum;

    public override IEnumerable<string> Findings(IReadOnlyList<ThetaBasin<GaussianMixture>> basins, int minima)
    {
        int degenerate = basins.Count(b => b.Kind == ThetaKind.Degenerate), saddles = basins.Count(b => b.Kind == ThetaKind.Saddle);
        yield return $"{minima} {(minima == 1 ? "minimum" : "minima")}";
        if (degenerate > 0) yield return $"{degenerate} degenerate {(degenerate == 1 ? "optimum" : "optima")} (q collapsed to fewer components)";
        if (saddles > 0) yield return $"{saddles} saddle {(saddles == 1 ? "point" : "points")}";
    }

    public override double Density(GaussianMixture q, double x) => Math.Exp(q.LogDensity(x));

    public override IEnumerable<double> Extent(GaussianMixture q) =>
        Enumerable.Range(0, q.Count).SelectMany(k => new[] { q.Means[k] - 3 * q.Stds[k], q.Means[k] + 3 * q.Stds[k] });

    public override string Legend(ThetaBasin<GaussianMixture> b) => string.Create(CultureInfo.InvariantCulture,
        $"B{b.Id}{(b.Kind == ThetaKind.Degenerate ? " (degenerate)" : "")}: {b.Q.Count} comp., value {b.Value:G4}, {b.Fraction:0.0%}");

    public override string FigureNoun => $"a {Components}-component mixture";

    public override string Numbers(GaussianMixture q) => $"w ({List(q.Weights, "G6")}) μ ({List(q.Means, "G6")}) σ ({List(q.Stds, "G6")})";

    public override object Json(ThetaBasin<GaussianMixture> b) => new
    {
        b.Id,
        Kind = b.Kind.ToString().ToLowerInvariant(),
        Weights = b.Q.Weights,
        Means = b.Q.Means,
        Stds = b.Q.Stds,
        b.Value,
        b.Fraction,
        b.Count,
        b.HessianEigenvalues,
        b.GradientNorm,
        b.Polished,
    };

    public override string TableHeader(string valueLabel) =>
        $"{"basin",5}  {"kind",-10}  {valueLabel,14}  {"restarts",8}  {"fraction",8}  {"weights",-22}  {"means",-24}  {"stds",-22}";

    public override string TableRow(ThetaBasin<GaussianMixture> b) => string.Create(CultureInfo.InvariantCulture,
        $"{"B" + b.Id,5}  {b.Kind.ToString().ToLowerInvariant(),-10}  {b.Value,14:G10}  {b.Count,8:N0}  {b.Fraction,8:P1}  {List(b.Q.Weights, "F6"),-22}  {List(b.Q.Means, "F6"),-24}  {List(b.Q.Stds, "F6"),-22}{(b.Polished ? "" : "  (not polished)")}");

    /// <summary>Numbers for a table, with no "-0.000000".</summary>
    internal static string List(double[] v, string format) =>
        string.Join(", ", v.Select(x => (Math.Abs(x) < 5e-7 ? 0 : x).ToString(format, CultureInfo.InvariantCulture)));
}
