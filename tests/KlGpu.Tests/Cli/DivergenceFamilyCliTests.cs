using System.Globalization;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Tests.Output;
using Xunit;

namespace KlGpu.Tests.Cli;

/// <summary>The divergence family on the command line: eval, landscape, and the commands that minimize one.</summary>
public class DivergenceFamilyCliTests
{
    [Theory]
    [InlineData("alpha")]
    [InlineData("renyi:0")]
    [InlineData("renyi:-2")]
    [InlineData("alpha:half")]
    [InlineData("chi2")]
    public void ABadDivergenceIsOneLineListingTheValidNamesAndExitTwo(string name)
    {
        var run = CliRun.Of("eval", "--target", "N(0,1)", "--q", "N(1,2)", "--accelerator", "cpu", "--divergence", "js," + name);
        run.AssertUsageError();
        Assert.Equal($"klgpu: --divergence: unknown divergence \"{name}\" (valid: {Divergence.ValidNames})", run.StderrLines[0]);
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("basins", new[] { "basins", "--target", "0.5*N(-2,1) + 0.5*N(2,1)", "--restarts", "16", "--steps", "400" }, "basins.json")]
    [InlineData("sweep", new[] { "sweep", "--target-template", "0.5*N(-{d},1) + 0.5*N({d},1)", "--param", "d=1:2:2", "--restarts", "16", "--steps", "400" }, "sweep.json")]
    [InlineData("fixed-σ curve", new[] { "landscape", "--target", "0.5*N(-2,1) + 0.5*N(2,1)", "--family", "gaussian-fixed-sigma:1", "--mu", "-4:4:33" }, "curve.csv")]
    public void CommandsThatNeedAGradientTakeEveryName(string why, string[] args, string file)
    {
        using var dir = new TempFolder();
        var run = CliRun.Of([.. args, "--divergence", "js", "--accelerator", "cpu", "--out", dir.Path]);
        Assert.True(run.ExitCode == 0, $"{why}: {run.Stderr}");
        Assert.Contains(file, dir.Names());
        Assert.Contains("js", File.ReadAllText(Path.Combine(dir.Path, "manifest.json")));
    }

