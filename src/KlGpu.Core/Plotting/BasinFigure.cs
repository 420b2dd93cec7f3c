using System.Globalization;
using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Numerics;
using ScottPlot;

namespace KlGpu.Plotting;

/// <summary>
/// Figures of <c>klgpu basins</c>: the stationary points that restarts of q = N(μ, σ) reach, on the divergence
/// landscape (or on its curve over μ when σ is fixed), and the basin-of-attraction map of a grid of starts.
/// The same marks everywhere: a minimum is a white disc with a dark edge, a saddle a cyan diamond, each with
/// its area growing with the share of restarts that reached it and tagged with its id (B0, B1, …; B0 has the
/// lowest value).
/// </summary>
public static class BasinFigure
{
    /// <summary>Basins named in a legend; the rest are drawn and counted in one line, so a legend cannot fill the figure.</summary>
    public const int MaxListed = 12;

    /// <summary>What the legend beside a map or curve adds to a figure's width, so the plot keeps the width of one without.</summary>
    public const int LegendWidth = 280;

    /// <summary>Marker diameters in pixels: a basin that no restart reached, and one that every restart reached.</summary>
    const float SmallestMarker = 8, LargestMarker = 28;

    internal static readonly Color MinimumFill = Colors.White;
    internal static readonly Color SaddleFill = Color.FromHex("#00D5FF");
    internal static readonly Color MarkerEdge = Color.FromHex("#1A1A1A");
    static readonly Color NotConverged = Color.FromHex("#D3D3D3");

    /// <summary>
    /// The landscape heatmap (<see cref="LandscapeFigure.Heatmap"/>) with every basin marked and listed in the legend,
    /// and each restart's path (σ in true units, as the map's σ is) drawn thin and translucent from its start (a small ring).
    /// </summary>
    public static Plot Landscape(DivergenceMap map, Target target, IReadOnlyList<Basin> basins,
        IReadOnlyList<(double[] Mu, double[] Sigma)> trajectories, FigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(basins);
        ArgumentNullException.ThrowIfNull(trajectories);
        var plot = LandscapeFigure.Heatmap(map, target, options); // checks map and target, registers the font
        var mu = new GridScale(map.Mu);
        var sigma = new GridScale(map.Sigma);
        // The landscape's own marks (target components, moment matching, grid minimum) often coincide with a basin.
        IPlottable[] landscapeMarks = [.. plot.GetPlottables().Where(p => p is ScottPlot.Plottables.Marker or ScottPlot.Plottables.Markers)];

        // Paths under the marks: each a thin line; their starts as small rings, one legend entry for all.
        Color pathColour = Color.FromHex("#FF4FD8").WithAlpha(0.55);
        var starts = new List<Coordinates>();
        foreach (var (pathMu, pathSigma) in trajectories)
        {
            ArgumentNullException.ThrowIfNull(pathMu);
            ArgumentNullException.ThrowIfNull(pathSigma);
            Coordinates[] points = Enumerable.Range(0, Math.Min(pathMu.Length, pathSigma.Length))
                .Where(t => double.IsFinite(pathMu[t]) && double.IsFinite(pathSigma[t]) && pathSigma[t] > 0)
                .Select(t => new Coordinates(mu.ToPlot(pathMu[t]), sigma.ToPlot(pathSigma[t])))
                .ToArray();
            if (points.Length == 0) continue;
            starts.Add(points[0]);
            if (points.Length < 2) continue;
            var line = plot.Add.ScatterLine(points, pathColour);
            line.LineWidth = 1.2f;
        }
        if (starts.Count > 0)
        {
            var rings = plot.Add.Markers(starts.ToArray(), MarkerShape.OpenCircle, 6, pathColour);
            rings.MarkerLineWidth = 1.2f;
            rings.LegendText = $"{Count(starts.Count, "restart path")} (○ start)";
        }

        MarkBasins(plot, basins, b => mu.Covers(b.Mu) && sigma.Covers(b.Sigma) ? new Coordinates(mu.ToPlot(b.Mu), sigma.ToPlot(b.Sigma)) : null,
            b => Label(b, withSigma: true, options?.ScaleName ?? "σ"), tagColour: Colors.White);
        foreach (IPlottable mark in landscapeMarks) plot.MoveToTop(mark); // drawn over the basins' discs, so they stay visible

        plot.Title($"Basins of {map.Divergence.Name()} {map.Divergence.Label()}, {options?.Family ?? LandscapeFigure.Family(target)}: {Tally(basins)}\n"
            + LandscapeFigure.Wrapped($"target p = {target}"));
        Legends.OutsideDark(plot, Edge.Right); // beside: up to a dozen basins' entries would not fit below
        return plot;
    }

