using KlGpu.Families;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Tests.Kernels;
using KlGpu.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace KlGpu.Tests.Divergences;

/// <summary>The divergence family through the engine: the grid kernel (Gaussian q) and eval's mixture-q path.</summary>
public class FamilyKernelTests(ITestOutputHelper output)
{
    /// <summary>One grid point of the landscape kernel at q = N(μ, σ).</summary>
    static double AtPoint(KlEngine engine, GaussianMixture p, Divergence d, double mu, double sigma)
    {
        double value = double.NaN;
        engine.Landscape(p, FitFamily.Gaussian, new(mu, mu + 1, 2), new(sigma, 2 * sigma, 2), [d], t => value = t.Values[d][0]);
        return value;
    }

    public static IEnumerable<object[]> CasesOnEachExecution() =>
        from c in ReferenceCases.DivergenceCaseNames()
        from e in KlGpu.Tests.Kernels.Accelerators.Executions()
        select new[] { c[0], e[0] };

    [Theory]
    [MemberData(nameof(CasesOnEachExecution))]
    public void EveryCaseMatchesTheReferenceThroughTheEngine(string name, CpuExecution execution)
    {
        var c = ReferenceCases.Divergence(name);
        using var engine = KlGpu.Tests.Kernels.Accelerators.Engine(execution);
        foreach (var (key, expected) in c.Values)
        {
            var d = Divergence.TryParse(key)!;
            // Gaussian q: the grid kernel itself; mixture q: eval's path.
            double actual = c.QIsGaussian ? AtPoint(engine, c.P, d, c.Q.Means[0], c.Q.Stds[0]) : engine.Evaluate(c.P, c.Q, d);
            DivergenceTolerance.AssertClose(expected, actual, $"{name} {key} ({execution})");
        }
    }

    /// <summary>∫ N(m1,s1)^A N(m2,s2)^{1−A} dx in closed form (the Gaussian product integral), +∞ where it diverges.</summary>
    static double PowerIntegral(double a, double m1, double s1, double m2, double s2)
    {
        double v = a / (s1 * s1) + (1 - a) / (s2 * s2);
        if (v <= 0) return double.PositiveInfinity;
        double d = m1 - m2;
        // v s1² s2² = A s2² + (1−A) s1²; the exponent's constant after completing the square is −½A(1−A)d²/(A s2² + (1−A) s1²).
        return Math.Exp(-a * Math.Log(s1) - (1 - a) * Math.Log(s2) - 0.5 * Math.Log(v)
                        - 0.5 * a * (1 - a) * d * d / (a * s2 * s2 + (1 - a) * s1 * s1));
    }

