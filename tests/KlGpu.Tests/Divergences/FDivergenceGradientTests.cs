using KlGpu.Families;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using TestAccelerators = KlGpu.Tests.Kernels.Accelerators;
using KlGpu.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace KlGpu.Tests.Divergences;

/// <summary>
/// The analytic gradients in (μ, log σ) of every f-divergence (engine.Gradient, the restart kernel's objective) against
/// central differences (h = 1e-5) of the double-precision host value, at the Gaussian-q reference cases where the value is finite
/// and at a point moved off each (the cases' moment-matched q are stationary in μ by symmetry).
/// </summary>
public class FDivergenceGradientTests(ITestOutputHelper output)
{
    const double H = 1e-5;

    public static IEnumerable<object[]> GaussianCases() =>
        ReferenceCases.Divergence().Where(c => c.QIsGaussian).Select(c => new object[] { c.Name });

    static double Value(Divergence d, GaussianMixture p, double mu, double logSigma) =>
        FDivergenceQuadrature.Divergence(d.Integrand, d.Order, p, GaussianMixture.Gaussian(mu, Math.Exp(logSigma)));

    /// <summary>
    /// Error of the analytic gradient against the five-point central difference (f(θ−2h) − 8f(θ−h) + 8f(θ+h) − f(θ+2h))/12h,
    /// relative to max(|difference|, 1e-3·max(1, |f|)). Its own error is rounding, about ε|f|/h (1e-11 |f|), plus h⁴f⁽⁵⁾/30:
    /// the two-point difference's h²f‴/6 reached 1e-5 relative for α = −0.5 a hair inside its convergence boundary
    /// σ = √3 S_p, where the value has a singularity 0.002 away in log σ.
    /// </summary>
    static (double Mu, double LogSigma) Errors(KlEngine engine, Divergence d, GaussianMixture p, double mu, double logSigma)
    {
        var (value, gm, gs) = engine.Gradient(p, FitFamily.Gaussian, d, [mu], [logSigma]);
        double Stencil(Func<double, double> f) => (f(-2 * H) - 8 * f(-H) + 8 * f(H) - f(2 * H)) / (12 * H);
        double fdMu = Stencil(o => Value(d, p, mu + o, logSigma));
        double fdS = Stencil(o => Value(d, p, mu, logSigma + o));
        double floor = 1e-3 * Math.Max(1, Math.Abs(value[0]));
        return (Math.Abs(gm[0] - fdMu) / Math.Max(Math.Abs(fdMu), floor), Math.Abs(gs[0] - fdS) / Math.Max(Math.Abs(fdS), floor));
    }

    [Theory]
    [MemberData(nameof(GaussianCases))]
    public void EveryGradientMatchesCentralDifferencesOfTheValue(string name)
    {
        var c = ReferenceCases.Divergence(name);
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        double mu0 = c.Q.Means[0], s0 = Math.Log(c.Q.Stds[0]);
        int checkedPoints = 0;
        foreach (var (key, expected) in c.Values)
        {
            if (!double.IsFinite(expected)) continue;
            var d = Divergence.TryParse(key)!;
            foreach (var (mu, logSigma) in new[] { (mu0, s0), (mu0 + 0.3 * c.Q.Stds[0], s0 + 0.1) })
            {
                if (!double.IsFinite(Value(d, c.P, mu, logSigma))) continue;
                var (eMu, eS) = Errors(engine, d, c.P, mu, logSigma);
                output.WriteLine($"{key,-12} ({mu:G6}, {logSigma:G6}) relative error ∂μ {eMu:E1}, ∂log σ {eS:E1}");
                Assert.True(eMu <= 1e-6 && eS <= 1e-6, $"{name} {key} at ({mu:R}, {logSigma:R}): ∂μ {eMu:E2}, ∂log σ {eS:E2}");
                checkedPoints++;
            }
        }
        Assert.True(checkedPoints >= 13, $"{name}: only {checkedPoints} finite points");
    }

