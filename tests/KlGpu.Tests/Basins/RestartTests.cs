using KlGpu.Families;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Tests.Kernels;
using TestAccelerators = KlGpu.Tests.Kernels.Accelerators;
using Xunit;

namespace KlGpu.Tests.Basins;

/// <summary>The restart kernel's contract: stopping, status codes, recorded paths, and the same answer on every execution.</summary>
public class RestartTests
{
    static readonly GaussianMixture Target = new([0.5, 0.5], [-2.75, 2.75], [1, 1]);

    static BasinsSettings Settings(Optimizer optimizer = Optimizer.Adam, double lr = BasinsSettings.DefaultLearningRate,
        Divergence? divergence = null, int restarts = 256, int trajectories = 0, Precision precision = Precision.Double,
        Target? target = null) =>
        new(target ?? Target, divergence ?? Divergence.Reverse, FitFamily.Gaussian, restarts, BasinsSettings.DefaultSteps, optimizer, lr,
            new StartDesign(-6, 6, 0.2, 5, 3), BasinsSettings.DefaultTolerance, BasinsSettings.DefaultClusterRadius, trajectories,
            precision, AcceleratorKind.Cpu);

    [Fact]
    public void TheSimulatorAndParallelCSharpReachTheSameBasinsFromTheSameSeed()
    {
        Compare(Settings());
        // In d dimensions every thread also draws and moves its coordinates across u: the same on both executions.
        Compare(Settings(restarts: 64, target: KlGpu.Numerics.Target.TwoModes(4, 5.5)));
    }

    static void Compare(BasinsSettings settings)
    {
        using var parallel = TestAccelerators.Engine(CpuExecution.Parallel);
        using var simulator = TestAccelerators.Engine(CpuExecution.Simulator);
        var a = BasinsJob.Compute(settings, parallel);
        var b = BasinsJob.Compute(settings, simulator);
        Assert.Equal(a.StartMu, b.StartMu);
        Assert.Equal(a.Outcome.Steps, b.Outcome.Steps);
        Assert.Equal(a.Outcome.AcrossMaxMu, b.Outcome.AcrossMaxMu);
        Assert.Equal(a.Report.Basins.Count, b.Report.Basins.Count);
        for (int i = 0; i < a.Report.Basins.Count; i++)
        {
            Assert.Equal(a.Report.Basins[i].Count, b.Report.Basins[i].Count);
            Assert.Equal(a.Report.Basins[i].Mu, b.Report.Basins[i].Mu, 12);
            Assert.Equal(a.Report.Basins[i].Sigma, b.Report.Basins[i].Sigma, 12);
        }
    }

    [Theory]
    [InlineData(Optimizer.Adam, 0.05)]
    [InlineData(Optimizer.Momentum, 0.02)]
    [InlineData(Optimizer.Sgd, 0.2)]
    public void EveryOptimizerConvergesToTheSameMinima(Optimizer optimizer, double lr)
    {
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        var run = BasinsJob.Compute(Settings(optimizer, lr), engine);
        Assert.True(run.Report.Converged > 0.9 * run.Report.Restarts, $"{optimizer}: only {run.Report.Converged} converged");
        var minima = run.Report.Basins.Where(b => b.Kind == StationaryKind.Minimum).OrderBy(b => b.Mu).ToList();
        Assert.Equal(3, minima.Count);
        Assert.Equal(-2.711346, minima[0].Mu, 5);
        Assert.Equal(0, minima[1].Mu, 9);
        Assert.Equal(2.711346, minima[2].Mu, 5);
        // Every converged restart really stopped below the tolerance, and its recorded value is finite.
        for (int i = 0; i < run.Report.Restarts; i++)
            if (run.Outcome.Status[i] == RestartStatus.Converged)
                Assert.True(run.Outcome.GradientNorm[i] < BasinsSettings.DefaultTolerance && double.IsFinite(run.Outcome.Value[i]));
    }

    [Fact]
    public void ATooLargeLearningRateDivergesAndIsCountedNotDropped()
    {
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        var run = BasinsJob.Compute(Settings(Optimizer.Sgd, 1e4, Divergence.Forward, restarts: 64), engine);
        Assert.True(run.Report.Diverged > 0);
        Assert.Equal(run.Report.Restarts, run.Report.Converged + run.Report.StepLimited + run.Report.Diverged);
        Assert.All(run.Report.Basins, b => Assert.True(double.IsFinite(b.Mu) && double.IsFinite(b.Sigma) && double.IsFinite(b.Value)));
        Assert.Contains("did not converge", run.Report.Summary());
    }

    [Fact]
    public void TrajectoriesStartAtTheStartAndEndAtTheEndPoint()
    {
        using var engine = TestAccelerators.Engine(CpuExecution.Simulator);
        var run = BasinsJob.Compute(Settings(restarts: 40, trajectories: 6), engine, batch: 16);
        var paths = run.Paths();
        Assert.Equal(6, paths.Count);
        int stride = run.Outcome.TrajectoryStride;
        Assert.Equal(40 / 6, stride);
        for (int k = 0; k < paths.Count; k++)
        {
            int r = k * stride;
            Assert.Equal(run.Outcome.Steps[r] + 1, paths[k].Mu.Length);
            Assert.Equal(run.StartMu[r], paths[k].Mu[0]);
            Assert.Equal(Math.Exp(run.StartLogSigma[r]), paths[k].Sigma[0], 14);
            Assert.Equal(run.Outcome.EndMu[r], paths[k].Mu[^1]);
        }
    }

    [Fact]
    public void SinglePrecisionFindsTheSameMinimaAfterTheDoublePolish()
    {
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel, Precision.Single);
        var run = BasinsJob.Compute(Settings(precision: Precision.Single), engine);
        var minima = run.Report.Basins.Where(b => b.Kind == StationaryKind.Minimum).OrderBy(b => b.Mu).ToList();
        Assert.Equal(3, minima.Count);
        Assert.Equal(2.711346, minima[2].Mu, 5);
    }
}
