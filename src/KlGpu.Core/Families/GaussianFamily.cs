using System.Globalization;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Families;

/// <summary>q = N(μ, σ). Against a Gaussian mixture every divergence; against Student-t or Laplace terms the two KLs.</summary>
public record GaussianFamily : LocationScaleFamily
{
    public override string Name => "gaussian";
    public override string Describe => "N(μ, σ)";
    public override double LogDensity(double x, double mu, double sigma) => Normal.LogPdf(x, mu, sigma);

    public override void CheckMap(Target p, IEnumerable<Divergence> divergences) => RequireKlAgainstHeavyTails(p, divergences);

    public override void CheckRestarts(Target p, Divergence divergence, bool paths)
    {
        CheckMap(p, [divergence]);
        if (p is not HeavyTailedTarget { Mixture: var heavy }) return;
        if (divergence.AsKl == Divergence.Forward && !heavy.HasFiniteVariance)
            throw new UnsupportedFitException(FitPart.Divergence, "forward KL(p||q) is +∞ for every Gaussian q here, since p has a Student-t "
                + "component with ν ≤ 2 and so an infinite variance; there are no basins to find (reverse KL has them)");
        if (paths)
            throw new UnsupportedFitException(FitPart.Paths,
                "restarts against a target with Student-t or Laplace components record no paths");
    }

    internal override FitObjective Objective(KlEngine engine, Target p, Divergence divergence) =>
        p is HeavyTailedTarget heavy ? engine.Objective(heavy.Mixture, divergence) : engine.Objective(p.Marginal, divergence);

    /// <summary>Against a Gaussian mixture the f-divergences and the KSD have kernels of their own beside the KL map.</summary>
    internal override void Landscape(KlEngine engine, Target p, GridAxis mu, GridAxis sigma, IReadOnlyCollection<Divergence> divergences,
        Action<LandscapeTile> onTile, CancellationToken cancel, IReadOnlyList<int>? rows = null)
    {
        if (p is not HeavyTailedTarget) engine.GaussianLandscape(p.Marginal, mu, sigma, divergences, onTile, cancel, rows);
        else base.Landscape(engine, p, mu, sigma, divergences, onTile, cancel, rows);
    }
}

/// <summary>q = N(μ, σ) with σ fixed: a line of μ instead of a plane, for a 1-D target.</summary>
public sealed record FixedSigmaFamily(double Sigma) : GaussianFamily
{
    public override string Name => "gaussian-fixed-sigma:" + Sigma.ToString("R", CultureInfo.InvariantCulture);
    public override string Describe => FormattableString.Invariant($"N(μ, {Sigma:G6}) with σ fixed");
    public override double? FixedScale => Sigma;

    public override void CheckMap(Target p, IEnumerable<Divergence> divergences)
    {
        if (p.Dimension > 1)
            throw new UnsupportedFitException(FitPart.Target, $"{Name} fits a 1-D Gaussian; {p} is {p.Dimension}-dimensional (the gaussian family fits it)");
        base.CheckMap(p, divergences);
    }
}
