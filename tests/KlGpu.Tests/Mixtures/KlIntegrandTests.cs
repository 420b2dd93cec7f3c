using KlGpu.Numerics;
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
        double forward = FDivergenceQuadrature.Divergence(FDivergence.ForwardKl, 0, c.P, c.Q);
        double reverse = FDivergenceQuadrature.Divergence(FDivergence.ReverseKl, 0, c.P, c.Q);
        Assert.True(Close(forward, c.Forward), $"forward {forward:R} vs reference {c.Forward:R}");
        Assert.True(Close(reverse, c.Reverse), $"reverse {reverse:R} vs reference {c.Reverse:R}");
    }

    /// <summary>The project's bar: 1e-9 relative, or 1e-12 absolute near zero.</summary>
    static bool Close(double value, double reference) =>
        Math.Abs(value - reference) <= Math.Max(1e-9 * Math.Abs(reference), 1e-12);

    [Fact]
    public void NearZeroTheIntegrandDoesNotCancel()
    {
        // q a hair away from p = N(0, 1): KL ≈ δ²/2 for a shift δ, far below the integrand's pieces.
        var p = GaussianMixture.Gaussian(0, 1);
        var q = new GaussianMixture([0.5, 0.5], [1e-6, 1e-6], [1, 1]);
        Assert.Equal(0.5e-12, FDivergenceQuadrature.Divergence(FDivergence.ForwardKl, 0, p, q), 1e-20);
        Assert.Equal(0.5e-12, FDivergenceQuadrature.Divergence(FDivergence.ReverseKl, 0, p, q), 1e-20);
    }
}
