using KlGpu.Families;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Specs;
using Xunit;

namespace KlGpu.Tests.Basins;

/// <summary>
/// Basins of every f-divergence on the symmetric two-mode target against an independent search that never calls the
/// analytic gradient: Newton on five-point differences of the host value (checked against scipy to 1e-9), and on a
/// Gaussian target against the closed form (the unique minimum q = p, value 0).
/// </summary>
public class FDivergenceBasinTests
{
    static BasinsRun Run(GaussianMixture p, Divergence divergence, StartDesign starts)
    {
        var settings = new BasinsSettings(p, divergence, FitFamily.Gaussian, starts.Count(0), BasinsSettings.DefaultSteps, Optimizer.Adam,
            BasinsSettings.DefaultLearningRate, starts, BasinsSettings.DefaultTolerance, BasinsSettings.DefaultClusterRadius, 0,
            Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        return BasinsJob.Compute(settings, engine);
    }

    /// <summary>Restarts that left the domain (a χ² or α integral that diverges) say so; every other output is a number.</summary>
    static void AssertNoNaN(BasinsRun run)
    {
        var o = run.Outcome;
        for (int i = 0; i < o.Status.Length; i++)
            if (o.Status[i] != RestartStatus.Diverged)
                Assert.True(double.IsFinite(o.Value[i]) && double.IsFinite(o.GradientNorm[i]) && double.IsFinite(o.EndMu[i]) && double.IsFinite(o.EndLogSigma[i]),
                    $"restart {i} ended {o.Status[i]} at ({o.EndMu[i]}, {o.EndLogSigma[i]}) with value {o.Value[i]}");
        Assert.All(run.Report.Basins, b => Assert.True(double.IsFinite(b.Value) && b.HessianEigenvalues.All(double.IsFinite)));
    }

    [Theory]
    [InlineData("js")]
    [InlineData("hellinger")]
    [InlineData("tv")]
    [InlineData("pearson")]
    [InlineData("neyman")]
    [InlineData("jeffreys")]
    [InlineData("alpha:0.5")]
    [InlineData("renyi:0.5")]
    public void TwoModesFindTheIndependentMinima(string name)
    {
        const double d = 4;
        var p = MixtureSpec.Parse("0.5*N(-2,1) + 0.5*N(2,1)");
        var divergence = Divergence.TryParse(name)!;
        var run = Run(p, divergence, new StartDesign(-4, 4, 0.5, 3, 7, 6, 4));
        AssertNoNaN(run);
        // σ = 1.2 keeps every start finite (χ² and α ∈ {−0.5, 2} need 1/√2 < σ < √2 here).
        var starts = new[] { -d / 2, -d / 4, 0, d / 4, d / 2 }.Select(mu => (mu, Math.Log(1.2)));
        var expected = FiniteDifferenceNewton.Minima(p, divergence, starts);
        Assert.NotEmpty(expected);
        var minima = run.Report.Basins.Where(b => b.Kind == StationaryKind.Minimum).ToList();
        Assert.True(expected.Count == minima.Count,
            $"{name}: {minima.Count} minima ({string.Join("; ", minima.Select(b => $"{b.Mu:G6},{b.Sigma:G6}"))}) but the independent search found {expected.Count} ({string.Join("; ", expected.Select(e => $"{e.Mu:G6},{Math.Exp(e.LogSigma):G6}"))})");
        foreach (var e in expected)
        {
            var b = minima.OrderBy(b => Math.Abs(b.Mu - e.Mu) + Math.Abs(b.LogSigma - e.LogSigma)).First();
            Assert.True(Math.Abs(b.Mu - e.Mu) < 1e-6 && Math.Abs(b.LogSigma - e.LogSigma) < 1e-6,
                $"{name}: minimum at ({b.Mu:R}, {b.Sigma:R}), independent ({e.Mu:R}, {Math.Exp(e.LogSigma):R})");
            Assert.True(Math.Abs(b.Value - e.Value) <= 1e-9 * Math.Max(1, Math.Abs(e.Value)), $"{name}: value {b.Value:R} vs {e.Value:R}");
            Assert.True(b.Polished, $"{name}: minimum at {b.Mu} was not polished");
        }
    }

    /// <summary>For p = N(m, s) every divergence is 0 at q = p and positive elsewhere. TV is left out: |p − q| has a kink
    /// at q = p, so its gradient never falls below a tolerance there.</summary>
    [Theory]
    [InlineData("js")]
    [InlineData("hellinger")]
    [InlineData("pearson")]
    [InlineData("neyman")]
    [InlineData("jeffreys")]
    [InlineData("alpha:-0.5")]
    [InlineData("alpha:0.5")]
    [InlineData("alpha:2")]
    [InlineData("renyi:0.5")]
    [InlineData("renyi:2")]
    public void AGaussianTargetIsItsOwnUniqueMinimum(string name)
    {
        const double m = 0.7, s = 1.3;
        var run = Run(GaussianMixture.Gaussian(m, s), Divergence.TryParse(name)!, new StartDesign(-2, 3, 0.7, 1.8, 11, 4, 3));
        AssertNoNaN(run);
        var b = Assert.Single(run.Report.Basins);
        Assert.Equal(StationaryKind.Minimum, b.Kind);
        Assert.True(Math.Abs(b.Mu - m) < 1e-6 && Math.Abs(b.Sigma - s) < 1e-6, $"{name}: minimum at ({b.Mu:R}, {b.Sigma:R})");
        Assert.True(Math.Abs(b.Value) < 1e-12, $"{name}: value {b.Value:R}");
    }
}

/// <summary>
/// Minima of D(p || N(μ, e^s)) found without the analytic gradient: gradient and Hessian by five-point central differences
/// of <see cref="FDivergenceQuadrature.Divergence"/> (double, on the host), Armijo descent, then Newton.
/// </summary>
static class FiniteDifferenceNewton
{
    public sealed record Point(double Mu, double LogSigma, double Value);

