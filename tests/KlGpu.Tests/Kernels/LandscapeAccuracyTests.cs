using KlGpu.Families;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Specs;
using Xunit;

namespace KlGpu.Tests.Kernels;

/// <summary>Whole landscapes, compared point by point with the independent reference quadrature.</summary>
public class LandscapeAccuracyTests
{
    public static TheoryData<string> Targets() => ["0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)", "0.5*N(-1,0.05) + 0.5*N(1,0.05)",
        "0.1*N(-2,1) + 0.9*N(2,1)", "0.2*N(0,0.001) + 0.8*N(0.5,2)"];

    static readonly Divergence[] Both = [Divergence.Forward, Divergence.Reverse];

    static (double[,] Forward, double[,] Reverse) Run(KlEngine engine, GaussianMixture p, GridAxis mu, GridAxis sigma)
    {
        var f = new double[sigma.Count, mu.Count];
        var r = new double[sigma.Count, mu.Count];
        engine.Landscape(p, FitFamily.Gaussian, mu, sigma, Both, t =>
        {
            for (int i = 0; i < t.Rows; i++)
                for (int j = 0; j < t.Columns; j++)
                {
                    f[t.FirstRow + i, j] = t.Forward![i * t.Columns + j];
                    r[t.FirstRow + i, j] = t.Reverse![i * t.Columns + j];
                }
        });
        return (f, r);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void SampledPointsMatchTheReferenceFromSigma1eMinus3To1e3(string spec)
    {
        var p = MixtureSpec.Parse(spec);
        var mu = new GridAxis(-30, 30, 61);
        var sigma = new GridAxis(1e-3, 1e3, 49, Geometric: true);
        using var engine = Accelerators.Engine(CpuExecution.Parallel);
        var (forward, reverse) = Run(engine, p, mu, sigma);
        var random = new Random(7);
        for (int n = 0; n < 60; n++)
        {
            int i = random.Next(sigma.Count), j = random.Next(mu.Count);
            var q = GaussianMixture.Gaussian(mu.At(j), sigma.At(i));
            KlTolerance.AssertClose(ReferenceKl.Forward(p, q), forward[i, j], $"forward at {q}");
            KlTolerance.AssertClose(ReferenceKl.Reverse(p, q), reverse[i, j], $"reverse at {q}");
        }
        Assert.All(forward.Cast<double>().Concat(reverse.Cast<double>()), v => Assert.True(double.IsFinite(v) && v >= -1e-12));
    }

    /// <summary>q narrow and near breakpoints: where the remainder panels are subdivided to q's scale.</summary>
    [Theory]
    [MemberData(nameof(Targets))]
    public void NarrowQAcrossTheBreakpointsMatchesTheReference(string spec)
    {
        var p = MixtureSpec.Parse(spec);
        var plan = new LogMixturePlan(p);
        using var engine = Accelerators.Engine(CpuExecution.Parallel);
        foreach (double b in plan.Breakpoints.Where(b => Math.Abs(b) < 20))
            foreach (double s in new[] { 0.003, 0.02, 0.1, 0.3 })
                foreach (double offset in new[] { -2.0, -0.5, 0, 0.7 })
                {
                    var q = GaussianMixture.Gaussian(b + offset * s, s);
                    KlTolerance.AssertClose(ReferenceKl.Reverse(p, q), engine.Reverse(p, q), $"reverse at {q}");
                }
    }

    // A cluster whose length rounds to just over σ once crashed the kernel (index out of range): the exact q.
    [Fact]
    public void AClusterAsLongAsSigmaMatchesTheReference()
    {
        var p = MixtureSpec.Parse("0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)");
        var q = GaussianMixture.Gaussian(-1, 0.8571428571428572);
        using var engine = Accelerators.Engine(CpuExecution.Parallel);
        KlTolerance.AssertClose(ReferenceKl.Reverse(p, q), engine.Reverse(p, q), $"reverse at {q}");
        KlTolerance.AssertClose(ReferenceKl.Forward(p, q), engine.Forward(p, q), $"forward at {q}");
    }

    [Fact]
    public void GaussianTargetGivesTheClosedFormEverywhere()
    {
        var p = GaussianMixture.Gaussian(0.7, 1.3);
        var mu = new GridAxis(-10, 10, 41);
        var sigma = new GridAxis(1e-3, 1e3, 31, Geometric: true);
        using var engine = Accelerators.Engine(CpuExecution.Simulator);
        var (forward, reverse) = Run(engine, p, mu, sigma);
        for (int i = 0; i < sigma.Count; i++)
            for (int j = 0; j < mu.Count; j++)
            {
                KlTolerance.AssertClose(Normal.Kl(0.7, 1.3, mu.At(j), sigma.At(i)), forward[i, j], "forward");
                KlTolerance.AssertClose(Normal.Kl(mu.At(j), sigma.At(i), 0.7, 1.3), reverse[i, j], "reverse");
            }
    }

    /// <summary>Forward KL to a Gaussian is minimised by moment matching, at value H(N(m_p, √V_p)) − H(p).</summary>
    [Theory]
    [MemberData(nameof(Targets))]
    public void ForwardOptimumIsMomentMatching(string spec)
    {
        var p = MixtureSpec.Parse(spec);
        using var engine = Accelerators.Engine(CpuExecution.Parallel);
        double m = p.Mean, s = Math.Sqrt(p.Variance);
        double atOptimum = engine.Forward(p, GaussianMixture.Gaussian(m, s));
        Assert.Equal(Normal.Entropy(s) - engine.Entropy(p), atOptimum, 12);
        foreach (var (dm, ds) in new[] { (1e-3, 0.0), (-1e-3, 0.0), (0.0, 1e-3), (0.0, -1e-3) })
            Assert.True(engine.Forward(p, GaussianMixture.Gaussian(m + dm, s + ds)) > atOptimum);
        // And the grid minimum of a landscape centred on it lands on it.
        var (forward, _) = Run(engine, p, new GridAxis(m - 1, m + 1, 21), new GridAxis(s / 2, s * 1.5, 21));
        Assert.Equal(forward[10, 10], forward.Cast<double>().Min());
    }

    [Fact]
    public void TilingDoesNotChangeAnyValue()
    {
        var p = MixtureSpec.Parse("0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)");
        var mu = new GridAxis(-5, 5, 37);
        var sigma = new GridAxis(0.05, 5, 23);
        using var whole = Accelerators.Engine(CpuExecution.Parallel);
        using var tiled = KlEngine.Create(KlGpu.Accelerators.AcceleratorKind.Cpu, Precision.Double, CpuExecution.Parallel, tilePoints: 40);
        int tiles = 0;
        tiled.Landscape(p, FitFamily.Gaussian, mu, sigma, Both, _ => tiles++);
        Assert.Equal(23, tiles);  // 40 points per tile hold one 37-point row
        var a = Run(whole, p, mu, sigma);
        var b = Run(tiled, p, mu, sigma);
        Assert.Equal(a.Forward.Cast<double>(), b.Forward.Cast<double>());
        Assert.Equal(a.Reverse.Cast<double>(), b.Reverse.Cast<double>());
    }
}
