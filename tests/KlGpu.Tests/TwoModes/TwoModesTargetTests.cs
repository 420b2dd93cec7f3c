using KlGpu.Families;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Specs;
using KlGpu.Sweeps;
using KlGpu.Tests.Basins;
using KlGpu.Tests.Cli;
using Xunit;

namespace KlGpu.Tests.TwoModes;

/// <summary>
/// The d-dimensional target p = ½N(0, I) + ½N(u, I). The engine uses its exact split into the 1-D law along u and
/// N(0, I) across u; these tests check that split against the d-dimensional formula written out independently
/// (log p = −½‖x‖² − (d/2) log 2π + log(½ + ½ exp(u·x − ½‖u‖²)), with u·x a 1-D Gaussian or mixture under q or p,
/// integrated by Gauss–Kronrod), and that the basins do not depend on d.
/// </summary>
public class TwoModesTargetTests
{
    const double LogTwoPi = 1.8378770664093453;

    /// <summary>E[log(½ + ½ exp(S − ½sep²))] for S a mixture of Gaussians, by adaptive Gauss–Kronrod.</summary>
    static double ExpectedLogBlend(double sep, (double Weight, double Mean, double Std)[] s)
    {
        double LogBlend(double x)
        {
            double t = x - 0.5 * sep * sep;
            return (t > 0 ? t + Math.Log(1 + Math.Exp(-t)) : Math.Log(1 + Math.Exp(t))) - Math.Log(2);
        }
        double sum = 0;
        foreach (var (w, m, sd) in s)
        {
            double[] breaks = [.. Enumerable.Range(-8, 17).Select(k => m + 5 * k * sd)];
            var r = GaussKronrod.G10K21.Integrate(z => Math.Exp(-0.5 * Math.Pow((z - m) / sd, 2)) / (sd * Math.Sqrt(2 * Math.PI)) * LogBlend(z),
                breaks, 1e-14, 1e-15, 20000);
            Assert.True(r.Converged);
            sum += w * r.Value;
        }
        return sum;
    }

    /// <summary>KL(q||p) for diagonal q = N(μ, diag σ²) in d dimensions, straight from the d-dimensional log p.</summary>
    static double IndependentReverse(double sep, double[] mu, double[] sigma)
    {
        int d = mu.Length;
        double entropy = Sum(Enumerable.Range(0, d).Select(i => 0.5 * (LogTwoPi + 1) + Math.Log(sigma[i])));
        double squares = Sum(Enumerable.Range(0, d).Select(i => mu[i] * mu[i] + sigma[i] * sigma[i]));
        double expectedLogP = -0.5 * squares - 0.5 * d * LogTwoPi + ExpectedLogBlend(sep, [(1, sep * mu[0], sep * sigma[0])]);
        return -entropy - expectedLogP;
    }

    /// <summary>KL(p||q) for diagonal q, from p's mean (u/2), its variances (1 + sep²/4 along u, 1 across) and E_p[log p].</summary>
    static double IndependentForward(double sep, double[] mu, double[] sigma)
    {
        int d = mu.Length;
        double expectedLogP = -0.5 * (d + 0.5 * sep * sep) - 0.5 * d * LogTwoPi
            + ExpectedLogBlend(sep, [(0.5, 0, sep), (0.5, sep * sep, sep)]);
        double expectedLogQ = Sum(Enumerable.Range(0, d).Select(i =>
        {
            double mean = i == 0 ? sep / 2 : 0, variance = i == 0 ? 1 + sep * sep / 4 : 1;
            return -0.5 * LogTwoPi - Math.Log(sigma[i]) - (variance + Math.Pow(mean - mu[i], 2)) / (2 * sigma[i] * sigma[i]);
        }));
        return expectedLogP - expectedLogQ;
    }

    /// <summary>Neumaier's compensated sum: 10,000 terms summed naively would lose the digits the test checks.</summary>
    static double Sum(IEnumerable<double> terms)
    {
        double sum = 0, compensation = 0;
        foreach (double t in terms)
        {
            double next = sum + t;
            compensation += Math.Abs(sum) >= Math.Abs(t) ? (sum - next) + t : (t - next) + sum;
            sum = next;
        }
        return sum + compensation;
    }

    [Theory]
    [InlineData(2, 3.3, 1)]
    [InlineData(7, 3.3, 2)]
    [InlineData(7, 6.0, 3)]
    [InlineData(40, 1.5, 4)]
    public void TheSplitMatchesTheDDimensionalFormulaForAnyDiagonalQ(int d, double sep, int seed)
    {
        var rng = new SplitMix64((ulong)seed);
        double[] mu = [.. Enumerable.Range(0, d).Select(_ => -2 + 5 * rng.NextDouble())];
        double[] sigma = [.. Enumerable.Range(0, d).Select(_ => 0.3 + 2 * rng.NextDouble())];
        var p = Target.TwoModes(d, sep);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        var q1 = GaussianMixture.Gaussian(mu[0], sigma[0]);
        double reverse = engine.Reverse(p.Marginal, q1), forward = engine.Forward(p.Marginal, q1);
        for (int i = 1; i < d; i++)
        {
            reverse += GaussianKl.ReverseToStandard<double, F64>(mu[i], Math.Log(sigma[i]), out _, out _);
            forward += GaussianKl.ForwardFromStandard<double, F64>(mu[i], Math.Log(sigma[i]), out _, out _);
        }
        double expectedReverse = IndependentReverse(sep, mu, sigma), expectedForward = IndependentForward(sep, mu, sigma);
        Assert.True(Math.Abs(reverse - expectedReverse) < 1e-10 * Math.Max(1, expectedReverse), $"reverse {reverse:R} vs {expectedReverse:R}");
        Assert.True(Math.Abs(forward - expectedForward) < 1e-10 * Math.Max(1, expectedForward), $"forward {forward:R} vs {expectedForward:R}");
    }