    /// <summary>
    /// A fixed-σ fit: the divergence as a curve over μ (<paramref name="values"/> at increasing <paramref name="mu"/>),
    /// the basins marked on it, and each restart's μ path as translucent dots at the curve's height, its start a ring.
    /// <paramref name="options"/> is accepted for symmetry with <see cref="Landscape"/>; a curve uses none of its drawing choices.
    /// </summary>
    public static Plot Curve(Target target, string divergenceLabel, double sigma, double[] mu, double[] values,
        IReadOnlyList<Basin> basins, IReadOnlyList<double[]> trajectories, FigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(divergenceLabel);
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(basins);
        ArgumentNullException.ThrowIfNull(trajectories);
        if (mu.Length != values.Length) throw new ArgumentException($"a curve needs one value per μ (got {mu.Length} μ and {values.Length} values)", nameof(values));
        if (mu.Length < 2) throw new ArgumentException($"a curve needs at least 2 points (got {mu.Length})", nameof(mu));
        for (int i = 1; i < mu.Length; i++)
            if (!(mu[i] > mu[i - 1])) throw new ArgumentException($"μ must increase (μ[{i - 1}] = {mu[i - 1]}, μ[{i}] = {mu[i]})", nameof(mu));
        FigureFonts.EnsureRegistered(); // before the Plot: it copies the default font name
        var plot = new Plot();

        // The curve, broken where a value is not finite.
        bool first = true;
        foreach (Coordinates[] run in FiniteRuns(mu, values))
        {
            var line = plot.Add.ScatterLine(run, Color.FromHex("#1F4E79"));
            line.LineWidth = 2;
            if (first) line.LegendText = divergenceLabel;
            first = false;
        }

        // Paths as dots on the curve, where it is defined; their starts as rings, one legend entry for all.
        Color pathColour = Color.FromHex("#FF7F0E").WithAlpha(0.6);
        var steps = new List<Coordinates>();
        var starts = new List<Coordinates>();
        foreach (double[] path in trajectories)
        {
            ArgumentNullException.ThrowIfNull(path);
            Coordinates[] points = path.Select(m => new Coordinates(m, Interpolate(mu, values, m)))
                .Where(p => double.IsFinite(p.Y))
                .ToArray();
            if (points.Length == 0) continue;
            starts.Add(points[0]);
            steps.AddRange(points.Skip(1));
        }
        if (steps.Count > 0) plot.Add.Markers(steps.ToArray(), MarkerShape.FilledCircle, 6, pathColour);
        if (starts.Count > 0)
        {
            var rings = plot.Add.Markers(starts.ToArray(), MarkerShape.OpenCircle, 8, pathColour.WithAlpha(0.9));
            rings.MarkerLineWidth = 1.2f;
            rings.LegendText = $"{Count(starts.Count, "restart path")} (○ start, • iterates)";
        }

        MarkBasins(plot, basins, b =>
        {
            double y = double.IsFinite(b.Value) ? b.Value : Interpolate(mu, values, b.Mu);
            return b.Mu >= mu[0] && b.Mu <= mu[^1] && double.IsFinite(y) ? new Coordinates(b.Mu, y) : null;
        }, b => Label(b, withSigma: false), tagColour: Colors.Black);

        plot.Title($"{divergenceLabel} over μ at fixed σ = {LogTicks.Format(sigma)}: {Tally(basins)}\n"
            + LandscapeFigure.Wrapped($"target p = {target}"));
        plot.XLabel("μ");
        plot.YLabel($"{divergenceLabel} [nats]");
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(mu[0], mu[^1]); // the curve's μ range exactly; the values keep their margins
        plot.ShowLegend(Edge.Right); // beside the plot: a curve leaves no corner reliably empty
        plot.Legend.FontSize = 13;
        SizeText(plot);
        return plot;
    }

