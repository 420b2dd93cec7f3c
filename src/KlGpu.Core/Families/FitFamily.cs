using KlGpu.Families;
using System.Globalization;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Specs;

namespace KlGpu.Families;

/// <summary>
/// The model q being fitted, one type per family. A family says which targets and divergences it fits (refused once, before
/// any work, by <see cref="CheckMap"/> and <see cref="CheckRestarts"/>) and how it is written. The families with one location
/// and one scale (<see cref="LocationScaleFamily"/>) also give the engine their objective and landscape, so the one restart
/// kernel, the gradient, the polish and the map serve them all.
/// </summary>
public abstract record FitFamily
{
    /// <summary>The most components a mixture q may have.</summary>
    public const int MaxComponents = 8;

    public static GaussianFamily Gaussian { get; } = new();

    /// <summary>q = t_ν(μ, s) with ν fixed.</summary>
    public static StudentFamily Student(double nu) => new(nu);

    /// <summary>The user's name, which <see cref="Parse"/> reads back exactly.</summary>
    public abstract string Name { get; }

    /// <summary>q as a report writes it, e.g. <c>N(μ, σ)</c>.</summary>
    public abstract string Describe { get; }

    /// <summary>The name of q's second coordinate in tables and figures.</summary>
    public virtual string ScaleName => "σ";

    /// <summary>The scale held fixed during descent, or null when it is free.</summary>
    public virtual double? FixedScale => null;

    /// <summary>q as a figure's title names it; null for the Gaussian, whose figures also mark moment matching.</summary>
    public virtual string? FigureTitle => null;

    /// <summary>Refuses a target or divergence whose value or map this family does not have.</summary>
    public virtual void CheckMap(Target p, IEnumerable<Divergence> divergences) { }

    /// <summary>Refuses restarts this family cannot run: <see cref="CheckMap"/>, plus what descent needs (a finite objective
    /// somewhere, and recorded paths where asked for).</summary>
    public virtual void CheckRestarts(Target p, Divergence divergence, bool paths) => CheckMap(p, [divergence]);

    /// <summary>Reads <c>gaussian</c>, <c>gaussian-fixed-sigma:S</c>, <c>mixture:K</c> or <c>student:NU</c>; <paramref name="what"/>
    /// names the text in a refusal.</summary>
    public static FitFamily Parse(string? text, string what)
    {
        string t = (text ?? "").Trim();
        if (t.Equals("gaussian", StringComparison.OrdinalIgnoreCase)) return Gaussian;
        if (StudentFamilySpec.Parse(t, what) is { } nu) return Student(nu);
        const string fixedSigma = "gaussian-fixed-sigma:";
        if (t.StartsWith(fixedSigma, StringComparison.OrdinalIgnoreCase))
        {
            double s = SpecText.ParseNumber(t[fixedSigma.Length..], what, "the fixed σ");
            if (!(s > 0)) throw new UsageException($"{what}: the fixed σ must be positive, got {SpecText.Show(s)}");
            return new FixedSigmaFamily(s);
        }
        const string mixture = "mixture:";
        if (t.StartsWith(mixture, StringComparison.OrdinalIgnoreCase))
        {
            double k = SpecText.ParseNumber(t[mixture.Length..], what, "the number of components");
            if (k != Math.Floor(k) || k < 1 || k > MaxComponents)
                throw new UsageException($"{what}: mixture:K needs K a whole number from 1 to {MaxComponents}, got {SpecText.Show(k)}");
            return k == 1 ? Gaussian : new MixtureFamily((int)k);
        }
        throw new UsageException($"{what}: unknown family {(t.Length == 0 ? "(empty)" : SpecText.Quote(t))} (valid: gaussian, gaussian-fixed-sigma:S, mixture:K)");
    }

    /// <summary>Where p has Student-t or Laplace terms only the two KLs have kernels.</summary>
    protected static void RequireKlAgainstHeavyTails(Target p, IEnumerable<Divergence> divergences)
    {
        if (p.HeavyTails is null) return;
        foreach (var d in divergences)
            if (d.AsKl is null)
                throw new UnsupportedFitException(FitPart.Divergence,
                    $"{d.Name()} is not available for a target with Student-t or Laplace components (use forward, reverse)");
    }
}

/// <summary>A q with one location and one scale, fitted in (μ, log scale) by the one restart kernel.</summary>
public abstract record LocationScaleFamily : FitFamily
{
    /// <summary>The restart and gradient objective of this family against <paramref name="p"/>, prepared by the engine.</summary>
    internal abstract FitObjective Objective(KlEngine engine, Target p, Divergence divergence);