    /// <summary>With the directions across u at their optimum, eval's numbers in 10,000 dimensions are the formula's.</summary>
    [Fact]
    public void EvalInTenThousandDimensionsMatchesTheFormula()
    {
        const int d = 10_000;
        var run = CliRun.Of("eval", "--target", $"two-modes(d={d}, sep=4)", "--q", "N(1.5,1.7)", "--json", "--accelerator", "cpu");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(run.Stdout);
        double[] mu = new double[d], sigma = new double[d];
        Array.Fill(sigma, 1.0);
        (mu[0], sigma[0]) = (1.5, 1.7);
        double reverse = doc.RootElement.GetProperty("reverse").GetDouble(), forward = doc.RootElement.GetProperty("forward").GetDouble();
        // The formula's terms grow like d and cancel: allow d·ε on top of the 1e-10 bar.
        Assert.True(Math.Abs(reverse - IndependentReverse(4, mu, sigma)) < 1e-10 + d * 1e-15, $"reverse {reverse:R} vs {IndependentReverse(4, mu, sigma):R}");
        Assert.True(Math.Abs(forward - IndependentForward(4, mu, sigma)) < 1e-10 + d * 1e-15, $"forward {forward:R} vs {IndependentForward(4, mu, sigma):R}");
        Assert.Equal("two-modes(d=10000, sep=4)", doc.RootElement.GetProperty("target").GetString());
    }