    /// <summary>
    /// The basin-of-attraction map of a grid of starts: each start a cell at its (μ, σ), coloured by the basin
    /// it reached (grey where it did not converge), with the basins marked where they lie. σ is on a log axis
    /// labelled in true values, as the design spaces it; a design with one σ (σ fixed) is a strip over μ.
    /// </summary>
    public static Plot BasinMap(StartDesign design, int[] basinOfRestart, IReadOnlyList<Basin> basins,
        Target target, string divergenceLabel)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(basinOfRestart);
        ArgumentNullException.ThrowIfNull(basins);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(divergenceLabel);
        if (!design.IsGrid || design.GridSigma < 1) throw new ArgumentException("a basin map needs grid starts (GridMu × GridSigma)", nameof(design));
        if (design.GridMu < 2 || !(design.MuMax > design.MuMin)) throw new ArgumentException($"a basin map needs at least 2 starts in μ over a range (got {design.GridMu} over [{design.MuMin}, {design.MuMax}])", nameof(design));
        bool strip = design.GridSigma == 1;
        if (!strip && !(design.SigmaMin > 0 && design.SigmaMax > design.SigmaMin)) throw new ArgumentException($"a basin map needs 0 < σ min < σ max (got {design.SigmaMin}, {design.SigmaMax})", nameof(design));
        int columns = design.GridMu;
        if (basinOfRestart.Length != columns * design.GridSigma) throw new ArgumentException($"the design has {columns}×{design.GridSigma} starts, but {basinOfRestart.Length} restarts were given", nameof(basinOfRestart));
        FigureFonts.EnsureRegistered(); // before the Plot: it copies the default font name

        // Colour index of each cell: the basin's position in the list, or one past the last for a start that did not converge.
        Color[] colours = [.. basins.Select((_, k) => BasinColour(k)), NotConverged];
        var position = basins.Select((b, k) => (b.Id, k)).ToDictionary(x => x.Id, x => x.k);
        int rows = strip ? 2 : design.GridSigma; // a strip is one row drawn twice: a heatmap needs 2 rows to know its cell height
        var cells = new double[rows, columns];
        var reached = new int[colours.Length];
        for (int i = 0; i < basinOfRestart.Length; i++)
        {
            int b = basinOfRestart[i];
            int colour = b == -1 ? basins.Count
                : position.TryGetValue(b, out int k) ? k
                : throw new ArgumentException($"restart {i} reached basin {b}, which is not among the basins given", nameof(basinOfRestart));
            reached[colour]++;
            cells[i / columns, i % columns] = colour;
            if (strip) cells[1, i % columns] = colour;
        }

        var plot = new Plot();
        var mu = new GridScale(new GridAxis(design.MuMin, design.MuMax, columns));
        GridScale? sigma = strip ? null : new GridScale(new GridAxis(design.SigmaMin, design.SigmaMax, design.GridSigma, Geometric: true));
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Extent = new CoordinateRect(mu.First, mu.Last, sigma?.First ?? 0, sigma?.Last ?? 1); // cell centres
        heatmap.FlipVertically = true; // row 0 is the smallest σ
        heatmap.Colormap = new CategoricalColormap(colours);
        heatmap.ManualRange = new ScottPlot.Range(0, Math.Max(colours.Length - 1, 1));

