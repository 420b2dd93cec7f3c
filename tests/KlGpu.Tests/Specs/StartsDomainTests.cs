using KlGpu.Tests.Cli;
using Xunit;

namespace KlGpu.Tests.Specs;

/// <summary>
/// Issue 19's parameter domain, where it was not yet applied: the starts of restarts (basins, sweep, sweep-alpha), the
/// members of a mixture q's slice (--q, --x, --y), and a student:NU q's ν. Each was accepted (basins over μ ±1e50 "found" 0
/// minima with exit 0; a slice to ±1e50 and ν = 1e9 ran); each is now one line on stderr and exit 2, before any work.
/// </summary>
[Collection(ProcessWide.Name)]
public sealed class StartsDomainTests
{
    [Theory]
    [InlineData("sweep --target-template 0.5*N(-{d},1)+0.5*N({d},1) --param d=1:2:2 --mu -1e50:1e50 --restarts 8",
        "--mu, --sigma (at d = 1): μ = -1E+50 is more than 1E+12 target widths (2) from the target's centre 0, outside the domain")]
    [InlineData("sweep --target-template 0.5*N(-{d},1)+0.5*N({d},1) --param d=1:2:2 --sigma 1e-30:1 --restarts 8",
        "--mu, --sigma (at d = 1): σ = 1E-30 is outside the domain klgpu answers for: 2E-12 to 2E+12 for this target")]
    [InlineData("sweep --target-template 0.5*N(-{d},1)+0.5*N({d},1) --param d=1:2:2 --family gaussian-fixed-sigma:1e20 --restarts 8",
        "--mu, --family (at d = 1): σ = 1E+20 is outside the domain")]
    [InlineData("sweep --family mixture:2 --target-template 0.5*N(-{d},1)+0.5*N({d},1) --param d=1:2:2 --sigma 1e-30:1",
        "--mu, --sigma (at d = 1): σ = 1E-30 is outside the domain")]
    [InlineData("sweep-alpha --target 0.5*N(-3,1)+0.5*N(3,1) --alpha 0:1:3 --mu 1e20:1e21",
        "--mu, --sigma (at alpha = 0): μ = 1E+21 is more than 1E+12 target widths (6) from the target's centre 0, outside the domain")]
    [InlineData("basins --mu -1e50:1e50 --restarts 8",
        "--mu, --sigma: μ = -1E+50 is more than 1E+12 target widths (4) from the target's centre 0, outside the domain")]
    [InlineData("basins --start 1e50,1", "--start: μ = 1E+50 is more than 1E+12 target widths (4)")]
    [InlineData("basins --family mixture:2 --sigma 1e-30:1", "--mu, --sigma: σ = 1E-30 is outside the domain")]
    [InlineData("basins --family gaussian-fixed-sigma:1e-30", "--mu, --family: σ = 1E-30 is outside the domain")]
    [InlineData("basins --family student:0.01", "--family: ν = 0.01 is outside the domain klgpu answers for (0.1 ≤ ν ≤ 10000")]
    [InlineData("landscape --family student:1e9 --mu -1:1:4 --sigma 1:2:4", "--family: ν = 1000000000 is outside the domain")]
    [InlineData("landscape --family mixture:2 --q 0.5*N(-1,0.5)+0.5*N(1,0.5) --vary mean1,mean2 --x -1e50:1e50:4 --y -1:1:4",
        "--x (mean1): μ = -1E+50 is more than 1E+12 target widths (4) from the target's centre 0, outside the domain")]
    [InlineData("landscape --family mixture:2 --q 0.5*N(-1,0.5)+0.5*N(1,0.5) --vary mean1,std2 --x -1:1:4 --y 1e-30:1:4",
        "--y (std2): σ = 1E-30 is outside the domain")]
    [InlineData("landscape --family mixture:2 --q 0.5*N(-1,0.5)+0.5*N(1,0.5) --vary mean1,std2 --x -1e5:1e5:4 --y 1e-5:1:4",
        "--x, --y: μ = 100000 with σ = 1E-05 lies more than 1000000 widths from 0, outside the domain")]
    [InlineData("landscape --family mixture:2 --q 0.5*N(-1,1e-30)+0.5*N(1,0.5) --vary mean1,std2 --x -1:1:4 --y 1e-5:1:4",
        "--q: σ = 1E-30 is outside the domain")]
    public void OutsideTheDomainIsOneLineAndExitTwo(string command, string message)
    {
        string folder = Path.Combine(Path.GetTempPath(), "klgpu-starts-domain-never-written");
        var run = CliRun.Of([.. command.Split(' '), "--accelerator", "cpu", "--out", folder]);
        run.AssertUsageError();
        Assert.True(run.StderrLines[0].StartsWith("klgpu: " + message, StringComparison.Ordinal), run.Stderr);
        Assert.Equal("", run.Stdout);
        Assert.False(Directory.Exists(folder));
    }

    /// <summary>The edges of ν are inside the domain and taken.</summary>
    [Theory]
    [InlineData("student:0.1")]
    [InlineData("student:10000")]
    public void TheEdgesOfNuAreTaken(string family)
    {
        Assert.Equal(family, KlGpu.Families.FitFamily.Parse(family, "--family").Name);
    }
}
