using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Plotting;
using KlGpu.Pressure;
using KlGpu.Sweeps;
using KlGpu.Tests.Sweeps;
using ScottPlot;
using ScottPlot.Panels;
using Xunit;

namespace KlGpu.Tests.Plotting;

/// <summary>
/// Every figure klgpu writes keeps its legend off the data: not drawn inside the axes, but in a panel beside them, and that
/// panel fits in the figure at the size the tool writes it (an entry wider than its margin would be cut at the edge).
/// </summary>
public class LegendPlacementTests
{
    static readonly GaussianMixture Target = SyntheticMaps.TwoComponents;

    /// <summary>Renders <paramref name="plot"/> at its size and checks where its legend went.</summary>
    static void AssertBeside(Plot plot, int width, int height)
    {
        plot.GetImage(width, height);
        AssertBesideAsRendered(plot);
    }

    static void AssertBesideAsRendered(Plot plot)
    {
        Assert.False(Legends.InsideData(plot), "the legend is drawn inside the data area");
        var panel = Assert.Single(plot.Axes.GetPanels().OfType<LegendPanel>(), p => p.IsVisible);
        var render = plot.RenderManager.LastRender;
        PixelRect data = render.DataRect, figure = render.FigureRect;
        PixelSize legend = plot.Legend.LastRenderSize;
        legend = new PixelSize(legend.Width + panel.Padding.Horizontal, legend.Height + panel.Padding.Vertical); // the panel's margins around the box
        Assert.True(legend.Width > 0 && legend.Height > 0, "the legend has no entries");
        switch (panel.Edge)
        {
            case Edge.Right:
                Assert.True(data.Right + legend.Width <= figure.Right + 0.5, $"the legend ({legend.Width} px) does not fit right of the data ({data.Right} of {figure.Right} px)");
                break;
            case Edge.Bottom:
                Assert.True(data.Bottom + legend.Height <= figure.Bottom + 0.5, $"the legend ({legend.Height} px) does not fit below the data ({data.Bottom} of {figure.Bottom} px)");
                Assert.True(legend.Width <= figure.Width + 0.5, $"the legend ({legend.Width} px) is wider than the figure ({figure.Width} px)");
                break;
            default:
                Assert.Fail($"a legend on the {panel.Edge} edge");
                break;
        }
    }

    [Fact]
    public void Maps_put_their_legend_beside_the_cells()
    {
        var map = SyntheticBasins.Map();
        AssertBeside(LandscapeFigure.Heatmap(map, Target), 900, 700);
        AssertBeside(BasinFigure.Landscape(map, Target, SyntheticBasins.Basins, SyntheticBasins.Paths), 900 + BasinFigure.LegendWidth, 700);
        Basin[] many = Enumerable.Range(0, 15) // as many as the figure lists, and more
            .Select(k => new Basin(k, -3.5 + 0.5 * k, 1, k, 1, 1.0 / 15, StationaryKind.Minimum, [1, 1], 0, true)).ToArray();
        AssertBeside(BasinFigure.Landscape(map, Target, many, SyntheticBasins.Paths), 900 + BasinFigure.LegendWidth, 700);
        var axis = new GridAxis(-3, 3, 24);
        var values = new double[24, 24];
        for (int j = 0; j < 24; j++) for (int i = 0; i < 24; i++) values[j, i] = 1 + Math.Pow(axis.At(i) - 1, 2) + Math.Pow(axis.At(j) + 1, 2);
        AssertBeside(SliceFigure.Heatmap(Divergence.Reverse, "mean1", axis, "mean2", axis, (0, 0), "0.5*N(0,1) + 0.5*N(0,1)", values,
            new MixtureTarget(Target), logColor: true), 900, 700);
    }

    [Fact]
    public void Curves_and_densities_put_their_legend_beside_the_axes()
    {
        double[] mu = SyntheticBasins.CurveMu();
        AssertBeside(BasinFigure.Curve(Target, "KL(q || p)", 1, mu, mu.Select(m => SyntheticBasins.Value(m, 1)).ToArray(), SyntheticBasins.Basins, []), 900, 700);
        var p = new MixtureTarget(Target);
        var fits = SyntheticBasins.Basins.Select(b => new DensityFit(b.Mu, b.Sigma, BasinFigure.Label(b, withSigma: true), b.Fraction, Colors.Blue)).ToList();
        AssertBeside(DensityFigure.Panel(p, "densities", fits, DensityFigure.Range(p, fits)), 900, 700);
        var mixtures = new[]
        {
            new ThetaBasin<GaussianMixture>(0, ThetaKind.Minimum, new GaussianMixture([0.3, 0.7], [-2, 1], [0.3, 1]), 0.01, 10, 0.6, [1, 1, 1, 1, 1], 0, 0, true),
            new ThetaBasin<GaussianMixture>(1, ThetaKind.Degenerate, GaussianMixture.Gaussian(0.1, 1.6), 0.3, 6, 0.4, [1, 1, 1, 1, 0], 1, 0, true),
        };
        AssertBeside(ThetaDensityFigure.ForRun(p, Divergence.Reverse, new KlGpu.Families.MixtureFamily(2), mixtures), 900, 700);
        AssertBeside(CurveFigure.Create(Target, 1, mu, [(Divergence.Reverse, mu.Select(m => SyntheticBasins.Value(m, 1)).ToArray(), SyntheticBasins.Basins)]), 1000, 700);
    }

