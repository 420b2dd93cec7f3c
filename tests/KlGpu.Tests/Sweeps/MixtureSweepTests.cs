using KlGpu.Families;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Sweeps;
using KlGpu.Tests.Cli;
using KlGpu.Tests.MixtureBasins;
using KlGpu.Tests.Output;
using Xunit;

namespace KlGpu.Tests.Sweeps;

/// <summary>
/// A two-component q on the three-mode target 0.3 N(−d,1) + 0.4 N(0,1) + 0.3 N(d,1), reverse KL, d from 2.6 to 2.8: the
/// symmetric fit (w = ½, means ±m) loses stability in a subcritical pitchfork, after a mirror pair of lopsided minima has
/// appeared at a fold and taken over as the global minimum. Each transition is checked by <see cref="IndependentMixtureFit"/>
/// (Gauss–Kronrod values, difference gradients, BFGS), which shares no code with the sweep.
/// </summary>
public class MixtureSweepTests(MixtureSweepTests.Run run) : IClassFixture<MixtureSweepTests.Run>
{
    const string Template = "0.3*N(-{d},1) + 0.4*N(0,1) + 0.3*N({d},1)";

    public sealed class Run
    {
        public MixtureSweepResult Result { get; }

        public Run()
        {
            var settings = new SweepSettings(new TargetTemplate(Template), "d", new GridAxis(2.6, 2.8, 2), new DivergenceTemplate("reverse"),
                new MixtureFamily(2), 32, ThetaBasinsSettings.DefaultSteps, BasinsSettings.DefaultLearningRate, 1, null, null,
                Precision.Double, AcceleratorKind.Cpu);
            using var engine = KlEngine.Create(AcceleratorKind.Cpu);
            Result = MixtureSweepJob.Run(settings, engine);
        }
    }

    static GaussianMixture Target(double d) => new([0.3, 0.4, 0.3], [-d, 0, d], [1, 1, 1]);

    /// <summary>The independent minimum nearest q at d (BFGS from q), or null.</summary>
    static GaussianMixture? Minimum(double d, GaussianMixture q)
    {
        var x = IndependentMixtureFit.Minimize(Target(d), forward: false, IndependentMixtureFit.Coordinates(q), tolerance: 1e-9, maxIterations: 600);
        return x is null ? null : MixturePolish.Canonical(IndependentMixtureFit.Mixture(x));
    }

    static double Value(double d, GaussianMixture q) => IndependentMixtureFit.Value(Target(d), false, IndependentMixtureFit.Coordinates(q));

    [Fact]
    public void FoldsSwitchAndPitchforkComeInThatOrder()
    {
        var kinds = run.Result.Transitions.Select(t => t.Kind).ToArray();
        Assert.True(kinds.SequenceEqual([TransitionKind.Fold, TransitionKind.Fold, TransitionKind.Switch, TransitionKind.Pitchfork]),
            $"got {string.Join("; ", run.Result.Transitions.Select(t => $"{t.Kind} at {t.Parameter:R}"))}");
        Assert.Equal([1, 2], run.Result.Points.Select(p => p.Run.Minima).ToArray());
        var folds = run.Result.Transitions.Take(2).ToArray();
        Assert.Equal(folds[0].Parameter, folds[1].Parameter, 9);
        Assert.Equal(folds[0].Q.Means[0], -folds[1].Q.Means[1], 5); // mirror images
        Assert.Contains("subcritical", run.Result.Transitions[3].Description);
    }

    [Fact]
    public void TheFoldIsConfirmedIndependently()
    {
        var fold = run.Result.Transitions[0];
        const double offset = 1e-4;
        // Just past the fold a minimum lies next to the reported point; just before it, descent from there goes elsewhere.
        var after = Minimum(fold.Parameter + offset, fold.Q);
        Assert.True(after is not null && MixturePolish.Distance(after, fold.Q) < 0.05,
            $"no minimum near the fold's q at d = {fold.Parameter + offset:R}: {after}");
        var before = Minimum(fold.Parameter - offset, fold.Q);
        Assert.True(before is not null && MixturePolish.Distance(before, fold.Q) > 0.2,
            $"a minimum near the fold's q at d = {fold.Parameter - offset:R}: {before}");
    }

