using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Plotting;
using Xunit;

namespace KlGpu.Tests.Plotting;

/// <summary>The basin figures from synthetic basins: they render, and they name what they mark.</summary>
public class BasinFigureTests
{
    static readonly Basin[] Basins =
    [
        new(0, 0, 1, 0.1, 60, 0.6, StationaryKind.Minimum, [0.5, 2], 1e-13, true),
        new(1, 1.5, 0.8, 0.4, 30, 0.3, StationaryKind.Minimum, [0.7, 1.1], 1e-13, true),
        new(2, -1, 1.2, 0.9, 2, 0.02, StationaryKind.Saddle, [-0.3, 1.4], 1e-13, true),
    ];

    [Fact]
    public void LandscapeMarksEveryBasinAndDrawsThePaths()
    {
        using var folder = new TempFolder();
        var map = SyntheticMaps.ToStandardNormal(Divergence.Reverse, geometricSigma: true);
        (double[], double[])[] paths = [([2.5, 1.0, 0.2, 0.0], [2.5, 1.5, 1.1, 1.0]), ([-2.0, -1.5], [0.3, 0.9])];
        var plot = BasinFigure.Landscape(map, SyntheticMaps.StandardNormal, Basins, paths);
        LandscapeFigure.Save(plot, folder.File("b.png"), 900, 700);
        LandscapeFigure.Save(plot, folder.File("b.svg"), 900, 700);
        FigureFiles.AssertPng(folder.File("b.png"), 900, 700);
        string texts = string.Join("\n", FigureFiles.SvgTexts(folder.File("b.svg")));
        Assert.Contains("B0 min μ=0 σ=1 (60.0%)", texts);
        Assert.Contains("B2 saddle", texts);
        Assert.Contains("Basins of", texts);
    }

    [Fact]
    public void CurveShowsTheFixedSigma()
    {
        using var folder = new TempFolder();
        double[] mu = Enumerable.Range(0, 101).Select(i => -3 + 0.06 * i).ToArray();
        double[] values = mu.Select(m => 0.5 * m * m).ToArray();
        var plot = BasinFigure.Curve(SyntheticMaps.TwoComponents, "KL(q || p)", 0.75, mu, values, Basins, [[2.0, 1.0, 0.5, 0.1]]);
        LandscapeFigure.Save(plot, folder.File("c.svg"), 900, 700);
        string texts = string.Join("\n", FigureFiles.SvgTexts(folder.File("c.svg")));
        Assert.Contains("σ fixed at 0.75", texts);
        Assert.Contains("B1 min", texts);
    }

    [Fact]
    public void BasinMapNamesEachBasinAndTheStartsThatDidNotConverge()
    {
        using var folder = new TempFolder();
        var design = new StartDesign(-3, 3, 0.2, 3, 1, 20, 10);
        int[] basinOf = Enumerable.Range(0, 200).Select(i => i % 17 == 0 ? -1 : (i % 20) < 10 ? 0 : 1).ToArray();
        var plot = BasinFigure.BasinMap(design, basinOf, Basins[..2], SyntheticMaps.TwoComponents, "KL(q || p)");
        LandscapeFigure.Save(plot, folder.File("m.png"), 900, 700);
        LandscapeFigure.Save(plot, folder.File("m.svg"), 900, 700);
        FigureFiles.AssertPng(folder.File("m.png"), 900, 700);
        string texts = string.Join("\n", FigureFiles.SvgTexts(folder.File("m.svg")));
        Assert.Contains($"not converged: {basinOf.Count(b => b < 0)} starts", texts);
        Assert.Contains($"B1 min μ=1.5 σ=0.8 (30.0%): {basinOf.Count(b => b == 1)} starts", texts);
    }

    [Fact]
    public void NoBasinsAndNoPathsStillRender()
    {
        using var folder = new TempFolder();
        var map = SyntheticMaps.ToStandardNormal(Divergence.Forward, geometricSigma: false);
        LandscapeFigure.Save(BasinFigure.Landscape(map, SyntheticMaps.StandardNormal, [], []), folder.File("e.png"), 900, 700);
        FigureFiles.AssertPng(folder.File("e.png"), 900, 700);
        var strip = BasinFigure.BasinMap(new StartDesign(-1, 1, 1, 2, 1, 9, 1), Enumerable.Repeat(-1, 9).ToArray(), [], SyntheticMaps.StandardNormal, "KL(p || q)");
        LandscapeFigure.Save(strip, folder.File("s.png"), 900, 700);
        FigureFiles.AssertPng(folder.File("s.png"), 900, 700);
    }
}
