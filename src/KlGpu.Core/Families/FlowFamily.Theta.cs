using System.Globalization;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Families;

/// <summary>A flow q's θ: μ, log σ, then α, β, ε, γ per layer; its points are θ itself, compared as laws (<see cref="FlowPolish.Distance"/>),
/// so every reparameterization of one q is one point.</summary>
public sealed partial record FlowFamily
{
    /// <summary>Layer parameters start uniform in ±these: α and β in ±1, ε and γ in ±½, around the identity layer.</summary>
    public const double ShiftRange = 1, LogScaleRange = 1, SkewRange = 0.5, LogTailRange = 0.5;

    /// <summary>Polished points closer than this as laws (in z) are one optimum.</summary>
    public const double MergeRadius = 1e-5;

    public override int ParameterCount => SinhArcsinhFlow.Parameters(Layers);

    /// <summary>mu, log_sigma, then alpha1, beta1, epsilon1, gamma1, ….</summary>
    public override IReadOnlyList<string> ParameterNames =>
        [.. new[] { "mu", "log_sigma" }, .. Enumerable.Range(1, Layers).SelectMany(k => new[] { $"alpha{k}", $"beta{k}", $"epsilon{k}", $"gamma{k}" })];

    public override string ParameterNote => "(θ = μ, log σ, then α, β, ε, γ per layer)";

    /// <summary>μ uniform in the mean range, σ log-uniform in the std range, each layer's α, β, ε, γ uniform in its range, so
    /// flow:0 starts where the same seed's mixture:1 would.</summary>
    public override double Start(int j, double u, double meanMin, double meanMax, double stdMin, double stdMax) =>
        j == 0 ? meanMin + u * (meanMax - meanMin)
        : j == 1 ? Math.Log(stdMin) + u * (Math.Log(stdMax) - Math.Log(stdMin))
        : ((double[])[ShiftRange, LogScaleRange, SkewRange, LogTailRange])[(j - 2) % SinhArcsinhFlow.ParametersPerLayer] * (2 * u - 1);

    internal override ThetaObjective Objective(LogMixturePlan plan, Divergence divergence) => new FlowThetaObjective(plan, divergence.Integrand, Layers);

    public override double[]? EndPoint(double[] theta, double value) => double.IsFinite(value) ? theta : null;

    public override double Distance(double[] a, double[] b) => FlowPolish.Distance(a, b);

    public override Func<double[], ThetaStationary<double[]>> Polish(GaussianMixture p, Divergence divergence) =>
        new FlowPolish(p, divergence.Integrand).Polish;

    public override bool Same(ThetaStationary<double[]> a, ThetaStationary<double[]> b) => FlowPolish.Distance(a.Q, b.Q) < MergeRadius;

    public override double Location(double[] theta) => SinhArcsinhFlow.Map(theta, 0);

    public override IEnumerable<string> Findings(IReadOnlyList<ThetaBasin<double[]>> basins, int minima)
    {
        int saddles = basins.Count(b => b.Polished && b.Kind == ThetaKind.Saddle), open = basins.Count(b => !b.Polished);
        yield return $"{minima} {(minima == 1 ? "minimum" : "minima")}";
        if (saddles > 0) yield return $"{saddles} saddle {(saddles == 1 ? "point" : "points")}";
        if (open > 0)
            yield return $"{open} {(open == 1 ? "end point" : "end points")} with no zero gradient near (an optimum at infinity in θ, or more steps needed)";
    }

    public override double Density(double[] theta, double x) => Math.Exp(SinhArcsinhFlow.LogDensity(theta, x)) is var v && double.IsFinite(v) ? v : 0;

    public override IEnumerable<double> Extent(double[] theta) => [SinhArcsinhFlow.Map(theta, -3), SinhArcsinhFlow.Map(theta, 3)];

    public override string Legend(ThetaBasin<double[]> b) => string.Create(CultureInfo.InvariantCulture,
        $"B{b.Id}: value {b.Value:G4}, {b.Fraction:0.0%}{(b.Polished ? "" : " (not polished)")}");

    public override string FigureNoun => $"a flow of {Layers} sinh–arcsinh {(Layers == 1 ? "layer" : "layers")}";

    /// <summary>x = T(z) at z = −1, 0, 1: the quantiles of q at Φ(−1), ½, Φ(1), whatever θ stands for q.</summary>
    public static double[] Quantiles(double[] theta) => [SinhArcsinhFlow.Map(theta, -1), SinhArcsinhFlow.Map(theta, 0), SinhArcsinhFlow.Map(theta, 1)];

    public override bool ListsParameters => true;

    public override string Numbers(double[] theta) => $"θ ({MixtureFamily.List(theta, "G6")})";

    public override object Json(ThetaBasin<double[]> b) => new
    {
        b.Id,
        Kind = b.Kind.ToString().ToLowerInvariant(),
        Theta = b.Q,
        Quantiles = Quantiles(b.Q),
        b.Value,
        b.Fraction,
        b.Count,
        b.HessianEigenvalues,
        b.FlatDirections,
        b.GradientNorm,
        b.Polished,
    };

    public override string? TableNote =>
        "basins are merged by q itself (T_b⁻¹∘T_a against the identity), so θ that describe one q are one basin; T(−1), T(0), T(1) are q's quantiles at 15.9%, 50%, 84.1%";

    public override string TableHeader(string valueLabel) =>
        $"{"basin",5}  {"kind",-8}  {valueLabel,14}  {"restarts",8}  {"fraction",8}  {"T(−1), T(0), T(1)",-32}  {"flat",4}  θ";

    public override string TableRow(ThetaBasin<double[]> b) => string.Create(CultureInfo.InvariantCulture,
        $"{"B" + b.Id,5}  {(b.Polished ? b.Kind.ToString().ToLowerInvariant() : "-"),-8}  {b.Value,14:G10}  {b.Count,8:N0}  {b.Fraction,8:P1}  {MixtureFamily.List(Quantiles(b.Q), "F6"),-32}  {b.FlatDirections,4}  {MixtureFamily.List(b.Q, "F4")}{(b.Polished ? "" : "  (not polished)")}");
}