    [Fact]
    public void AFixedSigmaCurveWhoseIntegralDivergesSaysSoInOneLine()
    {
        // ∫p²/q diverges for σ below p's std over √2, at every μ.
        using var dir = new TempFolder();
        var run = CliRun.Of("landscape", "--target", "N(0,1)", "--family", "gaussian-fixed-sigma:0.5", "--divergence", "pearson", "--accelerator", "cpu", "--out", dir.Path);
        run.AssertUsageError();
        Assert.Equal("klgpu: --family: pearson is +∞ at σ = 0.5 (its integral diverges); choose a broader σ or another divergence", run.StderrLines[0]);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public void ADimensionalTargetTakesOnlyTheKls()
    {
        var run = CliRun.Of("basins", "--target", "two-modes(d=3, sep=4)", "--divergence", "hellinger", "--accelerator", "cpu");
        run.AssertUsageError();
        Assert.Equal("klgpu: --divergence: a 3-dimensional target takes forward or reverse; hellinger does not split across u", run.StderrLines[0]);
    }

    [Fact]
    public void EvalPrintsEachDivergenceAndInfWhereTheIntegralDiverges()
    {
        // q narrower than p: ∫p²/q diverges, so pearson and alpha:2 are +∞; hellinger has a closed form.
        var run = CliRun.Of("eval", "--target", "N(0,1)", "--q", "N(0.5,0.6)", "--accelerator", "cpu", "--divergence", "hellinger,pearson,alpha:2,neyman");
        Assert.True(run.ExitCode == 0, run.Stderr);
        string[] lines = run.Stdout.Split('\n');
        Assert.Contains("pearson  χ²(p || q) = inf", lines);
        Assert.Contains("alpha:2  D_α(p || q), α = 2 = inf", lines);
        string hellinger = Assert.Single(lines, l => l.StartsWith("hellinger "));
        double value = double.Parse(hellinger.Split(" = ")[1], CultureInfo.InvariantCulture);
        // 1 − ∫√(pq) = 1 − √(2σ1σ2/(σ1² + σ2²)) exp(−(μ1 − μ2)²/(4(σ1² + σ2²))).
        double expected = 1 - Math.Sqrt(2 * 1 * 0.6 / (1 + 0.36)) * Math.Exp(-0.25 / (4 * 1.36));
        Assert.Equal(expected, value, 1e-12);
        Assert.DoesNotContain("NaN", run.Stdout);
    }

    [Fact]
    public void EvalJsonHasOneKeyPerDivergenceAndInfinityWhereItDiverges()
    {
        var run = CliRun.Of("eval", "--target", "N(0,1)", "--q", "N(0,0.6)", "--accelerator", "cpu", "--json", "--divergence", "forward,neyman,pearson");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = System.Text.Json.JsonDocument.Parse(run.Stdout);
        Assert.Equal("Infinity", json.RootElement.GetProperty("pearson").GetString());
        // ∫q²/p − 1 = (1/σ²)·(2/σ² − 1)^(−1/2)·… for N(0,1), N(0,σ): σ⁻²/√(2σ⁻² − 1) − 1.
        double s2 = 0.36;
        Assert.Equal(1 / s2 / Math.Sqrt(2 / s2 - 1) - 1, json.RootElement.GetProperty("neyman").GetDouble(), 1e-12);
        Assert.Equal(KlGpu.Numerics.Normal.Kl(0, 1, 0, 0.6), json.RootElement.GetProperty("forward").GetDouble(), 1e-12);
    }

    [Fact]
    public void ALandscapeOfSeveralDivergencesWritesEachGridAPanelFigureAndARunnableManifest()
    {
        using var dir = new TempFolder();
        using var again = new TempFolder();
        // A Gaussian target, so that each map has a closed form to be checked against.
        const string target = "N(0.5,0.8)";
        string[] args = ["landscape", "--target", target, "--mu", "-3:3:12", "--sigma", "0.2:3:9", "--accelerator", "cpu",
            "--divergence", "forward,js,hellinger,tv,pearson,alpha:0.5,renyi:2"];
        var run = CliRun.Of([.. args, "--out", dir.Path]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(
            ["alpha_0.5.npy", "alpha_0.5.png", "forward.npy", "forward.png", "hellinger.npy", "hellinger.png", "js.npy", "js.png",
             "landscape-points.json", "landscape.csv", "landscape.png", "manifest.json", "mu.npy", "pearson.npy", "pearson.png", "renyi_2.npy", "renyi_2.png",
             "sigma.npy", "tv.npy", "tv.png"],
            dir.Names());

        // The seven panels sit in a 3 × 3 grid of 900 × 700 cells.
        KlGpu.Tests.Plotting.FigureFiles.AssertPng(dir.File("landscape.png"), 3 * 900, 3 * 700);

        // 1 − ∫√(pq) = 1 − √(2 s σ/(s² + σ²)) exp(−(m − μ)²/(4(s² + σ²))); ∫p²/q is finite iff 2/s² > 1/σ², i.e. σ > s/√2.
        var mu = new GridAxis(-3, 3, 12);
        var sigma = new GridAxis(0.2, 3, 9);
        double[] hellinger = Npy.Read(dir.File("hellinger.npy")).Values, pearson = Npy.Read(dir.File("pearson.npy")).Values;
        for (int i = 0; i < sigma.Count; i++)
            for (int j = 0; j < mu.Count; j++)
            {
                double s2 = 0.64 + sigma.At(i) * sigma.At(i), d = 0.5 - mu.At(j);
                double expected = 1 - Math.Sqrt(2 * 0.8 * sigma.At(i) / s2) * Math.Exp(-d * d / (4 * s2));
                Assert.Equal(expected, hellinger[i * mu.Count + j], 1e-12);
                Assert.Equal(sigma.At(i) <= 0.8 / Math.Sqrt(2), double.IsPositiveInfinity(pearson[i * mu.Count + j]));
            }
        string csv = File.ReadAllText(dir.File("landscape.csv"));
        Assert.StartsWith("sigma,mu,forward,js,hellinger,tv,pearson,alpha:0.5,renyi:2\n", csv);
        Assert.Contains(",inf,", csv);
        Assert.DoesNotContain("NaN", csv);
        Assert.DoesNotContain("Infinity", csv);

        // The manifest is a run file that re-runs the same study to the same bytes.
        var rerun = CliRun.Of("run", dir.File("manifest.json"), "--out", again.Path);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        foreach (string name in new[] { "pearson.npy", "alpha_0.5.npy", "renyi_2.npy", "landscape.csv" })
            Assert.Equal(File.ReadAllBytes(dir.File(name)), File.ReadAllBytes(again.File(name)));
    }
}
