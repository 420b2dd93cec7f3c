using KlGpu.Landscape;
using KlGpu.Numerics;
using ScottPlot;

namespace KlGpu.Plotting;

/// <summary>A divergence over a 2-D slice of a θ family (a mixture, a flow): a heatmap over the two varied parameters, with the
/// given q (where it falls on the slice) and the grid minimum marked.</summary>
public static class SliceFigure
{
    /// <summary>Over two parameters of any q: their names and axes, where the given q falls, and q as text.</summary>
    public static Plot Heatmap(Divergence divergence, string xName, GridAxis xAxis, string yName, GridAxis yAxis, (double X, double Y) givenAt,
        string q, double[,] values, Target target, bool logColor)
    {
        FigureFonts.EnsureRegistered();
        var x = new GridScale(xAxis);
        var y = new GridScale(yAxis);
        var colour = ColourScale.For(values, logColor);
        var plot = new Plot();

        var heatmap = plot.Add.Heatmap(colour.Intensities);
        heatmap.Extent = new CoordinateRect(x.First, x.Last, y.First, y.Last);
        heatmap.FlipVertically = true; // row 0 is the smallest y
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = colour.Range;
        heatmap.NaNCellColor = Colors.LightGray;
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = divergence.Unit.Length > 0 ? $"{divergence.Label()} [nats]" : divergence.Label();
        bar.IsVisible = colour.HasValues;
        colour.LabelTicks(bar.Axis);

        var (gx, gy) = givenAt;
        if (x.Covers(gx) && y.Covers(gy))
        {
            var given = plot.Add.Marker(x.ToPlot(gx), y.ToPlot(gy), MarkerShape.Eks, 14, Colors.White);
            given.MarkerLineWidth = 2.5f;
            given.LegendText = "the given q";
        }
        var (best, bi, bj) = Minimum(values);
        if (double.IsFinite(best))
        {
            var minimum = plot.Add.Marker(x.ToPlot(xAxis.At(bi)), y.ToPlot(yAxis.At(bj)), MarkerShape.OpenCircle, 14, Colors.Red);
            minimum.MarkerLineWidth = 2.5f;
            minimum.LegendText = $"grid minimum ({LogTicks.Format(best)}{divergence.Unit})";
        }

        plot.Title($"{divergence.Title()} {divergence.Label()} over {xName}, {yName} of q\n"
            + LandscapeFigure.Wrapped($"q = {q}; target p = {target}"));
        plot.XLabel(xName);
        plot.YLabel(yName);
        x.LabelTicks(plot.Axes.Bottom);
        y.LabelTicks(plot.Axes.Left);
        plot.Axes.SetLimits(heatmap.GetAlignedExtent());
        Legends.OutsideDark(plot);
        return plot;
    }

    /// <summary>The smallest finite value and its (x, y) indices; values are [y, x].</summary>
    public static (double Value, int X, int Y) Minimum(double[,] values)
    {
        (double v, int i, int j) best = (double.PositiveInfinity, 0, 0);
        for (int j = 0; j < values.GetLength(0); j++)
            for (int i = 0; i < values.GetLength(1); i++)
                if (values[j, i] < best.v) best = (values[j, i], i, j);
        return best;
    }
}
