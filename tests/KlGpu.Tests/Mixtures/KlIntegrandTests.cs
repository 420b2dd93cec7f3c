using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Tests.Reference;
using Xunit;

namespace KlGpu.Tests.Mixtures;

/// <summary>
/// Forward and reverse KL as integrands on the f-divergence panels: what a mixture q needs, since its log density has no
/// precomputed plan. Checked against every case of kl-cases.json (scipy, independent), Gaussian and mixture q alike.
/// </summary>
public class KlIntegrandTests
{
    [Theory]
    [MemberData(nameof(ReferenceCases.KlCaseNames), MemberType = typeof(ReferenceCases))]
    public void TheQuadratureMatchesTheReference(string name)
    {
        var c = ReferenceCases.Kl(name);
        double forward = FDivergenceQuadrature.Divergence(FIntegrand.ForwardKl, 0, c.P, c.Q);
        double reverse = FDivergenceQuadrature.Divergence(FIntegrand.ReverseKl, 0, c.P, c.Q);
        Assert.True(Close(forward, c.Forward), $"forward {forward:R} vs reference {c.Forward:R}");
        Assert.True(Close(reverse, c.Reverse), $"reverse {reverse:R} vs reference {c.Reverse:R}");
    }

    /// <summary>The project's bar: 1e-9 relative, or 1e-12 absolute near zero.</summary>
    static bool Close(double value, double reference) =>
        Math.Abs(value - reference) <= Math.Max(1e-9 * Math.Abs(reference), 1e-12);

    /// <summary>
    /// Where two components of one mixture cross far from both, its log density turns from one parabola to the other
    /// within 1/|ℓ_j′ − ℓ_k′|, far narrower than either component. Against the adaptive Gauss–Kronrod reference (which
    /// bisects where it must), both KLs and a few other members of the family.
    /// </summary>
    [Theory]
    [InlineData("0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)", "0.82*N(3,0.2) + 0.18*N(6,2)")] // q's narrow and broad parts cross
    [InlineData("0.5*N(-3,0.1) + 0.5*N(3,0.1)", "N(0,3)")]                                   // p turns at 0 within 0.002, q sits there
    [InlineData("0.5*N(-3,0.1) + 0.5*N(3,0.1)", "0.5*N(-0.5,0.05) + 0.5*N(0.5,0.05)")]
    [InlineData("0.2*N(-1,0.02) + 0.8*N(1,1)", "N(0.5,2)")]                                  // narrow beside broad in p
    public void SharpCrossingsMatchTheReference(string pText, string qText)
    {
        var p = KlGpu.Specs.MixtureSpec.Parse(pText);
        var q = KlGpu.Specs.MixtureSpec.Parse(qText);
        double forward = FDivergenceQuadrature.Divergence(FIntegrand.ForwardKl, 0, p, q);
        double reverse = FDivergenceQuadrature.Divergence(FIntegrand.ReverseKl, 0, p, q);
        double fr = ReferenceKl.Forward(p, q), rr = ReferenceKl.Reverse(p, q);
        Assert.True(Close(forward, fr), $"forward {forward:R} vs reference {fr:R} ({(forward - fr) / fr:E2} relative)");
        Assert.True(Close(reverse, rr), $"reverse {reverse:R} vs reference {rr:R} ({(reverse - rr) / rr:E2} relative)");
        // Hellinger, 1 − ∫√(pq), from the same reference integrator with the integrand written here.
        double LogDensity(GaussianMixture f, double x) => Enumerable.Range(0, f.Count)
            .Select(k => Math.Log(f.Weights[k]) - 0.5 * Math.Pow((x - f.Means[k]) / f.Stds[k], 2) - Math.Log(f.Stds[k] * Math.Sqrt(2 * Math.PI)))
            .Aggregate(double.NegativeInfinity, (a, b) => Math.Max(a, b) + Math.Log(1 + Math.Exp(-Math.Abs(a - b))));
        double hr = 1 - ReferenceKl.Integrate(x => Math.Exp(0.5 * (LogDensity(p, x) + LogDensity(q, x))), p, q).Value;
        double h = FDivergenceQuadrature.Divergence(FIntegrand.Hellinger, 0, p, q);
        Assert.True(Close(h, hr), $"hellinger {h:R} vs reference {hr:R}");
    }

    /// <summary>For 0 &lt; α &lt; 1 the panels' scale comes from each pair p_j^α q_k^{1−α}, not from one tail std across the
    /// whole span of means: a narrow q beside or far from p must stay as accurate (Amari α from its definition here).</summary>
    [Theory]
    [InlineData("0.5*N(-3,1) + 0.5*N(3,1)", "N(3.2,0.01)", 0.9)]
    [InlineData("0.5*N(-3,1) + 0.5*N(3,1)", "N(3.2,0.01)", 0.1)]
    [InlineData("0.5*N(-3,1) + 0.5*N(3,1)", "N(0,0.001)", 0.5)]   // q in the gap, where p turns
    [InlineData("0.5*N(-3,1) + 0.5*N(3,1)", "N(9,0.05)", 0.97)]   // far out, α near 1: p^α reaches it
    [InlineData("N(0,2)", "0.7*N(-1,0.02) + 0.3*N(4,3)", 0.3)]
    public void AlphaOfANarrowQMatchesTheReference(string pText, string qText, double alpha)
    {
        var p = KlGpu.Specs.MixtureSpec.Parse(pText);
        var q = KlGpu.Specs.MixtureSpec.Parse(qText);
        double LogDensity(GaussianMixture f, double x) => Math.Log(Enumerable.Range(0, f.Count)
            .Sum(k => f.Weights[k] * Math.Exp(-0.5 * Math.Pow((x - f.Means[k]) / f.Stds[k], 2)) / (f.Stds[k] * Math.Sqrt(2 * Math.PI))));
        double overlap = ReferenceKl.Integrate(x => Math.Exp(alpha * LogDensity(p, x) + (1 - alpha) * LogDensity(q, x)), p, q).Value;
        double expected = (1 - overlap) / (alpha * (1 - alpha));
        double actual = FDivergenceQuadrature.Divergence(FIntegrand.Alpha, alpha, p, q);
        Assert.True(Close(actual, expected), $"alpha:{alpha} {actual:R} vs reference {expected:R} ({(actual - expected) / expected:E2} relative)");
    }

    [Fact]
    public void NearZeroTheIntegrandDoesNotCancel()
    {
        // q a hair away from p = N(0, 1): KL ≈ δ²/2 for a shift δ, far below the integrand's pieces.
        var p = GaussianMixture.Gaussian(0, 1);
        var q = new GaussianMixture([0.5, 0.5], [1e-6, 1e-6], [1, 1]);
        Assert.Equal(0.5e-12, FDivergenceQuadrature.Divergence(FIntegrand.ForwardKl, 0, p, q), 1e-20);
        Assert.Equal(0.5e-12, FDivergenceQuadrature.Divergence(FIntegrand.ReverseKl, 0, p, q), 1e-20);
    }
}
