using KlGpu.Numerics;
using Xunit;
using Xunit.Abstractions;

namespace KlGpu.Tests.Flow;

/// <summary>SinhArcsinhFlow on the host in double against the independent reference (FlowReference).</summary>
public class FlowNumericsTests(ITestOutputHelper output)
{
    static readonly GaussianMixture TwoModes = new([0.5, 0.5], [-2.75, 2.75], [1, 1]);
    static readonly GaussianMixture ThreeModes = new([0.3, 0.4, 0.3], [-4, 0, 3], [0.5, 1, 0.8]);

    /// <summary>θ = (μ, log σ, then α, β, ε, γ per layer): identity layers, a skewed heavy layer, a bimodal layer, two layers,
    /// a narrow and a wide q.</summary>
    public static IEnumerable<object[]> Cases() =>
    [
        ["two-modes", new double[] { 0.3, 0.2 }],
        ["two-modes", new double[] { 2.5, -0.1, 0, 0, 0, 0 }],
        ["two-modes", new double[] { 0.1, 0.4, 0.2, 0.1, 0.3, 0.25 }],
        ["two-modes", new double[] { 0.0, 1.0, 0.0, 1.2, 0.0, -0.7 }],
        ["two-modes", new double[] { -0.5, 0.3, 0.4, 0.5, -0.2, -0.3, -0.1, -0.2, 0.3, 0.2 }],
        ["three-modes", new double[] { 0.2, -2.5, 0.5, 0.3, 0.6, -0.2 }],
        ["three-modes", new double[] { -0.3, 1.8, -0.2, 0.8, 0.1, -0.5 }],
        ["three-modes", new double[] { 0.5, 0.6, 0.1, 1.5, -0.4, -1.0, 0.2, -0.6, 0.5, 0.4 }],
    ];

    static GaussianMixture Target(string name) => name == "two-modes" ? TwoModes : ThreeModes;

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValuesMatchTheReference(string target, double[] theta)
    {
        var p = Target(target);
        foreach (bool forward in new[] { false, true })
        {
            double value = SinhArcsinhFlow.ValueAndGradient(forward ? FIntegrand.ForwardKl : FIntegrand.ReverseKl, p, theta, new double[theta.Length]);
            double reference = FlowReference.Value(p, theta, forward);
            output.WriteLine($"{(forward ? "forward" : "reverse")} {value:R} reference {reference:R} difference {value - reference:E2}");
            Assert.True(Math.Abs(value - reference) <= 1e-9 * Math.Max(1, Math.Abs(reference)), $"{value:R} vs {reference:R}");
        }
    }

    /// <summary>The differences cost 4(2 + 4K) reference values each, so a subset: identity layers, one and two layers.</summary>
    public static IEnumerable<object[]> GradientCases() => Cases().Where((_, i) => i is 1 or 3 or 4 or 6);

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void GradientsMatchDifferencesOfTheReference(string target, double[] theta)
    {
        var p = Target(target);
        foreach (bool forward in new[] { false, true })
        {
            var g = new double[theta.Length];
            SinhArcsinhFlow.ValueAndGradient(forward ? FIntegrand.ForwardKl : FIntegrand.ReverseKl, p, theta, g);
            double[] d = FlowReference.Gradient(p, theta, forward);
            double scale = Math.Max(1, d.Max(Math.Abs));
            output.WriteLine($"{(forward ? "forward" : "reverse")} worst {g.Zip(d, (a, b) => Math.Abs(a - b)).Max():E2}");
            for (int i = 0; i < g.Length; i++)
                Assert.True(Math.Abs(g[i] - d[i]) <= 1e-7 * scale, $"∂{i}: {g[i]:R} vs {d[i]:R}");
        }
    }

    [Fact]
    public void InverseIsTheMapsInverse()
    {
        double[] theta = [0.5, 0.6, 0.1, 1.5, -0.4, -1.0, 0.2, -0.6, 0.5, 0.4];
        foreach (double z in new[] { -8.0, -2.5, -0.3, 0, 0.7, 3.1, 9 })
        {
            double x = SinhArcsinhFlow.Map(theta, z);
            Assert.Equal(FlowReference.Map(theta, z), x, 1e-12 * Math.Max(1, Math.Abs(x)));
            var v = new ArrayVector(theta);
            Assert.Equal(z, SinhArcsinhFlow.Inverse<double, F64, ArrayVector>(2, v, x), 1e-10 * Math.Max(1, Math.Abs(z)));
        }
    }
}
