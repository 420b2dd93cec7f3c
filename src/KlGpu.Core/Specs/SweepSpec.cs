using KlGpu.Landscape;
using KlGpu.Sweeps;

namespace KlGpu.Specs;

/// <summary>The swept parameter: <c>NAME=MIN:MAX:N</c>, whose NAME must be the one placeholder of the target template
/// or of the divergence's order. Messages start with the option the CLI names for each: <c>what</c> for the parameter,
/// <c>templateWhat</c> and <c>divergenceWhat</c> for the other two.</summary>
public static class SweepSpec
{
    public static (string Name, GridAxis Values) Param(string? text, TargetTemplate template, DivergenceTemplate divergence,
        string what, string templateWhat, string divergenceWhat)
    {
        string t = (text ?? "").Trim();
        int eq = t.IndexOf('=');
        if (eq <= 0) throw new UsageException($"{what}: expected NAME=MIN:MAX:N (e.g. d=0:8:161), got {(t.Length == 0 ? "(empty)" : SpecText.Quote(t))}");
        string name = t[..eq].Trim();
        var placeholders = template.Placeholders.Concat(divergence.Placeholder is { } o ? [o] : Array.Empty<string>()).Distinct().ToList();
        if (placeholders.Count == 0)
            throw new UsageException($"{templateWhat}: no {{name}} placeholder in {SpecText.Quote(template.Text)}, and none in {divergenceWhat} (e.g. alpha:{{a}})");
        if (!placeholders.Contains(name))
            throw new UsageException($"{what}: no placeholder {{{name}}} in the template or the divergence (they have {string.Join(", ", placeholders.Select(p => "{" + p + "}"))})");
        var missing = placeholders.Where(p => p != name).ToList();
        if (missing.Count > 0)
            throw new UsageException($"{(template.Placeholders.Contains(missing[0]) ? templateWhat : divergenceWhat)}: placeholder {{{missing[0]}}} is not given in {what} (only one parameter is swept at a time)");
        return (name, RangeSpec.ParseAxis(t[(eq + 1)..], what));
    }
}
