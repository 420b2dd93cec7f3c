using System.Globalization;
using KlGpu.Basins;
using KlGpu.Numerics;
using ScottPlot;

namespace KlGpu.Plotting;

/// <summary>The target p shaded and the fitted mixture q of each basin drawn over it, a line as thick as its share of restarts.</summary>
public static class MixtureDensityFigure
{
    public static Plot ForRun(Target target, Landscape.Divergence divergence, int components, IReadOnlyList<MixtureBasin> basins)
    {
        FigureFonts.EnsureRegistered();
        var c = CultureInfo.InvariantCulture;
        var p = target.Marginal;
        var shown = basins.Where(b => b.Kind != MixtureKind.Saddle).ToList();
        var ends = Enumerable.Range(0, p.Count).SelectMany(k => new[] { p.Means[k] - 4 * p.Stds[k], p.Means[k] + 4 * p.Stds[k] })
            .Concat(shown.SelectMany(b => Enumerable.Range(0, b.Q.Count).SelectMany(k => new[] { b.Q.Means[k] - 3 * b.Q.Stds[k], b.Q.Means[k] + 3 * b.Q.Stds[k] })))
            .ToArray();
        double lo = ends.Min(), hi = ends.Max();
        double[] xs = Enumerable.Range(0, 801).Select(i => lo + (hi - lo) * i / 800).ToArray();
        var plot = new Plot();
        double[] pd = xs.Select(v => Math.Exp(p.LogDensity(v))).ToArray();
        var fill = plot.Add.FillY(xs, pd, new double[xs.Length]);
        fill.FillColor = Colors.Gray.WithAlpha(0.35);
        fill.LineColor = Colors.DimGray;
        fill.LegendText = "target p";
        double top = pd.Max();
        foreach (var b in shown)
        {
            double[] q = xs.Select(v => Math.Exp(b.Q.LogDensity(v))).ToArray();
            top = Math.Max(top, q.Max());
            var line = plot.Add.ScatterLine(xs, q, BasinFigure.BasinColour(b.Id));
            line.LineWidth = (float)(1.5 + 3 * Math.Sqrt(Math.Clamp(b.Fraction, 0, 1)));
            line.LinePattern = b.Kind == MixtureKind.Degenerate ? LinePattern.Dashed : LinePattern.Solid;
            line.LegendText = string.Create(c, $"B{b.Id}{(b.Kind == MixtureKind.Degenerate ? " (degenerate)" : "")}: {b.Q.Count} comp., value {b.Value:G4}, {b.Fraction:0.0%}");
        }
        string label = divergence == Landscape.Divergence.Forward ? "forward KL(p || q)" : "reverse KL(q || p)";
        plot.Title($"Optima of {label}, q a {components}-component mixture\np = {target}");
        plot.XLabel("x");
        plot.YLabel("density");
        plot.Axes.SetLimitsX(lo, hi);
        plot.Axes.SetLimitsY(0, 1.08 * top);
        Legends.Outside(plot);
        plot.Axes.Title.Label.FontSize = 16;
        return plot;
    }
}
