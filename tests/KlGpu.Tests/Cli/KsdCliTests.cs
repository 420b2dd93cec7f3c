using System.Globalization;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Tests.Divergences;
using KlGpu.Tests.Output;
using Xunit;

namespace KlGpu.Tests.Cli;

/// <summary>The kernel Stein discrepancy on the command line: names, eval, landscape, and the commands that refuse it.</summary>
public class KsdCliTests
{
    [Theory]
    [InlineData("ksd:c=0")]
    [InlineData("ksd:c=-1")]
    [InlineData("ksd:beta=0")]
    [InlineData("ksd:beta=0.5")]
    [InlineData("ksd:c=1:c=2")]
    [InlineData("ksd:gamma=1")]
    [InlineData("ksd:c")]
    [InlineData("ksd:c=two")]
    [InlineData("ksd:c=inf")]
    [InlineData("ksd:")]
    [InlineData("ksd2")]
    public void ABadKsdIsOneLineListingTheValidNamesAndExitTwo(string name)
    {
        var run = CliRun.Of("eval", "--target", "N(0,1)", "--q", "N(1,2)", "--accelerator", "cpu", "--divergence", "reverse," + name);
        run.AssertUsageError();
        Assert.Equal($"klgpu: --divergence: unknown divergence \"{name}\" (valid: {Divergence.ValidNames})", run.StderrLines[0]);
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("ksd", 1.0, -0.5, "ksd")]
    [InlineData("KSD:c=1:beta=-0.5", 1.0, -0.5, "ksd")]
    [InlineData("ksd:beta=-1:c=2", 2.0, -1.0, "ksd:c=2:beta=-1")]
    [InlineData("ksd:c=0.25", 0.25, -0.5, "ksd:c=0.25:beta=-0.5")]
    public void NamesParseToTheirKernelAndBack(string text, double c, double beta, string name)
    {
        var d = Divergence.TryParse(text)!;
        Assert.Equal(DivergenceKind.Ksd, d.Kind);
        Assert.Equal(new ImqKernel(c, beta), d.Kernel);
        Assert.Equal(name, d.Name());
        Assert.Equal(d, Divergence.TryParse(d.Name()));
    }

    [Fact]
    public void EvalPrintsKsdSquaredAgainstTheReference()
    {
        var run = CliRun.Of("eval", "--target", "N(0,1)", "--q", "N(0.5,2)", "--accelerator", "cpu", "--divergence", "reverse,ksd,ksd:c=2:beta=-1");
        Assert.True(run.ExitCode == 0, run.Stderr);
        string[] lines = run.Stdout.Split('\n');
        double Value(string prefix) => double.Parse(Assert.Single(lines, l => l.StartsWith(prefix + " ")).Split(" = ")[^1], CultureInfo.InvariantCulture);
        Assert.Equal(KsdReference.SquaredGaussian(0, 1, 0.5, 2, 1, -0.5), Value("ksd"), 1e-12);
        Assert.Equal(KsdReference.SquaredGaussian(0, 1, 0.5, 2, 2, -1), Value("ksd:c=2:beta=-1"), 1e-12);
        Assert.Contains(lines, l => l.StartsWith("ksd      KSD²(q, p) = "));
    }

    [Fact]
    public void EvalRefusesAMixtureQ()
    {
        var run = CliRun.Of("eval", "--target", "N(0,1)", "--q", "0.5*N(-1,1) + 0.5*N(1,1)", "--accelerator", "cpu", "--divergence", "ksd");
        run.AssertUsageError();
        Assert.Equal("klgpu: --q: ksd takes a single Gaussian q, not a mixture of 2", run.StderrLines[0]);
    }

