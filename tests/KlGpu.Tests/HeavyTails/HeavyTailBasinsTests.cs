using KlGpu.Families;
using System.Text.Json;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Specs;
using KlGpu.Tests.Cli;
using Xunit;
using TempFolder = KlGpu.Tests.Output.TempFolder;
using TestAccelerators = KlGpu.Tests.Kernels.Accelerators;
using static KlGpu.Tests.HeavyTails.HeavyTailReference;

namespace KlGpu.Tests.HeavyTails;

/// <summary>
/// Basins of q = N(μ, σ) against heavy-tailed targets: the analytic gradient in (μ, log σ) against five-point differences of
/// the value; the restarts and polish against an independent multi-start (Newton on five-point differences of the
/// Gauss–Kronrod reference, <see cref="HeavyTailReference"/>); the simulator against parallel C#; the CLI; bad input.
/// </summary>
public class HeavyTailBasinsTests
{
    static HeavyTailedMixture Parse(string spec) => MixtureSpec.ParseWithTails(spec).HeavyTailed!;

    static Component[] Components(HeavyTailedMixture p) =>
        Enumerable.Range(0, p.Count).Select(k => new Component(p.Kinds[k], p.Weights[k], p.Means[k], p.Scales[k], p.Nus[k])).ToArray();

    static double FivePoint(Func<double, double> f, double x, double h) =>
        (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h);

    public static TheoryData<string, double, double> GradientCases()
    {
        string[] targets =
        [
            "T(1,0,1)", "T(3,-1,0.7)", "L(0.5,0.8)", "0.5*T(3,-2,1) + 0.5*N(2,0.5)",
            "0.3*T(1,-1,0.5) + 0.4*L(1,0.3) + 0.3*N(4,1)",
        ];
        // narrow (σ ≪ every scale, beside a Laplace kink for two of them), broad, far out in the tails, moderate
        (double Mu, double Sigma)[] qs = [(0.52, 0.05), (0.0, 20), (30, 1), (-0.7, 1.3)];
        var data = new TheoryData<string, double, double>();
        foreach (string t in targets)
            foreach (var (mu, sigma) in qs) data.Add(t, mu, sigma);
        return data;
    }

    /// <summary>Steps of 1e-3 (in μ, scaled by σ) leave a truncation error near h⁴ ≈ 1e-12 and a rounding error near
    /// 1e-16/h: the bar 1e-9 (relative to max(1, |g|)) leaves a wide margin (the worst case measured 1.5e-11) and still fails any wrong term.</summary>
    [Theory]
    [MemberData(nameof(GradientCases))]
    public void ReverseGradientMatchesFivePointDifferencesOfTheValue(string spec, double mu, double sigma)
    {
        var plan = new HeavyTailPlan(Parse(spec));
        double Value(double m, double s) => HeavyTailQuadrature.Reverse<double, F64, HeavyTailPlan>(m, Math.Exp(s), plan);
        double logSigma = Math.Log(sigma);
        double value = HeavyTailQuadrature.ReverseWithGradient<double, F64, HeavyTailPlan>(mu, logSigma, plan, out double gm, out double gs);
        Assert.True(Math.Abs(Value(mu, logSigma) - value) <= 1e-14 * Math.Abs(value), "the value beside the gradient is the value");
        double fdMu = FivePoint(m => Value(m, logSigma), mu, 1e-3 * sigma);
        double fdS = FivePoint(s => Value(mu, s), logSigma, 1e-3);
        Assert.True(Math.Abs(gm - fdMu) <= 1e-9 * Math.Max(1, Math.Abs(gm)), $"∂μ {gm:R} vs {fdMu:R}");
        Assert.True(Math.Abs(gs - fdS) <= 1e-9 * Math.Max(1, Math.Abs(gs)), $"∂log σ {gs:R} vs {fdS:R}");
    }

