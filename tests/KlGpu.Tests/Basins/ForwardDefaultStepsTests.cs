using System.Text.Json;
using KlGpu.Tests.Cli;
using KlGpu.Tests.Output;
using Xunit;

namespace KlGpu.Tests.Basins;

/// <summary>
/// Forward KL's default steps (issue 19): on the default three-mode target, a problem with one minimum, narrow starts left
/// Adam short of it within 2,000 steps; the forward default of 5,000 lets every restart converge, at moment matching
/// (μ = m_p, σ = √V_p, the closed form).
/// </summary>
public class ForwardDefaultStepsTests
{
    const string Target = "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)";

    static JsonElement Basins(TempFolder folder, params string[] extra)
    {
        var run = CliRun.Of(["basins", "--target", Target, "--divergence", "forward", "--restarts", "512", "--accelerator", "cpu",
            "--json", "--out", folder.Path, .. extra]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }

    [Fact]
    public void EveryForwardRestartConvergesToMomentMatchingWithTheDefaults()
    {
        using var folder = new TempFolder();
        var root = Basins(folder);
        Assert.Equal(512, root.GetProperty("converged").GetInt32());
        var b = Assert.Single(root.GetProperty("basins").EnumerateArray());
        double mean = 0.3 * -2 + 0.3 * 2, variance = 0.3 * (0.09 + 4) + 0.4 * 0.16 + 0.3 * (0.09 + 4) - mean * mean;
        Assert.Equal(mean, b.GetProperty("mu").GetDouble(), 1e-6);
        Assert.Equal(Math.Sqrt(variance), b.GetProperty("sigma").GetDouble(), 1e-6);
        Assert.Equal(512, b.GetProperty("count").GetInt32());
    }

    [Fact]
    public void TwoThousandStepsLeaveNarrowStartsShort()
    {
        using var folder = new TempFolder();
        var root = Basins(folder, "--steps", "2000");
        Assert.InRange(root.GetProperty("converged").GetInt32(), 1, 511);
    }
}
