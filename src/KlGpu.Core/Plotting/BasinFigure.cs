using System.Globalization;
using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Numerics;
using ScottPlot;

namespace KlGpu.Plotting;

/// <summary>
/// Figures of a restart run: the landscape with the basins marked (size by the fraction of restarts that reached
/// each, saddles apart) and optional optimizer paths; the same over μ for a fixed-σ fit; and the basin-of-attraction
/// map of grid starts. Minima are filled circles, saddles open diamonds; basin Bk has the k-th categorical colour
/// in every figure.
/// </summary>
public static class BasinFigure
{
    static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    public static Color BasinColour(int id) => Palette.GetColor(id);

    /// <summary>Marker diameter in pixels: area proportional to the fraction, never too small to see.</summary>
    static float MarkerSize(double fraction) => (float)(8 + 34 * Math.Sqrt(Math.Clamp(fraction, 0, 1)));

    public static string Label(Basin b) => string.Create(CultureInfo.InvariantCulture,
        $"B{b.Id} {(b.Kind == StationaryKind.Minimum ? "min" : "saddle")} μ={b.Mu:0.###} σ={b.Sigma:0.###} ({b.Fraction:0.0%})");

    /// <summary>The landscape heatmap with every basin marked and the recorded paths drawn start → end.</summary>
    public static Plot Landscape(DivergenceMap map, GaussianMixture target, IReadOnlyList<Basin> basins,
        IReadOnlyList<(double[] Mu, double[] Sigma)> trajectories, FigureOptions? options = null)
    {
        var plot = LandscapeFigure.Heatmap(map, target, options);
        var mu = new GridScale(map.Mu);
        var sigma = new GridScale(map.Sigma);

        foreach (var (pathMu, pathSigma) in trajectories)
        {
            var points = pathMu.Select((m, t) => new Coordinates(mu.ToPlot(m), sigma.ToPlot(pathSigma[t]))).ToArray();
            var line = plot.Add.ScatterLine(points, Colors.White.WithAlpha(0.55));
            line.LineWidth = 1.2f;
            plot.Add.Marker(points[0], MarkerShape.OpenCircle, 6, Colors.White.WithAlpha(0.8));
        }
        foreach (var b in basins)
        {
            if (!mu.Covers(b.Mu) || !sigma.Covers(b.Sigma)) continue;
            var marker = plot.Add.Marker(mu.ToPlot(b.Mu), sigma.ToPlot(b.Sigma),
                b.Kind == StationaryKind.Minimum ? MarkerShape.FilledCircle : MarkerShape.OpenDiamond, MarkerSize(b.Fraction), BasinColour(b.Id));
            marker.MarkerLineColor = Colors.White;
            marker.MarkerLineWidth = 2;
            marker.LegendText = Label(b);
        }
        plot.Title($"Basins of {map.Divergence.Label()} from restarts, q = N(μ, σ)\n{LandscapeFigure.Wrapped($"target p = {target}")}");
        return plot;
    }

