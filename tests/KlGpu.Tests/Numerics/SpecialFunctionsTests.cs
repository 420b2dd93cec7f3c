using KlGpu.Numerics;
using Xunit;

namespace KlGpu.Tests.Numerics;

/// <summary>log Γ and ψ against exact values: factorials, Γ(n + ½) = (2n)!√π/(4ⁿn!), ψ(n) = −γ + H_{n−1},
/// ψ(n + ½) = −γ − 2 log 2 + 2Σ_{k≤n} 1/(2k−1), and the recurrences at arbitrary points. Bar: 4e-15 absolute
/// (relative beyond |value| 1), the shifted Stirling series' rounding.</summary>
public class SpecialFunctionsTests
{
    const double EulerGamma = 0.57721566490153286061;

    static void Close(double expected, double actual, string what)
    {
        double bound = 4e-15 * Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= bound, $"{what}: got {actual:R}, expected {expected:R}");
    }

    [Fact]
    public void LogGammaOfIntegersIsLogFactorial()
    {
        double logFactorial = 0; // log (n−1)!
        for (int n = 1; n <= 170; n++)
        {
            Close(logFactorial, SpecialFunctions.LogGamma(n), $"log Γ({n})");
            logFactorial += Math.Log(n);
        }
    }

    [Fact]
    public void LogGammaOfHalfIntegers()
    {
        // log Γ(n + ½) = log √π + Σ_{k=1}^{n} log(k − ½)
        double value = 0.5 * Math.Log(Math.PI);
        for (int n = 0; n <= 60; n++)
        {
            Close(value, SpecialFunctions.LogGamma(n + 0.5), $"log Γ({n}.5)");
            value += Math.Log(n + 0.5);
        }
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-8)]
    [InlineData(0.1)]
    [InlineData(0.7364)]
    [InlineData(3.3)]
    [InlineData(14.99)]
    [InlineData(15.01)]
    [InlineData(1234.5)]
    [InlineData(1e12)]
    public void RecurrencesHold(double x)
    {
        // Compared as sums, not differences: log Γ(1e12) ≈ 2.6e13, whose ulp dwarfs log x.
        Close(SpecialFunctions.LogGamma(x) + Math.Log(x), SpecialFunctions.LogGamma(x + 1), $"log Γ({x}) + log {x}");
        Close(SpecialFunctions.Digamma(x + 1) - 1 / x, SpecialFunctions.Digamma(x), $"ψ({x} + 1) − 1/{x}");
    }

    [Fact]
    public void DigammaAtIntegersAndHalfIntegers()
    {
        double harmonic = 0, odd = 0;
        for (int n = 1; n <= 100; n++)
        {
            Close(-EulerGamma + harmonic, SpecialFunctions.Digamma(n), $"ψ({n})");
            Close(-EulerGamma - 2 * Math.Log(2) + 2 * odd, SpecialFunctions.Digamma(n - 0.5), $"ψ({n - 0.5})");
            harmonic += 1.0 / n;
            odd += 1.0 / (2 * n - 1);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void RefusesOutsideTheDomain(double x)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.LogGamma(x));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.Digamma(x));
    }
}