    [Theory]
    [InlineData(new[] { "basins", "--target", "N(0,1)" }, "klgpu: --divergence: restarts need a gradient, and ksd has none yet (eval and landscape map it)")]
    [InlineData(new[] { "sweep", "--target-template", "0.5*N(-{d},1) + 0.5*N({d},1)", "--param", "d=0:2:3" }, "klgpu: --divergence: restarts need a gradient, and ksd has none yet (eval and landscape map it)")]
    [InlineData(new[] { "landscape", "--target", "N(0,1)", "--family", "gaussian-fixed-sigma:1" }, "klgpu: --divergence: ksd is not available for the fixed-σ curve (KSD maps a Gaussian q only, from eval and landscape)")]
    [InlineData(new[] { "pressure", "--target", "N(0,1)", "--q", "N(1,1)" }, "klgpu: --divergence: ksd is not available for pressure (KSD maps a Gaussian q only, from eval and landscape)")]
    [InlineData(new[] { "landscape", "--target", "N(0,1)", "--family", "mixture:2", "--q", "0.5*N(-1,1) + 0.5*N(1,1)", "--vary", "mean1,mean2", "--x", "-2:2:3", "--y", "-2:2:3" },
        "klgpu: --divergence: ksd is not available for a mixture slice (KSD maps a Gaussian q only, from eval and landscape)")]
    public void OtherCommandsRefuseKsdInOneLine(string[] args, string line)
    {
        using var dir = new TempFolder();
        var run = CliRun.Of([.. args, "--divergence", "ksd", "--out", dir.Path]);
        run.AssertUsageError();
        Assert.Equal(line, run.StderrLines[0]);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public void ALandscapeShowsKsdNextToTheKlsAndItsManifestReRuns()
    {
        using var dir = new TempFolder();
        using var again = new TempFolder();
        string[] args = ["landscape", "--target", "N(0.5,0.8)", "--mu", "-2:3:6", "--sigma", "0.2:3:5", "--accelerator", "cpu",
            "--divergence", "reverse,forward,ksd,ksd:c=2:beta=-1"];
        var run = CliRun.Of([.. args, "--out", dir.Path]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains(run.Stdout.Split('\n'), l => l.StartsWith("ksd      minimum KSD²(q, p) = "));
        Assert.Equal(
            ["forward.npy", "forward.png", "ksd.npy", "ksd.png", "ksd_c=2_beta=-1.npy", "ksd_c=2_beta=-1.png", "landscape-points.json", "landscape.csv", "landscape.png",
             "manifest.json", "mu.npy", "reverse.npy", "reverse.png", "sigma.npy"],
            dir.Names());
        // Four panels: a 2 × 2 grid of 900 × 700 cells.
        KlGpu.Tests.Plotting.FigureFiles.AssertPng(dir.File("landscape.png"), 2 * 900, 2 * 700);
        // KSD² has no gradient: its stationary points are not searched, and the file and the summary say so.
        Assert.Contains("  ksd      not searched: KSD² has no gradient here: only the grid minimum is marked", run.Stdout);
        var ksdPoints = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("landscape-points.json"))).RootElement.GetProperty("maps")[2];
        Assert.Equal("ksd", ksdPoints.GetProperty("divergence").GetString());
        Assert.False(ksdPoints.GetProperty("searched").GetBoolean());
        Assert.Equal(0, ksdPoints.GetProperty("minima").GetArrayLength());

        var mu = new GridAxis(-2, 3, 6);
        var sigma = new GridAxis(0.2, 3, 5);
        double[] ksd = Npy.Read(dir.File("ksd.npy")).Values;
        for (int i = 0; i < sigma.Count; i++)
            for (int j = 0; j < mu.Count; j++)
            {
                double expected = KsdReference.SquaredGaussian(0.5, 0.8, mu.At(j), sigma.At(i), 1, -0.5);
                Assert.True(Math.Abs(ksd[i * mu.Count + j] - expected) <= 1e-9 * expected, $"σ = {sigma.At(i)}, μ = {mu.At(j)}");
            }
        Assert.StartsWith("sigma,mu,reverse,forward,ksd,ksd:c=2:beta=-1\n", File.ReadAllText(dir.File("landscape.csv")));

        var rerun = CliRun.Of("run", dir.File("manifest.json"), "--out", again.Path);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        foreach (string name in new[] { "ksd.npy", "ksd_c=2_beta=-1.npy", "landscape.csv" })
            Assert.Equal(File.ReadAllBytes(dir.File(name)), File.ReadAllBytes(again.File(name)));
    }
}
