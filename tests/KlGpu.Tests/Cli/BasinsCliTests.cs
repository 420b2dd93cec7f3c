using System.Text.Json;
using KlGpu.Tests.Plotting;
using Xunit;

namespace KlGpu.Tests.Cli;

/// <summary>`klgpu basins` end to end: JSON, files, determinism, and one-line errors for bad input.</summary>
public class BasinsCliTests
{
    const string TwoModes = "0.5*N(-2.75,1) + 0.5*N(2.75,1)";

    [Fact]
    public void JsonListsTheBasinsOrderedByValueWithFractionsThatAddUp()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("basins", "--target", TwoModes, "--restarts", "400", "--json", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal(400, root.GetProperty("restarts").GetInt32());
        int converged = root.GetProperty("converged").GetInt32();
        var basins = root.GetProperty("basins").EnumerateArray().ToArray();
        Assert.Equal(3, basins.Length);
        Assert.Equal(converged, basins.Sum(b => b.GetProperty("count").GetInt32()));
        double[] values = basins.Select(b => b.GetProperty("value").GetDouble()).ToArray();
        for (int i = 1; i < values.Length; i++) Assert.True(values[i] >= values[i - 1] - 1e-10, $"basins out of order: {string.Join(", ", values)}");
        foreach (var b in basins)
        {
            Assert.Equal("minimum", b.GetProperty("kind").GetString());
            Assert.Equal(2, b.GetProperty("hessian_eigenvalues").GetArrayLength());
            Assert.Equal(b.GetProperty("count").GetInt32() / 400.0, b.GetProperty("fraction").GetDouble(), 12);
        }
        // The symmetric fit is the global minimum at this separation; the two mode-seeking fits mirror each other.
        Assert.Equal(0, basins[0].GetProperty("mu").GetDouble(), 8);
        Assert.Equal(-basins[1].GetProperty("mu").GetDouble(), basins[2].GetProperty("mu").GetDouble(), 8);
        foreach (string name in new[] { "restarts.csv", "basins.json", "basins.png", "densities.png", "manifest.json" })
            Assert.True(File.Exists(folder.File(name)), $"{name} was not written");
        string[] csv = File.ReadAllLines(folder.File("restarts.csv"));
        Assert.Equal(401, csv.Length);
        Assert.StartsWith("restart,start_mu,start_sigma,end_mu,end_sigma,value,gradient_norm,steps,status,basin", csv[0]);
    }