    [Fact]
    public void TheSwitchIsWhereTheValuesCross()
    {
        var sw = run.Result.Transitions[2];
        Assert.NotNull(sw.Other);
        const double bracket = 1e-5;
        double Gap(double d)
        {
            var a = Minimum(d, sw.Q);
            var b = Minimum(d, sw.Other!);
            Assert.True(a is not null && b is not null && MixturePolish.Distance(a, sw.Q) < 0.01 && MixturePolish.Distance(b, sw.Other!) < 0.01,
                $"the switch's branches are not both minima near the reported points at d = {d:R}");
            return Value(d, a!) - Value(d, b!);
        }
        double below = Gap(sw.Parameter - bracket), above = Gap(sw.Parameter + bracket);
        Assert.True(below < 0 && above > 0, $"the values do not cross within ±{bracket} of d = {sw.Parameter:R} (gaps {below:R}, {above:R})");
        // The symmetric fit gives way to a lopsided one.
        Assert.Equal(0.5, sw.Q.Weights[0], 9);
        Assert.True(Math.Abs(sw.Other!.Weights[0] - 0.5) > 0.1, $"{sw.Other}");
    }

    [Fact]
    public void ThePitchforkIsWhereTheSymmetricFitsSmallestEigenvalueChangesSign()
    {
        var pitchfork = run.Result.Transitions[3];
        Assert.Equal(0.5, pitchfork.Q.Weights[0], 9);
        Assert.Equal(-pitchfork.Q.Means[0], pitchfork.Q.Means[1], 6); // flat across the mirror there: Newton leaves ~1e-9
        // The symmetric point, found independently within the symmetric family (w = ½, means ±m, one std), and the smallest
        // eigenvalue of the full 5 × 5 independent Hessian there.
        double SmallestEigenvalue(double d)
        {
            var (m, s) = SymmetricStationary(d, pitchfork.Q.Means[1], Math.Log(pitchfork.Q.Stds[1]));
            double[] x = IndependentMixtureFit.Coordinates(Symmetric(m, s));
            return SymmetricEigen.Decompose(IndependentMixtureFit.Hessian(Target(d), false, x)).Values[0];
        }
        const double offset = 1e-3;
        double before = SmallestEigenvalue(pitchfork.Parameter - offset), after = SmallestEigenvalue(pitchfork.Parameter + offset);
        Assert.True(before > 0 && after < 0, $"λ_min {before:R} at d − {offset}, {after:R} at d + {offset}");
    }

    static GaussianMixture Symmetric(double m, double logS) => new([0.5, 0.5], [-m, m], [Math.Exp(logS), Math.Exp(logS)]);

    /// <summary>Newton in (m, log s) on the reference value of the symmetric fit, with five-point differences.</summary>
    static (double M, double LogS) SymmetricStationary(double d, double m, double s)
    {
        const double h = 1e-3;
        double F(double a, double b) => Value(d, Symmetric(a, b));
        double Dm(double a, double b) => (-F(a + 2 * h, b) + 8 * F(a + h, b) - 8 * F(a - h, b) + F(a - 2 * h, b)) / (12 * h);
        double Ds(double a, double b) => (-F(a, b + 2 * h) + 8 * F(a, b + h) - 8 * F(a, b - h) + F(a, b - 2 * h)) / (12 * h);
        for (int it = 0; it < 30; it++)
        {
            double gm = Dm(m, s), gs = Ds(m, s);
            if (Math.Sqrt(gm * gm + gs * gs) < 1e-10) return (m, s);
            double hmm = (Dm(m + h, s) - Dm(m - h, s)) / (2 * h), hss = (Ds(m, s + h) - Ds(m, s - h)) / (2 * h);
            double hms = 0.5 * ((Dm(m, s + h) - Dm(m, s - h)) + (Ds(m + h, s) - Ds(m - h, s))) / (2 * h);
            double det = hmm * hss - hms * hms;
            m -= (hss * gm - hms * gs) / det;
            s -= (hmm * gs - hms * gm) / det;
        }
        Assert.Fail($"no symmetric stationary point found at d = {d:R}");
        return (m, s);
    }

