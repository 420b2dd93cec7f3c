using System.Globalization;
using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Numerics;
using ScottPlot;
using SkiaSharp;

namespace KlGpu.Plotting;

/// <summary>
/// Figures of a divergence landscape over the Gaussian family q = N(μ, σ): a heatmap in real μ and σ
/// units with a colour bar in nats, contour lines, and markers at the target's components, at the
/// moment-matching Gaussian and at the map's polished local minima and saddles (or, where none were searched, its grid minimum).
/// </summary>
public static class LandscapeFigure
{
    /// <summary>One divergence map as a heatmap figure.</summary>
    public static Plot Heatmap(DivergenceMap map, Target target, FigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(target);
        FigureOptions o = options ?? FigureOptions.Default;
        FigureFonts.EnsureRegistered(); // before the Plot: it copies the default font name
        var mu = new GridScale(map.Mu);
        var sigma = new GridScale(map.Sigma);
        var colour = ColourScale.For(map.Values, o.LogColor);
        var plot = new Plot();

        // The landscape: row 0 of Values is the smallest σ, so it goes at the bottom.
        var heatmap = plot.Add.Heatmap(colour.Intensities);
        heatmap.Extent = new CoordinateRect(mu.First, mu.Last, sigma.First, sigma.Last); // cell centres
        heatmap.FlipVertically = true;
        heatmap.Colormap = NamedColormap(o.Colormap);
        heatmap.ManualRange = colour.Range;
        heatmap.NaNCellColor = Colors.LightGray; // cells whose value is not finite
        if (!colour.HasValues) heatmap.Colormap = ScottPlot.Colormap.FromColors([Colors.LightGray, Colors.LightGray]);

        var colourBar = plot.Add.ColorBar(heatmap);
        colourBar.Label = map.Divergence.Unit.Length > 0 ? $"{map.Divergence.Label()} [nats]" : map.Divergence.Label();
        colourBar.IsVisible = colour.HasValues;
        colour.LabelTicks(colourBar.Axis);

        if (o.Contours && colour.HasValues) AddContours(plot, map, mu, sigma, colour, o.ContourCount);

        // Markers, each only where it falls on the map: the target's components (m_k, s_k),
        // the moment-matching Gaussian (mean and std of p, the forward-KL optimum; for a single
        // Gaussian target that is the target itself, so it is not drawn twice) and the grid minimum.
        // A heavy-tailed target marks its components at (mean, scale) and its moment match only where p has a variance.
        var (means, scales) = target.Components;
        var components = Enumerable.Range(0, means.Length)
            .Where(k => mu.Covers(means[k]) && sigma.Covers(scales[k]))
            .Select(k => new Coordinates(mu.ToPlot(means[k]), sigma.ToPlot(scales[k])))
            .ToArray();
        if (components.Length > 0)
        {
            var marks = plot.Add.Markers(components, MarkerShape.Eks, 14, Colors.White);
            marks.MarkerLineWidth = 2.5f;
            marks.LegendText = means.Length == 1 ? "target p" : "target components";
        }
        if ((means.Length > 1 || target is HeavyTailedTarget) && o.Family is null && target.MomentMatch is (double mm, double momentSigma) && mu.Covers(mm) && sigma.Covers(momentSigma))
        {
            var moment = plot.Add.Marker(mu.ToPlot(mm), sigma.ToPlot(momentSigma), MarkerShape.Cross, 16, Colors.Orange);
            moment.MarkerLineWidth = 2.5f;
            moment.LegendText = "moment matching";
        }
        if (map.Stationary is { NotSearched: null } stationary)
        {
            MarkStationary(plot, stationary.Minima, "local minimum", "local minima", mu, sigma);
            MarkStationary(plot, stationary.Saddles, "saddle", "saddles", mu, sigma);
        }
        // A map that is +∞ everywhere (forward KL to a t with ν ≤ 2) has no minimum to mark.
        else if (double.IsFinite(map.Minimum.Value) && mu.Covers(map.Minimum.Mu) && sigma.Covers(map.Minimum.Sigma))
        {
            var minimum = plot.Add.Marker(mu.ToPlot(map.Minimum.Mu), sigma.ToPlot(map.Minimum.Sigma), MarkerShape.OpenCircle, 14, Colors.Red);
            minimum.MarkerLineWidth = 2.5f;
            minimum.LegendText = $"grid minimum ({LogTicks.Format(map.Minimum.Value)}{map.Divergence.Unit})";
        }

        plot.Title($"{map.Divergence.Title()} {map.Divergence.Label()}, {o.Family ?? Family(target)}\n{Wrapped($"target p = {target}")}");
        plot.XLabel("μ");
        plot.YLabel(map.Sigma.Geometric ? $"{o.ScaleName} (log scale)" : o.ScaleName);
        mu.LabelTicks(plot.Axes.Bottom);
        sigma.LabelTicks(plot.Axes.Left);
        plot.Axes.SetLimits(heatmap.GetAlignedExtent()); // exactly the cells: no margins, whatever the markers

        // Below the map (every cell of it is data), on a dark glass so the white and coloured markers read as on the map.
        Legends.OutsideDark(plot);

        // Text sized for a figure that is shrunk to a column width.
        plot.Axes.Title.Label.FontSize = 17;
        foreach (IAxis axis in new[] { plot.Axes.Bottom, plot.Axes.Left, colourBar.Axis })
        {
            axis.Label.FontSize = 16;
            axis.TickLabelStyle.FontSize = 13;
        }
        return plot;
    }

