using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using Xunit;

namespace KlGpu.Tests.Reference;

/// <summary>
/// The CPU reference quadrature against the shared reference cases (computed outside this project), against the
/// closed-form Gaussian KL, and against the moment-matching property of the forward KL.
/// </summary>
public class ReferenceKlTests
{
    /// <summary>Values: the project's double-precision bar is ~1e-9 relative; near zero, relative error is
    /// meaningless and an absolute bound applies instead.</summary>
    const double ValueRelative = 1e-9, ValueAbsolute = 1e-10, ValueAbsoluteBelow = 0.1;

    /// <summary>Gradients: the reference data's own finite-difference cross-checks agree to ~1e-7.</summary>
    const double GradientTolerance = 1e-7;

    static void AssertValue(double expected, double actual, string what)
    {
        double bound = Math.Abs(expected) < ValueAbsoluteBelow ? ValueAbsolute : ValueRelative * Math.Abs(expected);
        Assert.True(double.IsFinite(actual) && Math.Abs(actual - expected) <= bound,
            $"{what}: got {actual:R}, expected {expected:R} (|diff| {Math.Abs(actual - expected):G3} > {bound:G3})");
    }

    static void AssertGradient(double[] expected, (double dMu, double dSigma) actual, string what)
    {
        double[] got = [actual.dMu, actual.dSigma];
        string[] names = ["d/dmu", "d/dsigma"];
        for (int i = 0; i < 2; i++)
        {
            double bound = GradientTolerance * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(double.IsFinite(got[i]) && Math.Abs(got[i] - expected[i]) <= bound,
                $"{what} {names[i]}: got {got[i]:R}, expected {expected[i]:R} (|diff| {Math.Abs(got[i] - expected[i]):G3} > {bound:G3})");
        }
    }

    [Fact]
    public void ReferenceFileHasTwentyCases() => Assert.Equal(20, ReferenceCases.Kl().Count);

    [Theory]
    [MemberData(nameof(ReferenceCases.KlCaseNames), MemberType = typeof(ReferenceCases))]
    public void ForwardMatchesReferenceCase(string name)
    {
        KlCase c = ReferenceCases.Kl(name);
        AssertValue(c.Forward, ReferenceKl.Forward(c.P, c.Q), $"KL(p||q) for '{name}'");
    }

    [Theory]
    [MemberData(nameof(ReferenceCases.KlCaseNames), MemberType = typeof(ReferenceCases))]
    public void ReverseMatchesReferenceCase(string name)
    {
        KlCase c = ReferenceCases.Kl(name);
        AssertValue(c.Reverse, ReferenceKl.Reverse(c.P, c.Q), $"KL(q||p) for '{name}'");
    }

    [Theory]
    [MemberData(nameof(ReferenceCases.KlGradientCaseNames), MemberType = typeof(ReferenceCases))]
    public void GradientsMatchReferenceCase(string name)
    {
        KlCase c = ReferenceCases.Kl(name);
        Assert.True(c.QIsGaussian, "gradients are defined for Gaussian q only");
        double mu = c.Q.Means[0], sigma = c.Q.Stds[0];
        if (c.ForwardGrad is not null)
            AssertGradient(c.ForwardGrad, ReferenceKl.ForwardGradient(c.P, mu, sigma), $"forward gradient for '{name}'");
        if (c.ReverseGrad is not null)
            AssertGradient(c.ReverseGrad, ReferenceKl.ReverseGradient(c.P, mu, sigma), $"reverse gradient for '{name}'");
    }

    /// <summary>Gaussian pairs (μ1, σ1, μ2, σ2): equal, shifted, σ ratios up to 1000 either way, σ from 1e-3 to
    /// 1e3, and means hundreds to thousands of stds apart.</summary>
    public static TheoryData<double, double, double, double> GaussianPairs => new()
    {
        { 0, 1, 0, 1 },
        { 0, 1, 1, 1 },
        { 0, 1, 0, 2 },
        { 0, 2, 0, 1 },
        { -3, 0.5, 4, 2 },
        { 0, 1, 0, 1000 },
        { 0, 1000, 0, 1 },
        { 0, 1e-3, 0, 1 },
        { 0, 1, 0, 1e-3 },
        { 0, 1e-3, 5, 1 },
        { 0, 1, 50, 1 },
        { 0, 1e-3, 1, 1e-3 },
        { 0, 1e3, 1e4, 1e3 },
        { 2, 1e-3, -7, 1e3 },
        { -40, 0.2, 60, 0.3 },
    };

