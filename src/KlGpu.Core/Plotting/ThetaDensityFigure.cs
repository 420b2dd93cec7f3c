using KlGpu.Basins;
using KlGpu.Families;
using KlGpu.Numerics;
using ScottPlot;

namespace KlGpu.Plotting;

/// <summary>The target p shaded and the fitted q of each basin of a θ family drawn over it, a line as thick as its share of restarts.</summary>
public static class ThetaDensityFigure
{
    /// <summary>The most basins the legend names: more would run past the figure's foot.</summary>
    public const int MaxListed = 8;

    /// <summary>The x a density figure or report spans: p's components to ±4 stds and each q's <see cref="ThetaFamily{TQ}.Extent"/>.</summary>
    public static (double Lo, double Hi) Range<TQ>(GaussianMixture p, ThetaFamily<TQ> family, IEnumerable<TQ> qs) where TQ : class
    {
        var ends = Enumerable.Range(0, p.Count).SelectMany(k => new[] { p.Means[k] - 4 * p.Stds[k], p.Means[k] + 4 * p.Stds[k] })
            .Concat(qs.SelectMany(family.Extent)).Where(double.IsFinite).ToArray();
        return (ends.Min(), ends.Max());
    }

    public static Plot ForRun<TQ>(Target target, Landscape.Divergence divergence, ThetaFamily<TQ> family, IReadOnlyList<ThetaBasin<TQ>> basins)
        where TQ : class
    {
        FigureFonts.EnsureRegistered();
        var p = target.Marginal;
        var shown = basins.Where(b => b.Kind != ThetaKind.Saddle).ToList();
        var (lo, hi) = Range(p, family, shown.Select(b => b.Q));
        double[] xs = Enumerable.Range(0, 801).Select(i => lo + (hi - lo) * i / 800).ToArray();
        var plot = new Plot();
        double[] pd = xs.Select(v => Math.Exp(p.LogDensity(v))).ToArray();
        var fill = plot.Add.FillY(xs, pd, new double[xs.Length]);
        fill.FillColor = Colors.Gray.WithAlpha(0.35);
        fill.LineColor = Colors.DimGray;
        fill.LegendText = "target p";
        double top = pd.Max();
        // A flow's drifting ends can be dozens of rows: the legend names at most MaxListed, one per distinct value first.
        var named = new HashSet<int>();
        var values = new HashSet<string>();
        foreach (var b in shown)
            if (named.Count < MaxListed && values.Add(b.Value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture))) named.Add(b.Id);
        foreach (var b in shown)
            if (named.Count < MaxListed) named.Add(b.Id);
        foreach (var b in shown)
        {
            double[] q = xs.Select(v => family.Density(b.Q, v)).ToArray();
            top = Math.Max(top, q.Max());
            var line = plot.Add.ScatterLine(xs, q, BasinFigure.BasinColour(b.Id));
            line.LineWidth = (float)(1.5 + 3 * Math.Sqrt(Math.Clamp(b.Fraction, 0, 1)));
            line.LinePattern = b.Kind == ThetaKind.Degenerate ? LinePattern.Dashed : LinePattern.Solid;
            if (named.Contains(b.Id)) line.LegendText = family.Legend(b);
        }
        if (shown.Count > named.Count)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"… and {shown.Count - named.Count} more (basins.json lists every one)" });
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
