using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using Xunit;

namespace KlGpu.Tests.MixtureBasins;

/// <summary>
/// The mixture q's value and gradient in (logits, means, log stds): the value against the adaptive Gauss–Kronrod reference
/// (independent of the panels), the gradient against five-point central differences of that reference value; on the
/// polish's panels and on the restarts' coarser ones alike.
/// </summary>
public class MixtureFitTests
{
    static readonly GaussianMixture ThreeModes = new([0.3, 0.4, 0.3], [-2, 0, 2], [0.3, 0.4, 0.3]);

    static MixtureQuadrature Layout(string name) => name == "restarts" ? MixtureQuadrature.Restarts : MixtureQuadrature.Polish;

    public static IEnumerable<object[]> Cases() =>
        from layout in new[] { "polish", "restarts" }
        from kind in new[] { FIntegrand.ForwardKl, FIntegrand.ReverseKl }
        from q in new[]
        {
            new[] { 0.2, -0.3, -1.5, 1.0, Math.Log(0.5), Math.Log(0.8) },         // two components between the modes
            new[] { 0.0, 0.0, -2.1, 2.05, Math.Log(0.3), Math.Log(0.31) },        // near the symmetric optimum
            new[] { 1.0, -0.5, 3.0, -4.0, Math.Log(0.2), Math.Log(1.2) },         // off the modes, one narrow and one broad
            new[] { -0.4, 0.1, 0.3, -1.0, 0.4, 1.8, Math.Log(0.25), Math.Log(0.6), Math.Log(1.3) }, // three components
        }
        select new object[] { layout, kind, q };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheValueMatchesTheReference(string layout, FIntegrand kind, double[] theta)
    {
        var q = MixtureFit.Mixture(theta);
        double value = MixtureFit.ValueAndGradient(kind, Layout(layout), ThreeModes, theta, new double[theta.Length]);
        double reference = kind == FIntegrand.ForwardKl ? ReferenceKl.Forward(ThreeModes, q) : ReferenceKl.Reverse(ThreeModes, q);
        Assert.True(Math.Abs(value - reference) <= 1e-9 * Math.Abs(reference), $"value {value:R} vs reference {reference:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheGradientMatchesFivePointDifferences(string layout, FIntegrand kind, double[] theta)
    {
        double[] gradient = new double[theta.Length];
        MixtureFit.ValueAndGradient(kind, Layout(layout), ThreeModes, theta, gradient);
        const double h = 1e-3;
        for (int i = 0; i < theta.Length; i++)
        {
            double At(double shift)
            {
                double[] t = (double[])theta.Clone();
                t[i] += shift;
                var q = MixtureFit.Mixture(t);
                return kind == FIntegrand.ForwardKl ? ReferenceKl.Forward(ThreeModes, q) : ReferenceKl.Reverse(ThreeModes, q);
            }
            double difference = (-At(2 * h) + 8 * At(h) - 8 * At(-h) + At(-2 * h)) / (12 * h);
            // Truncation h⁴ f⁽⁵⁾/30 and the reference's 1e-14 over h: both near 1e-11 here.
            Assert.True(Math.Abs(gradient[i] - difference) <= 1e-8 * Math.Max(1, Math.Abs(difference)),
                $"θ[{i}]: analytic {gradient[i]:R} vs differences {difference:R}");
        }
    }

    /// <summary>The restarts' kernel objective at given θ (<see cref="KlGpu.Engine.KlEngine.Gradient(GaussianMixture, KlGpu.Families.ThetaFamily, KlGpu.Landscape.Divergence, double[])"/>,
    /// on the CPU accelerator): its value is the reference's, and its gradient is the restarts' layout's, so the kernel's wiring
    /// (θ's rows, the objective's scratch) is what the numerics above check.</summary>
    public static IEnumerable<object[]> KernelCases() => Cases().Where(c => (string)c[0] == "restarts").Select(c => new[] { c[1], c[2] });

    [Theory]
    [MemberData(nameof(KernelCases))]
    public void TheKernelPathAtGivenThetaIsTheRestartsObjective(FIntegrand kind, double[] theta)
    {
        int k = theta.Length / MixtureFit.ParametersPerComponent;
        var q = MixtureFit.Mixture(theta);
        var d = kind == FIntegrand.ForwardKl ? KlGpu.Landscape.Divergence.Forward : KlGpu.Landscape.Divergence.Reverse;
        using var engine = KlGpu.Engine.KlEngine.Create(KlGpu.Accelerators.AcceleratorKind.Cpu, KlGpu.Precision.Double);
        double[] two = [.. theta, .. theta];
        var (value, gradient) = engine.Gradient(ThreeModes, new KlGpu.Families.MixtureFamily(k), d, two);
        double reference = kind == FIntegrand.ForwardKl ? ReferenceKl.Forward(ThreeModes, q) : ReferenceKl.Reverse(ThreeModes, q);
        double[] host = new double[theta.Length];
        MixtureFit.ValueAndGradient(kind, MixtureQuadrature.Restarts, ThreeModes, theta, host);
        for (int r = 0; r < 2; r++)
        {
            Assert.True(Math.Abs(value[r] - reference) <= 1e-9 * Math.Abs(reference), $"value {value[r]:R} vs reference {reference:R}");
            for (int i = 0; i < theta.Length; i++)
                Assert.True(Math.Abs(gradient[r * theta.Length + i] - host[i]) <= 1e-12 * Math.Max(1, Math.Abs(host[i])), $"θ[{i}]: {gradient[r * theta.Length + i]:R} vs {host[i]:R}");
        }
    }

    [Fact]
    public void TheLogitGradientSumsToZero()
    {
        double[] theta = [0.3, -0.2, -1, 1.5, Math.Log(0.4), Math.Log(0.7)];
        double[] gradient = new double[6];
        MixtureFit.ValueAndGradient(FIntegrand.ReverseKl, ThreeModes, theta, gradient);
        Assert.True(Math.Abs(gradient[0] + gradient[1]) < 1e-12 * (Math.Abs(gradient[0]) + 1e-3), $"{gradient[0]:R} + {gradient[1]:R}");
    }
}
