using System.Globalization;
using KlGpu.Engine;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Families;

/// <summary>q = t_ν(μ, s) with ν fixed, for a 1-D target (a Gaussian one is read as Normal components): every divergence but
/// the KSD, except where the tails make it +∞ for every (μ, s) (<see cref="StudentQ.Unavailable"/>), refused with the reason.</summary>
public sealed record StudentFamily(double Nu) : LocationScaleFamily
{
    public override string Name => "student:" + Nu.ToString("R", CultureInfo.InvariantCulture);
    public override string Describe => FormattableString.Invariant($"t_ν(μ, s) with ν = {Nu:G6} fixed");
    public override string ScaleName => "s";
    public override string Symbol => FormattableString.Invariant($"t_{Nu:0.###}");

    public override double LogDensity(double x, double mu, double scale) =>
        new HeavyTailedMixture([1.0], [ComponentKind.StudentT], [Nu], [mu], [scale]).LogDensity(x);
    public override string FigureTitle => FormattableString.Invariant($"q = t_ν(μ, s), ν = {Nu:R}");

    public override void CheckMap(Target p, IEnumerable<Divergence> divergences)
    {
        if (!(Nu > 0) || !double.IsFinite(Nu))
            throw new UnsupportedFitException(FitPart.Family, $"student:NU needs ν > 0, got {Nu.ToString(CultureInfo.InvariantCulture)}");
        if (p.Dimension > 1)
            throw new UnsupportedFitException(FitPart.Family, $"a Student-t q takes a 1-D target; {p} is {p.Dimension}-dimensional");
        var tails = p.AsHeavyTailed;
        foreach (var d in divergences)
        {
            if (d.Kernel is not null)
                throw new UnsupportedFitException(FitPart.Divergence, $"{d.Name()} is not available for a Student-t q (it maps a Gaussian q only)");
            if (d.AsKl is null && StudentQ.Unavailable(d.Integrand, d.Order, Nu, tails) is { } why)
                throw new UnsupportedFitException(FitPart.Divergence, $"{d.Name()} is not available for this Student-t q: {why}");
        }
    }

    public override void CheckRestarts(Target p, Divergence divergence, bool paths)
    {
        CheckMap(p, [divergence]);
        int growth = StudentQ.LogDensityGrowth(p.AsHeavyTailed);
        if (divergence.AsKl == Divergence.Reverse && !(Nu > growth))
            throw new UnsupportedFitException(FitPart.Divergence, string.Create(CultureInfo.InvariantCulture,
                $"reverse KL(q||p) is +∞ for every t_{Nu:G6} q here, since −log p grows like |x|^{growth} and q's tails carry it only for ν > {growth}; there are no basins to find (a larger ν, or forward KL, has them)"));
        if (paths)
            throw new UnsupportedFitException(FitPart.Paths, "restarts of a Student-t q record no paths");
    }

    internal override FitObjective Objective(KlEngine engine, Target p, Divergence divergence)
    {
        var (mixture, plan, moments) = engine.Tails(p);
        var shape = divergence.AsKl is not null ? StudentQ.Shape(Nu, mixture) : StudentQ.Shape(Nu, mixture, divergence.Integrand, divergence.Order);
        return new StudentObjective(plan, moments.Entropy, shape, divergence.Integrand, divergence.Order);
    }

    /// <summary>The KLs by the one map kernel; any other divergence (a basins figure's) as the value of its objective at each
    /// point, tile by tile.</summary>
    internal override void Landscape(KlEngine engine, Target p, GridAxis mu, GridAxis scale, IReadOnlyCollection<Divergence> divergences,
        Action<LandscapeTile> onTile, CancellationToken cancel, IReadOnlyList<int>? rows = null)
    {
        if (divergences.All(d => d.AsKl is not null))
        {
            base.Landscape(engine, p, mu, scale, divergences, onTile, cancel, rows);
            return;
        }
        CheckMap(p, divergences);
        double[] muValues = mu.Values();
        var picked = rows ?? Enumerable.Range(0, scale.Count).ToList();
        int rowsPerTile = Math.Clamp(engine.TilePoints / muValues.Length, 1, Math.Max(1, picked.Count));
        for (int first = 0; first < picked.Count; first += rowsPerTile)
        {
            cancel.ThrowIfCancellationRequested();
            int count = Math.Min(rowsPerTile, picked.Count - first);
            double[] m = new double[count * muValues.Length], logScale = new double[m.Length];
            for (int r = 0; r < count; r++)
                for (int c = 0; c < muValues.Length; c++)
                {
                    m[r * muValues.Length + c] = muValues[c];
                    logScale[r * muValues.Length + c] = Math.Log(scale.At(picked[first + r]));
                }
            var values = divergences.ToDictionary(d => d, d => engine.Gradient(p, this, d, m, logScale).Value);
            onTile(new LandscapeTile(first, count, muValues.Length, values));
        }
    }

    /// <summary>The kernel struct <see cref="StudentFit{T, R}"/> in the backend's precision.</summary>
    sealed class StudentObjective(HeavyTailPlan plan, double entropy, StudentShape<double> shape, FIntegrand divergence, double order) : FitObjective
    {
        public override void On<T, R>(Backend<T, R> backend, IObjectiveUser<T> user) => user.Use(new StudentFit<T, R>
        {
            Target = backend.Upload(plan), Entropy = R.Of(entropy), Q = StudentQ.Convert<T, R>(shape), Divergence = divergence,
            Order = R.Of(order),
        });
    }
}
