using KlGpu.Families;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using Devices = KlGpu.Tests.Kernels.Accelerators;
using Xunit;
using static KlGpu.Tests.HeavyTails.HeavyTailReference;

namespace KlGpu.Tests.HeavyTails;

/// <summary>
/// The heavy-tailed landscape kernel, as parallel C# and through ILGPU's CPU accelerator: in double it is the host
/// quadrature to 1e-12 and the independent reference to 1e-9; in single its error against double is measured and bounded.
/// </summary>
public class HeavyTailKernelTests
{
    static readonly Component[] Mixed =
        [new(ComponentKind.Normal, 0.3, -3, 0.2), new(ComponentKind.StudentT, 0.4, 0, 1, 2.5), new(ComponentKind.Laplace, 0.3, 4, 0.3)];
    static readonly Component[] Cauchy = [new(ComponentKind.StudentT, 0.5, -2, 1, 1), new(ComponentKind.Laplace, 0.5, 2, 0.5)];

    static readonly GridAxis Mu = new(-6, 30, 7), Sigma = new(0.01, 40, 5, Geometric: true);

    static (double[] Forward, double[] Reverse) Run(KlEngine engine, HeavyTailedMixture p)
    {
        double[]? forward = null, reverse = null;
        engine.Landscape(Target.HeavyTailed(p), FitFamily.Gaussian, Mu, Sigma, [Divergence.Forward, Divergence.Reverse], tile =>
        {
            forward = tile.Forward;
            reverse = tile.Reverse;
        });
        return (forward!, reverse!);
    }

    [Theory]
    [MemberData(nameof(Devices.Executions), MemberType = typeof(Devices))]
    public void DoubleKernelMatchesHostAndReference(CpuExecution execution)
    {
        using var engine = Devices.Engine(execution);
        var p = Mixture(Mixed);
        var plan = new HeavyTailPlan(p);
        double entropy = plan.Entropy();
        var (forward, reverse) = Run(engine, p);
        for (int j = 0; j < Sigma.Count; j++)
            for (int i = 0; i < Mu.Count; i++)
            {
                double mu = Mu.At(i), sigma = Sigma.At(j);
                double host = HeavyTailQuadrature.Reverse<double, F64, HeavyTailPlan>(mu, sigma, plan);
                Assert.True(Math.Abs(reverse[j * Mu.Count + i] - host) <= 1e-12 * Math.Max(1, Math.Abs(host)),
                    $"reverse at ({mu}, {sigma}): kernel {reverse[j * Mu.Count + i]:R}, host {host:R}");
                double expected = Reverse(Mixed, mu, sigma);
                Assert.True(Math.Abs(reverse[j * Mu.Count + i] - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected)),
                    $"reverse at ({mu}, {sigma}): kernel {reverse[j * Mu.Count + i]:R}, reference {expected:R}");
                double closed = GaussianKl.Forward<double, F64>(mu, sigma, p.Mean!.Value, p.Variance, entropy);
                Assert.True(Math.Abs(forward[j * Mu.Count + i] - closed) <= 1e-12 * Math.Max(1, Math.Abs(closed)));
            }
    }

    [Theory]
    [MemberData(nameof(Devices.ExecutionsAndPrecisions), MemberType = typeof(Devices))]
    public void ForwardIsInfiniteEverywhereWhenATHasNoVariance(CpuExecution execution, Precision precision)
    {
        using var engine = Devices.Engine(execution, precision);
        var (forward, reverse) = Run(engine, Mixture(Cauchy));
        Assert.All(forward, v => Assert.True(double.IsPositiveInfinity(v)));
        Assert.All(reverse, v => Assert.True(double.IsFinite(v) && v > 0));
    }

    /// <summary>Single precision: values of order one to a few hundred, summed in log space over ~100 panels; measured
    /// worst relative error 9.3e-6 on these grids, bounded here at 1e-4.</summary>
    [Theory]
    [MemberData(nameof(Devices.Executions), MemberType = typeof(Devices))]
    public void SinglePrecisionStaysCloseToDouble(CpuExecution execution)
    {
        using var single = Devices.Engine(execution, Precision.Single);
        using var reference = Devices.Engine(CpuExecution.Parallel);
        foreach (var target in new[] { Mixed, Cauchy })
        {
            var p = Mixture(target);
            var (_, r32) = Run(single, p);
            var (_, r64) = Run(reference, p);
            double worst = r32.Zip(r64).Max(x => Math.Abs(x.First - x.Second) / Math.Max(1, Math.Abs(x.Second)));
            Assert.True(worst <= 1e-4, $"single precision relative error {worst:G3}");
        }
    }

    [Fact]
    public void EvaluateRefusesMixtureQAndOtherDivergences()
    {
        using var engine = Devices.Engine(CpuExecution.Parallel);
        var p = Mixture(Mixed);
        var q2 = new GaussianMixture([0.5, 0.5], [0.0, 1.0], [1.0, 1.0]);
        var target = Target.HeavyTailed(p);
        Assert.Equal(2, q2.Count);
        Assert.Equal(FitPart.Family, Assert.Throws<UnsupportedFitException>(() => new MixtureFamily(q2.Count).CheckMap(target, [Divergence.Reverse])).Part);
        Assert.Equal(FitPart.Divergence, Assert.Throws<UnsupportedFitException>(
            () => engine.Evaluate(target, FitFamily.Gaussian, 0, 1, new Divergence(DivergenceKind.Hellinger))).Part);
        // α = 0 is KL(q||p) exactly, so it is served.
        Assert.Equal(engine.Evaluate(target, FitFamily.Gaussian, 0, 1, Divergence.Reverse),
            engine.Evaluate(target, FitFamily.Gaussian, 0, 1, new Divergence(DivergenceKind.Alpha, 0)));
    }
}
