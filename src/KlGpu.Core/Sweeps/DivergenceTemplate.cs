using System.Globalization;
using System.Text.RegularExpressions;
using KlGpu.Landscape;
using KlGpu.Specs;

namespace KlGpu.Sweeps;

/// <summary>
/// The divergence a sweep minimizes: one name (<c>reverse</c>), or an order family with the swept placeholder as its
/// order (<c>alpha:{a}</c>, <c>renyi:{a}</c>), so a sweep can run from reverse KL (α = 0) to forward KL (α = 1)
/// on one target.
/// </summary>
public sealed partial class DivergenceTemplate
{
    public string Text { get; }
    /// <summary>The placeholder in the order, or null for a fixed divergence.</summary>
    public string? Placeholder { get; }
    /// <summary>The divergence when nothing is swept in it.</summary>
    public Divergence? Fixed { get; }
    readonly DivergenceKind kind;

    [GeneratedRegex(@"^(alpha|renyi)\s*:\s*\{([A-Za-z_][A-Za-z0-9_]*)\}$", RegexOptions.IgnoreCase)]
    private static partial Regex Ordered();

    public DivergenceTemplate(string? text)
    {
        Text = (text ?? "").Trim();
        if (Ordered().Match(Text) is { Success: true } m)
        {
            kind = m.Groups[1].Value.Equals("alpha", StringComparison.OrdinalIgnoreCase) ? DivergenceKind.Alpha : DivergenceKind.Renyi;
            Placeholder = m.Groups[2].Value;
            return;
        }
        if (Text.Contains('{'))
            throw new UsageException($"--divergence: only an order may be swept, as alpha:{{a}} or renyi:{{a}}; got {SpecText.Quote(Text)}");
        Fixed = BasinsSpec.Divergence(Text, "--divergence");
        kind = Fixed.Kind;
    }

    /// <summary>Across u of a d-dimensional target only the KLs split into a sum over coordinates.</summary>
    public void CheckTarget(Numerics.Target target, string what)
    {
        if (target.Dimension > 1 && Fixed?.AsKl is null)
            throw new UsageException($"--divergence: {what} is {target.Dimension}-dimensional; it takes forward or reverse, and {Text} does not split across u");
    }

    /// <summary>The divergence at <paramref name="name"/> = <paramref name="value"/>; an order outside its domain says which value.</summary>
    public Divergence At(string name, double value)
    {
        if (Fixed is not null) return Fixed;
        if (name != Placeholder) throw new UsageException($"--divergence: placeholder {{{Placeholder}}} is not given in --param (it sets {name})");
        if (kind == DivergenceKind.Renyi && !(value > 0))
            throw new UsageException($"--divergence at {name} = {value.ToString("R", CultureInfo.InvariantCulture)}: the Rényi order must be > 0");
        return new Divergence(kind, value);
    }

    /// <summary>Titles and axis labels: the divergence, or its family with the order left as α.</summary>
    public string Label() => Fixed?.Label() ?? (kind == DivergenceKind.Alpha ? "D_α(p || q)" : "D_α^Rényi(p || q)");

    /// <summary>" nats" where every member is measured in nats.</summary>
    public string Unit => Fixed?.Unit ?? (kind == DivergenceKind.Renyi ? " nats" : "");

    public static implicit operator DivergenceTemplate(Divergence d) => new(d.Name());

    public override string ToString() => Text;
}
