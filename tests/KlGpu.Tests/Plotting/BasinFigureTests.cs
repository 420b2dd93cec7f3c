using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Plotting;
using ScottPlot;
using Xunit;

namespace KlGpu.Tests.Plotting;

/// <summary>
/// A double well with a closed form: 0.1(μ² − 4)² + 0.05 μ + (ln σ)² + 0.3 has minima near μ = ±2, σ = 1 (the left one
/// lower) and a saddle at μ ≈ 0, σ = 1; the basins, paths and grid below are what restarts on it would report.
/// </summary>
internal static class SyntheticBasins
{
    public static double Value(double mu, double sigma) => 0.1 * Math.Pow(mu * mu - 4, 2) + 0.05 * mu + Math.Pow(Math.Log(sigma), 2) + 0.3;

    public static DivergenceMap Map() =>
        SyntheticMaps.FromFunction(Divergence.Reverse, new GridAxis(-4, 4, 81), new GridAxis(0.2, 3, 41, Geometric: true), Value);

    public static readonly Basin[] Basins =
    [
        new(0, -2, 1, Value(-2, 1), 110, 0.55, StationaryKind.Minimum, [0.8, 2], 1e-12, true),
        new(1, 2, 1, Value(2, 1), 80, 0.40, StationaryKind.Minimum, [0.8, 2], 1e-12, true),
        new(2, 0, 1, Value(0, 1), 4, 0.02, StationaryKind.Saddle, [-0.8, 2], 1e-12, true),
    ];

    public static readonly (double[] Mu, double[] Sigma)[] Paths =
    [
        ([3.5, 3.0, 2.5, 2.2, 2.05, 2.0], [2.5, 1.9, 1.4, 1.15, 1.03, 1.0]),
        ([-0.5, -1.0, -1.5, -1.8, -1.95, -2.0], [0.3, 0.45, 0.65, 0.85, 0.96, 1.0]),
    ];

    /// <summary>A 20 × 10 grid of starts over μ ∈ [−4, 4], σ ∈ [0.2, 3]: left half to B0, right half to B1, the two middle
    /// columns' bottom row to the saddle B2, and 6 starts that did not converge.</summary>
    public static readonly StartDesign Grid = new(-4, 4, 0.2, 3, Seed: 1, GridMu: 20, GridSigma: 10);

    public static int[] BasinOfRestart(StartDesign design)
    {
        var reached = new int[design.GridMu * design.GridSigma];
        for (int i = 0; i < reached.Length; i++)
        {
            int column = i % design.GridMu, row = i / design.GridMu;
            reached[i] = column < design.GridMu / 2 ? 0 : 1;
            if (row == 0 && (column == design.GridMu / 2 - 1 || column == design.GridMu / 2)) reached[i] = 2;
        }
        foreach (int i in new[] { 3, 17, 42, 99, 150, 199 }.Where(i => i < reached.Length)) reached[i] = -1;
        return reached;
    }

    public static double[] CurveMu() => Enumerable.Range(0, 161).Select(i => -4 + 0.05 * i).ToArray();
}

public sealed class BasinFigureTests : IDisposable
{
    readonly TempFolder folder = new();
    public void Dispose() => folder.Dispose();

    static readonly KlGpu.Numerics.GaussianMixture Target = SyntheticMaps.TwoComponents;

    [Fact]
    public void The_landscape_lists_every_basin_and_draws_every_path()
    {
        var plot = BasinFigure.Landscape(SyntheticBasins.Map(), Target, SyntheticBasins.Basins, SyntheticBasins.Paths);

        LandscapeFigure.Save(plot, folder.File("landscape.png"), 900, 700);
        LandscapeFigure.Save(plot, folder.File("landscape.svg"), 900, 700);

        FigureFiles.AssertPng(folder.File("landscape.png"), 900, 700);
        string[] texts = FigureFiles.SvgTexts(folder.File("landscape.svg"));
        Assert.Contains("B0 min μ=-2.000 σ=1.000 (55.0%)", texts);
        Assert.Contains("B1 min μ=2.000 σ=1.000 (40.0%)", texts);
        Assert.Contains("B2 saddle μ=0.000 σ=1.000 (2.0%)", texts);
        Assert.Contains("2 restart paths (○ start)", texts);
        Assert.Contains("Basins of reverse KL(q || p), q = N(μ, σ): 2 minima, 1 saddle point", texts);
        Assert.Contains("KL(q || p) [nats]", texts); // the landscape's own colour bar is kept
        foreach (string tag in new[] { "B0", "B1", "B2" }) Assert.Contains(tag, texts);
        Assert.Equal(2, plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Count());
        // The grid minimum and the target's marks are drawn after (over) the basins' discs, which often cover them.
        var order = plot.GetPlottables().ToList();
        int gridMinimum = order.FindIndex(p => p is ScottPlot.Plottables.Marker m && m.LegendText.StartsWith("grid minimum"));
        int b0 = order.FindIndex(p => p is ScottPlot.Plottables.Markers m && m.LegendText.StartsWith("B0 "));
        Assert.True(b0 >= 0 && gridMinimum > b0, $"the grid minimum is plottable {gridMinimum}, B0 is {b0}");
    }

