using KlGpu.Landscape;
using KlGpu.Plotting;
using Xunit;

namespace KlGpu.Tests.Plotting;

public sealed class LandscapeFigureTests : IDisposable
{
    readonly TempFolder folder = new();
    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(DivergenceKind.Reverse, false)]
    [InlineData(DivergenceKind.Reverse, true)]
    [InlineData(DivergenceKind.Forward, true)]
    public void A_closed_form_map_saves_as_png_and_svg(DivergenceKind kind, bool geometricSigma)
    {
        var divergence = new Divergence(kind);
        var map = SyntheticMaps.ToStandardNormal(divergence, geometricSigma);
        var plot = LandscapeFigure.Heatmap(map, SyntheticMaps.StandardNormal, FigureOptions.Default);

        LandscapeFigure.Save(plot, folder.File("map.png"), 900, 700);
        LandscapeFigure.Save(plot, folder.File("map.SVG"), 900, 700);

        FigureFiles.AssertPng(folder.File("map.png"), 900, 700);
        string[] texts = FigureFiles.SvgTexts(folder.File("map.SVG"));
        Assert.Contains($"{divergence.Label()} [nats]", texts);
        Assert.Contains(texts, t => t.Contains(divergence.Label()) && t.Contains("q = N(μ, σ)"));
        Assert.Contains("target p = N(0,1)", texts);
        Assert.Contains("μ", texts);
        Assert.Contains(geometricSigma ? "σ (log scale)" : "σ", texts);
        Assert.Contains(texts, t => t.StartsWith("grid minimum"));
    }

    [Fact]
    public void A_geometric_sigma_axis_is_labelled_in_true_sigma()
    {
        var map = SyntheticMaps.ToStandardNormal(Divergence.Reverse, geometricSigma: true);

        LandscapeFigure.Save(LandscapeFigure.Heatmap(map, SyntheticMaps.StandardNormal), folder.File("geo.svg"), 900, 700);

        string[] texts = FigureFiles.SvgTexts(folder.File("geo.svg"));
        // σ from 0.2 to 3 is plotted as log10 σ; its ticks read 0.2, 0.5, 1, 2 and never the logs (−0.7, 0.3).
        foreach (string tick in new[] { "0.2", "0.5", "1", "2" }) Assert.Contains(tick, texts);
        Assert.DoesNotContain("-0.7", texts);
    }

    [Fact]
    public void The_log_colour_bar_is_labelled_in_true_values()
    {
        // Values from 10⁻⁶ to 10² across μ: nine decades, so every other decade is labelled.
        var map = SyntheticMaps.FromFunction(Divergence.Forward, new GridAxis(0, 8, 33), new GridAxis(0.5, 2, 9),
            (mu, _) => Math.Pow(10, mu - 6));

        LandscapeFigure.Save(LandscapeFigure.Heatmap(map, SyntheticMaps.StandardNormal), folder.File("decades.svg"), 900, 700);

        string[] texts = FigureFiles.SvgTexts(folder.File("decades.svg"));
        foreach (string tick in new[] { "10⁻⁶", "10⁻⁴", "10⁻²", "10⁰", "10²" }) Assert.Contains(tick, texts);
        Assert.Contains("grid minimum (10⁻⁶ nats)", texts);
    }

    [Fact]
    public void The_linear_option_labels_plain_values()
    {
        var map = SyntheticMaps.ToStandardNormal(Divergence.Reverse, geometricSigma: false);

        var plot = LandscapeFigure.Heatmap(map, SyntheticMaps.StandardNormal, new FigureOptions { LogColor = false, Contours = false });
        LandscapeFigure.Save(plot, folder.File("linear.svg"), 900, 700);

        string[] texts = FigureFiles.SvgTexts(folder.File("linear.svg")).Where(t => !t.StartsWith("grid minimum")).ToArray();
        Assert.DoesNotContain(texts, t => t.Contains("10⁻") || t.Contains('×'));
        Assert.Contains("0", texts);
    }

    [Theory]
    [InlineData("zeros and huge values")]
    [InlineData("tiny negatives from rounding")]
    [InlineData("all zero")]
    [InlineData("constant")]
    [InlineData("undefined cells")]
    [InlineData("nothing finite")]
    public void Awkward_values_still_make_a_figure(string kind)
    {
        Func<double, double, double> value = kind switch
        {
            "zeros and huge values" => (mu, s) => mu < 0 ? 0 : 1e6 * mu * s,
            "tiny negatives from rounding" => (mu, s) => mu * mu + (s - 1) * (s - 1) - 1e-17,
            "all zero" => (_, _) => 0,
            "constant" => (_, _) => 2.5,
            "undefined cells" => (mu, s) => mu > 2 ? double.NaN : s > 2.5 ? double.PositiveInfinity : mu * mu + s,
            "nothing finite" => (_, _) => double.NaN,
            _ => throw new ArgumentException(kind),
        };
        var map = SyntheticMaps.FromFunction(Divergence.Reverse, new GridAxis(-3, 3, 25), new GridAxis(0.2, 3, 20, true), value);

        foreach (bool log in new[] { true, false })
        {
            var plot = LandscapeFigure.Heatmap(map, SyntheticMaps.TwoComponents, new FigureOptions { LogColor = log });
            LandscapeFigure.Save(plot, folder.File($"awkward-{log}.png"), 600, 450);
            FigureFiles.AssertPng(folder.File($"awkward-{log}.png"), 600, 450);
        }
    }

    [Fact]
    public void Markers_outside_the_grid_are_left_out()
    {
        var map = SyntheticMaps.ToStandardNormal(Divergence.Reverse, geometricSigma: true);
        var farAway = new KlGpu.Numerics.GaussianMixture([0.5, 0.5], [10, 20], [0.01, 50]);

        LandscapeFigure.Save(LandscapeFigure.Heatmap(map, farAway), folder.File("far.svg"), 900, 700);

        string[] texts = FigureFiles.SvgTexts(folder.File("far.svg"));
        Assert.DoesNotContain("target components", texts);
        Assert.DoesNotContain("moment matching", texts);
        Assert.Contains(texts, t => t.StartsWith("grid minimum"));
    }

    [Fact]
    public void Markers_inside_the_grid_are_in_the_legend()
    {
        var map = SyntheticMaps.ToStandardNormal(Divergence.Reverse, geometricSigma: false);

        LandscapeFigure.Save(LandscapeFigure.Heatmap(map, SyntheticMaps.TwoComponents), folder.File("two.svg"), 900, 700);

        string[] texts = FigureFiles.SvgTexts(folder.File("two.svg"));
        Assert.Contains("target components", texts);
        Assert.Contains("moment matching", texts);
    }

    [Fact]
    public void A_long_target_spec_is_wrapped_in_the_title()
    {
        var map = SyntheticMaps.ToStandardNormal(Divergence.Reverse, geometricSigma: false);
        var eight = new KlGpu.Numerics.GaussianMixture(
            Enumerable.Repeat(0.125, 8).ToArray(), Enumerable.Range(0, 8).Select(k => k - 3.5).ToArray(), Enumerable.Repeat(0.25, 8).ToArray());

        LandscapeFigure.Save(LandscapeFigure.Heatmap(map, eight), folder.File("eight.svg"), 900, 700);

        string[] texts = FigureFiles.SvgTexts(folder.File("eight.svg"));
        string first = Assert.Single(texts, t => t.StartsWith("target p = "));
        Assert.EndsWith(" +", first);
        Assert.Contains(texts, t => t.EndsWith("0.125*N(3.5,0.25)"));
    }

    [Fact]
    public void Side_by_side_panels_save_as_png_and_svg()
    {
        DivergenceMap[] maps =
        [
            SyntheticMaps.ToStandardNormal(Divergence.Forward, geometricSigma: true),
            SyntheticMaps.ToStandardNormal(Divergence.Reverse, geometricSigma: true),
        ];
        var figure = LandscapeFigure.SideBySide(maps, SyntheticMaps.StandardNormal);

        LandscapeFigure.Save(figure, folder.File("both.png"), 1800, 700);
        LandscapeFigure.Save(figure, folder.File("both.svg"), 1800, 700);

        FigureFiles.AssertPng(folder.File("both.png"), 1800, 700);
        string[] texts = FigureFiles.SvgTexts(folder.File("both.svg"));
        Assert.Contains("KL(p || q) [nats]", texts);
        Assert.Contains("KL(q || p) [nats]", texts);
    }

    [Fact]
    public void Figures_use_the_bundled_font()
    {
        var plot = LandscapeFigure.Heatmap(SyntheticMaps.ToStandardNormal(Divergence.Reverse, true), SyntheticMaps.StandardNormal);

        Assert.Equal(FigureFonts.Family, plot.Axes.Title.Label.FontName);
        Assert.Equal(FigureFonts.Family, plot.Axes.Bottom.TickLabelStyle.FontName);
    }

    [Fact]
    public void Bad_requests_are_refused_with_reasons()
    {
        var oneSigma = SyntheticMaps.FromFunction(Divergence.Reverse, new GridAxis(-1, 1, 5), new GridAxis(1, 1, 1), (_, _) => 1);
        var map = SyntheticMaps.ToStandardNormal(Divergence.Reverse, false);

        var single = Assert.Throws<ArgumentException>(() => LandscapeFigure.Heatmap(oneSigma, SyntheticMaps.StandardNormal));
        Assert.Contains("at least 2 grid points", single.Message);
        var colormap = Assert.Throws<ArgumentException>(() => LandscapeFigure.Heatmap(map, SyntheticMaps.StandardNormal, new FigureOptions { Colormap = "NoSuchMap" }));
        Assert.Contains("Viridis", colormap.Message);
        Assert.Throws<ArgumentException>(() => LandscapeFigure.SideBySide([], SyntheticMaps.StandardNormal));
        Assert.Throws<ArgumentOutOfRangeException>(() => LandscapeFigure.Save(LandscapeFigure.Heatmap(map, SyntheticMaps.StandardNormal), folder.File("x.png"), 0, 10));
    }
}