    static BasinsRun Basins(int d, double sep, Divergence divergence, int restarts, int steps)
    {
        var p = Target.TwoModes(d, sep);
        var box = BasinsSettings.DefaultRanges(p.Marginal);
        var settings = new BasinsSettings(p, divergence, FitFamily.Gaussian, restarts, steps, Optimizer.Adam, BasinsSettings.DefaultLearningRate,
            new StartDesign(box.MuMin, box.MuMax, box.SigmaMin, box.SigmaMax, 7), BasinsSettings.DefaultTolerance,
            BasinsSettings.DefaultClusterRadius, 0, Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        return BasinsJob.Compute(settings, engine);
    }

    /// <summary>
    /// Reverse KL at sep = 5.5 has three minima along u (the broad one and two mode-seeking ones). Restarts in 2d numbers
    /// find the same ones, from the same starts along u the same counts (Adam is per coordinate, so the path along u does
    /// not depend on d; a restart in more dimensions only stops later), and they agree with an independent multi-start
    /// on the 1-D law along u.
    /// </summary>
    [Fact]
    public void ReverseBasinsDoNotDependOnTheDimension()
    {
        const double sep = 5.5;
        var runs = new[] { 1, 3, 60 }.Select(d => (d, Run: Basins(d, sep, Divergence.Reverse, 192, BasinsSettings.DefaultSteps))).ToList();
        var expected = IndependentMultiStart.StationaryPoints(Target.TwoModes(1, sep).Marginal, reverse: true, null,
            from m in new[] { -1.0, 1.0, sep / 2, sep - 1, sep + 1 } from s in new[] { 0.0, 0.9 } select (m, s)).Where(e => e.IsMinimum).ToList();
        Assert.Equal(3, expected.Count);
        var reference = runs[0].Run.Report.Basins.Where(b => b.Kind == StationaryKind.Minimum).OrderBy(b => b.Mu).ToList();
        foreach (var (d, run) in runs)
        {
            Assert.Equal(run.Report.Restarts, run.Report.Converged);
            var minima = run.Report.Basins.Where(b => b.Kind == StationaryKind.Minimum).OrderBy(b => b.Mu).ToList();
            Assert.Equal(3, minima.Count);
            for (int k = 0; k < 3; k++)
            {
                var e = expected.OrderBy(e => Math.Abs(e.Mu - minima[k].Mu)).First();
                Assert.True(Math.Abs(minima[k].Mu - e.Mu) < 1e-6 && Math.Abs(minima[k].LogSigma - e.LogSigma) < 1e-6,
                    $"d = {d}: minimum ({minima[k].Mu:R}, {minima[k].Sigma:R}) vs independent ({e.Mu:R}, {Math.Exp(e.LogSigma):R})");
                Assert.True(Math.Abs(minima[k].Value - e.Value) < 1e-9, $"d = {d}: value {minima[k].Value:R} vs {e.Value:R}");
                Assert.True(minima[k].Count == reference[k].Count, $"d = {d}: {minima[k].Count} restarts reach {minima[k].Mu:G6}, {reference[k].Count} in 1-D");
            }
            if (d > 1)
                Assert.True(BasinsJob.AcrossDeviation(run) < 1e-5, $"d = {d}: across u a restart stopped {BasinsJob.AcrossDeviation(run):G3} from the optimum");
        }
    }

    /// <summary>Forward KL in any dimension has one minimum, moment matching along u: μ = sep/2, σ² = 1 + sep²/4.</summary>
    [Fact]
    public void ForwardBasinIsMomentMatchingInAnyDimension()
    {
        const double sep = 5;
        foreach (int d in new[] { 1, 5 })
        {
            var run = Basins(d, sep, Divergence.Forward, 24, 20_000);
            var b = Assert.Single(run.Report.Basins);
            Assert.Equal(StationaryKind.Minimum, b.Kind);
            Assert.True(Math.Abs(b.Mu - sep / 2) < 1e-9 && Math.Abs(b.Sigma - Math.Sqrt(1 + sep * sep / 4)) < 1e-9, $"d = {d}: ({b.Mu:R}, {b.Sigma:R})");
            Assert.True(run.Report.Converged == run.Report.Restarts, $"d = {d}: {run.Report.Restarts - run.Report.Converged} restarts did not converge");
        }
    }

    /// <summary>The one-command check of the literature's threshold: sweeping sep of the d-dimensional target gives the
    /// transitions of the 1-D symmetric target at d = sep, in any dimension.</summary>
    [Fact]
    public void SweepingTheSeparationGivesTheSameTransitionsInAnyDimension()
    {
        SweepResult Sweep(string template)
        {
            using var engine = KlEngine.Create(AcceleratorKind.Cpu);
            return SweepJob.Run(new SweepSettings(new TargetTemplate(template), "s", new GridAxis(4.6, 5.8, 4),
                Divergence.Reverse, FitFamily.Gaussian, 128, BasinsSettings.DefaultSteps, BasinsSettings.DefaultLearningRate, 1, null, null,
                Precision.Double, AcceleratorKind.Cpu), engine);
        }
        var oneD = Sweep("0.5*N(-{s}/2,1) + 0.5*N({s}/2,1)");
        var high = Sweep("two-modes(d=50, sep={s})");
        Assert.Contains(oneD.Transitions, t => t.Kind == TransitionKind.Fold);
        Assert.Contains(oneD.Transitions, t => t.Kind == TransitionKind.Switch);
        Assert.Equal(oneD.Transitions.Select(t => t.Kind).Order(), high.Transitions.Select(t => t.Kind).Order());
        foreach (var kind in oneD.Transitions.Select(t => t.Kind).Distinct())
            Assert.Equal(oneD.Transitions.Where(t => t.Kind == kind).Max(t => t.Parameter),
                high.Transitions.Where(t => t.Kind == kind).Max(t => t.Parameter), 6);
    }

    [Theory]
    [InlineData("two-modes(d=0, sep=5)", "integer from 1")]
    [InlineData("two-modes(d=2.5, sep=5)", "integer from 1")]
    [InlineData("two-modes(d=200000, sep=5)", "integer from 1")]
    [InlineData("two-modes(d=3, sep=-1)", "≥ 0")]
    [InlineData("two-modes(d=3)", "needs sep")]
    [InlineData("two-modes(sep=3)", "needs d")]
    [InlineData("two-modes(d=3, sep=1, nu=2)", "no parameter")]
    [InlineData("two-modes(d=3, d=4, sep=1)", "twice")]
    [InlineData("two-modes d=3", "expected two-modes(")]
    [InlineData("two-modes(d=3, sep=1/0)", "not a finite number")]
    public void BadTwoModesSpecsAreOneLineAndExitTwo(string spec, string says)
    {
        var run = CliRun.Of("eval", "--target", spec, "--q", "N(0,1)");
        run.AssertUsageError();
        Assert.Contains(says, run.Stderr);
    }

    [Theory]
    [InlineData("basins", "--family", "gaussian-fixed-sigma:1")]
    [InlineData("pressure", "--q", "N(0,1)")]
    [InlineData("landscape", "--family", "gaussian-fixed-sigma:1")]
    public void ViewsOnOneLineRefuseTheDDimensionalTarget(string command, string option, string value)
    {
        var run = CliRun.Of(command, "--target", "two-modes(d=3, sep=2)", option, value, "--out", Path.Combine(Path.GetTempPath(), "klgpu-never"));
        run.AssertUsageError();
        Assert.Contains("3-dimensional", run.Stderr);
    }

    [Fact]
    public void TheSpecPrintsBackAsItParses()
    {
        var p = TargetSpec.Parse(" Two-Modes( sep = 2*2.5 , d = 20 ) ");
        Assert.Equal("two-modes(d=20, sep=5)", p.ToString());
        Assert.Equal(20, p.Dimension);
        Assert.Equal(p.ToString(), TargetSpec.Parse(p.ToString()).ToString());
        Assert.Equal([0.0, 5.0], p.Marginal.Means);
    }
}
