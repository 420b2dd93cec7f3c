using ScottPlot;

namespace KlGpu.Plotting;

/// <summary>
/// How divergence values become heatmap intensities, and how the colour bar and contour labels
/// turn intensities back into true values. Log scale: intensities are log10 of the values.
/// </summary>
internal sealed class ColourScale
{
    /// <summary>
    /// The log scale's floor, relative to the largest value. KL is ≥ 0, but at the optimum a
    /// computed value is 0, or tiny, or slightly negative by rounding; log10 of those is −∞ or NaN.
    /// Values below max(this × largest, smallest positive value) are drawn at that floor, so the
    /// colour scale spans at most 12 decades and no cell is undefined.
    /// </summary>
    public const double LogFloorRelative = 1e-12;

    public bool Log { get; }
    /// <summary>False when no value is finite: ScottPlot cannot draw an all-NaN heatmap, so the intensities are then all 0.</summary>
    public bool HasValues { get; }
    /// <summary>Heatmap intensities, [iSigma, iMu]; NaN where the value is not finite (drawn grey).</summary>
    public double[,] Intensities { get; }
    /// <summary>The colour range, in intensity units.</summary>
    public ScottPlot.Range Range { get; }

    ColourScale(bool log, double[,] intensities, ScottPlot.Range range, bool hasValues = true) =>
        (Log, Intensities, Range, HasValues) = (log, intensities, range, hasValues);

    /// <summary>A log scale unless <paramref name="log"/> is false or no value is positive (then linear, so the figure still renders).</summary>
    public static ColourScale For(double[,] values, bool log)
    {
        var finite = values.Cast<double>().Where(double.IsFinite).ToArray();
        double max = finite.Length > 0 ? finite.Max() : double.NaN;
        if (log && max > 0)
        {
            double floor = Math.Max(max * LogFloorRelative, finite.Where(v => v > 0).Min());
            if (floor >= max) floor = max / 10; // one positive value, or all equal: show one decade
            return new ColourScale(true,
                Map(values, v => Math.Log10(Math.Max(v, floor))),
                new ScottPlot.Range(Math.Log10(floor), Math.Log10(max)));
        }

        if (finite.Length == 0)
            return new ColourScale(false, new double[values.GetLength(0), values.GetLength(1)], new ScottPlot.Range(0, 1), hasValues: false);
        double min = finite.Min();
        if (!(max > min)) (min, max) = (min - 0.5, max + 0.5); // a flat map still needs a colour range
        return new ColourScale(false, Map(values, v => v), new ScottPlot.Range(min, max));
    }

    static double[,] Map(double[,] values, Func<double, double> f)
    {
        var result = new double[values.GetLength(0), values.GetLength(1)];
        for (int i = 0; i < values.GetLength(0); i++)
            for (int j = 0; j < values.GetLength(1); j++)
                result[i, j] = double.IsFinite(values[i, j]) ? f(values[i, j]) : double.NaN;
        return result;
    }

    /// <summary>Colour bar ticks in true values (10⁻³, 10⁻², …); a linear scale gets ScottPlot's, half as dense.</summary>
    public void LabelTicks(IAxis axis)
    {
        if (!Log)
        {
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { TickDensity = 0.5 };
            return;
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var t in LogTicks.For(Math.Pow(10, Range.Min), Math.Pow(10, Range.Max), maxMajor: 8, powerLabels: true))
        {
            if (t.Major) ticks.AddMajor(t.Position, t.Label);
            else ticks.AddMinor(t.Position);
        }
        axis.TickGenerator = ticks;
    }

    /// <summary>
    /// About <paramref name="count"/> contour levels at round true values strictly inside the colour
    /// range, as (intensity, label). On a log scale they fall on the colour bar's 1-2-5 or decade values.
    /// </summary>
    public (double Level, string Label)[] ContourLevels(int count)
    {
        if (count <= 0) return [];
        if (Log)
        {
            return LogTicks.For(Math.Pow(10, Range.Min), Math.Pow(10, Range.Max), maxMajor: count + count / 2, powerLabels: true)
                .Where(t => t.Major && t.Position > Range.Min + 1e-9 && t.Position < Range.Max - 1e-9)
                .Select(t => (t.Position, t.Label))
                .ToArray();
        }
        double step = LogTicks.NiceStep((Range.Max - Range.Min) / (count + 1));
        var levels = new List<(double, string)>();
        for (double v = Math.Floor(Range.Min / step + 1) * step; v < Range.Max - step * 1e-9; v += step)
        {
            double level = Math.Round(v / step) * step;
            if (level > Range.Min) levels.Add((level, LogTicks.Format(level)));
        }
        return [.. levels];
    }
}