    [Fact]
    public void Multi_panel_figures_put_every_legend_beside_its_panel()
    {
        double[] xs = Enumerable.Range(0, 101).Select(i => -4 + 0.08 * i).ToArray();
        var q = GaussianMixture.Gaussian(1, 0.6);
        double[] logP = xs.Select(Target.LogDensity).ToArray(), logQ = xs.Select(q.LogDensity).ToArray();
        var pressure = PressureJob.Figure(Target, q, xs, logP, logQ, [(Divergence.Forward, logP), (Divergence.Reverse, logQ)],
            [logP.Select(Math.Abs).ToArray(), logQ.Select(Math.Abs).ToArray()]);
        Render(pressure, 1000, 900);
        foreach (var plot in pressure.Subplots.GetPlots()) AssertBesideAsRendered(plot);

        var sweep = new MixtureSweepResult(SweepSettings(), [MixtureBranchesTests.Point(2, Lopsided(2, 0.002564123)), MixtureBranchesTests.Point(2.2, Lopsided(2.2, 0.04712345))], [], 1);
        var bifurcation = BifurcationFigure.Create(sweep with { Links = MixtureBranches.Join(sweep.Points) });
        Render(bifurcation, BifurcationFigure.Width, BifurcationFigure.Height);
        var top = bifurcation.Subplots.GetPlots()[0];
        AssertBesideAsRendered(top);
    }

    static void Render(Multiplot figure, int width, int height)
    {
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(width, height));
        figure.Render(surface.Canvas, new PixelRect(0, width, height, 0));
    }

    static ThetaBasin<GaussianMixture> Lopsided(double d, double value) =>
        new(0, ThetaKind.Minimum, new GaussianMixture([0.2831, 0.7169], [-d, 1], [1.059, 1.802]), value, 10, 1, [1, 1, 1, 1, 1], 0, 0, true);

    static SweepSettings SweepSettings() => new(new TargetTemplate("0.3*N(-{d},1) + 0.4*N(0,1) + 0.3*N({d},1)"), "d", new GridAxis(2, 2.2, 2),
        new DivergenceTemplate("reverse"), new KlGpu.Families.MixtureFamily(2), 8, 10, 0.05, 1, null, null, Precision.Double, Accelerators.AcceleratorKind.Cpu);
}

public class ThetaDensityLegendTests
{
    [Fact]
    public void A_run_with_many_ends_names_each_distinct_value_first_and_counts_the_rest()
    {
        var p = new MixtureTarget(new GaussianMixture([0.5, 0.5], [-2, 2], [1, 1]));
        // Twelve ends of one value (a drifting valley), then eight of distinct values.
        var basins = Enumerable.Range(0, 20).Select(i => new ThetaBasin<GaussianMixture>(i, ThetaKind.Minimum,
            new GaussianMixture([0.5, 0.5], [-2 + 0.01 * i, 2], [1, 1]), i < 12 ? 0.25 : 0.5 + i, 1, 0.05, [1, 1, 1, 1, 1], 0, 0, i == 0)).ToList();
        var plot = ThetaDensityFigure.ForRun(p, Divergence.Reverse, new KlGpu.Families.MixtureFamily(2), basins);
        var named = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Where(s => !string.IsNullOrEmpty(s.LegendText)).Select(s => s.LegendText).ToList();
        Assert.Equal(ThetaDensityFigure.MaxListed, named.Count);
        Assert.StartsWith("B0:", named[0]);
        Assert.Equal(Enumerable.Range(12, ThetaDensityFigure.MaxListed - 1).Select(i => $"B{i}:"), named.Skip(1).Select(t => t[..(t.IndexOf(':') + 1)]));
        Assert.Equal($"… and {20 - ThetaDensityFigure.MaxListed} more (basins.json lists every one)", Assert.Single(plot.Legend.ManualItems).LabelText);
    }
}
