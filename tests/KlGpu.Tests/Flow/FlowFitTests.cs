using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Families;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Tests.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace KlGpu.Tests.Flow;

/// <summary>The flow's kernel path, flow:0 against the Gaussian, and K ≥ 1 against the Gaussian's best.</summary>
public class FlowFitTests(ITestOutputHelper output)
{
    static readonly GaussianMixture TwoModes = new([0.5, 0.5], [-2.75, 2.75], [1, 1]);

    /// <summary>The kernels (as parallel C# and through ILGPU's CPU accelerator) give the host's value and gradient.</summary>
    [Theory]
    [MemberData(nameof(KlGpu.Tests.Kernels.Accelerators.ExecutionsAndPrecisions), MemberType = typeof(KlGpu.Tests.Kernels.Accelerators))]
    public void KernelMatchesTheHost(CpuExecution execution, Precision precision)
    {
        double[] theta = [0.1, 0.4, 0.2, 0.1, 0.3, 0.25, -0.3, 0.2, -0.1, -0.2];
        double[] two = [.. theta, .. new double[] { 2.5, -0.1, 0.3, -0.2, 0.1, 0.2, 0, 0, 0, 0 }];
        using var engine = KlGpu.Tests.Kernels.Accelerators.Engine(execution, precision);
        foreach (var d in new[] { Divergence.Reverse, Divergence.Forward })
        {
            var (value, gradient) = engine.Gradient(TwoModes, new FlowFamily(2), d, two);
            for (int i = 0; i < 2; i++)
            {
                double[] th = two[(10 * i)..(10 * i + 10)], g = new double[10];
                double v = SinhArcsinhFlow.ValueAndGradient(d.Integrand, TwoModes, th, g);
                double tolerance = precision == Precision.Double ? 1e-12 : 2e-4;
                Assert.True(Math.Abs(value[i] - v) <= tolerance * Math.Max(1, Math.Abs(v)), $"{d.Name()} {value[i]:R} vs {v:R}");
                double top = Math.Max(1, g.Max(Math.Abs));
                for (int j = 0; j < 10; j++)
                    Assert.True(Math.Abs(gradient[10 * i + j] - g[j]) <= 10 * tolerance * top, $"{d.Name()} ∂{j}: {gradient[10 * i + j]:R} vs {g[j]:R}");
            }
        }
    }

    /// <summary>flow:0's values are the Gaussian's: against the Gaussian engine path (the log-mixture plan) and the reference.</summary>
    [Fact]
    public void FlowZeroValuesAreTheGaussians()
    {
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        var p = new GaussianMixture([0.3, 0.4, 0.3], [-4, 0, 3], [0.5, 1, 0.8]);
        foreach (var (mu, sigma) in new[] { (0.0, 1.0), (-3.7, 0.4), (2.0, 3.5), (0.5, 0.05) })
            foreach (var d in new[] { Divergence.Reverse, Divergence.Forward })
            {
                var (value, _) = engine.Gradient(p, new FlowFamily(0), d, [mu, Math.Log(sigma)]);
                double gaussian = engine.Evaluate(Target.OneDimensional(p), FitFamily.Gaussian, mu, sigma, d);
                var q = GaussianMixture.Gaussian(mu, sigma);
                double reference = d == Divergence.Forward ? ReferenceKl.Forward(p, q) : ReferenceKl.Reverse(p, q);
                output.WriteLine($"{d.Name()} ({mu}, {sigma}): flow:0 {value[0]:R}, gaussian {gaussian:R}, reference {reference:R}");
                Assert.True(Math.Abs(value[0] - gaussian) <= 1e-9 * Math.Max(1, Math.Abs(gaussian)));
                Assert.True(Math.Abs(value[0] - reference) <= 1e-9 * Math.Max(1, Math.Abs(reference)));
            }
    }

