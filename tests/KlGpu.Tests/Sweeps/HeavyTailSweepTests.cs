using KlGpu.Families;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Sweeps;
using KlGpu.Tests.Cli;
using Xunit;
using static KlGpu.Tests.HeavyTails.HeavyTailReference;
using TempFolder = KlGpu.Tests.Plotting.TempFolder;

namespace KlGpu.Tests.Sweeps;

/// <summary>
/// A sweep of the symmetric two-mode Student-t target 0.5·t₃(−d/2, 1) + 0.5·t₃(d/2, 1) under reverse KL: the mode-seeking
/// minima appear in mirror folds, then take over from the broad minimum at a switch. Both are checked with Newton on
/// five-point differences of the Gauss–Kronrod reference (<see cref="HeavyTails.HeavyTailReference"/>), which shares no
/// code with the kernels, their panels or the sweep.
/// </summary>
public class HeavyTailSweepTests
{
    const string Template = "0.5*T(3,-{d}/2,1) + 0.5*T(3,{d}/2,1)";

    static Component[] TwoStudents(double d) =>
        [new(ComponentKind.StudentT, 0.5, -d / 2, 1, 3), new(ComponentKind.StudentT, 0.5, d / 2, 1, 3)];

    const double H = 1e-3;

    /// <summary>Value, five-point gradient and Hessian in (μ, log σ) of the reference reverse KL.</summary>
    static (double F, double Gm, double Gs, double Hmm, double Hss, double Hms) Local(Component[] p, double mu, double s)
    {
        double F(double m, double ls) => Reverse(p, m, Math.Exp(ls));
        double f = F(mu, s);
        double fmp = F(mu + H, s), fmm = F(mu - H, s), fmp2 = F(mu + 2 * H, s), fmm2 = F(mu - 2 * H, s);
        double fsp = F(mu, s + H), fsm = F(mu, s - H), fsp2 = F(mu, s + 2 * H), fsm2 = F(mu, s - 2 * H);
        return (f,
            (-fmp2 + 8 * fmp - 8 * fmm + fmm2) / (12 * H),
            (-fsp2 + 8 * fsp - 8 * fsm + fsm2) / (12 * H),
            (-fmp2 + 16 * fmp - 30 * f + 16 * fmm - fmm2) / (12 * H * H),
            (-fsp2 + 16 * fsp - 30 * f + 16 * fsm - fsm2) / (12 * H * H),
            (F(mu + H, s + H) - F(mu + H, s - H) - F(mu - H, s + H) + F(mu - H, s - H)) / (4 * H * H));
    }

    /// <summary>Plain Newton for a stationary point (of any kind) near (μ, log σ): null if it leaves the radius or does not converge.</summary>
    static (double Mu, double LogSigma, double Value, bool Minimum)? Stationary(Component[] p, double mu, double s, double radius)
    {
        var (mu0, s0) = (mu, s);
        for (int it = 0; it < 40; it++)
        {
            var l = Local(p, mu, s);
            double det = l.Hmm * l.Hss - l.Hms * l.Hms;
            if (Math.Sqrt(l.Gm * l.Gm + l.Gs * l.Gs) < 1e-10) return (mu, s, l.F, l.Hmm > 0 && det > 0);
            if (det == 0) return null;
            mu -= (l.Hss * l.Gm - l.Hms * l.Gs) / det;
            s -= (l.Hmm * l.Gs - l.Hms * l.Gm) / det;
            if (Math.Max(Math.Abs(mu - mu0), Math.Abs(s - s0)) > radius) return null;
        }
        return null;
    }

