using System.Globalization;
using KlGpu.Engine;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Families;

/// <summary>q = t_ν(μ, s) with ν fixed, for a 1-D target (a Gaussian one is read as Normal components): the two KLs.</summary>
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
        if (p.IsTwoModes)
            throw new UnsupportedFitException(FitPart.Family, $"a Student-t q takes a 1-D target; {p} is {p.Dimension}-dimensional");
        foreach (var d in divergences)
            if (d.AsKl is null)
                throw new UnsupportedFitException(FitPart.Divergence, $"{d.Name()} is not available for a Student-t q (use forward, reverse)");
    }

    public override void CheckRestarts(Target p, Divergence divergence, bool paths)
    {
        CheckMap(p, [divergence]);
        int growth = StudentQ.LogDensityGrowth(p.HeavyTails ?? HeavyTailedMixture.FromGaussian(p.Marginal));
        if (divergence.AsKl == Divergence.Reverse && !(Nu > growth))
            throw new UnsupportedFitException(FitPart.Divergence, string.Create(CultureInfo.InvariantCulture,
                $"reverse KL(q||p) is +∞ for every t_{Nu:G6} q here, since −log p grows like |x|^{growth} and q's tails carry it only for ν > {growth}; there are no basins to find (a larger ν, or forward KL, has them)"));
        if (paths)
            throw new UnsupportedFitException(FitPart.Paths, "restarts of a Student-t q record no paths");
    }

    internal override FitObjective Objective(KlEngine engine, Target p, Divergence divergence)
    {
        var (mixture, plan, moments) = engine.Tails(p);
        return new StudentObjective(plan, moments.Entropy, StudentQ.Shape(Nu, mixture), divergence.Mask());
    }

    /// <summary>The kernel struct <see cref="StudentFit{T, R}"/> in the backend's precision.</summary>
    sealed class StudentObjective(HeavyTailPlan plan, double entropy, StudentShape<double> shape, int divergence) : FitObjective
    {
        public override void On<T, R>(Backend<T, R> backend, IObjectiveUser<T> user) => user.Use(new StudentFit<T, R>
        {
            Target = backend.Upload(plan), Entropy = R.Of(entropy), Q = StudentQ.Convert<T, R>(shape), Divergence = divergence,
        });
    }
}