    /// <summary>The worst error per divergence over every case and point: the figure quoted in the report.</summary>
    [Fact]
    public void WorstGradientErrorPerDivergence()
    {
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        var worst = new SortedDictionary<string, double>();
        foreach (var c in ReferenceCases.Divergence().Where(c => c.QIsGaussian))
            foreach (var (key, expected) in c.Values)
            {
                if (!double.IsFinite(expected)) continue;
                var d = Divergence.TryParse(key)!;
                double mu = c.Q.Means[0] + 0.3 * c.Q.Stds[0], logSigma = Math.Log(c.Q.Stds[0]) + 0.1;
                var (eMu, eS) = Errors(engine, d, c.P, mu, logSigma);
                if (double.IsFinite(Value(d, c.P, mu, logSigma))) worst[key] = Math.Max(worst.GetValueOrDefault(key), Math.Max(eMu, eS));
            }
        foreach (var (k, v) in worst) output.WriteLine($"worst gradient relative error: {k,-12} {v:E2}");
        Assert.Equal(13, worst.Count);
        Assert.All(worst, w => Assert.True(w.Value <= 1e-6, $"{w.Key}: {w.Value:E2}"));
    }

    /// <summary>α → 0 is KL(q||p) and α → 1 is KL(p||q): the α gradients at 1e-9 from either end are the KL gradients
    /// to O(α) (the KL gradients come from the KL code, which shares nothing with the α integrand).</summary>
    [Theory]
    [InlineData(1e-9, "reverse")]
    [InlineData(1 - 1e-9, "forward")]
    public void AlphaGradientsAtTheEndsAreTheKlGradients(double order, string kl)
    {
        var p = new GaussianMixture([0.3, 0.7], [-1.5, 2], [0.6, 1.1]);
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        double[] mu = [-2, 0.4, 1.9, 5], logSigma = [-0.7, 0.6, 0.1, 0.9];
        var (_, gm, gs) = engine.Gradient(p, FitFamily.Gaussian, new Divergence(DivergenceKind.Alpha, order), mu, logSigma);
        var (_, km, ks) = engine.Gradient(p, FitFamily.Gaussian, Divergence.TryParse(kl)!, mu, logSigma);
        for (int i = 0; i < mu.Length; i++)
        {
            Assert.True(Math.Abs(gm[i] - km[i]) <= 1e-7 * Math.Max(1, Math.Abs(km[i])), $"α = {order} ∂μ at {i}: {gm[i]:R} vs {km[i]:R}");
            Assert.True(Math.Abs(gs[i] - ks[i]) <= 1e-7 * Math.Max(1, Math.Abs(ks[i])), $"α = {order} ∂log σ at {i}: {gs[i]:R} vs {ks[i]:R}");
        }
    }

    /// <summary>Where the integral diverges (χ² with q narrower than p/√2) the value is +∞ and the gradient undefined (NaN),
    /// so no caller can mistake it for a flat point.</summary>
    [Fact]
    public void WhereTheValueIsInfiniteTheGradientIsNaN()
    {
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        var (value, gm, gs) = engine.Gradient(GaussianMixture.Gaussian(0, 1), FitFamily.Gaussian, Divergence.TryParse("pearson")!, [0.2], [Math.Log(0.6)]);
        Assert.Equal(double.PositiveInfinity, value[0]);
        Assert.True(double.IsNaN(gm[0]) && double.IsNaN(gs[0]));
    }

    /// <summary>The kernel through ILGPU's CPU accelerator (the GPU's execution model) gives the C# path's numbers.</summary>
    [Fact]
    public void TheSimulatorGivesTheSameGradients()
    {
        var p = new GaussianMixture([0.5, 0.5], [-1.5, 1.5], [1, 1]);
        using var parallel = TestAccelerators.Engine(CpuExecution.Parallel);
        using var simulator = TestAccelerators.Engine(CpuExecution.Simulator);
        double[] mu = [-1, 0.5], logSigma = [0.2, 0.4];
        foreach (var name in new[] { "js", "tv", "renyi:2", "alpha:0.25" })
        {
            var d = Divergence.TryParse(name)!;
            var a = parallel.Gradient(p, FitFamily.Gaussian, d, mu, logSigma);
            var b = simulator.Gradient(p, FitFamily.Gaussian, d, mu, logSigma);
            Assert.Equal(a.GradMu, b.GradMu);
            Assert.Equal(a.GradLogScale, b.GradLogScale);
            Assert.Equal(a.Value, b.Value);
        }
    }
}
