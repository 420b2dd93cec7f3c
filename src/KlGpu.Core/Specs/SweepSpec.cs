using KlGpu.Landscape;
using KlGpu.Sweeps;

namespace KlGpu.Specs;

/// <summary>The swept parameter: <c>NAME=MIN:MAX:N</c>, whose NAME must be the one placeholder of the target template
/// or of the divergence's order.</summary>
public static class SweepSpec
{
    public static (string Name, GridAxis Values) Param(string? text, TargetTemplate template, DivergenceTemplate divergence)
    {
        string t = (text ?? "").Trim();
        int eq = t.IndexOf('=');
        if (eq <= 0) throw new UsageException($"--param: expected NAME=MIN:MAX:N (e.g. d=0:8:161), got {(t.Length == 0 ? "(empty)" : SpecText.Quote(t))}");
        string name = t[..eq].Trim();
        var placeholders = template.Placeholders.Concat(divergence.Placeholder is { } o ? [o] : Array.Empty<string>()).Distinct().ToList();
        if (placeholders.Count == 0)
            throw new UsageException($"--target-template: no {{name}} placeholder in {SpecText.Quote(template.Text)}, and none in --divergence (e.g. alpha:{{a}})");
        if (!placeholders.Contains(name))
            throw new UsageException($"--param: no placeholder {{{name}}} in the template or the divergence (they have {string.Join(", ", placeholders.Select(p => "{" + p + "}"))})");
        var missing = placeholders.Where(p => p != name).ToList();
        if (missing.Count > 0)
            throw new UsageException($"{(template.Placeholders.Contains(missing[0]) ? "--target-template" : "--divergence")}: placeholder {{{missing[0]}}} is not given in --param (only one parameter is swept at a time)");
        return (name, RangeSpec.ParseAxis(t[(eq + 1)..], "--param"));
    }
}