    const double H = 1e-4;

    /// <summary>+∞ off the domain (a Newton step may leave it), as inside it where the integral diverges.</summary>
    static double Value(GaussianMixture p, Divergence d, double mu, double s) =>
        double.IsFinite(mu) && Math.Abs(s) < 40
            ? FDivergenceQuadrature.Divergence(d.Integrand, d.Order, p, GaussianMixture.Gaussian(mu, Math.Exp(s)))
            : double.PositiveInfinity;

    static double Stencil(Func<double, double> f) => (f(-2 * H) - 8 * f(-H) + 8 * f(H) - f(2 * H)) / (12 * H);

    static double[] Gradient(GaussianMixture p, Divergence d, double mu, double s) =>
        [Stencil(o => Value(p, d, mu + o, s)), Stencil(o => Value(p, d, mu, s + o))];

    public static List<Point> Minima(GaussianMixture p, Divergence d, IEnumerable<(double Mu, double LogSigma)> starts)
    {
        var found = new List<Point>();
        foreach (var (mu0, s0) in starts)
            if (Descend(p, d, mu0, s0) is { } x && !found.Any(f => Math.Abs(f.Mu - x.Mu) < 1e-5 && Math.Abs(f.LogSigma - x.LogSigma) < 1e-5))
                found.Add(x);
        return found;
    }

    /// <summary>Newton where the difference Hessian is positive definite, steepest descent elsewhere, each step halved until
    /// the value does not rise (undamped once the gradient is below 1e-6, where the value's rounding hides any decrease);
    /// a minimum when the gradient falls below 1e-10 with a positive definite Hessian.</summary>
    static Point? Descend(GaussianMixture p, Divergence d, double mu, double s)
    {
        double f = Value(p, d, mu, s);
        for (int it = 0; it < 100; it++)
        {
            double[] g = Gradient(p, d, mu, s);
            double[] gm = Gradient(p, d, mu + H, s), gm0 = Gradient(p, d, mu - H, s), gs = Gradient(p, d, mu, s + H), gs0 = Gradient(p, d, mu, s - H);
            double hmm = (gm[0] - gm0[0]) / (2 * H), hss = (gs[1] - gs0[1]) / (2 * H), hms = 0.5 * ((gm[1] - gm0[1]) + (gs[0] - gs0[0])) / (2 * H);
            double det = hmm * hss - hms * hms;
            bool definite = hmm > 0 && det > 0;
            if (Math.Sqrt(g[0] * g[0] + g[1] * g[1]) < 1e-10) return definite ? new Point(mu, s, f) : null;
            double[] step = definite ? [(hss * g[0] - hms * g[1]) / det, (hmm * g[1] - hms * g[0]) / det] : [g[0], g[1]];
            // Near the minimum the value changes by less than its rounding: take Newton's step as it is.
            if (definite && Math.Sqrt(g[0] * g[0] + g[1] * g[1]) < 1e-6)
            {
                (mu, s) = (mu - step[0], s - step[1]);
                f = Value(p, d, mu, s);
                continue;
            }
            bool moved = false;
            for (double t = 1; t > 1e-12 && !moved; t *= 0.5)
            {
                double m1 = mu - t * step[0], s1 = s - t * step[1], f1 = Value(p, d, m1, s1);
                if (f1 <= f) { (mu, s, f, moved) = (m1, s1, f1, true); }
            }
            if (!moved) return null;
        }
        return null;
    }
}