    /// <summary>
    /// As d falls to 0 the target becomes N(0, 1) and the symmetric fit's two components merge: Newton loses the branch
    /// where they are nearly one, and that end is a collapse, not a fold, because the single Gaussian fits as well there.
    /// </summary>
    [Fact]
    public void TheSymmetricFitAppearsFromACollapsedQNearZero()
    {
        var atHalf = Minimum(0.5, Symmetric(0.35, 0.01));
        Assert.NotNull(atHalf);
        var settings = new SweepSettings(new TargetTemplate(Template), "d", new GridAxis(0, 0.5, 2), new DivergenceTemplate("reverse"),
            new MixtureFamily(2), 1, 1, 0.05, 1, null, null, Precision.Double, AcceleratorKind.Cpu);
        var t = Assert.Single(new MixtureTransitionFinder(settings).Find([(0.0, []), (0.5, [atHalf!])]));
        Assert.Equal(TransitionKind.Collapse, t.Kind);
        Assert.Contains("appears from a collapsed q", t.Description);
        Assert.InRange(t.Parameter, 0, 0.5);
        // Independently: there, the best single Gaussian is as good as the reported two-component q.
        var single = IndependentMixtureFit.Minimize(Target(t.Parameter), false, [0.0, 0.0], tolerance: 1e-9);
        Assert.NotNull(single);
        double gap = Value(t.Parameter, t.Q) - IndependentMixtureFit.Value(Target(t.Parameter), false, single!);
        Assert.True(Math.Abs(gap) < 1e-4, $"the two-component q and the single Gaussian differ by {gap:R} at d = {t.Parameter:R}");
    }

    /// <summary>Restarts that miss one of two mirror minima at a value do not make it vanish there: the neighbour's continues to it.</summary>
    [Fact]
    public void AMinimumTheRestartsMissedIsNoTransition()
    {
        var left = new GaussianMixture([0.2831, 0.7169], [-2.763, 0.9893], [1.059, 1.802]);
        var right = new GaussianMixture([0.7169, 0.2831], [-0.9893, 2.763], [1.802, 1.059]);
        var (left28, right28, left30) = (Minimum(2.8, left), Minimum(2.8, right), Minimum(3.0, left));
        Assert.True(left28 is not null && right28 is not null && left30 is not null, "the lopsided minima at d = 2.8 and 3");
        var settings = new SweepSettings(new TargetTemplate(Template), "d", new GridAxis(2.8, 3.0, 2), new DivergenceTemplate("reverse"),
            new MixtureFamily(2), 1, 1, 0.05, 1, null, null, Precision.Double, AcceleratorKind.Cpu);
        var found = new MixtureTransitionFinder(settings).Find([(2.8, [left28!, right28!]), (3.0, [left30!])]);
        Assert.True(found.Count == 0, $"got {string.Join("; ", found.Select(t => $"{t.Kind} at {t.Parameter:R}"))}");
    }

    [Fact]
    public void TheFilesHoldMixturesAndTheManifestRecordsTheSweep()
    {
        using var folder = new TempFolder();
        var files = SweepOutput.Write(run.Result, folder.Path);
        Assert.Equal(["bifurcation.png", "manifest.json", "sweep.csv", "sweep.json"], files.Select(f => f.Path).Order().ToArray());
        string json = File.ReadAllText(Path.Combine(folder.Path, "sweep.json"));
        Assert.Contains("\"weights\"", json);
        Assert.Contains("\"kind\": \"pitchfork\"", json);
        var csv = File.ReadAllLines(Path.Combine(folder.Path, "sweep.csv"));
        Assert.Equal("d,basin,kind,value,fraction,count,weight1,weight2,mean1,mean2,std1,std2", csv[0]);
        Assert.Equal(run.Result.Points.Sum(p => p.Run.Basins.Count), csv.Length - 1);
        Assert.Contains("\"family\": \"mixture:2\"", json);
        // The parameters that replay the sweep come from the CLI's table (RunFileTests); a library call has none to record.
        string manifest = File.ReadAllText(Path.Combine(folder.Path, "manifest.json"));
        Assert.Contains("\"parameters\": null", manifest);
    }

    [Fact]
    public void TheCliSweepsAMixtureAndPrintsJson()
    {
        using var folder = new TempFolder();
        var cli = CliRun.Of(["sweep", "--family", "mixture:2", "--target-template", "0.5*N(-{d},1) + 0.5*N({d},1)", "--param", "d=2:3:2",
            "--restarts", "8", "--steps", "400", "--json", "--quiet", "--out", folder.Path]);
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(cli.Stdout);
        var values = doc.RootElement.GetProperty("values");
        Assert.Equal(2, values.GetArrayLength());
        // Two components fit a two-mode target exactly: every value's best basin is p itself.
        foreach (var v in values.EnumerateArray())
        {
            var best = v.GetProperty("basins")[0];
            Assert.True(best.GetProperty("value").GetDouble() < 1e-8, v.ToString());
            Assert.Equal(v.GetProperty("param").GetDouble(), best.GetProperty("means")[1].GetDouble(), 4);
        }
        Assert.Equal(System.Text.Json.JsonValueKind.Array, doc.RootElement.GetProperty("transitions").ValueKind);
    }
}
