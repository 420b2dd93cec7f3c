using KlGpu.Numerics;
using Xunit;

namespace KlGpu.Tests.Numerics;

public class GaussLegendreRuleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(33)]
    public void IsExactForPolynomialsUpToDegree2nMinus1(int n)
    {
        var rule = new GaussLegendreRule(n);
        for (int degree = 0; degree <= 2 * n - 1; degree++)
        {
            double exact = degree % 2 == 1 ? 0 : 2.0 / (degree + 1);
            double got = rule.Integrate(x => Math.Pow(x, degree), -1, 1);
            Assert.True(Math.Abs(got - exact) < 1e-14, $"n={n}, degree {degree}: {got} vs {exact}");
        }
    }

    [Fact]
    public void IntegratesTheGaussianOnAnInterval()
    {
        // ∫_0^1 e^{−x²} dx = (√π/2) erf(1); erf(1) from scipy.special.erf.
        double exact = Math.Sqrt(Math.PI) / 2 * 0.8427007929497149;
        Assert.Equal(exact, new GaussLegendreRule(16).Integrate(x => Math.Exp(-x * x), 0, 1), 15);
    }
}
