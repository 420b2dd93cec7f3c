using KlGpu.Families;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Specs;
using Xunit;

namespace KlGpu.Tests.Basins;

/// <summary>
/// Basin counts and locations from the kernel restarts against <see cref="IndependentMultiStart"/>, on the symmetric
/// two-mode target 0.5*N(−d/2, 1) + 0.5*N(d/2, 1) at several separations, in both directions, with σ free and fixed.
/// </summary>
public class BasinCountTests
{
    static GaussianMixture TwoModes(double d) => MixtureSpec.Parse(FormattableString.Invariant($"0.5*N({-d / 2},1) + 0.5*N({d / 2},1)"));

    static BasinsRun Run(GaussianMixture p, Divergence divergence, LocationScaleFamily family, StartDesign starts)
    {
        var settings = new BasinsSettings(p, divergence, family, starts.Count(0), BasinsSettings.DefaultSteps, Optimizer.Adam,
            BasinsSettings.DefaultLearningRate, starts, BasinsSettings.DefaultTolerance, BasinsSettings.DefaultClusterRadius, 0,
            Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        return BasinsJob.Compute(settings, engine);
    }

    static IEnumerable<(double, double)> Grid(double muMin, double muMax, int nMu, double sMin, double sMax, int nS) =>
        from i in Enumerable.Range(0, nMu)
        from j in Enumerable.Range(0, nS)
        select (muMin + (muMax - muMin) * i / (nMu - 1), Math.Log(sMin) + (Math.Log(sMax) - Math.Log(sMin)) * j / Math.Max(1, nS - 1));

    static void AssertSameMinima(List<IndependentMultiStart.Point> expected, BasinReport report, string what)
    {
        var minima = report.Basins.Where(b => b.Kind == StationaryKind.Minimum).ToList();
        var expectedMinima = expected.Where(e => e.IsMinimum).ToList();
        Assert.True(expectedMinima.Count == minima.Count,
            $"{what}: {minima.Count} minima ({string.Join("; ", minima.Select(b => $"{b.Mu:G6},{b.Sigma:G6}"))}) but the independent search found {expectedMinima.Count} ({string.Join("; ", expectedMinima.Select(e => $"{e.Mu:G6},{Math.Exp(e.LogSigma):G6}"))})");
        foreach (var e in expectedMinima)
        {
            var b = minima.OrderBy(b => Math.Abs(b.Mu - e.Mu) + Math.Abs(b.LogSigma - e.LogSigma)).First();
            Assert.True(Math.Abs(b.Mu - e.Mu) < 1e-6 && Math.Abs(b.LogSigma - e.LogSigma) < 1e-6,
                $"{what}: minimum at ({b.Mu:R}, {b.Sigma:R}), independent ({e.Mu:R}, {Math.Exp(e.LogSigma):R})");
            Assert.True(Math.Abs(b.Value - e.Value) < 1e-9 * Math.Max(1, Math.Abs(e.Value)), $"{what}: value {b.Value:R} vs {e.Value:R}");
            Assert.True(b.Polished, $"{what}: minimum at {b.Mu} was not polished");
        }
        Assert.Equal(report.Restarts, report.Basins.Sum(b => b.Count) + (report.Restarts - report.Converged));
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(4.5)]
    [InlineData(5.5)]
    [InlineData(7.0)]
    public void ReverseWithSigmaFreeFindsTheIndependentMinima(double d)
    {
        var p = TwoModes(d);
        var run = Run(p, Divergence.Reverse, FitFamily.Gaussian, new StartDesign(-d, d, 0.3, 4, 1, 16, 8));
        var expected = IndependentMultiStart.StationaryPoints(p, reverse: true, null, Grid(-d, d, 5, 0.4, 3.5, 3));
        AssertSameMinima(expected, run.Report, $"d = {d}");
    }

    /// <summary>With σ = 1 fixed the symmetric point turns from minimum to maximum (a pitchfork) as d grows; starts at
    /// μ = 0 sit on it, so past the pitchfork they must be reported as a saddle, never as a basin.</summary>
    [Theory]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(6.0)]
    public void ReverseWithSigmaFixedFindsTheIndependentStationaryPoints(double d)
    {
        var p = TwoModes(d);
        var family = new FixedSigmaFamily(1.0);
        var run = Run(p, Divergence.Reverse, family, new StartDesign(-d, d, 1, 2, 1, 41, 1));
        var expected = IndependentMultiStart.StationaryPoints(p, reverse: true, 1.0, Grid(-d, d, 9, 1, 1, 1));
        AssertSameMinima(expected, run.Report, $"d = {d}, σ = 1");
        var saddles = run.Report.Basins.Where(b => b.Kind == StationaryKind.Saddle).ToList();
        var expectedSaddles = expected.Where(e => !e.IsMinimum).ToList();
        Assert.Equal(expectedSaddles.Count, saddles.Count);
        foreach (var s in saddles)
        {
            Assert.True(Math.Abs(s.Mu) < 1e-9, $"saddle at μ = {s.Mu}");
            Assert.True(s.HessianEigenvalues[0] < 0);
            Assert.Contains(expectedSaddles, e => Math.Abs(e.Mu - s.Mu) < 1e-6);
        }
    }

    [Theory]
    [InlineData(2.0, false)]
    [InlineData(5.5, false)]
    [InlineData(8.0, false)]
    [InlineData(5.5, true)]
    public void ForwardAlwaysGivesTheSingleMomentMatchingMinimum(double d, bool fixedSigma)
    {
        var p = TwoModes(d);
        LocationScaleFamily family = fixedSigma ? new FixedSigmaFamily(1.0) : FitFamily.Gaussian;
        var run = Run(p, Divergence.Forward, family, new StartDesign(-d, d, 0.3, 4, 1, 16, fixedSigma ? 1 : 8));
        var minimum = Assert.Single(run.Report.Basins);
        Assert.Equal(StationaryKind.Minimum, minimum.Kind);
        Assert.True(Math.Abs(minimum.Mu - p.Mean) < 1e-9, $"μ = {minimum.Mu:R}");
        Assert.True(Math.Abs(minimum.Sigma - (fixedSigma ? 1.0 : Math.Sqrt(p.Variance))) < 1e-9, $"σ = {minimum.Sigma:R}, √V = {Math.Sqrt(p.Variance):R}");
    }
}
