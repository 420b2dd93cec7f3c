using KlGpu.Numerics.Reference;
using Xunit;

namespace KlGpu.Tests.Reference;

/// <summary>The computed Gauss–Kronrod rules have the degrees they are built for.</summary>
public class GaussKronrodTests
{
    /// <summary>Rules are computed in double; 1e-14 allows for the rounding of the linear solves.</summary>
    const double Tolerance = 1e-14;

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(10)]
    public void KronrodRuleIsExactToDegree3nPlus1(int n)
    {
        var rule = new GaussKronrod(n);
        Assert.Equal(2 * n + 1, rule.Nodes.Length);
        for (int degree = 0; degree <= 3 * n + 1; degree++)
        {
            double exact = degree % 2 == 1 ? 0 : 2.0 / (degree + 1);
            double sum = 0;
            for (int i = 0; i < rule.Nodes.Length; i++) sum += rule.KronrodWeights[i] * Math.Pow(rule.Nodes[i], degree);
            Assert.True(Math.Abs(sum - exact) < Tolerance, $"K{2 * n + 1}: ∫x^{degree} = {sum:R}, exact {exact:R}");
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(10)]
    public void EmbeddedGaussRuleIsExactToDegree2nMinus1AndUsesNNodes(int n)
    {
        var rule = new GaussKronrod(n);
        Assert.Equal(n, rule.GaussWeights.Count(w => w != 0));
        for (int degree = 0; degree <= 2 * n - 1; degree++)
        {
            double exact = degree % 2 == 1 ? 0 : 2.0 / (degree + 1);
            double sum = 0;
            for (int i = 0; i < rule.Nodes.Length; i++) sum += rule.GaussWeights[i] * Math.Pow(rule.Nodes[i], degree);
            Assert.True(Math.Abs(sum - exact) < Tolerance, $"G{n}: ∫x^{degree} = {sum:R}, exact {exact:R}");
        }
    }

    [Fact]
    public void NodesAreSymmetricInsideTheIntervalAndWeightsPositive()
    {
        var rule = GaussKronrod.G10K21;
        int count = rule.Nodes.Length;
        for (int i = 0; i < count; i++)
        {
            Assert.InRange(rule.Nodes[i], -1.0, 1.0);
            Assert.True(Math.Abs(rule.Nodes[i] + rule.Nodes[count - 1 - i]) < 1e-15, $"node {i} not symmetric");
            Assert.True(rule.KronrodWeights[i] > 0, $"Kronrod weight {i} not positive");
        }
        for (int i = 1; i < count; i++) Assert.True(rule.Nodes[i] > rule.Nodes[i - 1]);
    }

    /// <summary>Table: integrals with known values, including a spike the adaptivity must find.</summary>
    public static TheoryData<string, Func<double, double>, double, double, double> Integrals => new()
    {
        { "exp on [0,1]", Math.Exp, 0, 1, Math.E - 1 },
        { "1/(1+x²) on [-10,10]", x => 1 / (1 + x * x), -10, 10, 2 * Math.Atan(10) },
        { "sqrt on [0,1] (endpoint singularity in the derivative)", Math.Sqrt, 0, 1, 2.0 / 3 },
        { "narrow Gaussian off the break points", x => Math.Exp(-0.5 * (x - 0.3) * (x - 0.3) / 1e-4) / Math.Sqrt(2 * Math.PI * 1e-4), -1, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Integrals))]
    public void AdaptiveIntegrationMatchesKnownIntegrals(string name, Func<double, double> f, double a, double b, double exact)
    {
        QuadratureResult r = GaussKronrod.G10K21.Integrate(f, [a, b]);
        Assert.True(r.Converged, $"{name}: not converged, error {r.Error:R}");
        Assert.True(Math.Abs(r.Value - exact) <= 1e-13 * Math.Abs(exact), $"{name}: {r.Value:R} vs {exact:R}");
    }
}
