using KlGpu.Landscape;
using KlGpu.Sweeps;

namespace KlGpu.Specs;

/// <summary>The swept parameter: <c>NAME=MIN:MAX:N</c>, whose NAME must be the template's placeholder.</summary>
public static class SweepSpec
{
    public static (string Name, GridAxis Values) Param(string? text, TargetTemplate template)
    {
        string t = (text ?? "").Trim();
        int eq = t.IndexOf('=');
        if (eq <= 0) throw new UsageException($"--param: expected NAME=MIN:MAX:N (e.g. d=0:8:161), got {(t.Length == 0 ? "(empty)" : SpecText.Quote(t))}");
        string name = t[..eq].Trim();
        if (!template.Placeholders.Contains(name))
            throw new UsageException($"--param: the template has no placeholder {{{name}}} (it has {string.Join(", ", template.Placeholders.Select(p => "{" + p + "}"))})");
        var missing = template.Placeholders.Where(p => p != name).ToList();
        if (missing.Count > 0)
            throw new UsageException($"--target-template: placeholder {{{missing[0]}}} is not given in --param (only one parameter is swept at a time)");
        return (name, RangeSpec.ParseAxis(t[(eq + 1)..], "--param"));
    }
}
