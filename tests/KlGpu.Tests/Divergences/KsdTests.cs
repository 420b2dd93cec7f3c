using KlGpu.Families;
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
        [0.0, 1.0, 0.7, 0.2499, 1.0, -0.5],   // either side of the switch to u_p for narrow q (σ < ¼ min(c, s))
        [0.0, 1.0, 0.7, 0.2501, 1.0, -0.5],
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

    /// <summary>A grid through the engine: the kernel over (μ, σ), values [σ row, μ].</summary>
    static double[] Grid(KlEngine engine, GaussianMixture p, Divergence d, GridAxis mu, GridAxis sigma)
    {
        var values = new double[mu.Count * sigma.Count];
        engine.Landscape(p, FitFamily.Gaussian, mu, sigma, [d], t => t.Values[d].CopyTo(values, t.FirstRow * mu.Count));
        return values;
    }

    static readonly GridAxis Mus = new(-4, 5, 7);
    static readonly GridAxis Sigmas = new(0.02, 60, 6, Geometric: true);

    [Theory]
    [MemberData(nameof(KlGpu.Tests.Kernels.Accelerators.Executions), MemberType = typeof(KlGpu.Tests.Kernels.Accelerators))]
    public void KernelMatchesTheHostInDouble(CpuExecution execution)
    {
        using var engine = KlGpu.Tests.Kernels.Accelerators.Engine(execution);
        var plan = new LogMixturePlan(ThreeModes);
        foreach (var d in new[] { Divergence.Ksd, Divergence.TryParse("ksd:c=0.3:beta=-1.5")! })
        {
            double[] grid = Grid(engine, ThreeModes, d, Mus, Sigmas);
            double worst = 0;
            for (int j = 0; j < Sigmas.Count; j++)
                for (int i = 0; i < Mus.Count; i++)
                {
                    double host = SteinDiscrepancy.Squared(plan, Mus.At(i), Sigmas.At(j), d.Kernel!.C, d.Kernel.Beta);
                    worst = Math.Max(worst, Math.Abs(grid[j * Mus.Count + i] - host) / host);
                }
            output.WriteLine($"{d.Name()} ({execution}): worst kernel-vs-host relative difference {worst:E2}");
            Assert.True(worst <= 1e-12, $"{d.Name()}: kernel and host differ by {worst:E2}");
        }
    }

    /// <summary>
    /// Single precision against double, measured: 1e-7 to 1e-6 relative for most points, worst 1.4e-5 at σ = 0.02 far
    /// from the modes. (Before narrow q switched to u_p, δ's s_q ~ 1/σ cost (s/σ)² ε there: 4.9e-4.)
    /// </summary>
    [Fact]
    public void SinglePrecisionErrorIsMeasured()
    {
        using var single = KlGpu.Tests.Kernels.Accelerators.Engine(CpuExecution.Parallel, Precision.Single);
        var plan = new LogMixturePlan(TwoModes);
        double[] grid = Grid(single, TwoModes, Divergence.Ksd, Mus, Sigmas);
        double worst = 0;
        for (int j = 0; j < Sigmas.Count; j++)
            for (int i = 0; i < Mus.Count; i++)
            {
                double exact = SteinDiscrepancy.Squared(plan, Mus.At(i), Sigmas.At(j), 1, -0.5);
                double error = Math.Abs(grid[j * Mus.Count + i] - exact) / exact;
                output.WriteLine($"μ = {Mus.At(i):G4}, σ = {Sigmas.At(j):G4}: KSD² = {exact:G6}, single off by {error:E2}");
                worst = Math.Max(worst, error);
            }
        output.WriteLine($"single precision: worst relative error {worst:E2} over {grid.Length} points, σ from 0.02 to 60");
        Assert.True(worst <= 1e-4, $"single precision is off by {worst:E2}");
    }

    /// <summary>q = p: δ = s_p − s_q vanishes identically, so KSD² is zero (to 1e-12) for any kernel and scale.</summary>
    [Theory]
    [InlineData(0.0, 1.0, 1.0, -0.5)]
    [InlineData(3.0, 0.01, 1.0, -0.5)]
    [InlineData(-2.0, 50.0, 0.1, -2.0)]
    public void ZeroWhereQIsTheTarget(double m, double s, double c, double beta)
    {
        var p = GaussianMixture.Gaussian(m, s);
        Assert.True(Math.Abs(SteinDiscrepancy.Squared(new LogMixturePlan(p), m, s, c, beta)) <= 1e-12);
        using var engine = KlGpu.Tests.Kernels.Accelerators.Engine(CpuExecution.Simulator);
        Assert.True(Math.Abs(engine.Evaluate(p, p, new Divergence(DivergenceKind.Ksd, 0, new ImqKernel(c, beta)))) <= 1e-12);
    }

    /// <summary>KSD² ≥ 0 everywhere on a grid over the two-mode target, in both precisions; near the modes it is tiny.</summary>
    [Theory]
    [InlineData(Precision.Double)]
    [InlineData(Precision.Single)]
    public void NonNegativeOnAGrid(Precision precision)
    {
        using var engine = KlGpu.Tests.Kernels.Accelerators.Engine(CpuExecution.Parallel, precision);
        double[] grid = Grid(engine, TwoModes, Divergence.Ksd, new GridAxis(-2.5, 2.5, 11), new GridAxis(0.4, 0.6, 5));
        Assert.All(grid, v => Assert.True(v >= 0 && double.IsFinite(v), $"KSD² = {v}"));
    }
}