    [Fact]
    public void StudentTFoldsAndSwitchAreConfirmedIndependently()
    {
        var settings = new SweepSettings(new TargetTemplate(Template), "d", new GridAxis(6, 10, 3), Divergence.Reverse, FitFamily.Gaussian,
            64, BasinsSettings.DefaultSteps, BasinsSettings.DefaultLearningRate, 1, null, null, Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        var result = SweepJob.Run(settings, engine);
        Assert.True(result.Points.All(pt => pt.Target is HeavyTailedTarget), "the template's instances are heavy-tailed targets");
        Assert.True(result.Transitions.Count == 3, $"expected two folds and a switch, got {string.Join("; ", result.Transitions)}");

        // Mirror folds: at d just above the fold a minimum exists next to the reported point, just below no stationary point does.
        var folds = result.Transitions.Where(t => t.Kind == TransitionKind.Fold).ToList();
        Assert.Equal(2, folds.Count);
        Assert.Equal(folds[0].Parameter, folds[1].Parameter, 9);
        Assert.Equal(-folds[0].Mu, folds[1].Mu, 4);
        var fold = folds.MaxBy(f => f.Mu)!;
        double s = Math.Log(fold.Sigma);
        const double offset = 1e-5;
        var above = Stationary(TwoStudents(fold.Parameter + offset), fold.Mu, s, 0.05);
        Assert.True(above is not null, $"no stationary point near the fold ({fold.Mu:R}, {fold.Sigma:R}) at d = {fold.Parameter + offset:R}");
        Assert.Null(Stationary(TwoStudents(fold.Parameter - offset), fold.Mu, s, 0.05));

        // The switch: the broad minimum and a mode-seeking one, polished independently on either side, trade places there.
        var sw = Assert.Single(result.Transitions, t => t.Kind == TransitionKind.Switch);
        Assert.NotNull(sw.OtherMu);
        double Gap(double d)
        {
            var a = Stationary(TwoStudents(d), sw.Mu, Math.Log(sw.Sigma), 0.05);
            var b = Stationary(TwoStudents(d), sw.OtherMu!.Value, Math.Log(sw.OtherSigma!.Value), 0.05);
            Assert.True(a is { Minimum: true } && b is { Minimum: true }, $"the switch's branches are not both minima at d = {d:R}");
            return a!.Value.Value - b!.Value.Value;
        }
        const double bracket = 1e-6;
        double below = Gap(sw.Parameter - bracket), beyond = Gap(sw.Parameter + bracket);
        Assert.True(below * beyond < 0, $"the branches' values do not cross within ±{bracket} of d = {sw.Parameter:R} (gaps {below:R}, {beyond:R})");
    }

    [Fact]
    public void ANonPositiveNuIsNamedWithItsValue()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("sweep", "--target-template", "0.5*T({nu},-2,1) + 0.5*T({nu},2,1)", "--param", "nu=-1:3:5", "--out", folder.Path);
        run.AssertUsageError();
        Assert.Contains("nu = -1", run.Stderr);
        Assert.Contains("ν must be positive", run.Stderr);
    }

    [Fact]
    public void ForwardKlWithAnInfiniteVarianceIsRefusedBeforeAnyWork()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("sweep", "--target-template", "0.5*T({nu},-2,1) + 0.5*T({nu},2,1)", "--param", "nu=1:5:5",
            "--divergence", "forward", "--out", folder.Path);
        run.AssertUsageError();
        Assert.Contains("nu = 1", run.Stderr);
        Assert.True(Directory.GetFiles(folder.Path).All(f => Path.GetFileName(f) == KlGpu.Output.OutputFolder.LockName), "files were written");
    }

    [Fact]
    public void TemplatesTakeLaplaceTermsAndExpressionWeights()
    {
        var p = new TargetTemplate("(1-{w})*L(-{w}*2,0.5) + {w}*T(5,(1+{w}),2)").At("w", 0.25).AsHeavyTailed;
        Assert.Equal([0.75, 0.25], p.Weights);
        Assert.Equal([ComponentKind.Laplace, ComponentKind.StudentT], p.Kinds);
        Assert.Equal([-0.5, 1.25], p.Means);
        Assert.Equal([0.5, 2.0], p.Scales);
        Assert.Equal([0.0, 5.0], p.Nus);
    }
}