    static double ClosedForm(Divergence d, double m1, double s1, double m2, double s2) => d.Kind switch
    {
        DivergenceKind.Hellinger => 1 - PowerIntegral(0.5, m1, s1, m2, s2),
        DivergenceKind.Pearson => PowerIntegral(2, m1, s1, m2, s2) - 1,
        DivergenceKind.Neyman => PowerIntegral(-1, m1, s1, m2, s2) - 1,
        DivergenceKind.Jeffreys => Normal.Kl(m1, s1, m2, s2) + Normal.Kl(m2, s2, m1, s1),
        DivergenceKind.Alpha => (1 - PowerIntegral(d.Order, m1, s1, m2, s2)) / (d.Order * (1 - d.Order)),
        DivergenceKind.Renyi => Math.Log(PowerIntegral(d.Order, m1, s1, m2, s2)) / (d.Order - 1),
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    /// <summary>p = N(m1, s1), q = N(m2, s2): near, far, narrower and wider q, and the diverging χ² and α tails.</summary>
    public static TheoryData<string, double, double, double, double> GaussianPairs => new()
    {
        { "hellinger", 0, 1, 0.7, 1.3 },
        { "hellinger", -2, 0.05, 3, 40 },
        { "pearson", 0, 1, 1, 1.2 },
        { "pearson", 0, 1, 0, 0.6 },
        { "neyman", 0.5, 1, -0.3, 0.8 },
        { "neyman", 0, 1, 0, 2 },
        { "jeffreys", 0, 1, 3, 0.4 },
        { "jeffreys", 0, 0.01, 1, 5 },
        { "alpha:0.5", 1, 2, -1, 0.5 },
        { "alpha:-0.5", 0, 1, 0.5, 1.1 },
        { "alpha:2.5", 0, 1, 0.5, 1.3 },
        { "alpha:3", 0, 1, 0, 0.7 },
        { "renyi:0.3", 0, 1, 4, 0.3 },
        { "renyi:2", 0, 1, 0.5, 1.1 },
        { "renyi:0.5", 0, 0.05, 20, 0.5 },
    };

    [Theory]
    [MemberData(nameof(GaussianPairs))]
    public void TwoGaussiansMatchTheClosedForm(string name, double m1, double s1, double m2, double s2)
    {
        var d = Divergence.TryParse(name)!;
        using var engine = KlGpu.Tests.Kernels.Accelerators.Engine(CpuExecution.Parallel);
        double expected = ClosedForm(d, m1, s1, m2, s2);
        double actual = AtPoint(engine, GaussianMixture.Gaussian(m1, s1), d, m2, s2);
        output.WriteLine($"{name} p=N({m1},{s1}) q=N({m2},{s2}): {actual:R} vs {expected:R}");
        DivergenceTolerance.AssertClose(expected, actual, name);
    }

    static readonly GaussianMixture Bimodal = new([0.3, 0.7], [-2, 1.5], [0.4, 1]);

    [Fact]
    public void AlphaAtZeroAndOneIsExactlyTheKl()
    {
        using var engine = KlGpu.Tests.Kernels.Accelerators.Engine(CpuExecution.Parallel);
        var q = GaussianMixture.Gaussian(0.3, 1.7);
        Assert.Equal(engine.Forward(Bimodal, q), engine.Evaluate(Bimodal, q, Divergence.TryParse("alpha:1")!));
        Assert.Equal(engine.Reverse(Bimodal, q), engine.Evaluate(Bimodal, q, Divergence.TryParse("alpha:0")!));
        Assert.Equal(engine.Forward(Bimodal, q), engine.Evaluate(Bimodal, q, Divergence.TryParse("renyi:1")!));
        // On the landscape too, where the KLs come from their own kernel.
        Assert.Equal(AtPoint(engine, Bimodal, Divergence.Forward, 0.3, 1.7), AtPoint(engine, Bimodal, Divergence.TryParse("alpha:1")!, 0.3, 1.7));
    }

    /// <summary>
    /// D_α is smooth in α, so at α = 0 ± h and 1 ± h (h = 1e-6) it is within O(h) of the KL and the mean of the two sides
    /// within O(h²). A naive formula at α = 1e-6 would lose six digits to cancellation instead; here the two sides agree
    /// with the KL to the quadrature's accuracy. Rényi likewise at 1 ± h.
    /// </summary>
    [Theory]
    [InlineData(0.0, "reverse")]
    [InlineData(1.0, "forward")]
    public void AlphaNearZeroAndOneIsContinuousWithTheKl(double limitOrder, string limit)
    {
        const double h = 1e-6;
        using var engine = KlGpu.Tests.Kernels.Accelerators.Engine(CpuExecution.Parallel);
        foreach (var q in new[] { GaussianMixture.Gaussian(0.3, 1.7), GaussianMixture.Gaussian(-2, 0.3), new GaussianMixture([0.5, 0.5], [-1, 1], [1, 1]) })
        {
            double kl = engine.Evaluate(Bimodal, q, Divergence.TryParse(limit)!);
            var kinds = limitOrder == 1 ? new[] { DivergenceKind.Alpha, DivergenceKind.Renyi } : [DivergenceKind.Alpha];
            foreach (var kind in kinds)
            {
                double below = engine.Evaluate(Bimodal, q, new Divergence(kind, limitOrder - h));
                double above = engine.Evaluate(Bimodal, q, new Divergence(kind, limitOrder + h));
                double mean = 0.5 * (below + above);
                output.WriteLine($"{kind} {limitOrder}±{h}: {below:R}, {above:R}; {limit} KL {kl:R}; mean rel {Math.Abs(mean - kl) / kl:E2}");
                Assert.True(Math.Abs(below - kl) <= 1e-4 * kl && Math.Abs(above - kl) <= 1e-4 * kl, $"{kind} {limitOrder}±{h}: {below:R}, {above:R} vs {kl:R}");
                Assert.True(Math.Abs(mean - kl) <= 1e-8 * kl, $"{kind} {limitOrder}±{h}: mean {mean:R} vs {kl:R}");
            }
        }
    }

    /// <summary>
    /// Single precision on the grid kernel against the reference, every Gaussian-q case: values of order one (≥ 0.01)
    /// within 1e-4 relative, smaller ones within 1e-6 absolute, +∞ exactly where the reference has it or its value
    /// exceeds single precision's range.
    /// </summary>
    [Fact]
    public void SinglePrecisionErrorIsMeasuredAndBounded()
    {
        using var engine = KlGpu.Tests.Kernels.Accelerators.Engine(CpuExecution.Parallel, Precision.Single);
        var worst = new Dictionary<string, double>();
        foreach (var c in ReferenceCases.Divergence().Where(c => c.QIsGaussian))
            foreach (var (key, expected) in c.Values)
            {
                double actual = AtPoint(engine, c.P, Divergence.TryParse(key)!, c.Q.Means[0], c.Q.Stds[0]);
                // A value beyond single precision's range (far q: neyman 2.6e85, alpha:-0.5 7.8e40) overflows to +∞, as it must.
                if (double.IsPositiveInfinity(expected) || expected > float.MaxValue)
                {
                    Assert.True(double.IsPositiveInfinity(actual), $"{c.Name} {key}: {actual}");
                    continue;
                }
                Assert.True(double.IsFinite(actual), $"{c.Name} {key}: {actual}");
                double error = Math.Abs(actual - expected);
                if (Math.Abs(expected) >= 0.01)
                {
                    double relative = error / Math.Abs(expected);
                    worst[key.Split(':')[0]] = Math.Max(worst.GetValueOrDefault(key.Split(':')[0]), relative);
                    Assert.True(relative <= 1e-4, $"{c.Name} {key}: {actual:R} vs {expected:R} ({relative:E2})");
                }
                else Assert.True(error <= 1e-6, $"{c.Name} {key}: {actual:R} vs {expected:R}");
            }
        foreach (var (k, v) in worst) output.WriteLine($"single precision, worst relative error: {k,-10} {v:E2}");
    }
}
