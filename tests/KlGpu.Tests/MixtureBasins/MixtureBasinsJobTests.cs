using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using Xunit;
using Xunit.Abstractions;

namespace KlGpu.Tests.MixtureBasins;

public class MixtureBasinsJobTests(ITestOutputHelper output)
{
    static readonly Target ThreeModes = KlGpu.Specs.TargetSpec.Parse("0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)");

    internal static MixtureBasinsSettings Settings(Target target, Divergence d, int restarts, int steps = 1500, int components = 2) =>
        new(target, d, components, restarts, steps, Optimizer.Adam, 0.05, 1, -3, 3, 0.1, 3, 1e-6,
            MixtureBasinsSettings.DefaultClusterRadius, Precision.Double, AcceleratorKind.Cpu);

    [Theory]
    [InlineData("reverse")]
    [InlineData("forward")]
    public void Probe(string direction)
    {
        var d = direction == "forward" ? Divergence.Forward : Divergence.Reverse;
        using var engine = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        var run = MixtureBasinsJob.Compute(Settings(ThreeModes, d, 32), engine);
        output.WriteLine($"{run.OptimizeSeconds} {run.PolishSeconds} steps {run.Steps.Average()} {run.Summary()}");
        foreach (var b in run.Basins) output.WriteLine($"{b.Kind} {b.Q} {b.Value:R} {b.Count} {b.GradientNorm} [{string.Join(",", b.HessianEigenvalues.Select(e => e.ToString("G3")))}]");
    }
}
