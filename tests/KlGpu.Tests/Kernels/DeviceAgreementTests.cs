using KlGpu.Accelerators;
using KlGpu.Bench;
using KlGpu.Landscape;
using KlGpu.Tests.Cli;
using Xunit;

namespace KlGpu.Tests.Kernels;

/// <summary>
/// `klgpu devices --check` without a GPU: the device side is ILGPU's CPU accelerator, which runs the kernels as ILGPU
/// compiles them; the check must pass there, and must fail for a device whose values differ (single precision).
/// </summary>
public class DeviceAgreementTests
{
    [Fact]
    public void IlgpuCpuAcceleratorAgreesWithTheParallelPath()
    {
        var log = new StringWriter();
        var figures = DeviceAgreement.Run(new AgreementSettings(AcceleratorKind.Cpu, Grid: 17, SubGrid: 9, Restarts: 12, Steps: 150,
            MixtureRestarts: 1, MixtureSteps: 20), log);
        Assert.Equal(8, figures.Count);
        Assert.All(figures, f => Assert.True(f.Holds && f.Count > 0, $"{f.Name} {f.What}: {f.Worst} over {f.Count}\n{log}"));
        Assert.Contains("every 2nd row and column (9×9)", log.ToString());
        Assert.Contains("agreement: all 8 comparisons within their bars", log.ToString());
    }

    [Fact]
    public void SinglePrecisionDeviceIsOutsideTheBar()
    {
        var log = new StringWriter();
        var figures = DeviceAgreement.Run(new AgreementSettings(AcceleratorKind.Cpu, Grid: 9, SubGrid: 9, Restarts: 4, Steps: 20,
            MixtureRestarts: 0), log, Precision.Single);
        var landscape = figures.Single(f => f.Name == "landscape");
        Assert.False(landscape.Holds);
        Assert.InRange(landscape.Worst, 1e-10, 1e-3); // single precision's rounding, not a broken kernel
        Assert.False(figures.Single(f => f.Name == "gradients").Holds);
        Assert.Contains("comparisons outside their bars", log.ToString());
    }

    [Theory]
    [InlineData(4096, 128, 35)]
    [InlineData(64, 128, 1)]
    [InlineData(101, 11, 10)]
    [InlineData(2, 128, 1)]
    [InlineData(98, 9, 97)] // 97 is prime: only the two ends remain
    public void StrideDividesTheGrid(int grid, int subGrid, int stride) => Assert.Equal(stride, DeviceAgreement.Stride(grid, subGrid));

    /// <summary>What the landscape comparison relies on: the sub-grid's points are the grid's points, bit for bit.</summary>
    [Fact]
    public void SubGridPointsAreGridPoints()
    {
        foreach (var (min, max) in new[] { (-5.0, 5.0), (0.05, 5.0), (-1e3, 3.7) })
            for (int n = 2; n <= 700; n++)
            {
                int d = DeviceAgreement.Stride(n, 17), m = (n - 1) / d + 1;
                Assert.InRange(m, 2, 17);
                GridAxis full = new(min, max, n), sub = new(min, max, m);
                for (int j = 0; j < m; j++) Assert.Equal(full.At(j * d), sub.At(j));
            }
    }

    [Fact]
    public void CheckOptionsNeedCheck()
    {
        var run = CliRun.Of("devices", "--grid", "64");
        run.AssertUsageError();
        Assert.Contains("--grid is an option of --check", run.Stderr);
    }
}
