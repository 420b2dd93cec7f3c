using KlGpu.Basins;
using KlGpu.Families;
using KlGpu.Numerics;
using ScottPlot;

namespace KlGpu.Plotting;

/// <summary>The target p shaded and the fitted q of each basin of a θ family drawn over it, a line as thick as its share of restarts.</summary>
public static class ThetaDensityFigure
{
    public static Plot ForRun<TQ>(Target target, Landscape.Divergence divergence, ThetaFamily<TQ> family, IReadOnlyList<ThetaBasin<TQ>> basins)
        where TQ : class
    {
        FigureFonts.EnsureRegistered();
        var p = target.Marginal;
        var shown = basins.Where(b => b.Kind != ThetaKind.Saddle).ToList();
        var ends = Enumerable.Range(0, p.Count).SelectMany(k => new[] { p.Means[k] - 4 * p.Stds[k], p.Means[k] + 4 * p.Stds[k] })
            .Concat(shown.SelectMany(b => family.Extent(b.Q))).Where(double.IsFinite).ToArray();
        double lo = ends.Min(), hi = ends.Max();
        double[] xs = Enumerable.Range(0, 801).Select(i => lo + (hi - lo) * i / 800).ToArray();
        var plot = new Plot();
        double[] pd = xs.Select(v => Math.Exp(p.LogDensity(v))).ToArray();
        var fill = plot.Add.FillY(xs, pd, new double[xs.Length]);
        fill.FillColor = Colors.Gray.WithAlpha(0.35);
        fill.LineColor = Colors.DimGray;
        fill.LegendText = "target p";
        double top = pd.Max();
        for (int i = 0; i < shown.Count; i++)
        {
            var b = shown[i];
            double[] q = xs.Select(v => family.Density(b.Q, v)).ToArray();
            top = Math.Max(top, q.Max());
            var line = plot.Add.ScatterLine(xs, q, BasinFigure.BasinColour(b.Id));
            line.LineWidth = (float)(1.5 + 3 * Math.Sqrt(Math.Clamp(b.Fraction, 0, 1)));
            line.LinePattern = b.Kind == ThetaKind.Degenerate ? LinePattern.Dashed : LinePattern.Solid;
            // A flow's drifting ends can be dozens of rows: the legend names the first few, as the basins map does.
            if (i < BasinFigure.MaxListed) line.LegendText = family.Legend(b);
        }
        if (shown.Count > BasinFigure.MaxListed)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"… and {shown.Count - BasinFigure.MaxListed} more (basins.json lists them)" });
        string label = divergence == Landscape.Divergence.Forward ? "forward KL(p || q)" : "reverse KL(q || p)";
        plot.Title($"Optima of {label}, q {family.FigureNoun}\np = {target}");
        plot.XLabel("x");
        plot.YLabel("density");
        plot.Axes.SetLimitsX(lo, hi);
        plot.Axes.SetLimitsY(0, 1.08 * top);
        Legends.Outside(plot);
        plot.Axes.Title.Label.FontSize = 16;
        return plot;
    }
}
