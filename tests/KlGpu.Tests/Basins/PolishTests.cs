using KlGpu.Families;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Specs;
using Xunit;

namespace KlGpu.Tests.Basins;

public class PolishTests
{
    /// <summary>
    /// α = 0.05 on the two-mode target from (μ, log σ) = (1, 0.5): unbounded Newton ran to σ = e^−8.4 at μ = 39, where q
    /// and p no longer overlap and the gradient's rounding floor passes for a stationary point (and one value cost a
    /// second). The polish must stay near its start; what it reports as stationary must be stationary by an independent
    /// value (Gauss–Kronrod of the α integrand written here, central differences).
    /// </summary>
    [Fact]
    public void NewtonStaysNearItsStartAndWhatItPolishesIsStationary()
    {
        const double alpha = 0.05;
        var p = MixtureSpec.Parse("0.5*N(-3,1) + 0.5*N(3,1)");
        var divergence = Divergence.TryParse($"alpha:{alpha}")!;
        using var cpu = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        var finder = new BasinFinder((m, s) => cpu.Gradient(p, FitFamily.Gaussian, divergence, m, s), false, BasinsSettings.DefaultClusterRadius);
        var point = finder.Polish(1, 0.5);

        Assert.True(Math.Abs(point.Mu - 1) <= 4 * Math.Exp(0.5) && Math.Abs(point.LogSigma - 0.5) <= 4,
            $"the polish ran to ({point.Mu:R}, {point.LogSigma:R})");
        Assert.True(point.Polished, $"not polished: ({point.Mu:R}, {point.LogSigma:R}), ‖∇‖ = {point.GradientNorm:E2}");

        double Value(double mu, double logSigma)
        {
            double sigma = Math.Exp(logSigma);
            double LogP(double x) => Math.Log(0.5 * Math.Exp(-0.5 * (x + 3) * (x + 3)) + 0.5 * Math.Exp(-0.5 * (x - 3) * (x - 3))) - 0.5 * Math.Log(2 * Math.PI);
            double LogQ(double x) => -0.5 * Math.Pow((x - mu) / sigma, 2) - logSigma - 0.5 * Math.Log(2 * Math.PI);
            double overlap = ReferenceKl.Integrate(x => Math.Exp(alpha * LogP(x) + (1 - alpha) * LogQ(x)), p, GaussianMixture.Gaussian(mu, sigma)).Value;
            return (1 - overlap) / (alpha * (1 - alpha));
        }
        const double h = 1e-4;
        double gMu = (Value(point.Mu + h, point.LogSigma) - Value(point.Mu - h, point.LogSigma)) / (2 * h);
        double gS = (Value(point.Mu, point.LogSigma + h) - Value(point.Mu, point.LogSigma - h)) / (2 * h);
        Assert.True(Math.Abs(gMu) < 1e-6 && Math.Abs(gS) < 1e-6, $"reference gradient at the polished point: ({gMu:E2}, {gS:E2})");
    }
}