    /// <summary>The (μ, scale) map of each divergence, tile by tile.</summary>
    internal abstract void Landscape(KlEngine engine, Target p, GridAxis mu, GridAxis scale, IReadOnlyCollection<Divergence> divergences,
        Action<LandscapeTile> onTile, CancellationToken cancel);
}

/// <summary>q = N(μ, σ). Against a Gaussian mixture every divergence; against Student-t or Laplace terms the two KLs.</summary>
public record GaussianFamily : LocationScaleFamily
{
    public override string Name => "gaussian";
    public override string Describe => "N(μ, σ)";

    public override void CheckMap(Target p, IEnumerable<Divergence> divergences) => RequireKlAgainstHeavyTails(p, divergences);

    public override void CheckRestarts(Target p, Divergence divergence, bool paths)
    {
        CheckMap(p, [divergence]);
        if (p.HeavyTails is not { } heavy) return;
        if (divergence.AsKl == Divergence.Forward && !heavy.HasFiniteVariance)
            throw new UnsupportedFitException(FitPart.Divergence, "forward KL(p||q) is +∞ for every Gaussian q here, since p has a Student-t "
                + "component with ν ≤ 2 and so an infinite variance; there are no basins to find (reverse KL has them)");
        if (paths)
            throw new UnsupportedFitException(FitPart.Paths,
                "restarts against a target with Student-t or Laplace components record no paths");
    }

    internal override FitObjective Objective(KlEngine engine, Target p, Divergence divergence) =>
        p.HeavyTails is { } heavy ? engine.Objective(heavy, divergence) : engine.Objective(p.Marginal, divergence);

    internal override void Landscape(KlEngine engine, Target p, GridAxis mu, GridAxis sigma, IReadOnlyCollection<Divergence> divergences,
        Action<LandscapeTile> onTile, CancellationToken cancel)
    {
        if (p.HeavyTails is { } heavy) engine.HeavyTailLandscape(heavy, mu, sigma, divergences, onTile, cancel);
        else engine.GaussianLandscape(p.Marginal, mu, sigma, divergences, onTile, cancel);
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

/// <summary>q = t_ν(μ, s) with ν fixed, for a 1-D target (a Gaussian one is read as Normal components): the two KLs.</summary>
public sealed record StudentFamily(double Nu) : LocationScaleFamily
{
    public override string Name => "student:" + Nu.ToString("R", CultureInfo.InvariantCulture);
    public override string Describe => FormattableString.Invariant($"t_ν(μ, s) with ν = {Nu:G6} fixed");
    public override string ScaleName => "s";
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

    internal override FitObjective Objective(KlEngine engine, Target p, Divergence divergence) => engine.StudentTObjective(p, Nu, divergence);

    internal override void Landscape(KlEngine engine, Target p, GridAxis mu, GridAxis scale, IReadOnlyCollection<Divergence> divergences,
        Action<LandscapeTile> onTile, CancellationToken cancel) => engine.StudentLandscape(p, Nu, mu, scale, divergences, onTile, cancel);
}

/// <summary>q a mixture of K Gaussians, fitted in its 3K − 1 free numbers by its own restarts (<see cref="Basins.MixtureBasinsJob"/>);
/// its maps are slices through two of them.</summary>
public sealed record MixtureFamily(int Components) : FitFamily
{
    public override string Name => $"mixture:{Components}";
    public override string Describe => $"a mixture of {Components} Gaussians";

    public override void CheckMap(Target p, IEnumerable<Divergence> divergences)
    {
        if (p.HeavyTails is not null)
            throw new UnsupportedFitException(FitPart.Family,
                $"a target with Student-t or Laplace components takes a single Gaussian or Student-t q, not a {Components}-component mixture");
        if (p.Dimension > 1)
            throw new UnsupportedFitException(FitPart.Family, $"{Name} fits a mixture of Gaussians to a 1-D Gaussian mixture; {p} is not one");
    }

    public override void CheckRestarts(Target p, Divergence divergence, bool paths)
    {
        CheckMap(p, [divergence]);
        if (divergence != Divergence.Forward && divergence != Divergence.Reverse)
            throw new UnsupportedFitException(FitPart.Divergence, $"restarts of a mixture q support forward and reverse; {divergence.Name()} is not available for a mixture q");
    }
}

/// <summary>Which part of a fit an <see cref="UnsupportedFitException"/> is about, so the CLI can name its option.</summary>
public enum FitPart { Target, Family, Divergence, Paths }

/// <summary>A combination of target, family and divergence that the mathematics or the tool does not support, said as the
/// concept; the CLI prefixes the option (exit code 2).</summary>
public sealed class UnsupportedFitException(FitPart part, string message) : Exception(message)
{
    public FitPart Part { get; } = part;
}
