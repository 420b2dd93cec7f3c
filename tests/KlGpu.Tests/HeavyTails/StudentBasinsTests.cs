using KlGpu.Families;
using System.Text.Json;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
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
/// Basins of q = t_ν(μ, s) with ν fixed: the analytic gradient in (μ, log s) against five-point differences of the independent
/// Gauss–Kronrod value (<see cref="HeavyTailReference"/>); the restarts and polish against an independent Newton multi-start on
/// that reference; a Gaussian target fitted with ν = 1000 against the Gaussian answer; the CLI; bad input.
/// </summary>
public class StudentBasinsTests
{
    static Component[] Components(Target p)
    {
        var h = p.AsHeavyTailed;
        return Enumerable.Range(0, h.Count).Select(k => new Component(h.Kinds[k], h.Weights[k], h.Means[k], h.Scales[k], h.Nus[k])).ToArray();
    }

    static double ReferenceValue(Component[] p, bool reverse, double nu, double mu, double logScale) =>
        reverse ? ReverseStudent(p, nu, mu, Math.Exp(logScale)) : ForwardStudent(p, nu, mu, Math.Exp(logScale));

    static double FivePoint(Func<double, double> f, double x, double h) =>
        (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h);

    public static TheoryData<string, bool, double, double, double> GradientCases() => new()
    {
        { "0.5*N(-3,1) + 0.5*N(3,1)", true, 3, -2.5, 0.7 },
        { "0.5*N(-3,1) + 0.5*N(3,1)", false, 3, 0.4, 2.5 },
        { "0.5*N(-3,1) + 0.5*N(3,1)", false, 1, 1.0, 1.5 },
        { "0.3*N(-1,0.5) + 0.7*N(2,1.5)", true, 5, 1.2, 1.1 },
        { "0.5*T(3,-2,1) + 0.5*L(2,0.5)", true, 1, -1.5, 0.8 },
        { "0.5*T(3,-2,1) + 0.5*L(2,0.5)", false, 1, 0.5, 2.0 },
        { "T(1,0,2)", true, 3, 0.7, 1.3 },
    };

