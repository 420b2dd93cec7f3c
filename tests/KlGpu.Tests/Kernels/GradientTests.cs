using KlGpu.Families;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Tests.Reference;
using Xunit;

namespace KlGpu.Tests.Kernels;

/// <summary>
/// The restarts' analytic gradients in (μ, log σ): against the reference cases' gradients (scipy), against
/// central differences of the kernels' own double-precision values, and against the in-repo Gauss–Kronrod reference.
/// </summary>
public class GradientTests
{
    public static IEnumerable<object[]> GradientCasesOnEachExecution() =>
        from c in ReferenceCases.KlGradientCaseNames()
        from e in Accelerators.Executions()
        select new[] { c[0], e[0] };

    /// <summary>The files give ∂/∂σ; the optimizer's coordinate is s = log σ, so ∂/∂s = σ ∂/∂σ.</summary>
    [Theory]
    [MemberData(nameof(GradientCasesOnEachExecution))]
    public void MatchesTheReferenceCases(string name, CpuExecution execution)
    {
        var c = ReferenceCases.Kl(name);
        using var engine = Accelerators.Engine(execution);
        double mu = c.Q.Means[0], sigma = c.Q.Stds[0];
        foreach (var (divergence, expected) in new[] { (Divergence.Forward, c.ForwardGrad), (Divergence.Reverse, c.ReverseGrad) })
        {
            if (expected is null) continue;
            var (_, gm, gs) = engine.Gradient(c.P, FitFamily.Gaussian, divergence, [mu], [Math.Log(sigma)]);
            AssertGradientClose(expected[0], gm[0], $"{name} {divergence} ∂μ");
            AssertGradientClose(sigma * expected[1], gs[0], $"{name} {divergence} ∂log σ");
        }
    }

    /// <summary>Five-point central differences of the values (error O(h⁴)), at points spread over the plane.</summary>
    [Theory]
    [MemberData(nameof(ReferenceCases.KlCaseNames), MemberType = typeof(ReferenceCases))]
    public void MatchesFiniteDifferencesOfTheValue(string name)
    {
        var p = ReferenceCases.Kl(name).P;
        using var engine = Accelerators.Engine(CpuExecution.Parallel);
        const double h = 1e-3;
        foreach (var divergence in new[] { Divergence.Forward, Divergence.Reverse })
            foreach (double mu in new[] { -3.0, 0.1, 2.5 })
                foreach (double logSigma in new[] { -2.0, 0.0, 1.5 })
                {
                    double[] offsets = [-2 * h, -h, h, 2 * h];
                    var alongMu = engine.Gradient(p, FitFamily.Gaussian, divergence, offsets.Select(o => mu + o).ToArray(), offsets.Select(_ => logSigma).ToArray()).Value;
                    var alongS = engine.Gradient(p, FitFamily.Gaussian, divergence, offsets.Select(_ => mu).ToArray(), offsets.Select(o => logSigma + o).ToArray()).Value;
                    var (value, gm, gs) = engine.Gradient(p, FitFamily.Gaussian, divergence, [mu], [logSigma]);
                    double Stencil(double[] f) => (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h);
                    // Rounding in the values limits the differences to about ε|f|/h.
                    double noise = 1e-12 * Math.Max(1, Math.Abs(value[0])) / h;
                    Assert.True(Math.Abs(Stencil(alongMu) - gm[0]) <= 1e-7 * Math.Max(1, Math.Abs(gm[0])) + noise,
                        $"{name} {divergence} ({mu}, {logSigma}) ∂μ: {gm[0]:R} vs {Stencil(alongMu):R}");
                    Assert.True(Math.Abs(Stencil(alongS) - gs[0]) <= 1e-7 * Math.Max(1, Math.Abs(gs[0])) + noise,
                        $"{name} {divergence} ({mu}, {logSigma}) ∂log σ: {gs[0]:R} vs {Stencil(alongS):R}");
                }
    }

    /// <summary>Broad, narrow and far q on the bench target, against an adaptive Gauss–Kronrod gradient that shares no code.</summary>
    [Theory]
    [InlineData(0.0, 1e-3)]
    [InlineData(-2.0, 0.05)]
    [InlineData(0.3, 0.7)]
    [InlineData(1.7, 2.5)]
    [InlineData(-25.0, 0.5)]
    [InlineData(4.0, 300.0)]
    public void ReverseMatchesTheIndependentQuadrature(double mu, double sigma)
    {
        var p = KlGpu.Specs.MixtureSpec.Parse("0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)");
        using var engine = Accelerators.Engine(CpuExecution.Parallel);
        var (_, gm, gs) = engine.Gradient(p, FitFamily.Gaussian, Divergence.Reverse, [mu], [Math.Log(sigma)]);
        var (dMu, dSigma) = ReferenceKl.ReverseGradient(p, mu, sigma);
        AssertGradientClose(dMu, gm[0], $"∂μ at ({mu}, {sigma})");
        AssertGradientClose(sigma * dSigma, gs[0], $"∂log σ at ({mu}, {sigma})");
    }

    [Fact]
    public void SinglePrecisionGradientsStayWithinTheirDocumentedError()
    {
        var p = KlGpu.Specs.MixtureSpec.Parse("0.5*N(-2.75,1) + 0.5*N(2.75,1)");
        using var single = Accelerators.Engine(CpuExecution.Parallel, Precision.Single);
        using var reference = Accelerators.Engine(CpuExecution.Parallel);
        double[] mu = [-4, -2.7, -0.5, 0, 1, 3], logSigma = [-1.5, 0.05, 0.9, 1.0, -0.3, 0.5];
        var (_, gm32, gs32) = single.Gradient(p, FitFamily.Gaussian, Divergence.Reverse, mu, logSigma);
        var (_, gm, gs) = reference.Gradient(p, FitFamily.Gaussian, Divergence.Reverse, mu, logSigma);
        for (int i = 0; i < mu.Length; i++)
        {
            Assert.True(Math.Abs(gm32[i] - gm[i]) <= 1e-4 * Math.Max(1, Math.Abs(gm[i])), $"∂μ {gm32[i]} vs {gm[i]}");
            Assert.True(Math.Abs(gs32[i] - gs[i]) <= 1e-4 * Math.Max(1, Math.Abs(gs[i])), $"∂log σ {gs32[i]} vs {gs[i]}");
        }
    }

    static void AssertGradientClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-9 * Math.Max(Math.Abs(expected), 1e-1),
            $"{what}: got {actual:R}, expected {expected:R}");
}