    /// <summary>Closed form vs quadrature: both should agree to near rounding; 1e-11 relative (1e-13 absolute
    /// near zero) leaves room for the cancellation in log(σ2/σ1) + … − ½.</summary>
    [Theory]
    [MemberData(nameof(GaussianPairs))]
    public void GaussianKlMatchesClosedForm(double mu1, double s1, double mu2, double s2)
    {
        var a = GaussianMixture.Gaussian(mu1, s1);
        var b = GaussianMixture.Gaussian(mu2, s2);
        double forward = ReferenceKl.Forward(a, b), reverse = ReferenceKl.Reverse(a, b);
        double exactForward = Normal.Kl(mu1, s1, mu2, s2), exactReverse = Normal.Kl(mu2, s2, mu1, s1);
        Assert.True(Math.Abs(forward - exactForward) <= Math.Max(1e-13, 1e-11 * exactForward),
            $"KL(a||b): quadrature {forward:R}, closed form {exactForward:R}");
        Assert.True(Math.Abs(reverse - exactReverse) <= Math.Max(1e-13, 1e-11 * exactReverse),
            $"KL(b||a): quadrature {reverse:R}, closed form {exactReverse:R}");
    }

    /// <summary>Targets for moment matching: symmetric, unequal, three uneven modes, narrow modes.</summary>
    public static TheoryData<string, GaussianMixture> Targets => new()
    {
        { "equal two-mode d=3", new GaussianMixture([0.5, 0.5], [-1.5, 1.5], [1, 1]) },
        { "unequal 0.1/0.9 d=4", new GaussianMixture([0.1, 0.9], [-2, 2], [1, 1]) },
        { "three uneven modes", new GaussianMixture([0.2, 0.5, 0.3], [-4, 0, 5], [0.5, 1, 2]) },
        { "narrow modes s=0.05", new GaussianMixture([0.5, 0.5], [-1, 1], [0.05, 0.05]) },
        { "far-off mean 1e3", new GaussianMixture([0.7, 0.3], [1000, 1003], [0.3, 1.5]) },
    };

    /// <summary>
    /// The forward KL over Gaussian q is minimised by moment matching. At (m_p, √V_p) the quadrature gradient
    /// vanishes (to 1e-10 times the scale 1/σ), every small step raises the value, and the rise equals the
    /// closed-form difference log(σ'/σ) + (V + (m−μ')²)/(2σ'²) − ½ (H(p) cancels), to 1e-12 absolute.
    /// </summary>
    [Theory]
    [MemberData(nameof(Targets))]
    public void ForwardKlIsMinimisedByMomentMatching(string name, GaussianMixture p)
    {
        double mean = p.Mean, variance = p.Variance, sigma = Math.Sqrt(variance);
        double atOptimum = ReferenceKl.Forward(p, GaussianMixture.Gaussian(mean, sigma));

        (double dMu, double dSigma) = ReferenceKl.ForwardGradient(p, mean, sigma);
        Assert.True(Math.Abs(dMu) * sigma < 1e-10 && Math.Abs(dSigma) * sigma < 1e-10,
            $"{name}: gradient at the moment-matched q is ({dMu:R}, {dSigma:R}), expected ~0");

        foreach ((double stepMu, double factorSigma) in new[] { (0.01, 1.0), (-0.01, 1.0), (0.0, 1.01), (0.0, 0.99), (0.01, 1.01) })
        {
            double mu2 = mean + stepMu * sigma, sigma2 = sigma * factorSigma;
            double perturbed = ReferenceKl.Forward(p, GaussianMixture.Gaussian(mu2, sigma2));
            Assert.True(perturbed > atOptimum, $"{name}: KL at (μ{stepMu:+0.00;-0.00}σ, σ×{factorSigma}) = {perturbed:R} ≤ optimum {atOptimum:R}");
            double d = mean - mu2;
            double expectedRise = Math.Log(sigma2 / sigma) + (variance + d * d) / (2 * sigma2 * sigma2) - 0.5;
            Assert.True(Math.Abs(perturbed - atOptimum - expectedRise) < 1e-12,
                $"{name}: rise {perturbed - atOptimum:R}, closed form {expectedRise:R}");
        }
    }

