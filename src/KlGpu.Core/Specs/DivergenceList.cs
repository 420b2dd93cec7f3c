using KlGpu.Landscape;

namespace KlGpu.Specs;

/// <summary>
/// A comma-separated list of divergence names (<c>forward,reverse</c>), case-insensitive,
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
            Divergence d = Choice.Parse<Divergence>(name, what, DivergenceNames.Name, "divergence");
            if (!result.Contains(d)) result.Add(d);
        }
        if (result.Count == 0)
            throw new UsageException($"{what}: name at least one divergence ({Choice.ValidList<Divergence>(DivergenceNames.Name)})");
        return result;
    }
}