    /// <summary>Forward KL's gradient (closed form in p's moments) against differences of the reference's direct ∫ p log(p/q).</summary>
    [Fact]
    public void ForwardGradientMatchesDifferencesOfTheReference()
    {
        var p = Parse("0.5*T(5,-2,1) + 0.5*L(2,0.5)");
        var plan = new HeavyTailPlan(p);
        var moments = new TargetMoments<double> { Mean = p.Mean!.Value, Variance = p.Variance, Entropy = plan.Entropy() };
        var reference = Components(p);
        foreach (var (mu, sigma) in new[] { (0.3, 0.8), (-4.0, 5.0) })
        {
            double value = HeavyTailFitObjective.ValueAndGradient<double, F64, HeavyTailPlan>(FIntegrand.ForwardKl, mu, Math.Log(sigma),
                plan, moments, out double gm, out double gs);
            Assert.True(Math.Abs(value - Forward(reference, mu, sigma)) <= 1e-9 * Math.Abs(value));
            double fdMu = FivePoint(m => Forward(reference, m, sigma), mu, 1e-3);
            double fdS = FivePoint(s => Forward(reference, mu, Math.Exp(s)), Math.Log(sigma), 1e-3);
            Assert.True(Math.Abs(gm - fdMu) <= 1e-7 * Math.Max(1, Math.Abs(gm)), $"∂μ {gm:R} vs {fdMu:R}");
            Assert.True(Math.Abs(gs - fdS) <= 1e-7 * Math.Max(1, Math.Abs(gs)), $"∂log σ {gs:R} vs {fdS:R}");
        }
    }

    /// <summary>
    /// An independent minimizer: Newton in (μ, log σ) (or μ alone) on five-point differences of the reference value, a gradient
    /// step where the Hessian is not positive definite, each step halved until the value does not rise. It only ever
    /// descends, so it ends at minima.
    /// </summary>
    static (double Mu, double LogSigma, double Value) Minimize(Component[] p, double mu, double s, bool sigmaFixed = false)
    {
        double F(double m, double ls) => Reverse(p, m, Math.Exp(ls));
        const double h = 1e-3;
        double f = F(mu, s);
        for (int it = 0; it < 60; it++)
        {
            double fmp = F(mu + h, s), fmm = F(mu - h, s), fmp2 = F(mu + 2 * h, s), fmm2 = F(mu - 2 * h, s);
            double gm = (-fmp2 + 8 * fmp - 8 * fmm + fmm2) / (12 * h);
            double hmm = (-fmp2 + 16 * fmp - 30 * f + 16 * fmm - fmm2) / (12 * h * h);
            double dm, ds = 0, norm;
            if (sigmaFixed)
            {
                norm = Math.Abs(gm);
                dm = hmm > 0 ? -gm / hmm : -gm;
            }
            else
            {
                double fsp = F(mu, s + h), fsm = F(mu, s - h), fsp2 = F(mu, s + 2 * h), fsm2 = F(mu, s - 2 * h);
                double gs = (-fsp2 + 8 * fsp - 8 * fsm + fsm2) / (12 * h);
                double hss = (-fsp2 + 16 * fsp - 30 * f + 16 * fsm - fsm2) / (12 * h * h);
                double hms = (F(mu + h, s + h) - F(mu + h, s - h) - F(mu - h, s + h) + F(mu - h, s - h)) / (4 * h * h);
                norm = Math.Sqrt(gm * gm + gs * gs);
                double det = hmm * hss - hms * hms;
                if (hmm > 0 && det > 0) (dm, ds) = (-(hss * gm - hms * gs) / det, -(hmm * gs - hms * gm) / det);
                else (dm, ds) = (-gm, -gs);
            }
            if (norm < 1e-10) break;
            double t = 1;
            while (t > 1e-10 && F(mu + t * dm, s + t * ds) > f + 1e-14 * Math.Max(1, Math.Abs(f))) t /= 2;
            if (t <= 1e-10) break;
            (mu, s) = (mu + t * dm, s + t * ds);
            f = F(mu, s);
            if (t * Math.Sqrt(dm * dm + ds * ds) < 1e-13) break;
        }
        return (mu, s, f);
    }

    static List<(double Mu, double LogSigma, double Value)> IndependentMinima(Component[] p, IEnumerable<(double Mu, double LogSigma)> starts,
        bool sigmaFixed = false)
    {
        var found = new List<(double Mu, double LogSigma, double Value)>();
        foreach (var (mu, s) in starts)
        {
            var m = Minimize(p, mu, s, sigmaFixed);
            if (!found.Any(x => Math.Abs(x.Mu - m.Mu) < 1e-5 && Math.Abs(x.LogSigma - m.LogSigma) < 1e-5)) found.Add(m);
        }
        return found;
    }

