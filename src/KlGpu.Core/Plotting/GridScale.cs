using KlGpu.Landscape;
using ScottPlot;

namespace KlGpu.Plotting;

/// <summary>
/// Where a grid axis puts a value on the figure: at the value itself, or at log10 of it for a
/// geometric axis, whose points are then evenly spaced as the heatmap's cells require.
/// Tick labels always show true values.
/// </summary>
internal sealed class GridScale
{
    readonly GridAxis axis;

    public GridScale(GridAxis axis)
    {
        if (axis.Count < 2)
            throw new ArgumentException($"a figure needs at least 2 grid points on each axis (got {axis.Count})");
        if (axis.Geometric && !(axis.Min > 0))
            throw new ArgumentException($"a geometric axis needs a positive minimum (got {axis.Min})");
        this.axis = axis;
    }

    public double ToPlot(double value) => axis.Geometric ? Math.Log10(value) : value;

    /// <summary>The first and last grid points, where the heatmap's first and last cells are centred.</summary>
    public double First => ToPlot(axis.At(0));
    public double Last => ToPlot(axis.At(axis.Count - 1));

    /// <summary>Whether a value lies on the drawn cells (which reach half a cell beyond the end points).</summary>
    public bool Covers(double value)
    {
        if (!double.IsFinite(value) || (axis.Geometric && value <= 0)) return false;
        double halfCell = Math.Abs(Last - First) / (axis.Count - 1) / 2;
        double p = ToPlot(value);
        return p >= Math.Min(First, Last) - halfCell && p <= Math.Max(First, Last) + halfCell;
    }

    /// <summary>A geometric axis gets 1-2-5 or decade ticks labelled with true values; a linear one keeps ScottPlot's.</summary>
    public void LabelTicks(IAxis plotAxis)
    {
        if (!axis.Geometric) return;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        double lo = Math.Min(axis.Min, axis.Max), hi = Math.Max(axis.Min, axis.Max);
        foreach (var t in LogTicks.For(lo, hi, maxMajor: 8, powerLabels: false))
        {
            if (t.Major) ticks.AddMajor(t.Position, t.Label);
            else ticks.AddMinor(t.Position);
        }
        plotAxis.TickGenerator = ticks;
    }
}