    [Fact]
    public void Landscape_marks_sit_at_the_basins_on_a_log_sigma_axis_and_grow_with_their_share()
    {
        var plot = BasinFigure.Landscape(SyntheticBasins.Map(), Target, SyntheticBasins.Basins, []);

        ScottPlot.Plottables.Markers Mark(string id) =>
            Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Markers>(), m => m.LegendText.StartsWith(id + " "));
        var b0 = Mark("B0");
        var b2 = Mark("B2");
        // The map's σ is geometric, so the figure plots log10 σ: σ = 1 is at 0.
        Assert.Equal(new Coordinates(-2, 0), Assert.Single(b0.Data.GetScatterPoints()));
        Assert.Equal(MarkerShape.FilledCircle, b0.MarkerShape);
        Assert.Equal(MarkerShape.FilledDiamond, b2.MarkerShape);
        Assert.True(b0.MarkerSize > Mark("B1").MarkerSize && Mark("B1").MarkerSize > b2.MarkerSize,
            $"marker sizes {b0.MarkerSize}, {Mark("B1").MarkerSize}, {b2.MarkerSize} do not follow the shares 55%, 40%, 2%");
        Assert.True(b2.MarkerSize >= 8, "a rarely reached basin still needs a visible marker");
    }

    [Fact]
    public void A_basin_off_the_map_is_listed_but_not_drawn()
    {
        Basin far = SyntheticBasins.Basins[1] with { Mu = 40 };

        var plot = BasinFigure.Landscape(SyntheticBasins.Map(), Target, [SyntheticBasins.Basins[0], far], []);

        var marks = plot.GetPlottables().OfType<ScottPlot.Plottables.Markers>().Where(m => m.LegendText.StartsWith('B')).ToArray();
        Assert.Equal(["B0 min μ=-2.000 σ=1.000 (55.0%)", "B1 min μ=40.00 σ=1.000 (40.0%)"], marks.Select(m => m.LegendText));
        Assert.Empty(marks[1].Data.GetScatterPoints());
    }

    [Fact]
    public void The_curve_marks_the_basins_at_their_values_and_names_sigma()
    {
        double[] mu = SyntheticBasins.CurveMu();
        double[] values = mu.Select(m => SyntheticBasins.Value(m, 1)).ToArray();
        double[][] paths = [[3.5, 2.9, 2.4, 2.1, 2.0], [-0.4, -1.2, -1.8, -2.0]];

        var plot = BasinFigure.Curve(Target, "KL(q || p)", 0.5, mu, values, SyntheticBasins.Basins, paths);
        LandscapeFigure.Save(plot, folder.File("curve.png"), 900, 600);
        LandscapeFigure.Save(plot, folder.File("curve.svg"), 900, 600);

        FigureFiles.AssertPng(folder.File("curve.png"), 900, 600);
        string[] texts = FigureFiles.SvgTexts(folder.File("curve.svg"));
        Assert.Contains("KL(q || p) over μ at fixed σ = 0.5: 2 minima, 1 saddle point", texts);
        Assert.Contains("target p = 0.3*N(-2,0.3) + 0.7*N(1,1)", texts);
        Assert.Contains("B0 min μ=-2.000 (55.0%)", texts); // σ is in the title, not repeated per basin
        Assert.Contains("B2 saddle μ=0.000 (2.0%)", texts);
        Assert.Contains("2 restart paths (○ start, • iterates)", texts);
        Assert.Contains("μ", texts);
        Assert.Contains("KL(q || p) [nats]", texts);
        var b0 = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Markers>(), m => m.LegendText.StartsWith("B0 "));
        Assert.Equal(new Coordinates(-2, SyntheticBasins.Value(-2, 1)), Assert.Single(b0.Data.GetScatterPoints()));
    }

    [Fact]
    public void Curve_paths_sit_on_the_curve()
    {
        double[] mu = [0, 1, 2];
        double[] values = [0, 10, 30];

        var plot = BasinFigure.Curve(Target, "KL(p || q)", 1, mu, values, [], [[0.5, 1.5, 5]]);

        var dots = plot.GetPlottables().OfType<ScottPlot.Plottables.Markers>().SelectMany(m => m.Data.GetScatterPoints()).ToArray();
        // Linear between grid points; μ = 5 is off the curve and left out.
        Assert.Equal([new Coordinates(0.5, 5), new Coordinates(1.5, 20)], dots.OrderBy(p => p.X));
    }

    [Fact]
    public void The_basin_map_colours_each_start_by_its_basin()
    {
        StartDesign design = SyntheticBasins.Grid;
        int[] reached = SyntheticBasins.BasinOfRestart(design);

        var plot = BasinFigure.BasinMap(design, reached, SyntheticBasins.Basins, Target, "KL(q || p)");
        LandscapeFigure.Save(plot, folder.File("map.png"), 1000, 600);
        LandscapeFigure.Save(plot, folder.File("map.svg"), 1000, 600);

        FigureFiles.AssertPng(folder.File("map.png"), 1000, 600);
        string[] texts = FigureFiles.SvgTexts(folder.File("map.svg"));
        Assert.Contains("B0 min μ=-2.000 σ=1.000 (55.0%)", texts);
        Assert.Contains("B2 saddle μ=0.000 σ=1.000 (2.0%)", texts);
        Assert.Contains("not converged (3.0%)", texts); // 6 of 200
        Assert.Contains("Basins of attraction of KL(q || p): 20×10 starts", texts);
        Assert.Contains("σ start (log scale)", texts);
        foreach (string tick in new[] { "0.2", "0.5", "1", "2" }) Assert.Contains(tick, texts); // true σ, not log10 σ

        // Start i is cell (i % 20, i / 20) with row 0 the smallest σ; each basin has its own colour, and grey is kept for -1.
        var heatmap = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Heatmap>());
        Assert.True(heatmap.FlipVertically);
        Color ColourOf(int i)
        {
            var range = heatmap.ManualRange!.Value;
            return heatmap.Colormap.GetColor((heatmap.Intensities[i / 20, i % 20] - range.Min) / (range.Max - range.Min));
        }
        Color[] basinColours = [ColourOf(0), ColourOf(19), ColourOf(9)];
        Assert.Equal(3, basinColours.Distinct().Count());
        for (int i = 0; i < reached.Length; i++)
            Assert.Equal(reached[i] == -1 ? Color.FromHex("#D3D3D3") : basinColours[reached[i]], ColourOf(i));
        Assert.DoesNotContain(Color.FromHex("#D3D3D3"), basinColours);
    }

    [Fact]
    public void A_fixed_sigma_design_is_a_strip_over_mu()
    {
        var design = new StartDesign(-4, 4, 0.5, 0.5, Seed: 1, GridMu: 40, GridSigma: 1);
        int[] reached = Enumerable.Range(0, 40).Select(i => i < 20 ? 0 : i == 39 ? -1 : 1).ToArray();

        var plot = BasinFigure.BasinMap(design, reached, SyntheticBasins.Basins[..2], Target, "KL(q || p)");
        LandscapeFigure.Save(plot, folder.File("strip.png"), 1000, 300);
        LandscapeFigure.Save(plot, folder.File("strip.svg"), 1000, 300);

        FigureFiles.AssertPng(folder.File("strip.png"), 1000, 300);
        string[] texts = FigureFiles.SvgTexts(folder.File("strip.svg"));
        Assert.Contains("Basins of attraction of KL(q || p), σ fixed: 40 starts over μ", texts);
        Assert.Contains("B0 min μ=-2.000 (55.0%)", texts);
        Assert.Contains("not converged (2.5%)", texts);
        Assert.Contains("σ fixed", texts);
    }

    [Fact]
    public void Figures_with_no_basins_and_no_paths_still_render()
    {
        var map = SyntheticBasins.Map();
        double[] mu = SyntheticBasins.CurveMu();
        double[] values = mu.Select(m => SyntheticBasins.Value(m, 1)).ToArray();
        var design = SyntheticBasins.Grid;
        int[] none = Enumerable.Repeat(-1, 200).ToArray();

        LandscapeFigure.Save(BasinFigure.Landscape(map, Target, [], []), folder.File("landscape.svg"), 900, 700);
        LandscapeFigure.Save(BasinFigure.Landscape(map, Target, [], []), folder.File("landscape.png"), 900, 700);
        LandscapeFigure.Save(BasinFigure.Curve(Target, "KL(q || p)", 1, mu, values, [], []), folder.File("curve.svg"), 900, 600);
        LandscapeFigure.Save(BasinFigure.Curve(Target, "KL(q || p)", 1, mu, values, [], []), folder.File("curve.png"), 900, 600);
        LandscapeFigure.Save(BasinFigure.BasinMap(design, none, [], Target, "KL(q || p)"), folder.File("map.svg"), 900, 600);
        LandscapeFigure.Save(BasinFigure.BasinMap(design, none, [], Target, "KL(q || p)"), folder.File("map.png"), 900, 600);

        FigureFiles.AssertPng(folder.File("landscape.png"), 900, 700);
        FigureFiles.AssertPng(folder.File("curve.png"), 900, 600);
        FigureFiles.AssertPng(folder.File("map.png"), 900, 600);
        Assert.Contains("Basins of reverse KL(q || p), q = N(μ, σ): no basins", FigureFiles.SvgTexts(folder.File("landscape.svg")));
        Assert.Contains("KL(q || p) over μ at fixed σ = 1: no basins", FigureFiles.SvgTexts(folder.File("curve.svg")));
        Assert.Contains("not converged (100.0%)", FigureFiles.SvgTexts(folder.File("map.svg")));
    }

    [Fact]
    public void Many_basins_are_counted_rather_than_all_listed()
    {
        Basin[] many = Enumerable.Range(0, 15)
            .Select(k => new Basin(k, -3.5 + 0.5 * k, 1, k, 1, 1.0 / 15, StationaryKind.Minimum, [1, 1], 0, true)).ToArray();

        LandscapeFigure.Save(BasinFigure.Landscape(SyntheticBasins.Map(), Target, many, []), folder.File("many.svg"), 900, 700);

        string[] texts = FigureFiles.SvgTexts(folder.File("many.svg"));
        Assert.Contains(texts, t => t.StartsWith("B11 min "));
        Assert.DoesNotContain(texts, t => t.StartsWith("B12 min "));
        Assert.Contains("… and 3 more basins", texts);
        Assert.Contains("B14", texts); // still drawn and tagged
    }

    [Fact]
    public void Bad_requests_are_refused_with_reasons()
    {
        var design = SyntheticBasins.Grid;
        int[] reached = SyntheticBasins.BasinOfRestart(design);

        var length = Assert.Throws<ArgumentException>(() => BasinFigure.BasinMap(design, reached[..199], SyntheticBasins.Basins, Target, "KL"));
        Assert.Contains("20×10", length.Message);
        var unknown = Assert.Throws<ArgumentException>(() => BasinFigure.BasinMap(design, reached, SyntheticBasins.Basins[..2], Target, "KL"));
        Assert.Contains("basin 2", unknown.Message);
        Assert.Throws<ArgumentException>(() => BasinFigure.BasinMap(design with { GridMu = 0, GridSigma = 0 }, [], [], Target, "KL"));
        var order = Assert.Throws<ArgumentException>(() => BasinFigure.Curve(Target, "KL", 1, [0, 2, 1], [0, 0, 0], [], []));
        Assert.Contains("μ must increase", order.Message);
        Assert.Throws<ArgumentException>(() => BasinFigure.Curve(Target, "KL", 1, [0, 1], [0], [], []));
    }

    [Fact]
    public void Figures_use_the_bundled_font()
    {
        var plot = BasinFigure.BasinMap(SyntheticBasins.Grid, SyntheticBasins.BasinOfRestart(SyntheticBasins.Grid), SyntheticBasins.Basins, Target, "KL");

        Assert.Equal(FigureFonts.Family, plot.Axes.Title.Label.FontName);
        Assert.Equal(FigureFonts.Family, plot.Axes.Left.TickLabelStyle.FontName);
        Assert.All(plot.GetPlottables().OfType<ScottPlot.Plottables.Text>(), t => Assert.Equal(FigureFonts.Family, t.LabelFontName));
    }
}