    [Fact]
    public void TheSameSeedGivesTheSameResultAndAnotherSeedOtherStarts()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        using var c = new TempFolder();
        string[] Args(string seed, string dir) => ["basins", "--target", TwoModes, "--restarts", "200", "--seed", seed, "--json", "--quiet", "--out", dir];
        var first = CliRun.Of(Args("7", a.Path));
        var second = CliRun.Of(Args("7", b.Path));
        var third = CliRun.Of(Args("8", c.Path));
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Equal(File.ReadAllText(a.File("restarts.csv")), File.ReadAllText(b.File("restarts.csv")));
        Assert.NotEqual(File.ReadAllLines(a.File("restarts.csv"))[1], File.ReadAllLines(c.File("restarts.csv"))[1]);
    }

    [Fact]
    public void GridStartsDrawTheBasinMapAndTrajectoriesAreRecorded()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("basins", "--target", TwoModes, "--starts", "grid:12x8", "--trajectories", "5", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("3 minima", run.Stdout);
        FigureFiles.AssertPng(folder.File("basin-map.png"), 900, 700);
        FigureFiles.AssertPng(folder.File("basins.png"), 900 + KlGpu.Plotting.BasinFigure.LegendWidth, 700); // the legend beside the map
        Assert.Equal(97, File.ReadAllLines(folder.File("restarts.csv")).Length);
    }

    [Fact]
    public void FixedSigmaPastThePitchforkReportsTheSymmetricPointAsASaddle()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("basins", "--target", "0.5*N(-1.5,1) + 0.5*N(1.5,1)", "--family", "gaussian-fixed-sigma:1",
            "--starts", "grid:21", "--mu", "-3:3", "--json", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var basins = doc.RootElement.GetProperty("basins").EnumerateArray().ToArray();
        Assert.Equal(2, basins.Count(b => b.GetProperty("kind").GetString() == "minimum"));
        var saddle = Assert.Single(basins, b => b.GetProperty("kind").GetString() == "saddle");
        Assert.Equal(0, saddle.GetProperty("mu").GetDouble(), 12);
        Assert.Equal(1, saddle.GetProperty("count").GetInt32());
        Assert.All(basins, b => Assert.Equal(1.0, b.GetProperty("sigma").GetDouble(), 14));
    }

    [Fact]
    public void AnimateWritesALoopingGifWithOneFramePerSampledStep()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("basins", "--target", TwoModes, "--restarts", "64", "--steps", "120", "--animate", "--trajectories", "4", "--quiet", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        byte[] gif = File.ReadAllBytes(folder.File("basins.gif"));
        Assert.Equal("GIF89a", System.Text.Encoding.ASCII.GetString(gif, 0, 6));
        using var frames = new ImageMagick.MagickImageCollection(gif);
        Assert.True(frames.Count > 10, $"{frames.Count} frames");
        Assert.Equal(0u, frames[0].AnimationIterations);
        FigureFiles.AssertPng(folder.File("densities.png"), 1800, 700);
    }

    [Fact]
    public void FrameStepsStartAtZeroEndAtTheLastStepAndIncrease()
    {
        int[] steps = KlGpu.Plotting.BasinAnimation.FrameSteps(2001, 60);
        Assert.Equal(0, steps[0]);
        Assert.Equal(2000, steps[^1]);
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.Second > p.First));
        Assert.Equal(Enumerable.Range(0, 7), KlGpu.Plotting.BasinAnimation.FrameSteps(7, 60));
    }

    [Fact]
    public void TableEndsWithTheSummaryLine()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("basins", "--target", TwoModes, "--divergence", "forward", "--restarts", "100", "--steps", "300", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("1 minimum;", run.Stdout);
        Assert.Contains("did not converge", run.Stdout);
    }

    public static IEnumerable<object[]> BadInput() =>
    [
        ["zero restarts", new[] { "--restarts", "0" }],
        ["negative restarts", new[] { "--restarts", "-5" }],
        ["zero steps", new[] { "--steps", "0" }],
        ["negative learning rate", new[] { "--lr", "-0.1" }],
        ["zero learning rate", new[] { "--lr", "0" }],
        ["NaN learning rate", new[] { "--lr", "NaN" }],
        ["empty μ range", new[] { "--mu", "2:2" }],
        ["inverted σ range", new[] { "--sigma", "3:1" }],
        ["σ range reaching 0", new[] { "--sigma", "0:1" }],
        ["unknown optimizer", new[] { "--optimizer", "lbfgs" }],
        ["unknown family", new[] { "--family", "cauchy" }],
        ["negative fixed σ", new[] { "--family", "gaussian-fixed-sigma:-1" }],
        ["zero tolerance", new[] { "--tolerance", "0" }],
        ["negative tolerance", new[] { "--tolerance", "-1e-6" }],
        ["two divergences", new[] { "--divergence", "forward,reverse" }],
        ["malformed grid", new[] { "--starts", "grid:10by10" }],
        ["too many restarts", new[] { "--restarts", "2000000000" }],
        ["malformed target", new[] { "--target", "N(0,1" }],
        ["animation with σ fixed", new[] { "--family", "gaussian-fixed-sigma:1", "--animate" }],
    ];

    [Theory]
    [MemberData(nameof(BadInput))]
    public void BadInputIsOneLineAndExitTwoAndNoFiles(string why, string[] args)
    {
        using var folder = new TempFolder();
        var run = CliRun.Of(["basins", "--out", folder.Path, .. args]);
        run.AssertUsageError();
        Assert.True(Directory.GetFiles(folder.Path).Length == 0, $"{why}: files were written");
    }
}

/// <summary>`klgpu landscape --family gaussian-fixed-sigma:S`: a curve per divergence, checked against the engine's values and the pitchfork picture.</summary>
public class FixedSigmaLandscapeTests
{
    [Fact]
    public void CurveHoldsBothDirectionsAndTheMinimaAreMarkedInTheManifest()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("landscape", "--target", "0.5*N(-1.5,1) + 0.5*N(1.5,1)", "--family", "gaussian-fixed-sigma:1", "--mu", "-4:4:81", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        string[] csv = File.ReadAllLines(folder.File("curve.csv"));
        Assert.Equal("mu,forward,reverse", csv[0]);
        Assert.Equal(82, csv.Length);
        // Forward KL to N(μ, 1) is closed form: −H(p) + ½log 2π + (Var p + μ²)/2; check its shape through differences.
        double F(int i) => double.Parse(csv[i].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
        double mu1 = -4 + 0.1 * 10, mu2 = -4 + 0.1 * 50;
        Assert.Equal((mu2 * mu2 - mu1 * mu1) / 2, F(51) - F(11), 10);
        using var doc = JsonDocument.Parse(File.ReadAllText(folder.File("manifest.json")));
        var minima = doc.RootElement.GetProperty("minima");
        Assert.Equal(0, Assert.Single(minima.GetProperty("forward").EnumerateArray()).GetProperty("mu").GetDouble(), 9);
        var reverse = minima.GetProperty("reverse").EnumerateArray().Select(m => m.GetProperty("mu").GetDouble()).OrderBy(m => m).ToArray();
        Assert.Equal(2, reverse.Length);
        Assert.Equal(-reverse[0], reverse[1], 8);
        Assert.Equal(0.51474598, reverse[1], 6);
        FigureFiles.AssertPng(folder.File("curve.png"), 900, 700);
    }
}
