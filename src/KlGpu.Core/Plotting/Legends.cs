using ScottPlot;
using ScottPlot.Panels;

namespace KlGpu.Plotting;

/// <summary>
/// Every figure's legend goes outside its axes, never over them: a map is data in every cell, and a density or a curve
/// can pass through any corner (a basin's q peaks wherever p has a mode), so no corner can be assumed free.
/// </summary>
public static class Legends
{
    /// <summary>The legend on <paramref name="edge"/> of the figure, outside the data area; below, its entries run across and wrap.</summary>
    public static void Outside(Plot plot, Edge edge = Edge.Bottom, float fontSize = 13)
    {
        ArgumentNullException.ThrowIfNull(plot);
        // A figure built on another (the basins over a landscape) moves the legend: one panel, not the same legend twice.
        foreach (var panel in plot.Axes.GetPanels().OfType<LegendPanel>().ToList()) plot.Axes.Remove(panel);
        plot.ShowLegend(edge);
        plot.Legend.FontSize = fontSize;
        if (edge is Edge.Bottom or Edge.Top) plot.Legend.Orientation = Orientation.Horizontal; // wraps when it runs out of width
    }

    /// <summary>On a dark glass, as on the maps, so white and coloured markers read as they do over a heatmap.</summary>
    public static void OutsideDark(Plot plot, Edge edge = Edge.Bottom, float fontSize = 13)
    {
        Outside(plot, edge, fontSize);
        plot.Legend.BackgroundColor = Colors.Black.WithAlpha(0.75);
        plot.Legend.OutlineColor = Colors.Transparent;
        plot.Legend.ShadowColor = Colors.Transparent;
        plot.Legend.FontColor = Colors.White;
    }

    /// <summary>True if <paramref name="plot"/> draws a legend inside its data area (the default legend, shown).</summary>
    public static bool InsideData(Plot plot) => plot.Legend.IsVisible;

    /// <summary>True if <paramref name="plot"/> has a legend beside its data area.</summary>
    public static bool Beside(Plot plot) => plot.Axes.GetPanels().OfType<LegendPanel>().Any(p => p.IsVisible);
}
