using KlGpu.Numerics;
using Xunit;
using static KlGpu.Tests.HeavyTails.HeavyTailReference;

namespace KlGpu.Tests.HeavyTails;

/// <summary>
/// The heavy-tailed target's host quadrature (H(p) and E_q[log p] on the plan's panels, in double) against the independent
/// adaptive reference and against closed forms: entropies of a t and a Laplace, KL from a Gaussian to a Laplace, forward
/// KL +∞ for a t with ν ≤ 2. Bar: 1e-9 relative (1e-10 absolute below 0.1).
/// </summary>
public class HeavyTailQuadratureTests
{
    const double Relative = 1e-9, Absolute = 1e-10, AbsoluteBelow = 0.1;

    static readonly Dictionary<string, Component[]> Targets = new()
    {
        ["t nu=0.5"] = [new(ComponentKind.StudentT, 1, 0, 1, 0.5)],
        ["cauchy"] = [new(ComponentKind.StudentT, 1, 0, 2, 1)],
        ["t nu=2.5"] = [new(ComponentKind.StudentT, 1, 1, 0.7, 2.5)],
        ["t nu=30"] = [new(ComponentKind.StudentT, 1, -1, 1.5, 30)],
        ["laplace wide"] = [new(ComponentKind.Laplace, 1, 0, 3)],
        ["laplace narrow"] = [new(ComponentKind.Laplace, 1, 1, 0.05)],
        ["t + laplace"] = [new(ComponentKind.StudentT, 0.5, -2, 1, 3), new(ComponentKind.Laplace, 0.5, 2, 0.5)],
        ["gauss + t + laplace"] = [new(ComponentKind.Normal, 0.3, -3, 0.2), new(ComponentKind.StudentT, 0.4, 0, 1, 2.5), new(ComponentKind.Laplace, 0.3, 4, 0.3)],
        ["gauss + narrow cauchy far"] = [new(ComponentKind.Normal, 0.5, 0, 1), new(ComponentKind.StudentT, 0.5, 10, 0.1, 1)],
        // Sharp switches of the dominant component (width s²/D = 1e-3 at x = 0) that only the crossing ladders resolve.
        ["narrow gaussians + laplace"] = [new(ComponentKind.Normal, 0.4, -5, 0.1), new(ComponentKind.Normal, 0.4, 5, 0.1), new(ComponentKind.Laplace, 0.2, 20, 0.05)],
        ["two t nu=0.5 and 30"] = [new(ComponentKind.StudentT, 0.2, -1, 0.5, 0.5), new(ComponentKind.StudentT, 0.8, 3, 2, 30)],
    };

    /// <summary>q: standard, narrow, broad, far away, and off-centre.</summary>
    static readonly (double Mu, double Sigma)[] Qs = [(0, 1), (0.3, 0.01), (0, 50), (30, 0.5), (-5, 3), (2, 0.001), (0, 0.1), (1, 1e-4), (0, 1e4)];

    public static IEnumerable<object[]> TargetNames() => Targets.Keys.Select(k => new object[] { k });
    public static IEnumerable<object[]> TargetsAndQs() =>
        from k in Targets.Keys from i in Enumerable.Range(0, Qs.Length) select new object[] { k, i };

    static void AssertClose(double expected, double actual, string what)
    {
        double bound = Math.Abs(expected) < AbsoluteBelow ? Absolute : Relative * Math.Abs(expected);
        Assert.True(double.IsFinite(actual) && Math.Abs(actual - expected) <= bound,
            $"{what}: got {actual:R}, expected {expected:R} (|diff| {Math.Abs(actual - expected):G3} > {bound:G3})");
    }

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void EntropyMatchesReference(string name)
    {
        var p = Targets[name];
        AssertClose(Entropy(p), new HeavyTailPlan(Mixture(p)).Entropy(), $"H(p) for {name}");
    }

    [Theory]
    [MemberData(nameof(TargetsAndQs))]
    public void ReverseKlMatchesReference(string name, int qIndex)
    {
        var p = Targets[name];
        var (mu, sigma) = Qs[qIndex];
        var plan = new HeavyTailPlan(Mixture(p));
        double actual = HeavyTailQuadrature.Reverse<double, F64, HeavyTailPlan>(mu, sigma, plan);
        AssertClose(Reverse(p, mu, sigma), actual, $"KL(q||p) for {name}, q = N({mu}, {sigma})");
    }

    [Theory]
    [MemberData(nameof(TargetsAndQs))]
    public void ForwardKlMatchesReferenceOrIsInfinite(string name, int qIndex)
    {
        var p = Targets[name];
        var (mu, sigma) = Qs[qIndex];
        var mixture = Mixture(p);
        double actual = ForwardClosedForm(mixture, mu, sigma);
        if (p.Any(c => c.Kind == ComponentKind.StudentT && c.Nu <= 2))
        {
            // ∫ p log q has a −x²/(2σ²) term and p's second moment diverges: the true value is +∞.
            Assert.True(double.IsPositiveInfinity(actual), $"{name}: forward KL {actual} should be +∞");
            return;
        }
        AssertClose(Forward(p, mu, sigma), actual, $"KL(p||q) for {name}, q = N({mu}, {sigma})");
    }

