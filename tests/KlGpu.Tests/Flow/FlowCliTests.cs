using System.Text.Json;
using KlGpu.Numerics;
using KlGpu.Tests.Cli;
using KlGpu.Tests.Output;
using Xunit;

namespace KlGpu.Tests.Flow;

/// <summary>`klgpu basins --family flow:K` and `klgpu eval --q flow(...)` end to end, and the refusals.</summary>
public class FlowCliTests
{
    /// <summary>Reverse KL of a one-layer flow to N(1, 2): every restart reaches q = p (value 0) by a different θ (the layer
    /// is an affine map there, absorbed by μ and σ), and they are one basin, merged by q, with the two flat directions.</summary>
    [Fact]
    public void RestartsThatReachOneQByDifferentParametersAreOneBasin()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("basins", "--family", "flow:1", "--target", "N(1,2)", "--divergence", "reverse", "--restarts", "4",
            "--steps", "600", "--json", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal("flow:1", root.GetProperty("family").GetString());
        var b = Assert.Single(root.GetProperty("basins").EnumerateArray());
        Assert.Equal("minimum", b.GetProperty("kind").GetString());
        Assert.Equal(4, b.GetProperty("count").GetInt32());
        Assert.Equal(2, b.GetProperty("flat_directions").GetInt32());
        Assert.True(Math.Abs(b.GetProperty("value").GetDouble()) < 1e-12);
        var quantiles = b.GetProperty("quantiles").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal([-1.0, 1.0, 3.0], quantiles, (x, y) => Math.Abs(x - y) < 1e-6);
        Assert.Equal(["basins.json", "densities.png", "manifest.json", "restarts.csv"], folder.Names());
        // The end points themselves differ in θ: the merge is by q.
        var ends = File.ReadAllLines(folder.File("restarts.csv")).Skip(1).Select(l => l.Split(',')).Select(f => double.Parse(f[10], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(ends.Max() - ends.Min() > 1e-3, "the restarts' β ended alike");
    }

    /// <summary>eval reads the flow grammar and @file.json alike and gives the host's values (checked against the reference
    /// in FlowNumericsTests).</summary>
    [Fact]
    public void EvalTakesAFlowAsTextOrFile()
    {
        using var folder = new TempFolder();
        string file = folder.File("flow.json");
        File.WriteAllText(file, """{"mu": 0.5, "sigma": 2, "layers": [{"alpha": 0.1, "scale": 2, "epsilon": -0.2, "delta": 0.5}]}""");
        var p = new GaussianMixture([0.5, 0.5], [-2.75, 2.75], [1, 1]);
        double[] theta = [0.5, Math.Log(2), 0.1, Math.Log(2), -0.2, Math.Log(0.5)];
        foreach (string q in new[] { "flow(0.5, 2; S(0.1, 2, -0.2, 0.5))", "@" + file })
        {
            var run = CliRun.Of("eval", "--target", "0.5*N(-2.75,1) + 0.5*N(2.75,1)", "--q", q, "-d", "forward,reverse", "--json");
            Assert.True(run.ExitCode == 0, run.Stderr);
            using var doc = JsonDocument.Parse(run.Stdout);
            Assert.Equal(SinhArcsinhFlow.ValueAndGradient(FIntegrand.ForwardKl, p, theta, new double[6]), doc.RootElement.GetProperty("forward").GetDouble(), 1e-12);
            Assert.Equal(SinhArcsinhFlow.ValueAndGradient(FIntegrand.ReverseKl, p, theta, new double[6]), doc.RootElement.GetProperty("reverse").GetDouble(), 1e-12);
        }
    }

    /// <summary>A slice through θ: each grid point's values are the host's at that θ, and the files are written.</summary>
    [Fact]
    public void LandscapeSlicesTwoParametersOfTheFlow()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("landscape", "--family", "flow:1", "--target", "0.5*N(-2.75,1) + 0.5*N(2.75,1)", "--q", "flow(0, 2; S(0, 2, 0, 0.5))",
            "--vary", "alpha1,gamma1", "--x", "-1:1:3", "--y", "-1:0:2", "-d", "forward,reverse", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(["forward.npy", "forward.png", "manifest.json", "reverse.npy", "reverse.png", "slice.csv", "x.npy", "y.npy"], folder.Names());
        var p = new GaussianMixture([0.5, 0.5], [-2.75, 2.75], [1, 1]);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var lines = File.ReadAllLines(folder.File("slice.csv"));
        Assert.Equal("alpha1,gamma1,forward,reverse", lines[0]);
        Assert.Equal(7, lines.Length);
        foreach (var line in lines.Skip(1))
        {
            double[] f = line.Split(',').Select(v => double.Parse(v, c)).ToArray();
            double[] theta = [0, Math.Log(2), f[0], Math.Log(2), 0, f[1]];
            Assert.Equal(SinhArcsinhFlow.ValueAndGradient(FIntegrand.ForwardKl, p, theta, new double[6]), f[2], 1e-12);
            Assert.Equal(SinhArcsinhFlow.ValueAndGradient(FIntegrand.ReverseKl, p, theta, new double[6]), f[3], 1e-12);
        }
    }

    [Theory]
    [InlineData("eval --target N(0,1) --q flow(0,1;S(0,1,0,1)) -d js", "--divergence: a flow q supports forward and reverse KL")]
    [InlineData("eval --target two-modes(d=3,sep=3) --q flow(0,1)", "--q: a flow q is 1-D")]
    [InlineData("eval --target N(0,1) --q flow(0,-1)", "--q: σ must be positive")]
    [InlineData("eval --target N(0,1) --q flow(0,1;S(0,1,0))", "--q: expected ','")]
    [InlineData("basins --family flow:9", "flow:K needs K a whole number from 0 to 8")]
    [InlineData("basins --family flow:1 --divergence hellinger", "hellinger is not available for a flow q")]
    [InlineData("basins --family flow:1 --trajectories 3", "a flow q has none")]
    [InlineData("basins --family flow:1 --starts grid:4x4", "--starts: a flow:1 q starts at random")]
    [InlineData("sweep --target-template 0.5*N(-{d}/2,1)+0.5*N({d}/2,1) --param d=1:4:3 --family flow:1", "flow:1 has no sweep yet")]
    [InlineData("landscape --family flow:1 --q flow(0,1) --vary mu,log_sigma --x -1:1:3 --y 0:1:2", "--q: flow(0, 1) has 0 layers")]
    [InlineData("landscape --family flow:1 --q flow(0,1;S(0,1,0,1)) --vary mu,delta1 --x -1:1:3 --y 0:1:2", "unknown parameter \"delta1\"")]
    [InlineData("landscape --family flow:0 --q flow(0,1) --vary mu,log_sigma --x -1:1:3 --y 0:1:2 -d js", "js is not available for a flow q")]
    public void UnsupportedCombinationsAreRefusedInOneLine(string command, string message)
    {
        var run = CliRun.Of(command.Split(' '));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }
}