    /// <summary>The quadrature gradients agree with central differences of the quadrature values (step 1e-5
    /// relative; truncation ~1e-10, so 1e-7 relative is a wide margin).</summary>
    [Theory]
    [MemberData(nameof(ReferenceCases.KlGradientCaseNames), MemberType = typeof(ReferenceCases))]
    public void GradientsAgreeWithCentralDifferences(string name)
    {
        KlCase c = ReferenceCases.Kl(name);
        double mu = c.Q.Means[0], sigma = c.Q.Stds[0];
        double h = 1e-5 * sigma;
        double Rev(double m, double s) => ReferenceKl.Reverse(c.P, GaussianMixture.Gaussian(m, s));
        double Fwd(double m, double s) => ReferenceKl.Forward(c.P, GaussianMixture.Gaussian(m, s));

        (double dMu, double dSigma) reverse = ReferenceKl.ReverseGradient(c.P, mu, sigma);
        (double dMu, double dSigma) forward = ReferenceKl.ForwardGradient(c.P, mu, sigma);
        double[] fd =
        [
            (Rev(mu + h, sigma) - Rev(mu - h, sigma)) / (2 * h),
            (Rev(mu, sigma + h) - Rev(mu, sigma - h)) / (2 * h),
            (Fwd(mu + h, sigma) - Fwd(mu - h, sigma)) / (2 * h),
            (Fwd(mu, sigma + h) - Fwd(mu, sigma - h)) / (2 * h),
        ];
        double[] analytic = [reverse.dMu, reverse.dSigma, forward.dMu, forward.dSigma];
        string[] labels = ["reverse d/dmu", "reverse d/dsigma", "forward d/dmu", "forward d/dsigma"];
        double valueScale = Math.Max(Math.Abs(Rev(mu, sigma)), Math.Abs(Fwd(mu, sigma)));
        for (int i = 0; i < 4; i++)
        {
            // Rounding in the differences: ~1e-14·value/h.
            double bound = 1e-7 * Math.Max(1, Math.Abs(analytic[i])) + 1e-13 * valueScale / h;
            Assert.True(Math.Abs(analytic[i] - fd[i]) <= bound,
                $"{name} {labels[i]}: quadrature {analytic[i]:R}, central difference {fd[i]:R}");
        }
    }

    /// <summary>Extreme placements must still give finite, non-negative values.</summary>
    [Theory]
    [InlineData(1e4, 1e-3)]
    [InlineData(-1e4, 1e3)]
    [InlineData(0, 1e-3)]
    [InlineData(0, 1e3)]
    [InlineData(300, 0.5)]
    public void ExtremeQGivesFiniteValues(double mu, double sigma)
    {
        var p = new GaussianMixture([0.3, 0.7], [-2, 1], [0.3, 1]);
        var q = GaussianMixture.Gaussian(mu, sigma);
        double forward = ReferenceKl.Forward(p, q), reverse = ReferenceKl.Reverse(p, q);
        Assert.True(double.IsFinite(forward) && forward >= 0, $"forward {forward:R}");
        Assert.True(double.IsFinite(reverse) && reverse >= 0, $"reverse {reverse:R}");
        (double a, double b) = ReferenceKl.ReverseGradient(p, mu, sigma);
        (double c, double d) = ReferenceKl.ForwardGradient(p, mu, sigma);
        Assert.True(double.IsFinite(a) && double.IsFinite(b) && double.IsFinite(c) && double.IsFinite(d));
        // The forward gradient has a closed form (numerics notes); check it here too.
        double dm = p.Mean - mu;
        Assert.True(Math.Abs(c - (mu - p.Mean) / (sigma * sigma)) <= 1e-9 * Math.Max(1, Math.Abs(c)), $"forward d/dmu {c:R}");
        double expectedDSigma = 1 / sigma - (p.Variance + dm * dm) / (sigma * sigma * sigma);
        Assert.True(Math.Abs(d - expectedDSigma) <= 1e-9 * Math.Max(1, Math.Abs(expectedDSigma)), $"forward d/dsigma {d:R}");
    }
}