    static ThetaBasinsRun<double[]> Flow(int layers, Divergence d, int restarts, int steps)
    {
        var box = BasinsSettings.DefaultRanges(TwoModes);
        var s = new ThetaBasinsSettings<double[]>(TwoModes, d, new FlowFamily(layers), restarts, steps, Optimizer.Adam, BasinsSettings.DefaultLearningRate, 7,
            box.MuMin, box.MuMax, box.SigmaMin, box.SigmaMax, 1e-6, ThetaBasinsSettings.DefaultClusterRadius, Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        return ThetaBasinsJob.Compute(s, engine);
    }

    static BasinsRun Gaussian(Divergence d, int restarts)
    {
        var box = BasinsSettings.DefaultRanges(TwoModes);
        var s = new BasinsSettings(TwoModes, d, FitFamily.Gaussian, restarts, BasinsSettings.DefaultSteps, Optimizer.Adam, BasinsSettings.DefaultLearningRate,
            new StartDesign(box.MuMin, box.MuMax, box.SigmaMin, box.SigmaMax, 7), BasinsSettings.DefaultTolerance, BasinsSettings.DefaultClusterRadius, 0,
            Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        return BasinsJob.Compute(s, engine);
    }

    /// <summary>flow:0's restarts on ½N(±2.75, 1) reach the Gaussian's minima: the same (μ, σ) and values to 1e-9, and under
    /// reverse KL both mode-seeking minima.</summary>
    [Theory]
    [InlineData("reverse")]
    [InlineData("forward")]
    public void FlowZeroRestartsReachTheGaussiansBasins(string divergence)
    {
        var d = divergence == "reverse" ? Divergence.Reverse : Divergence.Forward;
        var flow = Flow(0, d, 12, 1000);
        var gaussian = Gaussian(d, 64);
        var fm = flow.Basins.Where(b => b.Kind == ThetaKind.Minimum).ToList();
        var gm = gaussian.Report.Basins.Where(b => b.Kind == StationaryKind.Minimum).ToList();
        foreach (var b in fm) output.WriteLine($"flow:0 μ {b.Q[0]:R} σ {Math.Exp(b.Q[1]):R} value {b.Value:R} fraction {b.Fraction}");
        foreach (var b in gm) output.WriteLine($"gaussian μ {b.Mu:R} σ {b.Sigma:R} value {b.Value:R} fraction {b.Fraction}");
        Assert.Equal(gm.Count, fm.Count);
        foreach (var b in fm)
        {
            var match = gm.MinBy(g => Math.Abs(g.Mu - b.Q[0]))!;
            Assert.Equal(match.Mu, b.Q[0], 1e-6);
            Assert.Equal(match.Sigma, Math.Exp(b.Q[1]), 1e-6);
            Assert.True(Math.Abs(match.Value - b.Value) <= 1e-9, $"{b.Value:R} vs {match.Value:R}");
        }
    }

    /// <summary>For K ≥ 1 the best reverse and forward KL on ½N(±2.75, 1) is no worse than the Gaussian's best: the least value
    /// of a few flow restarts (a polished basin's, or an end point's, each the value of a q in the family).</summary>
    [Theory]
    [InlineData(1, "reverse")]
    [InlineData(1, "forward")]
    public void FlowIsNoWorseThanTheGaussian(int layers, string divergence)
    {
        var d = divergence == "reverse" ? Divergence.Reverse : Divergence.Forward;
        var flow = Flow(layers, d, 4, 800);
        var gaussian = Gaussian(d, 64);
        double bestFlow = flow.Basins.Select(b => b.Value).Concat(flow.Value.Where(double.IsFinite)).Min();
        double bestGaussian = gaussian.Report.Basins.Where(b => b.Kind == StationaryKind.Minimum).Min(b => b.Value);
        output.WriteLine($"flow:{layers} best {bestFlow:R}, gaussian best {bestGaussian:R}; {flow.Summary()}");
        Assert.True(bestFlow <= bestGaussian + 1e-9, $"{bestFlow:R} > {bestGaussian:R}");
    }
}