    /// <summary>A fixed-σ fit: the divergence over μ, the basins on the curve, and each path's iterates on it.</summary>
    public static Plot Curve(GaussianMixture target, string divergenceLabel, double sigma, double[] mu, double[] values,
        IReadOnlyList<Basin> basins, IReadOnlyList<double[]> trajectories)
    {
        FigureFonts.EnsureRegistered();
        var plot = new Plot();
        var curve = plot.Add.ScatterLine(mu, values, Colors.Black);
        curve.LineWidth = 2;
        curve.LegendText = divergenceLabel;

        double At(double m)
        {
            int i = Array.BinarySearch(mu, m);
            if (i >= 0) return values[i];
            i = Math.Clamp(~i, 1, mu.Length - 1);
            double t = (m - mu[i - 1]) / (mu[i] - mu[i - 1]);
            return values[i - 1] + t * (values[i] - values[i - 1]);
        }
        foreach (var path in trajectories)
        {
            var dots = plot.Add.Markers(path, path.Select(At).ToArray(), MarkerShape.FilledCircle, 3, Colors.SteelBlue.WithAlpha(0.35));
            dots.LegendText = "";
        }
        foreach (var b in basins)
        {
            var marker = plot.Add.Marker(b.Mu, b.Value,
                b.Kind == StationaryKind.Minimum ? MarkerShape.FilledCircle : MarkerShape.OpenDiamond, MarkerSize(b.Fraction), BasinColour(b.Id));
            marker.MarkerLineColor = Colors.Black;
            marker.MarkerLineWidth = 1.5f;
            marker.LegendText = Label(b);
        }
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"Basins of {divergenceLabel} with σ fixed at {sigma:G6}\n{LandscapeFigure.Wrapped($"target p = {target}")}"));
        plot.XLabel("μ");
        plot.YLabel($"{divergenceLabel} [nats]");
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Title.Label.FontSize = 17;
        plot.Axes.Bottom.Label.FontSize = 16;
        plot.Axes.Left.Label.FontSize = 16;
        return plot;
    }

    /// <summary>
    /// The basin-of-attraction map: each grid start a cell at its (μ, σ), coloured by the basin its restart reached,
    /// grey where it did not converge. σ rows are log-spaced, so the σ axis is drawn in log10 with true-value ticks.
    /// </summary>
    public static Plot BasinMap(StartDesign design, int[] basinOfRestart, IReadOnlyList<Basin> basins, GaussianMixture target, string divergenceLabel)
    {
        if (!design.IsGrid) throw new ArgumentException("a basin map needs grid starts");
        FigureFonts.EnsureRegistered();
        int nMu = design.GridMu, nSigma = design.GridSigma;
        var plot = new Plot();
        var notConverged = Colors.Gray.WithAlpha(0.6);

        // One colour per category: index 0 is "not converged", index k + 1 is basin k.
        var colours = new List<Color> { notConverged };
        colours.AddRange(basins.Select(b => BasinColour(b.Id)));
        var cells = new double[nSigma, nMu];
        for (int j = 0; j < nSigma; j++)
            for (int i = 0; i < nMu; i++)
                cells[j, i] = basinOfRestart[j * nMu + i] + 1;
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.Custom(colours.Count == 1 ? [notConverged, notConverged] : colours.ToArray());
        heatmap.ManualRange = new ScottPlot.Range(0, Math.Max(1, colours.Count - 1));
        heatmap.FlipVertically = true;

        double muLo = design.MuMin, muHi = design.MuMax;
        double sLo = Math.Log10(design.SigmaMin), sHi = Math.Log10(design.SigmaMax);
        // Extents are cell centres; a single row or column gets a unit span.
        if (nMu == 1) (muLo, muHi) = (muLo - 0.5, muLo + 0.5);
        if (nSigma == 1) (sLo, sHi) = (sLo - 0.5, sLo + 0.5);
        heatmap.Extent = new CoordinateRect(muLo, muHi, sLo, sHi);

        // Legend entries through invisible markers in each category's colour.
        foreach (var b in basins)
            plot.Add.Marker(double.NaN, double.NaN, MarkerShape.FilledSquare, 12, BasinColour(b.Id)).LegendText =
                $"{Label(b)}: {basinOfRestart.Count(x => x == b.Id)} starts";
        int lost = basinOfRestart.Count(x => x < 0);
        plot.Add.Marker(double.NaN, double.NaN, MarkerShape.FilledSquare, 12, notConverged).LegendText = $"not converged: {lost} starts";

        plot.Title($"Basins of attraction of {divergenceLabel}, {nMu}×{nSigma} starts\n{LandscapeFigure.Wrapped($"target p = {target}")}");
        plot.XLabel("start μ");
        if (nSigma == 1)
        {
            plot.YLabel("σ fixed");
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
        }
        else
        {
            plot.YLabel("start σ (log scale)");
            new GridScale(new GridAxis(design.SigmaMin, design.SigmaMax, nSigma, Geometric: true)).LabelTicks(plot.Axes.Left);
        }
        plot.Axes.SetLimits(heatmap.GetAlignedExtent());
        plot.ShowLegend(Alignment.UpperRight);
        plot.Legend.BackgroundColor = Colors.White.WithAlpha(0.85);
        plot.Axes.Title.Label.FontSize = 17;
        plot.Axes.Bottom.Label.FontSize = 16;
        plot.Axes.Left.Label.FontSize = 16;
        return plot;
    }
}