    static void AssertSameMinima(List<(double Mu, double LogSigma, double Value)> expected, BasinReport report)
    {
        var minima = report.Basins.Where(b => b.Kind == StationaryKind.Minimum).ToList();
        Assert.True(expected.Count == minima.Count,
            $"expected {expected.Count} minima, found {minima.Count}: {string.Join("; ", minima.Select(b => $"({b.Mu:R}, {b.Sigma:R})"))}");
        foreach (var e in expected)
        {
            var b = minima.OrderBy(b => Math.Abs(b.Mu - e.Mu) + Math.Abs(Math.Log(b.Sigma) - e.LogSigma)).First();
            Assert.True(Math.Abs(b.Mu - e.Mu) <= 1e-6, $"μ {b.Mu:R} vs {e.Mu:R}");
            Assert.True(Math.Abs(Math.Log(b.Sigma) - e.LogSigma) <= 1e-6, $"log σ {Math.Log(b.Sigma):R} vs {e.LogSigma:R}");
            Assert.True(Math.Abs(b.Value - e.Value) <= 1e-9 * Math.Max(1, Math.Abs(e.Value)), $"value {b.Value:R} vs {e.Value:R}");
        }
    }

    /// <summary>Modes 10 scales apart: two mode-seeking minima and one broad one (at ±3 the broad one alone is left).</summary>
    const string TwoStudents = "0.5*T(3,-5,1) + 0.5*T(3,5,1)";

    static BasinsSettings Settings(HeavyTailedMixture p, int restarts, LocationScaleFamily? family = null, Divergence? divergence = null,
        int trajectories = 0)
    {
        var box = BasinsSettings.DefaultRanges(p);
        return new BasinsSettings(Target.HeavyTailed(p), divergence ?? Divergence.Reverse, family ?? FitFamily.Gaussian, restarts,
            BasinsSettings.DefaultSteps, Optimizer.Adam, BasinsSettings.DefaultLearningRate,
            new StartDesign(box.MuMin, box.MuMax, box.SigmaMin, box.SigmaMax, 1), BasinsSettings.DefaultTolerance,
            BasinsSettings.DefaultClusterRadius, trajectories, Precision.Double, AcceleratorKind.Cpu);
    }

    [Fact]
    public void TwoStudentModesMatchAnIndependentMultiStart()
    {
        var p = Parse(TwoStudents);
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        var run = BasinsJob.Compute(Settings(p, 96), engine);
        Assert.True(run.Report.Converged >= 0.9 * run.Report.Restarts, $"only {run.Report.Converged} of {run.Report.Restarts} converged");
        var expected = IndependentMinima(Components(p),
            [(-5, 0), (5, 0), (0, Math.Log(5)), (-3, Math.Log(2)), (2.5, Math.Log(0.5)), (0.2, Math.Log(8))]);
        Assert.True(expected.Count == 3, $"the test target has two modes and a broad minimum; the independent search found {expected.Count}");
        AssertSameMinima(expected, run.Report);
        // Symmetric target: the mode-seeking minima are mirror images.
        var modes = run.Report.Basins.Where(b => b.Kind == StationaryKind.Minimum && Math.Abs(b.Mu) > 1).OrderBy(b => b.Mu).ToList();
        Assert.Equal(2, modes.Count);
        Assert.True(Math.Abs(modes[0].Mu + modes[1].Mu) <= 1e-8 && Math.Abs(modes[0].Value - modes[1].Value) <= 1e-10);
    }

    [Fact]
    public void FixedSigmaMatchesAnIndependentMultiStart()
    {
        var p = Parse(TwoStudents);
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        var run = BasinsJob.Compute(Settings(p, 48, new FixedSigmaFamily(1)), engine);
        var expected = IndependentMinima(Components(p), new[] { -6.0, -3, 0.5, 3, 6 }.Select(m => (m, 0.0)), sigmaFixed: true);
        AssertSameMinima(expected, run.Report);
    }

    /// <summary>Forward KL has one minimum, moment matching: μ = m_p, σ² = V_p (a t's variance is s²ν/(ν − 2), a Laplace's 2b²).</summary>
    [Fact]
    public void ForwardKlFindsMomentMatching()
    {
        var p = Parse("0.5*T(5,-2,1) + 0.5*L(2,0.5)");
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        var run = BasinsJob.Compute(Settings(p, 32, divergence: Divergence.Forward), engine);
        var basin = Assert.Single(run.Report.Basins);
        double variance = 0.5 * (5.0 / 3 + 4) + 0.5 * (2 * 0.25 + 4);
        Assert.True(Math.Abs(basin.Mu) <= 1e-9, $"μ {basin.Mu:R}");
        Assert.True(Math.Abs(basin.Sigma - Math.Sqrt(variance)) <= 1e-9, $"σ {basin.Sigma:R} vs {Math.Sqrt(variance):R}");
        Assert.True(Math.Abs(basin.Value - Forward(Components(p), 0, Math.Sqrt(variance))) <= 1e-9 * Math.Abs(basin.Value));
    }