    /// <summary>The engine's formula, written out: −H(p) + ½ log 2πσ² + (V + (m − μ)²)/(2σ²), with H(p) from the plan.</summary>
    static double ForwardClosedForm(HeavyTailedMixture p, double mu, double sigma)
    {
        if (!p.HasFiniteVariance) return double.PositiveInfinity;
        return GaussianKl.Forward<double, F64>(mu, sigma, p.Mean!.Value, p.Variance, new HeavyTailPlan(p).Entropy());
    }

    [Theory]
    [InlineData(0.5, 1.0)]
    [InlineData(1.0, 2.0)]
    [InlineData(2.5, 0.7)]
    [InlineData(30.0, 1.5)]
    [InlineData(1e4, 1.0)]
    public void StudentTEntropyMatchesClosedForm(double nu, double scale)
    {
        // H = ((ν+1)/2)(ψ((ν+1)/2) − ψ(ν/2)) + log(√ν B(ν/2, ½)) + log s.
        double logBeta = SpecialFunctions.LogGamma(nu / 2) + SpecialFunctions.LogGamma(0.5) - SpecialFunctions.LogGamma((nu + 1) / 2);
        double expected = (nu + 1) / 2 * (SpecialFunctions.Digamma((nu + 1) / 2) - SpecialFunctions.Digamma(nu / 2))
            + 0.5 * Math.Log(nu) + logBeta + Math.Log(scale);
        var p = new HeavyTailedMixture([1.0], [ComponentKind.StudentT], [nu], [0.3], [scale]);
        AssertClose(expected, new HeavyTailPlan(p).Entropy(), $"H(t_{nu})");
    }

    [Theory]
    [InlineData(0.0, 3.0)]
    [InlineData(1.0, 0.05)]
    [InlineData(-7.0, 1e-3)]
    public void LaplaceEntropyMatchesClosedForm(double mean, double scale)
    {
        var p = new HeavyTailedMixture([1.0], [ComponentKind.Laplace], [0.0], [mean], [scale]);
        AssertClose(1 + Math.Log(2 * scale), new HeavyTailPlan(p).Entropy(), $"H(L({mean},{scale}))");
    }

    /// <summary>KL(N(μ,σ) || L(m,b)) = −½ log(2πeσ²) + log 2b + E|X − m|/b, E|X − m| = σ√(2/π) e^{−d²/2σ²} + d(1 − 2Φ(−d/σ)), d = μ − m.</summary>
    [Theory]
    [InlineData(0.0, 1.0, 0.0, 1.0)]
    [InlineData(0.3, 0.01, 0.0, 3.0)]
    [InlineData(0.0, 50.0, 1.0, 0.05)]
    [InlineData(30.0, 0.5, 0.0, 0.5)]
    [InlineData(1.0, 1e-3, 1.0, 2.0)]
    public void ReverseKlToLaplaceMatchesClosedForm(double mu, double sigma, double mean, double scale)
    {
        double d = mu - mean;
        double absMean = sigma * Math.Sqrt(2 / Math.PI) * Math.Exp(-d * d / (2 * sigma * sigma)) + d * (1 - 2 * LowerTail(-d / sigma));
        double expected = -Normal.Entropy(sigma) + Math.Log(2 * scale) + absMean / scale;
        var p = new HeavyTailedMixture([1.0], [ComponentKind.Laplace], [0.0], [mean], [scale]);
        AssertClose(expected, HeavyTailQuadrature.Reverse<double, F64, HeavyTailPlan>(mu, sigma, new HeavyTailPlan(p)), "KL(N||L)");
    }

    /// <summary>Φ(x) by its own series / continued fraction would be a second project; erfc from the complementary
    /// Gauss–Kronrod integral of φ is independent and exact enough.</summary>
    static double LowerTail(double x)
    {
        if (x == 0) return 0.5;
        double Phi(double t) => Math.Exp(-0.5 * t * t) / Math.Sqrt(2 * Math.PI);
        double half = KlGpu.Numerics.Reference.GaussKronrod.G10K21.Integrate(Phi, [0, Math.Abs(x)], 1e-15, 1e-17).Value;
        return x > 0 ? 0.5 + half : 0.5 - half;
    }

    [Fact]
    public void VarianceIsInfiniteForNuAtMostTwoAndMeanUndefinedAtMostOne()
    {
        static HeavyTailedMixture T(double nu) => new([1.0], [ComponentKind.StudentT], [nu], [1.0], [2.0]);
        Assert.True(double.IsPositiveInfinity(T(2).Variance));
        Assert.Equal(1.0, T(2).Mean);
        Assert.Null(T(1).Mean);
        Assert.Equal(4.0 * 3 / 1, T(3).Variance, 15);
        var l = new HeavyTailedMixture([1.0], [ComponentKind.Laplace], [0.0], [1.0], [0.5]);
        Assert.Equal(0.5, l.Variance, 15);
    }

    [Fact]
    public void LogDensityMatchesReferenceFarOut()
    {
        var p = Targets["gauss + t + laplace"];
        var mixture = Mixture(p);
        foreach (double x in new[] { -1e200, -1e6, -3.1, 0, 0.5, 4, 4.3, 1e9, 1e250 })
            AssertClose(LogDensity(p, x), mixture.LogDensity(x), $"log p({x})");
    }
}
