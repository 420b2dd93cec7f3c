using KlGpu.Families;
using System.Globalization;
using KlGpu.Basins;
using KlGpu.Numerics;

namespace KlGpu.Specs;

/// <summary>The option values of `klgpu basins`, parsed with one-line messages that start with <c>what</c>, the option the CLI names.</summary>
public static class BasinsSpec
{
    /// <summary>More restarts than this would not fit in memory with their records (about 100 bytes each on host and device).</summary>
    public const int MaxRestarts = 50_000_000;

    /// <summary>A bound on recorded paths: trajectories × (steps + 1) points.</summary>
    public const long MaxTrajectoryPoints = 1L << 24;

    /// <summary><c>MIN:MAX</c> with MIN &lt; MAX, both finite; above 0 when <paramref name="positive"/>.</summary>
    public static (double Min, double Max) Interval(string? text, string what, bool positive = false)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new UsageException($"{what}: empty range; expected MIN:MAX, e.g. -6:6");
        string[] parts = text.Split(':');
        if (parts.Length != 2) throw new UsageException($"{what}: expected MIN:MAX (e.g. -6:6) but got {SpecText.Quote(text)}");
        double min = SpecText.ParseNumber(parts[0], what, "MIN"), max = SpecText.ParseNumber(parts[1], what, "MAX");
        if (!(min < max)) throw new UsageException($"{what}: empty or inverted range {SpecText.Quote(text)}; MIN must be below MAX");
        if (positive && min <= 0) throw new UsageException($"{what}: σ range must stay above 0, got MIN = {SpecText.Show(min)}");
        ParameterDomain.CheckMagnitude(min, what, "MIN");
        ParameterDomain.CheckMagnitude(max, what, "MAX");
        if (positive) ParameterDomain.CheckWidth(min, what, "MIN");
        return (min, max);
    }

    /// <summary><c>MU,SIGMA</c>: one start, both finite, SIGMA above 0.</summary>
    public static (double Mu, double Sigma) Point(string? text, string what)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new UsageException($"{what}: empty start; expected MU,SIGMA, e.g. 2.75,1");
        string[] parts = text.Split(',');
        if (parts.Length != 2) throw new UsageException($"{what}: expected MU,SIGMA (e.g. 2.75,1) but got {SpecText.Quote(text)}");
        double mu = SpecText.ParseNumber(parts[0], what, "MU"), sigma = SpecText.ParseNumber(parts[1], what, "SIGMA");
        if (!(sigma > 0)) throw new UsageException($"{what}: σ must be above 0, got SIGMA = {SpecText.Show(sigma)}");
        return (mu, sigma);
    }

    /// <summary>A finite number above 0.</summary>
    public static double Positive(string? text, string what)
    {
        double v = SpecText.ParseNumber(text ?? "", what, "the value");
        if (!(v > 0)) throw new UsageException($"{what}: must be a positive number, got {SpecText.Show(v)}");
        return v;
    }

    /// <summary>A whole number in [min, max].</summary>
    public static int Count(string? text, string what, int min, int max)
    {
        string t = (text ?? "").Trim();
        if (!long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
            throw new UsageException($"{what}: expected a whole number, got {(t.Length == 0 ? "(empty)" : SpecText.Quote(t))}");
        if (v < min) throw new UsageException($"{what}: must be at least {min}, got {v}");
        if (v > max) throw new UsageException($"{what}: at most {max.ToString("N0", CultureInfo.InvariantCulture)} is supported, got {v}");
        return (int)v;
    }

    /// <summary><c>random</c>, or <c>grid:NMUxNSIGMA</c> with NMU ≥ 2 (with σ fixed, NSIGMA must be 1 and may be left out: <c>grid:NMU</c>).</summary>
    public static (int GridMu, int GridSigma) Starts(string? text, FitFamily family, string what)
    {
        string t = (text ?? "").Trim();
        if (t.Equals("random", StringComparison.OrdinalIgnoreCase)) return (0, 0);
        const string prefix = "grid:";
        if (!t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"{what}: expected random or grid:NMUxNSIGMA (e.g. grid:64x48), got {(t.Length == 0 ? "(empty)" : SpecText.Quote(t))}");
        string[] parts = t[prefix.Length..].Split('x', 'X');
        if (parts.Length > 2) throw new UsageException($"{what}: expected grid:NMUxNSIGMA (e.g. grid:64x48), got {SpecText.Quote(t)}");
        int nMu = Count(parts[0], $"{what} (NMU)", 2, 100_000); // the basin map needs a range of μ
        int nSigma = parts.Length == 2 ? Count(parts[1], $"{what} (NSIGMA)", 1, 100_000) : family.FixedScale is not null ? 1
            : throw new UsageException($"{what}: a grid needs both sizes, grid:NMUxNSIGMA (e.g. grid:64x48), got {SpecText.Quote(t)}");
        if (family.FixedScale is not null && nSigma != 1) throw new UsageException($"{what}: σ is fixed, so the grid has one σ row: grid:{nMu}x1, not {SpecText.Quote(t)}");
        if ((long)nMu * nSigma > MaxRestarts) throw new UsageException($"{what}: a {nMu}x{nSigma} grid is more than {MaxRestarts:N0} restarts");
        return (nMu, nSigma);
    }

    public static Optimizer Optimizer(string? text, string what) => Choice.Parse<Optimizer>(text, what, o => o.ToString().ToLowerInvariant(), "optimizer");

    /// <summary>Exactly one divergence: a restart minimizes one objective. Every member of the f-divergence family has a gradient; KSD has not.</summary>
    public static Landscape.Divergence Divergence(string? text, string what)
    {
        var list = DivergenceList.Parse(text, what);
        if (list.Count != 1) throw new UsageException($"{what}: restarts minimize one divergence at a time; give one name, not {SpecText.Quote(text ?? "")}");
        if (list[0].Kind == Landscape.DivergenceKind.Ksd)
            throw new UsageException($"{what}: restarts need a gradient, and {list[0].Name()} has none yet (eval and landscape map it)");
        return list[0];
    }

    /// <summary>Across u of a d-dimensional target only the KLs split into a sum over coordinates (the other divergences
    /// of a product q do not), so there the KLs alone.</summary>
    public static Landscape.Divergence Across(Landscape.Divergence d, Target target, string what)
    {
        if (target.Dimension > 1 && d.AsKl is null)
            throw new UsageException($"{what}: a {target.Dimension}-dimensional target takes forward or reverse; {d.Name()} does not split across u");
        return d;
    }

    /// <summary>A seed is any whole number 0 … 2⁶⁴−1.</summary>
    public static ulong Seed(string? text, string what)
    {
        string t = (text ?? "").Trim();
        if (!ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v))
            throw new UsageException($"{what}: expected a whole number from 0 to 18446744073709551615, got {(t.Length == 0 ? "(empty)" : SpecText.Quote(t))}");
        return v;
    }

}
