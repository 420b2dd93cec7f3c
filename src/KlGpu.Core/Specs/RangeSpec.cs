using System.Globalization;
using KlGpu.Landscape;

namespace KlGpu.Specs;

/// <summary>
/// A grid axis as the user writes it: <c>MIN:MAX:N</c>, N ≥ 2 points with both ends included,
/// MIN &lt; MAX, finite numbers in invariant culture. σ ranges (<c>positive</c>) must stay above 0.
/// Every failure is a <see cref="UsageException"/> whose message starts with <c>what</c>.
/// </summary>
public static class RangeSpec
{
    public static (double Min, double Max, int Count) Parse(string? text, string what, bool positive = false)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new UsageException($"{what}: empty range; expected MIN:MAX:N, e.g. -4:4:512");
        string[] parts = text.Split(':');
        if (parts.Length != 3)
            throw new UsageException($"{what}: expected MIN:MAX:N (e.g. -4:4:512) but got {SpecText.Quote(text)}");

        double min = SpecText.ParseNumber(parts[0], what, "MIN");
        double max = SpecText.ParseNumber(parts[1], what, "MAX");
        string n = parts[2].Trim();
        if (n.Length == 0 || !n.All(char.IsAsciiDigit))
            throw new UsageException($"{what}: the point count N must be a whole number, not {SpecText.Quote(n)} in {SpecText.Quote(text)}");
        if (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            throw new UsageException($"{what}: {n} points are too many in {SpecText.Quote(text)}");
        if (count < 2)
            throw new UsageException($"{what}: need N >= 2 points (both ends are included), got {count} in {SpecText.Quote(text)}");
        if (!(min < max))
            throw new UsageException($"{what}: empty or inverted range {SpecText.Quote(text)}; MIN must be below MAX");
        if (positive && min <= 0)
            throw new UsageException($"{what}: σ range must stay above 0, got MIN = {SpecText.Show(min)} in {SpecText.Quote(text)}");
        ParameterDomain.CheckMagnitude(min, what, "MIN");
        ParameterDomain.CheckMagnitude(max, what, "MAX");
        if (positive) ParameterDomain.CheckWidth(min, what, "MIN");
        return (min, max, count);
    }

    /// <summary>
    /// The grid axis for <c>MIN:MAX:N</c>. A geometric axis is positive by nature, so
    /// <paramref name="geometric"/> implies <paramref name="positive"/>.
    /// </summary>
    public static GridAxis ParseAxis(string? text, string what, bool positive = false, bool geometric = false)
    {
        var (min, max, count) = Parse(text, what, positive || geometric);
        return new GridAxis(min, max, count, geometric);
    }
}
