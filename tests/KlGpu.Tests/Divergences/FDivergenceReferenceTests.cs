using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace KlGpu.Tests.Divergences;

/// <summary>The accuracy bar for divergences, "inf" included.</summary>
public static class DivergenceTolerance
{
    /// <summary>The accuracy bar of numerics.md: 1e-9 relative, or 1e-12 absolute near zero.</summary>
    public static void AssertClose(double expected, double actual, string what)
    {
        if (double.IsPositiveInfinity(expected))
        {
            Assert.True(double.IsPositiveInfinity(actual), $"{what}: expected +inf, got {actual:R}");
            return;
        }
        Assert.True(double.IsFinite(actual), $"{what}: expected {expected:R}, got {actual:R}");
        Assert.True(Math.Abs(actual - expected) <= Math.Max(1e-9 * Math.Abs(expected), 1e-12),
            $"{what}: expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2})");
    }
}

/// <summary>The f-divergence quadrature on the host (double) against ../shared/reference/divergence-cases.json (scipy, independent).</summary>
public class FDivergenceReferenceTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(ReferenceCases.DivergenceCaseNames), MemberType = typeof(ReferenceCases))]
    public void EveryDivergenceOfEveryCaseMatchesTheReference(string name)
    {
        var c = ReferenceCases.Divergence(name);
        foreach (var (key, expected) in c.Values)
        {
            var d = Divergence.TryParse(key) ?? throw new InvalidOperationException($"the reference names an unknown divergence '{key}'");
            double actual = FDivergenceQuadrature.Divergence(d.Integrand, d.Order, c.P, c.Q);
            output.WriteLine($"{key,-12} {actual,24:R} {expected,24:R} rel {(Math.Abs(actual - expected) / Math.Abs(expected)):E2}");
            DivergenceTolerance.AssertClose(expected, actual, $"{name} {key}");
        }
    }

    /// <summary>The figure behind the 1e-9 bar: the worst relative error per divergence over every finite reference value
    /// of magnitude ≥ 1e-3 (smaller ones are held to 1e-12 absolute above).</summary>
    [Fact]
    public void WorstRelativeErrorPerDivergenceIsBelowTheBar()
    {
        var worst = new SortedDictionary<string, double>();
        foreach (var c in ReferenceCases.Divergence())
            foreach (var (key, expected) in c.Values)
            {
                if (!double.IsFinite(expected) || Math.Abs(expected) < 1e-3) continue;
                var d = Divergence.TryParse(key)!;
                double relative = Math.Abs(FDivergenceQuadrature.Divergence(d.Integrand, d.Order, c.P, c.Q) - expected) / Math.Abs(expected);
                worst[key] = Math.Max(worst.GetValueOrDefault(key), relative);
            }
        foreach (var (k, v) in worst) output.WriteLine($"double, worst relative error: {k,-12} {v:E2}");
        Assert.Equal(13, worst.Count);
        Assert.All(worst, w => Assert.True(w.Value <= 1e-9, $"{w.Key}: {w.Value:E2}"));
    }
}