        // The legend: a swatch per basin and one for the starts that did not converge, then the marks.
        for (int k = 0; k < basins.Count && k < MaxListed; k++)
            plot.Legend.ManualItems.Add(Swatch(Label(basins[k], withSigma: !strip), colours[k]));
        if (basins.Count > MaxListed) plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"… and {basins.Count - MaxListed} more basins" });
        if (reached[^1] > 0 || basins.Count == 0)
            plot.Legend.ManualItems.Add(Swatch($"not converged ({Percent((double)reached[^1] / basinOfRestart.Length)})", NotConverged));
        foreach (var kind in basins.Select(b => b.Kind).Distinct().Order())
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = kind == StationaryKind.Minimum ? "minimum (area ∝ share)" : "saddle point",
                MarkerStyle = Mark(kind, SmallestMarker + 4),
            });
        MarkBasins(plot, basins, b => mu.Covers(b.Mu) && (sigma?.Covers(b.Sigma) ?? true)
                ? new Coordinates(b.Mu, sigma?.ToPlot(b.Sigma) ?? 0.5)
                : null,
            legend: null, tagColour: Colors.Black);

        plot.Title(strip
            ? $"Basins of attraction of {divergenceLabel}, σ fixed: {columns} starts over μ\n{LandscapeFigure.Wrapped($"target p = {target}")}"
            : $"Basins of attraction of {divergenceLabel}: {columns}×{design.GridSigma} starts\n{LandscapeFigure.Family(target)}, {LandscapeFigure.Wrapped($"target p = {target}")}");
        plot.XLabel("μ start");
        if (sigma is null)
        {
            plot.YLabel("σ fixed");
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(); // no ticks: one row
        }
        else
        {
            plot.YLabel("σ start (log scale)");
            sigma.LabelTicks(plot.Axes.Left);
        }
        plot.Axes.SetLimits(heatmap.GetAlignedExtent()); // exactly the cells
        plot.ShowLegend(Edge.Right); // beside the map: every cell of it is data
        plot.Legend.FontSize = 13;
        SizeText(plot);
        return plot;
    }

    /// <summary>"B0 min μ=-2.711 σ=1.052 (23.4%)": id, kind, location (σ left out on a curve, where it is fixed) and share of
    /// restarts; a Student-t q's scale is named s.</summary>
    public static string Label(Basin basin, bool withSigma, string scaleName = "σ")
    {
        ArgumentNullException.ThrowIfNull(basin);
        string kind = basin.Kind == StationaryKind.Minimum ? "min" : "saddle";
        string sigma = withSigma ? $" {scaleName}={Number(basin.Sigma)}" : "";
        return $"B{basin.Id} {kind} μ={Number(basin.Mu)}{sigma} ({Percent(basin.Fraction)})";
    }

    /// <summary>
    /// Marks each basin where <paramref name="at"/> places it (null: off the figure, still in the legend), its area
    /// growing with its share of restarts, tagged with its id; listed in the legend unless <paramref name="legend"/> is null.
    /// </summary>
    static void MarkBasins(Plot plot, IReadOnlyList<Basin> basins, Func<Basin, Coordinates?> at, Func<Basin, string>? legend, Color tagColour)
    {
        for (int k = 0; k < basins.Count; k++)
        {
            Basin b = basins[k];
            ArgumentNullException.ThrowIfNull(b);
            Coordinates? point = at(b);
            var marker = plot.Add.Markers(point is { } p ? [p] : Array.Empty<Coordinates>());
            marker.MarkerStyle = Mark(b.Kind, MarkerSize(b.Fraction));
            if (legend is not null && k < MaxListed) marker.LegendText = legend(b);

            if (point is { } q)
            {
                var tag = plot.Add.Text($"B{b.Id}", q.X, q.Y);
                tag.LabelFontSize = 12;
                tag.LabelBold = true;
                tag.LabelFontColor = tagColour;
                tag.LabelAlignment = Alignment.LowerLeft;
                tag.OffsetX = MarkerSize(b.Fraction) / 2 + 1;
                tag.OffsetY = -MarkerSize(b.Fraction) / 2 - 1;
            }
        }
        if (legend is not null && basins.Count > MaxListed)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"… and {basins.Count - MaxListed} more basins" });
    }

    /// <summary>A minimum is a white disc, a saddle a cyan diamond; both have a dark edge so they show on any colormap.</summary>
    static MarkerStyle Mark(StationaryKind kind, float size) => new(
        kind == StationaryKind.Minimum ? MarkerShape.FilledCircle : MarkerShape.FilledDiamond, size,
        kind == StationaryKind.Minimum ? MinimumFill : SaddleFill)
    {
        OutlineColor = MarkerEdge,
        OutlineWidth = 1.5f,
    };

    /// <summary>Diameter of a basin's marker: its area is the smallest marker's plus a share of the largest's.</summary>
    static float MarkerSize(double fraction)
    {
        double f = double.IsFinite(fraction) ? Math.Clamp(fraction, 0, 1) : 0;
        return (float)Math.Sqrt(SmallestMarker * SmallestMarker + (LargestMarker * LargestMarker - SmallestMarker * SmallestMarker) * f);
    }

    /// <summary>
    /// The k-th basin's colour on a basin map: Category10, then the light half of Category20, leaving out their greys
    /// (grey means "did not converge"); after 18 basins the colours repeat.
    /// </summary>
    internal static Color BasinColour(int k)
    {
        Color[] strong = new ScottPlot.Palettes.Category10().Colors;
        Color[] palette = [.. strong, .. new ScottPlot.Palettes.Category20().Colors.Where(c => !strong.Contains(c))];
        palette = [.. palette.Where(c => !(c.R == c.G && c.G == c.B))];
        return palette[k % palette.Length];
    }

    static LegendItem Swatch(string label, Color colour) => new()
    {
        LabelText = label,
        FillColor = colour,
        OutlineColor = MarkerEdge,
        OutlineWidth = 1,
    };

    /// <summary>The runs of consecutive points whose value is finite.</summary>
    static IEnumerable<Coordinates[]> FiniteRuns(double[] x, double[] y)
    {
        var run = new List<Coordinates>();
        for (int i = 0; i <= x.Length; i++)
        {
            if (i < x.Length && double.IsFinite(y[i])) { run.Add(new Coordinates(x[i], y[i])); continue; }
            if (run.Count > 0) yield return [.. run];
            run.Clear();
        }
    }

    /// <summary>The curve at <paramref name="at"/>, linear between grid points; NaN outside the grid.</summary>
    static double Interpolate(double[] x, double[] y, double at)
    {
        if (!(at >= x[0] && at <= x[^1])) return double.NaN;
        int i = Array.BinarySearch(x, at);
        if (i >= 0) return y[i];
        int right = ~i, left = right - 1;
        double t = (at - x[left]) / (x[right] - x[left]);
        return y[left] + t * (y[right] - y[left]);
    }

    /// <summary>"2 minima, 1 saddle point": what the restarts found.</summary>
    static string Tally(IReadOnlyList<Basin> basins)
    {
        int minima = basins.Count(b => b.Kind == StationaryKind.Minimum), saddles = basins.Count - minima;
        if (basins.Count == 0) return "no basins";
        string found = minima == 1 ? "1 minimum" : $"{minima} minima";
        return saddles == 0 ? found : $"{found}, {Count(saddles, "saddle point")}";
    }

    static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    /// <summary>4 significant digits in fixed notation ("-2.711", "0.05123", "23.45"), scientific beyond 10⁻³ to 10⁵.
    /// Below 1e-9 is shown as 0: polished locations are good to about 1e-10, so 1.2e-14 is a symmetric point's rounding.</summary>
    static string Number(double v)
    {
        if (Math.Abs(v) < 1e-9) v = 0;
        double a = Math.Abs(v);
        if (!double.IsFinite(v) || (a != 0 && (a < 1e-3 || a >= 1e5))) return v.ToString("G4", CultureInfo.InvariantCulture);
        int decimals = a == 0 ? 3 : Math.Clamp(3 - (int)Math.Floor(Math.Log10(a)), 0, 6);
        return v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>A share of restarts as a percentage with one decimal ("23.4%"), "<0.1%" for a share too small to show.</summary>
    static string Percent(double fraction) =>
        fraction > 0 && fraction < 0.0005 ? "<0.1%" : (100 * fraction).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Text sized as <see cref="LandscapeFigure"/> sizes it, for a figure shrunk to a column width.</summary>
    static void SizeText(Plot plot)
    {
        plot.Axes.Title.Label.FontSize = 17;
        foreach (IAxis axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            axis.Label.FontSize = 16;
            axis.TickLabelStyle.FontSize = 13;
        }
    }

    /// <summary>One flat colour per category: intensity k (of 0 … n−1, the heatmap's range) gets colour k.</summary>
    sealed class CategoricalColormap(Color[] colours) : IColormap
    {
        public string Name => "basins";

        public Color GetColor(double position)
        {
            if (double.IsNaN(position)) return Colors.Transparent;
            int k = (int)Math.Round(position * Math.Max(colours.Length - 1, 1));
            return colours[Math.Clamp(k, 0, colours.Length - 1)];
        }
    }
}
