using Xunit;
using System.Globalization;

namespace KlGpu.Tests.Specs;

/// <summary>
/// Runs code under a culture that writes numbers as de-DE does (1.234,5). The projects build
/// with InvariantGlobalization, where "de-DE" carries no German data (or cannot be created),
/// so the culture is the invariant one with German separators: what matters to a parser.
/// </summary>
public sealed class CommaCulture : IDisposable
{
    readonly CultureInfo previous = CultureInfo.CurrentCulture;

    public CommaCulture()
    {
        var german = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        german.NumberFormat.NumberDecimalSeparator = ",";
        german.NumberFormat.NumberGroupSeparator = ".";
        CultureInfo.CurrentCulture = german;
        Assert.Equal("2,5", 2.5.ToString(CultureInfo.CurrentCulture));
    }

    public void Dispose() => CultureInfo.CurrentCulture = previous;
}