    /// <summary>Steps of 1e-3 in μ/s and in log s: the five-point truncation error is near h⁴ ≈ 1e-12 and the reference's
    /// 1e-14 tolerance over 12h leaves about 1e-12 more, so 1e-9 (relative to max(1, |g|)) fails any wrong term.</summary>
    [Theory]
    [MemberData(nameof(GradientCases))]
    public void GradientMatchesFivePointDifferencesOfTheReference(string spec, bool reverse, double nu, double mu, double scale)
    {
        var target = TargetSpec.Parse(spec, heavyTails: true);
        var p = Components(target);
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        double logScale = Math.Log(scale);
        var (value, gm, gs) = engine.Gradient(target, FitFamily.Student(nu), reverse ? Divergence.Reverse : Divergence.Forward, [mu], [logScale]);
        double expected = ReferenceValue(p, reverse, nu, mu, logScale);
        Assert.True(Math.Abs(value[0] - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"value {value[0]:R} vs {expected:R}");
        double fdMu = FivePoint(m => ReferenceValue(p, reverse, nu, m, logScale), mu, 1e-3 * scale);
        double fdS = FivePoint(s => ReferenceValue(p, reverse, nu, mu, s), logScale, 1e-3);
        Assert.True(Math.Abs(gm[0] - fdMu) <= 1e-9 * Math.Max(1, Math.Abs(fdMu)), $"∂μ {gm[0]:R} vs {fdMu:R} (diff {gm[0] - fdMu:G3})");
        Assert.True(Math.Abs(gs[0] - fdS) <= 1e-9 * Math.Max(1, Math.Abs(fdS)), $"∂log s {gs[0]:R} vs {fdS:R} (diff {gs[0] - fdS:G3})");
    }

    /// <summary>
    /// An independent minimizer on the reference value F(μ, log s): Newton on five-point differences (gradient) and
    /// central differences (Hessian), a gradient step where the Hessian is not positive definite, each step halved until F does
    /// not rise. It only descends, so it ends at minima.
    /// </summary>
    static (double Mu, double LogScale, double Value) Minimize(Func<double, double, double> f, double mu, double s)
    {
        const double h = 1e-3;
        double value = f(mu, s);
        for (int it = 0; it < 40; it++)
        {
            double gm = FivePoint(m => f(m, s), mu, h), gs = FivePoint(x => f(mu, x), s, h);
            double hmm = (f(mu + h, s) - 2 * value + f(mu - h, s)) / (h * h);
            double hss = (f(mu, s + h) - 2 * value + f(mu, s - h)) / (h * h);
            double hms = (f(mu + h, s + h) - f(mu + h, s - h) - f(mu - h, s + h) + f(mu - h, s - h)) / (4 * h * h);
            if (Math.Sqrt(gm * gm + gs * gs) < 1e-10) break;
            double det = hmm * hss - hms * hms, dm, ds;
            if (hmm > 0 && det > 0) (dm, ds) = (-(hss * gm - hms * gs) / det, -(hmm * gs - hms * gm) / det);
            else (dm, ds) = (-gm, -gs);
            double t = 1;
            while (t > 1e-10 && f(mu + t * dm, s + t * ds) > value + 1e-14 * Math.Max(1, Math.Abs(value))) t /= 2;
            if (t <= 1e-10) break;
            (mu, s) = (mu + t * dm, s + t * ds);
            value = f(mu, s);
            if (t * Math.Sqrt(dm * dm + ds * ds) < 1e-12) break;
        }
        return (mu, s, value);
    }

    static BasinsSettings Settings(Target p, double nu, Divergence divergence, int restarts)
    {
        var box = BasinsSettings.DefaultRanges(p);
        return new BasinsSettings(p, divergence, FitFamily.Student(nu), restarts, BasinsSettings.DefaultSteps, Optimizer.Adam,
            BasinsSettings.DefaultLearningRate, new StartDesign(box.MuMin, box.MuMax, box.SigmaMin, box.SigmaMax, 1),
            BasinsSettings.DefaultTolerance, BasinsSettings.DefaultClusterRadius, 0, Precision.Double, AcceleratorKind.Cpu);
    }

    /// <summary>Two Gaussian modes 6 apart, ν = 3: reverse KL has two mirror-image mode-seeking minima; the restarts and polish
    /// find both, where an independent Newton multi-start on the Gauss–Kronrod value puts them.</summary>
    [Fact]
    public void TwoModesMatchAnIndependentMultiStart()
    {
        const double nu = 3;
        var target = TargetSpec.Parse("0.5*N(-3,1) + 0.5*N(3,1)");
        var p = Components(target);
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        var run = BasinsJob.Compute(Settings(target, nu, Divergence.Reverse, 12), engine);
        Assert.Equal(run.Report.Restarts, run.Report.Converged);
        var minima = run.Report.Basins.Where(b => b.Kind == StationaryKind.Minimum).OrderBy(b => b.Mu).ToList();
        Assert.Equal(2, minima.Count);
        var right = Minimize((m, s) => ReverseStudent(p, nu, m, Math.Exp(s)), 2.5, Math.Log(0.8));
        foreach (var (b, sign) in new[] { (minima[0], -1.0), (minima[1], 1.0) })
        {
            Assert.True(Math.Abs(b.Mu - sign * right.Mu) <= 1e-6, $"μ {b.Mu:R} vs {sign * right.Mu:R}");
            Assert.True(Math.Abs(Math.Log(b.Sigma) - right.LogScale) <= 1e-6, $"log s {Math.Log(b.Sigma):R} vs {right.LogScale:R}");
            Assert.True(Math.Abs(b.Value - right.Value) <= 1e-9 * Math.Abs(right.Value), $"value {b.Value:R} vs {right.Value:R}");
        }
    }

    /// <summary>
    /// As ν → ∞ t_ν(μ, s) tends to N(μ, s), so against p = N(1, 2) with ν = 1000 both KLs' minima are near the Gaussian answer
    /// (μ = 1, s = 2, KL 0): t_ν's variance is s²ν/(ν − 2), so moment matching (forward KL) puts s near 2√(1 − 2/ν), and the
    /// excess kurtosis 6/(ν − 4) moves the optimum by O(1/ν). Stated tolerance: |s − 2| ≤ 4/ν·2, μ = 1 to 1e-9 (symmetry), KL ≤ 1e-5.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LargeNuApproachesTheGaussianAnswer(bool reverse)
    {
        const double nu = 1000;
        var target = TargetSpec.Parse("N(1,2)");
        using var engine = TestAccelerators.Engine(CpuExecution.Parallel);
        var run = BasinsJob.Compute(Settings(target, nu, reverse ? Divergence.Reverse : Divergence.Forward, 8), engine);
        var basin = Assert.Single(run.Report.Basins);
        Assert.Equal(StationaryKind.Minimum, basin.Kind);
        Assert.True(Math.Abs(basin.Mu - 1) <= 1e-9, $"μ {basin.Mu:R}");
        Assert.True(Math.Abs(basin.Sigma - 2) <= 4.0 / nu * 2, $"s {basin.Sigma:R}");
        Assert.True(basin.Value >= 0 && basin.Value <= 1e-5, $"KL {basin.Value:R}");
        if (!reverse) Assert.True(Math.Abs(basin.Sigma - 2 * Math.Sqrt(1 - 2 / nu)) <= 0.5 / nu * 2,
            $"s {basin.Sigma:R} vs moment matching {2 * Math.Sqrt(1 - 2 / nu):R}");
    }

    /// <summary>The kernel on ILGPU's CPU simulator takes the same steps to the same end points as in parallel C#.</summary>
    [Fact]
    public void TheSimulatorAndParallelCSharpAgree()
    {
        var settings = Settings(TargetSpec.Parse("0.5*T(3,-2,1) + 0.5*L(2,0.5)", heavyTails: true), 4, Divergence.Forward, 4);
        using var parallel = TestAccelerators.Engine(CpuExecution.Parallel);
        using var simulator = TestAccelerators.Engine(CpuExecution.Simulator);
        var a = BasinsJob.Compute(settings, parallel).Outcome;
        var b = BasinsJob.Compute(settings, simulator).Outcome;
        Assert.Equal(a.Status, b.Status);
        Assert.Equal(a.Steps, b.Steps);
        for (int i = 0; i < a.EndMu.Length; i++)
        {
            Assert.Equal(a.EndMu[i], b.EndMu[i], 1e-12);
            Assert.Equal(a.EndLogSigma[i], b.EndLogSigma[i], 1e-12);
        }
    }

    [Fact]
    public void CliWritesAStudentRun()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("basins", "--family", "student:1000", "--target", "N(1,2)", "--divergence", "forward", "--restarts", "4",
            "--json", "--accelerator", "cpu", "--out", folder.Path, "--quiet");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal("student:1000", doc.RootElement.GetProperty("family").GetString());
        var basin = Assert.Single(doc.RootElement.GetProperty("basins").EnumerateArray());
        Assert.True(Math.Abs(basin.GetProperty("mu").GetDouble() - 1) <= 1e-9);
        foreach (string file in new[] { "basins.json", "restarts.csv", "basins.png", "densities.png", "manifest.json" })
            Assert.True(File.Exists(folder.File(file)), $"{file} is missing");
    }

    [Theory]
    [InlineData("0.5*N(-3,1) + 0.5*N(3,1)", "--family student:2", "reverse KL(q||p) is +∞ for every t_2 q here")]
    [InlineData("0.5*N(-3,1) + 0.5*N(3,1)", "--family student:3 --divergence neyman", "neyman is not available for this Student-t q")]
    [InlineData("0.5*N(-3,1) + 0.5*N(3,1)", "--family student:3 --trajectories 2", "record no paths")]
    [InlineData("0.5*N(-3,1) + 0.5*N(3,1)", "--family student:0", "student:NU needs ν > 0")]
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