    /// <summary>
    /// The polished local minima (white discs) or saddles (cyan diamonds), as the basins figure draws them, each labelled with
    /// its value; one legend entry for all of a kind.
    /// </summary>
    static void MarkStationary(Plot plot, IReadOnlyList<MapPoint> points, string one, string many, GridScale mu, GridScale sigma)
    {
        var shown = points.Where(p => mu.Covers(p.Mu) && sigma.Covers(p.Sigma)).ToArray();
        if (shown.Length == 0) return;
        bool minimum = shown[0].Kind == StationaryKind.Minimum;
        const float size = 11;
        var at = shown.Select(p => new Coordinates(mu.ToPlot(p.Mu), sigma.ToPlot(p.Sigma))).ToArray();
        var markers = plot.Add.Markers(at);
        markers.MarkerStyle = new MarkerStyle(minimum ? MarkerShape.FilledCircle : MarkerShape.FilledDiamond, size,
            minimum ? BasinFigure.MinimumFill : BasinFigure.SaddleFill)
        {
            OutlineColor = BasinFigure.MarkerEdge,
            OutlineWidth = 1.5f,
        };
        markers.LegendText = $"{(shown.Length == 1 ? one : many)} (polished; labelled with the value)";
        for (int i = 0; i < shown.Length; i++)
        {
            var tag = plot.Add.Text(shown[i].Value.ToString("G4", CultureInfo.InvariantCulture), at[i].X, at[i].Y);
            tag.LabelFontSize = 12;
            tag.LabelBold = true;
            tag.LabelFontColor = minimum ? BasinFigure.MinimumFill : BasinFigure.SaddleFill;
            tag.LabelAlignment = Alignment.LowerLeft;
            tag.OffsetX = size / 2 + 2;
            tag.OffsetY = -size / 2 - 2;
        }
    }

