using KlGpu.Families;
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

    /// <summary>Reads <c>gaussian</c>, <c>gaussian-fixed-sigma:S</c>, <c>mixture:K</c>, <c>flow:K</c> or <c>student:NU</c>; <paramref name="what"/>
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
        const string flow = "flow:";
        if (t.StartsWith(flow, StringComparison.OrdinalIgnoreCase))
        {
            double k = SpecText.ParseNumber(t[flow.Length..], what, "the number of layers");
            if (k != Math.Floor(k) || k < 0 || k > SinhArcsinhFlow.MaxLayers)
                throw new UsageException($"{what}: flow:K needs K a whole number from 0 to {SinhArcsinhFlow.MaxLayers}, got {SpecText.Show(k)}");
            return new FlowFamily((int)k);
        }
        throw new UsageException($"{what}: unknown family {(t.Length == 0 ? "(empty)" : SpecText.Quote(t))} (valid: gaussian, gaussian-fixed-sigma:S, mixture:K, flow:K)");
    }

    /// <summary>Where p has Student-t or Laplace terms only the two KLs have kernels.</summary>
    protected static void RequireKlAgainstHeavyTails(Target p, IEnumerable<Divergence> divergences)
    {
        if (p is not HeavyTailedTarget) return;
        foreach (var d in divergences)
            if (d.AsKl is null)
                throw new UnsupportedFitException(FitPart.Divergence,
                    $"{d.Name()} is not available for a target with Student-t or Laplace components (use forward, reverse)");
    }
}

/// <summary>A q with one location and one scale, fitted in (μ, log scale) by the one restart kernel.</summary>
public abstract record LocationScaleFamily : FitFamily
{
    /// <summary>log q(x) for the member at (μ, scale), for figures.</summary>
    public abstract double LogDensity(double x, double mu, double scale);

    /// <summary>q's symbol in a label, as in <c>N(μ, σ)</c>.</summary>
    public virtual string Symbol => "N";

    /// <summary>The restart and gradient objective of this family against <paramref name="p"/>, prepared by the engine.</summary>
    internal abstract FitObjective Objective(KlEngine engine, Target p, Divergence divergence);

    /// <summary>The (μ, scale) map of each divergence, tile by tile: by default the two KLs of the family's objective, by the
    /// one map kernel (forward KL reads what the forward objective carries, p's moments or entropy).</summary>
    internal virtual void Landscape(KlEngine engine, Target p, GridAxis mu, GridAxis scale, IReadOnlyCollection<Divergence> divergences,
        Action<LandscapeTile> onTile, CancellationToken cancel, IReadOnlyList<int>? rows = null)
    {
        bool forward = divergences.Any(d => d.AsKl == Divergence.Forward);
        engine.KlMap(Objective(engine, p, forward ? Divergence.Forward : Divergence.Reverse), mu, scale, divergences, onTile, cancel, rows);
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