    [Fact]
    public void TheSimulatorAndParallelCSharpReachTheSameBasins()
    {
        var settings = Settings(Parse(TwoStudents), 12);
        using var parallel = TestAccelerators.Engine(CpuExecution.Parallel);
        using var simulator = TestAccelerators.Engine(CpuExecution.Simulator);
        var a = BasinsJob.Compute(settings, parallel);
        var b = BasinsJob.Compute(settings, simulator);
        Assert.Equal(a.Outcome.Status, b.Outcome.Status);
        Assert.Equal(a.Outcome.Steps, b.Outcome.Steps);
        for (int i = 0; i < a.Outcome.EndMu.Length; i++)
        {
            Assert.Equal(a.Outcome.EndMu[i], b.Outcome.EndMu[i], 1e-12);
            Assert.Equal(a.Outcome.EndLogSigma[i], b.Outcome.EndLogSigma[i], 1e-12);
        }
        Assert.Equal(a.Report.Basins.Count, b.Report.Basins.Count);
        for (int i = 0; i < a.Report.Basins.Count; i++)
        {
            Assert.Equal(a.Report.Basins[i].Count, b.Report.Basins[i].Count);
            Assert.Equal(a.Report.Basins[i].Mu, b.Report.Basins[i].Mu, 1e-12);
            Assert.Equal(a.Report.Basins[i].Sigma, b.Report.Basins[i].Sigma, 1e-12);
        }
    }

    /// <summary>Two Laplace modes 6 scales apart: every restart ends at one broad Gaussian over both, checked against the
    /// independent minimizer; the run's files are written.</summary>
    [Fact]
    public void CliFindsTheLaplaceBasin()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("basins", "--target", "0.5*L(-3,1) + 0.5*L(3,1)", "--restarts", "64", "--json", "--accelerator", "cpu",
            "--out", folder.Path, "--quiet");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal(64, root.GetProperty("restarts").GetInt32());
        Assert.Equal(64, root.GetProperty("converged").GetInt32());
        var basin = Assert.Single(root.GetProperty("basins").EnumerateArray());
        Assert.Equal("minimum", basin.GetProperty("kind").GetString());
        var expected = Minimize([new(ComponentKind.Laplace, 0.5, -3, 1), new(ComponentKind.Laplace, 0.5, 3, 1)], 0.5, Math.Log(2));
        Assert.True(Math.Abs(basin.GetProperty("mu").GetDouble() - expected.Mu) <= 1e-6);
        Assert.True(Math.Abs(Math.Log(basin.GetProperty("sigma").GetDouble()) - expected.LogSigma) <= 1e-6);
        Assert.True(Math.Abs(basin.GetProperty("value").GetDouble() - expected.Value) <= 1e-9);
        foreach (string file in new[] { "basins.json", "restarts.csv", "basins.png", "densities.png", "manifest.json" })
            Assert.True(File.Exists(folder.File(file)), $"{file} is missing");
    }

    [Theory]
    [InlineData("T(1.5,0,1)", "--divergence forward", "forward KL(p||q) is +∞ for every Gaussian q here")]
    [InlineData("0.5*L(-3,1) + 0.5*L(3,1)", "--divergence js", "js is not available for a target with Student-t or Laplace components")]
    [InlineData("0.5*L(-3,1) + 0.5*L(3,1)", "--family mixture:2", "--family: a target with Student-t or Laplace components takes a single Gaussian or Student-t q, not a 2-component mixture")]
    [InlineData("0.5*L(-3,1) + 0.5*L(3,1)", "--trajectories 4", "record no paths")]
    [InlineData("0.5*L(-3,1) + 0.5*L(3,1)", "--animate", "record no paths")]
    public void RefusedOptionsAreOneLineAndExitTwo(string target, string option, string message)
    {
        using var folder = new TempFolder();
        string output = Path.Combine(folder.Path, "run");
        var run = CliRun.Of(["basins", "--target", target, .. option.Split(' '), "--restarts", "4", "--accelerator", "cpu", "--out", output]);
        run.AssertUsageError();
        Assert.Contains(message, run.Stderr);
        Assert.False(Directory.Exists(output), "the run's folder was created");
    }
}