    /// <summary>Several maps of one target (forward and reverse KL, say), side by side, each with its own colour bar.</summary>
    public static Multiplot SideBySide(IReadOnlyList<DivergenceMap> maps, Target target, FigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Count == 0) throw new ArgumentException("side by side needs at least one map", nameof(maps));
        var multiplot = new Multiplot(Heatmap(maps[0], target, options)) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        foreach (var map in maps.Skip(1)) multiplot.AddPlot(Heatmap(map, target, options));
        return multiplot;
    }

    /// <summary>
    /// Several maps of one target as a grid of panels, each a full heatmap over the same μ and σ axes with the same
    /// marks (target components, moment matching, its own grid minimum) and its own colour bar: up to three in a row,
    /// more in a near-square grid filled row by row.
    /// </summary>
    public static PanelGrid Panels(IReadOnlyList<DivergenceMap> maps, Target target, FigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Count == 0) throw new ArgumentException("a panel grid needs at least one map", nameof(maps));
        int columns = maps.Count <= 3 ? maps.Count : (int)Math.Ceiling(Math.Sqrt(maps.Count));
        return new PanelGrid(maps.Select(m => Heatmap(m, target, options)).ToArray(), columns);
    }

    /// <summary>Writes the figure to <paramref name="path"/>, as SVG if it ends in .svg, otherwise PNG.</summary>
    public static void Save(Plot plot, string path, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        CheckSize(width, height);
        if (IsSvg(path)) plot.SaveSvg(path, width, height);
        else plot.SavePng(path, width, height);
    }

    /// <summary>Writes a multi-panel figure, as SVG if <paramref name="path"/> ends in .svg, otherwise PNG.</summary>
    public static void Save(Multiplot multiplot, string path, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(multiplot);
        CheckSize(width, height);
        if (!IsSvg(path))
        {
            multiplot.SavePng(path, width, height);
            return;
        }
        // ScottPlot 5.1.59 saves a Multiplot only as PNG; render it onto Skia's SVG canvas instead.
        using var file = File.Create(path);
        using (var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), file))
            multiplot.Render(canvas, new PixelRect(0, width, height, 0));
    }

    static bool IsSvg(string path) => Path.GetExtension(path).Equals(".svg", StringComparison.OrdinalIgnoreCase);

    static void CheckSize(int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"a figure needs a positive size (got {width}×{height})");
    }

    static void AddContours(Plot plot, DivergenceMap map, GridScale mu, GridScale sigma, ColourScale colour, int count)
    {
        var levels = colour.ContourLevels(count);
        if (levels.Length == 0) return;
        int rows = map.Values.GetLength(0), columns = map.Values.GetLength(1);
        var grid = new Coordinates3d[rows, columns];
        bool complete = true;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                double z = colour.Intensities[i, j];
                complete &= double.IsFinite(z);
                grid[i, j] = new Coordinates3d(mu.ToPlot(map.Mu.At(j)), sigma.ToPlot(map.Sigma.At(i)), z);
            }
        if (!complete) return; // a map with undefined cells gets no contours rather than wrong ones

        var contours = new LabelledContours(levels.ToDictionary(l => l.Level, l => l.Label))
        {
            ContourLineLevels = levels.Select(l => l.Level).ToArray(),
            LineColor = Colors.White.WithAlpha(0.7),
            LineWidth = 1,
        };
        contours.LabelStyle.FontSize = 11;
        contours.LabelStyle.ForeColor = Colors.White;
        contours.Update(grid);
        plot.Add.Plottable(contours);
    }

    /// <summary>A mixture spec broken after " + " into lines of about 70 characters, so many components still fit.</summary>
    internal static string Wrapped(string spec, int width = 70)
    {
        var lines = new List<string>();
        string line = "";
        foreach (string part in spec.Split(" + "))
        {
            if (line.Length == 0) line = part;
            else if (line.Length + 3 + part.Length <= width) line += " + " + part;
            else { lines.Add(line + " +"); line = part; }
        }
        lines.Add(line);
        return string.Join("\n", lines);
    }

    internal static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    static IColormap NamedColormap(string name) =>
        ScottPlot.Colormap.GetColormaps().FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"no colormap named '{name}'; ScottPlot has: {string.Join(", ", ScottPlot.Colormap.GetColormaps().Select(c => c.Name))}");

    /// <summary>The q a (μ, σ) map is drawn over: in d dimensions, along u with N(0, 1) across, where the KLs add nothing.</summary>
    public static string Family(Target target) => "q = N(μ, σ)" + target.Along;
}
