using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using Xunit;
using Xunit.Abstractions;

namespace KlGpu.Tests.Divergences;

/// <summary>
/// The kernel Stein discrepancy KSD²(q, p) (IMQ kernel) against <see cref="KsdReference"/>: the engine's δ-form on walked
/// panels versus u_p itself integrated adaptively (any mixture) and a rotated 1-D form (Gaussian p). Bar: 1e-9 relative.
/// </summary>
public class KsdTests(ITestOutputHelper output)
{
    const double Relative = 1e-9;

    static void AssertClose(double expected, double actual, string what)
    {
        double error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= Relative, $"{what}: expected {expected:R}, got {actual:R} (relative error {error:E2})");
    }

    /// <summary>Gaussian p = N(m, s), q = N(μ, σ), kernel (c, β): narrow, broad, far and overlapping q, small and large c.</summary>
    public static IEnumerable<object[]> GaussianCases() =>
    [
        [0.0, 1.0, 0.0, 1.5, 1.0, -0.5],      // overlapping, broader
        [0.0, 1.0, 0.3, 0.7, 1.0, -0.5],      // overlapping, narrower
        [0.0, 1.0, 0.0, 0.01, 1.0, -0.5],     // narrow q: σ ≪ c, s
        [0.0, 1.0, 0.5, 100.0, 1.0, -0.5],    // broad q: σ ≫ c, s
        [0.0, 0.01, 1.0, 100.0, 1.0, -0.5],   // broad q over a narrow p: σ/s = 10⁴
        [2.0, 0.5, -30.0, 0.5, 1.0, -0.5],    // far
        [0.0, 1.0, 1.0, 30.0, 0.01, -0.5],    // σ/c = 3000
        [0.0, 1.0, 1.0, 0.05, 50.0, -0.5],    // c ≫ σ, s
        [0.0, 1.0, 0.4, 2.0, 2.0, -1.0],
        [0.0, 1.0, 0.4, 2.0, 0.5, -2.5],
        [0.0, 1.0, 0.4, 2.0, 1.0, -0.05],
    ];

    [Theory]
    [MemberData(nameof(GaussianCases))]
    public void GaussianTargetMatchesTheRotatedForm(double m, double s, double mu, double sigma, double c, double beta)
    {
        var p = GaussianMixture.Gaussian(m, s);
        double expected = KsdReference.SquaredGaussian(m, s, mu, sigma, c, beta);
        double actual = SteinDiscrepancy.Squared(new LogMixturePlan(p), mu, sigma, c, beta);
        output.WriteLine($"N({m},{s}) q=N({mu},{sigma}) c={c} β={beta}: {actual:R} vs {expected:R}, rel {Math.Abs(actual - expected) / expected:E2}");
        AssertClose(expected, actual, $"p = N({m}, {s}), q = N({mu}, {sigma}), c = {c}, β = {beta}");
    }

    static readonly GaussianMixture TwoModes = new([0.5, 0.5], [-2.0, 2.0], [0.5, 0.5]);
    static readonly GaussianMixture Uneven = new([0.7, 0.3], [0.0, 0.0], [1.0, 0.1]);
    static readonly GaussianMixture ThreeModes = new([0.2, 0.5, 0.3], [-3.0, 0.5, 4.0], [0.3, 1.0, 0.05]);

    public static IEnumerable<object[]> MixtureCases() =>
    [
        ["gaussian", 0.0, 1.2, 1.0, -0.5],
        ["two-modes", 0.0, 2.0, 1.0, -0.5],
        ["two-modes", -2.0, 0.5, 1.0, -0.5],
        ["two-modes", 1.0, 0.05, 1.0, -0.5],
        ["two-modes", 0.0, 40.0, 1.0, -0.5],
        ["two-modes", 15.0, 1.0, 2.0, -1.0],
        ["uneven", 0.2, 1.0, 0.3, -0.5],
        ["uneven", 0.0, 20.0, 1.0, -0.5],
        ["three-modes", 0.0, 3.0, 1.0, -0.5],
        ["three-modes", 4.0, 0.2, 0.5, -1.5],
    ];

    static GaussianMixture Target(string name) => name switch
    {
        "gaussian" => GaussianMixture.Gaussian(0.3, 0.8),
        "two-modes" => TwoModes,
        "uneven" => Uneven,
        _ => ThreeModes,
    };

    [Theory]
    [MemberData(nameof(MixtureCases))]
    public void MixtureTargetMatchesTheSteinKernelIntegral(string target, double mu, double sigma, double c, double beta)
    {
        var p = Target(target);
        double expected = KsdReference.Squared(p, mu, sigma, c, beta);
        double actual = SteinDiscrepancy.Squared(new LogMixturePlan(p), mu, sigma, c, beta);
        output.WriteLine($"{target} q=N({mu},{sigma}) c={c} β={beta}: {actual:R} vs {expected:R}, rel {Math.Abs(actual - expected) / expected:E2}");
        AssertClose(expected, actual, $"{target}, q = N({mu}, {sigma}), c = {c}, β = {beta}");
    }
}
