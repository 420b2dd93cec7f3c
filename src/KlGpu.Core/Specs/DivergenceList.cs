using KlGpu.Landscape;

namespace KlGpu.Specs;

/// <summary>
/// A comma-separated list of divergence names (<c>forward,js,alpha:0.5</c>), case-insensitive,
/// duplicates removed with the first mention's order kept.
/// </summary>
public static class DivergenceList
{
    public static IReadOnlyList<Divergence> Parse(string? text, string what = "--divergence")
    {
        var result = new List<Divergence>();
        foreach (string raw in (text ?? "").Split(','))
        {
            string name = raw.Trim();
            if (name.Length == 0) continue;
            Divergence d = Divergence.TryParse(name)
                ?? throw new UsageException($"{what}: unknown divergence {SpecText.Quote(name)} (valid: {Divergence.ValidNames})");
            if (!result.Contains(d)) result.Add(d);
        }
        if (result.Count == 0)
            throw new UsageException($"{what}: name at least one divergence (valid: {Divergence.ValidNames})");
        return result;
    }

    /// <summary>For commands whose q is not a single Gaussian, or that need a pointwise integrand: KSD has neither.</summary>
    public static void RefuseKsd(IEnumerable<Divergence> divergences, string command, string what = "--divergence")
    {
        foreach (var d in divergences)
            if (d.Kind == DivergenceKind.Ksd)
                throw new UsageException($"{what}: {d.Name()} is not available for {command} (KSD maps a Gaussian q only, from eval and landscape)");
    }
}
