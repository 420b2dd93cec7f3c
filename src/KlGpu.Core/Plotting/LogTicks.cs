using System.Globalization;

namespace KlGpu.Plotting;

/// <summary>A tick on a log-scaled axis: its position is log10 of the value its label shows.</summary>
internal readonly record struct LogTick(double Position, string Label, bool Major);

/// <summary>
/// Ticks for an axis that plots log10 of a positive quantity but must be read in true values.
/// ScottPlot 5 has no log axis, so figures plot log10 and label the ticks themselves.
/// </summary>
internal static class LogTicks
{
    /// <summary>
    /// Major ticks at the densest of these that gives at least 3 and at most <paramref name="maxMajor"/>:
    /// 1-2-5 per decade; then whole decades (every k-th when there are too many);
    /// for less than a decade, every integer mantissa, and then evenly spaced round values.
    /// </summary>
    /// <param name="powerLabels">Label whole decades all as 10ⁿ when any of them is outside 0.001 to 10⁴ (colour bars over many decades), rather than 0.01, 0.1, 1, 10⁵.</param>
    public static LogTick[] For(double lo, double hi, int maxMajor, bool powerLabels)
    {
        if (!(lo > 0) || !(hi > lo) || double.IsInfinity(hi))
            throw new ArgumentException($"log ticks need 0 < lo < hi < ∞ (got {lo}, {hi})");
        maxMajor = Math.Max(maxMajor, 3);

        double[] oneTwoFive = Mantissas(lo, hi, [1, 2, 5]);
        if (oneTwoFive.Length >= 3 && oneTwoFive.Length <= maxMajor)
            return Build(oneTwoFive, Mantissas(lo, hi, [3, 4, 6, 7, 8, 9]), powerLabels: false);

        if (oneTwoFive.Length > maxMajor)
        {
            int kLo = (int)Math.Ceiling(Math.Log10(lo) - 1e-9), kHi = (int)Math.Floor(Math.Log10(hi) + 1e-9);
            int step = (int)Math.Ceiling((kHi - kLo + 1) / (double)maxMajor);
            var major = new List<double>();
            var minor = new List<double>();
            for (int k = kLo; k <= kHi; k++)
                (k % step == 0 ? major : minor).Add(Math.Pow(10, k));
            if (step == 1 && major.Count <= 6) minor.AddRange(Mantissas(lo, hi, [2, 3, 4, 5, 6, 7, 8, 9]));
            // Powers only where some label needs one: 1, 10, 100 read better than 10⁰, 10¹, 10².
            bool powers = powerLabels && major.Any(v => v < 1e-3 || v >= 1e4);
            return Build([.. major], [.. minor], powers);
        }

        double[] everyInteger = Mantissas(lo, hi, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        if (everyInteger.Length >= 3) return Build(everyInteger, [], powerLabels: false);

        // Less than about half a decade: round values, evenly spaced in true units.
        double step2 = NiceStep((hi - lo) / 4);
        var values = new List<double>();
        for (double v = Math.Ceiling(lo / step2) * step2; v <= hi * (1 + 1e-12); v += step2)
            values.Add(Math.Round(v / step2) * step2);
        return Build([.. values], [], powerLabels: false);
    }

    static double[] Mantissas(double lo, double hi, double[] mantissas)
    {
        var values = new List<double>();
        int kLo = (int)Math.Floor(Math.Log10(lo)), kHi = (int)Math.Ceiling(Math.Log10(hi));
        for (int k = kLo; k <= kHi; k++)
            foreach (double m in mantissas)
            {
                double v = m * Math.Pow(10, k);
                // Allow for rounding at the ends, so a grid from 0.1 to 10 shows both 0.1 and 10.
                if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) values.Add(v);
            }
        return [.. values];
    }

    static LogTick[] Build(double[] major, double[] minor, bool powerLabels) =>
        major.Select(v => new LogTick(Math.Log10(v), powerLabels ? PowerOfTen(v) : Format(v), true))
            .Concat(minor.Select(v => new LogTick(Math.Log10(v), "", false)))
            .OrderBy(t => t.Position)
            .ToArray();

    /// <summary>A round step near <paramref name="rough"/>: 1, 2 or 5 times a power of ten.</summary>
    public static double NiceStep(double rough)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double f = rough / magnitude;
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * magnitude;
    }

    /// <summary>
    /// A value as a reader wants it on a figure: 3 significant digits, plain from 0.001 to 10⁴
    /// ("0.02", "150"), otherwise as a power of ten ("2×10⁻⁷", "10⁶").
    /// </summary>
    public static string Format(double v)
    {
        if (v == 0 || !double.IsFinite(v)) return v.ToString(CultureInfo.InvariantCulture);
        double a = Math.Abs(v);
        if (a >= 1e-3 && a < 1e4)
        {
            int decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(a)), 0, 15);
            return Math.Round(v, decimals).ToString("0.###############", CultureInfo.InvariantCulture);
        }
        int k = (int)Math.Floor(Math.Log10(a));
        double m = Math.Round(v / Math.Pow(10, k), 2);
        if (Math.Abs(m) >= 10) { m /= 10; k++; }
        string power = "10" + Superscript(k);
        return m switch
        {
            1 => power,
            -1 => "−" + power,
            _ => m.ToString("0.##", CultureInfo.InvariantCulture) + "×" + power,
        };
    }

    /// <summary>10ⁿ for the nearest n.</summary>
    public static string PowerOfTen(double v) => "10" + Superscript((int)Math.Round(Math.Log10(v)));

    static string Superscript(int k) =>
        string.Concat(k.ToString(CultureInfo.InvariantCulture).Select(c => c switch
        {
            '-' => '⁻',
            '0' => '⁰', '1' => '¹', '2' => '²', '3' => '³', '4' => '⁴',
            '5' => '⁵', '6' => '⁶', '7' => '⁷', '8' => '⁸', '9' => '⁹',
            _ => c,
        }));
}
