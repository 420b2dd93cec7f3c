using KlGpu.Engine;
using KlGpu.Families;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Tests.Reference;
using Xunit;
using Xunit.Abstractions;
using TestAccelerators = KlGpu.Tests.Kernels.Accelerators;

namespace KlGpu.Tests.Divergences;

/// <summary>
/// Orders outside [0, 1] (pearson, neyman, α and Rényi with α &gt; 1 or α &lt; 0) where p_j^β q_k^{1−β} peaks far outside
/// both components: α = 2, p_j = N(m, s), q = N(μ, s) peaks at 2m − μ, e^{(m−μ)²/s²} above the integrand at the means.
/// Each value is checked against adaptive Gauss–Kronrod of the defining integral over a domain that holds every pair's
/// peak, found here by scanning the log-integrand, not from the engine's windows.
/// </summary>
public class FarPeakTests(ITestOutputHelper output)
{
    const string ThreeModes = "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)";

    public static TheoryData<string, string, string> Cases => new()
    {
        // The cases: a narrow two-mode p with q on one mode (the peak 20 stds beyond the other mode), and the
        // three-mode default target at q = N(−2, 0.3), whose pair with N(0, 0.4) peaks at x = 16 (std 0.85).
        { "renyi:2", "0.5*N(-1,0.1) + 0.5*N(1,0.1)", "N(1,0.1)" },
        { "renyi:2", "0.5*N(-1,0.08) + 0.5*N(1,0.08)", "N(1,0.08)" },
        { "pearson", ThreeModes, "N(-2,0.3)" },
        { "alpha:2", ThreeModes, "N(-2,0.3)" },
        { "renyi:2", ThreeModes, "N(-2,0.3)" },
        // More far peaks: other orders, a two-component q, the mirror orders (neyman, α < 0: q's pairs peak beyond q).
        { "renyi:1.5", "0.5*N(-3,0.2) + 0.5*N(3,0.2)", "N(3,0.2)" },
        { "alpha:1.5", "0.5*N(-3,0.2) + 0.5*N(3,0.2)", "N(3,0.2)" },
        { "alpha:3", "0.5*N(0,0.3) + 0.5*N(1.5,0.3)", "N(1.5,0.26)" },
        { "renyi:2", ThreeModes, "0.5*N(-2,0.3) + 0.5*N(2,0.3)" },
        { "pearson", "0.5*N(-2,0.4) + 0.5*N(2,1)", "0.5*N(2,0.3) + 0.5*N(-2,0.8)" },
        { "neyman", "N(1,0.1)", "0.5*N(-1,0.1) + 0.5*N(1,0.1)" },
        { "alpha:-1", "N(1,0.1)", "0.5*N(-1,0.1) + 0.5*N(1,0.1)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FarPeakMatchesGaussKronrod(string divergence, string target, string model)
    {
        var d = Divergence.TryParse(divergence)!;
        GaussianMixture p = Mixture(target), q = Mixture(model);
        double expected = Reference(divergence, target, model), actual = FDivergenceQuadrature.Divergence(d.Integrand, d.Order, p, q);
        output.WriteLine($"{divergence} p = {target}, q = {model}: {actual:R} (Gauss–Kronrod {expected:R})");
        DivergenceTolerance.AssertClose(expected, actual, $"{divergence} of {model} to {target}");
    }

    /// <summary>The Gaussian-q cases through the grid kernel: all of them in parallel C#, the first three through
    /// ILGPU's CPU accelerator (a few seconds a case there).</summary>
    [Theory]
    [InlineData(CpuExecution.Parallel, 100)]
    [InlineData(CpuExecution.Simulator, 3)]
    public void FarPeakMatchesThroughTheKernel(CpuExecution execution, int cases)
    {
        using var engine = TestAccelerators.Engine(execution);
        foreach (var row in Cases.Where(r => !((string)r[2]).Contains('+')).Take(cases))
        {
            var d = Divergence.TryParse((string)row[0])!;
            GaussianMixture p = Mixture((string)row[1]), q = Mixture((string)row[2]);
            double value = double.NaN;
            engine.Landscape(p, FitFamily.Gaussian, new(q.Means[0], q.Means[0] + 1, 2), new(q.Stds[0], 2 * q.Stds[0], 2), [d],
                t => value = t.Values[d][0]);
            DivergenceTolerance.AssertClose(Reference((string)row[0], (string)row[1], (string)row[2]), value, $"{row[0]} of {row[2]} to {row[1]} ({execution})");
        }
    }

    /// <summary>α &gt; 1 with q narrower than p/√α in the tails: p^α q^{1−α} grows without bound, and the value is +∞.</summary>
    [Theory]
    [InlineData("renyi:3", ThreeModes, "N(-2,0.3)")]
    [InlineData("alpha:2", "N(0,1)", "N(0,0.7)")]
    [InlineData("pearson", "0.5*N(-1,0.2) + 0.5*N(1,1)", "0.5*N(1,0.2) + 0.5*N(-1,0.7)")]
    [InlineData("renyi:1.5", "N(0,1)", "N(5,0.5)")]
    public void DivergingIntegralIsInfinity(string divergence, string target, string model)
    {
        var d = Divergence.TryParse(divergence)!;
        Assert.Equal(double.PositiveInfinity, FDivergenceQuadrature.Divergence(d.Integrand, d.Order, Mixture(target), Mixture(model)));
    }

    /// <summary>A far peak of e^1600: χ² and α = 2 (finite, beyond double's range) overflow to +∞, never NaN; Rényi, scaled
    /// by the peak, stays finite and exact.</summary>
    [Fact]
    public void PeakBeyondDoublesRangeIsInfinityExceptForRenyi()
    {
        const string target = "0.5*N(-1,0.05) + 0.5*N(1,0.05)", model = "N(1,0.05)";
        foreach (var name in new[] { "pearson", "alpha:2", "alpha:3" })
        {
            var d = Divergence.TryParse(name)!;
            Assert.Equal(double.PositiveInfinity, FDivergenceQuadrature.Divergence(d.Integrand, d.Order, Mixture(target), Mixture(model)));
        }
        var renyi = Divergence.TryParse("renyi:2")!;
        DivergenceTolerance.AssertClose(Reference("renyi:2", target, model),
            FDivergenceQuadrature.Divergence(renyi.Integrand, renyi.Order, Mixture(target), Mixture(model)), "renyi:2 at e^1600");
    }

    /// <summary>Rényi's gradient at a far peak against central differences of the value (the peak now sets its scale too).</summary>
    [Fact]
    public void RenyiGradientAtAFarPeakMatchesDifferences()
    {
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        var p = Mixture("0.5*N(-1,0.1) + 0.5*N(1,0.1)");
        var d = Divergence.TryParse("renyi:2")!;
        double mu = 1, logSigma = Math.Log(0.1), h = 1e-5;
        double Value(double m, double s) => FDivergenceQuadrature.Divergence(d.Integrand, d.Order, p, GaussianMixture.Gaussian(m, Math.Exp(s)));
        var (value, gm, gs) = engine.Gradient(p, FitFamily.Gaussian, d, [mu], [logSigma]);
        double fdMu = (Value(mu + h, logSigma) - Value(mu - h, logSigma)) / (2 * h);
        double fdS = (Value(mu, logSigma + h) - Value(mu, logSigma - h)) / (2 * h);
        output.WriteLine($"value {value[0]:R}; ∂μ {gm[0]:R} vs {fdMu:R}; ∂log σ {gs[0]:R} vs {fdS:R}");
        Assert.Equal(fdMu, gm[0], 1e-6 * Math.Abs(fdMu));
        Assert.Equal(fdS, gs[0], 1e-6 * Math.Abs(fdS));
    }

    static GaussianMixture Mixture(string text) => KlGpu.Specs.MixtureSpec.Parse(text);

    /// <summary>
    /// The defining integral by Gauss–Kronrod (1e-12 relative): I = ∫ p^β q^{1−β} (β = 2 pearson, −1 neyman, α otherwise), then
    /// pearson and neyman I − 1, α (1 − I)/(α(1 − α)), Rényi log I/(α − 1). The integrand is scaled by e^{−c}, c its largest
    /// log on a scan, so that peaks of e^{400} neither overflow nor set the tolerance. The domain spans ±40 stds of every
    /// component and of every pair p_j^β q_k^{1−β} with a positive precision, cut at each mean, pair centre and the scan's
    /// maximum.
    /// </summary>
    static double Reference(string divergence, string target, string model) => References.GetOrAdd((divergence, target, model),
        _ => Integrate(Divergence.TryParse(divergence)!, Mixture(target), Mixture(model)));

    /// <summary>Each reference once per run: the kernel test reuses the host test's.</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string, string), double> References = new();

    static double Integrate(Divergence d, GaussianMixture p, GaussianMixture q)
    {
        double beta = d.Kind switch { DivergenceKind.Pearson => 2, DivergenceKind.Neyman => -1, _ => d.Order };
        var centres = new List<(double Mean, double Std)>();
        for (int j = 0; j < p.Count; j++) centres.Add((p.Means[j], p.Stds[j]));
        for (int k = 0; k < q.Count; k++) centres.Add((q.Means[k], q.Stds[k]));
        for (int j = 0; j < p.Count; j++)
            for (int k = 0; k < q.Count; k++)
            {
                double a = beta / (p.Stds[j] * p.Stds[j]), b = (1 - beta) / (q.Stds[k] * q.Stds[k]);
                if (a + b > 1e-9 * (Math.Abs(a) + Math.Abs(b))) centres.Add(((a * p.Means[j] + b * q.Means[k]) / (a + b), 1 / Math.Sqrt(a + b)));
            }
        double lo = centres.Min(c => c.Mean - 40 * c.Std), hi = centres.Max(c => c.Mean + 40 * c.Std);
        double LogIntegrand(double x) => beta * p.LogDensity(x) + (1 - beta) * q.LogDensity(x);

        const int scan = 20_000;
        double c = double.NegativeInfinity, argMax = lo;
        for (int i = 0; i <= scan; i++)
        {
            double x = lo + (hi - lo) * i / scan, l = LogIntegrand(x);
            if (l > c) (c, argMax) = (l, x);
        }
        c = Math.Max(c, 0);
        var breaks = centres.Select(t => t.Mean).Append(argMax).Append(lo).Append(hi).Distinct().Order().ToList();
        // 1e-12: at a peak of e^{300} the exponent is a difference of logs near 10³, so the integrand carries ~1e-13 of noise.
        var r = GaussKronrod.G10K21.Integrate(x => Math.Exp(LogIntegrand(x) - c), breaks, 1e-12, 1e-300, 20_000);
        Assert.True(r.Converged, $"Gauss–Kronrod did not converge ({r.Intervals} intervals, error {r.Error:E2})");
        double logI = c + Math.Log(r.Value);
        return d.Kind switch
        {
            DivergenceKind.Pearson or DivergenceKind.Neyman => Math.Exp(logI) - 1,
            DivergenceKind.Alpha => (1 - Math.Exp(logI)) / (d.Order * (1 - d.Order)),
            DivergenceKind.Renyi => logI / (d.Order - 1),
            _ => throw new ArgumentException(d.Name()),
        };
    }
}
