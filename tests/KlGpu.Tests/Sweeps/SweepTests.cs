using KlGpu.Families;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Sweeps;
using KlGpu.Tests.Basins;
using KlGpu.Tests.Cli;
using KlGpu.Tests.Plotting;
using Xunit;

namespace KlGpu.Tests.Sweeps;

/// <summary>Transitions of the symmetric two-mode target, each checked by a computation that shares no code with the sweep.</summary>
public class SweepTests
{
    const string Template = "0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)";

    static SweepResult Sweep(double from, double to, int count, FitFamily family)
    {
        var settings = new SweepSettings(new TargetTemplate(Template), "d", new GridAxis(from, to, count), Divergence.Reverse, family,
            256, BasinsSettings.DefaultSteps, BasinsSettings.DefaultLearningRate, 1, (-6, 6), (0.2, 6), Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        return SweepJob.Run(settings, engine);
    }

    static GaussianMixture TwoModes(double d) => new([0.5, 0.5], [-d / 2, d / 2], [1, 1]);

    /// <summary>
    /// With σ = 1 fixed, log p = −x²/2 + log cosh(a x) + const (a = d/2), so d²KL/dμ² at μ = 0 is 1 − a² E[sech²(aZ)]:
    /// the pitchfork is where that vanishes, found here by bisection on a Gauss–Kronrod integral.
    /// </summary>
    [Fact]
    public void TheFixedSigmaPitchforkIsWhereTheSymmetricCurvatureVanishes()
    {
        var result = Sweep(1, 4, 13, new FixedSigmaFamily(1.0));
        var t = Assert.Single(result.Transitions);
        Assert.Equal(TransitionKind.Pitchfork, t.Kind);
        Assert.Equal(0, t.Mu, 6);

        double Curvature(double a) => 1 - a * a * GaussKronrod.G10K21.Integrate(
            x => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI) / Math.Pow(Math.Cosh(a * x), 2), [-40.0, 0.0, 40.0]).Value;
        double lo = 0.5, hi = 2;
        while (hi - lo > 1e-12) { double mid = 0.5 * (lo + hi); if (Curvature(mid) > 0) lo = mid; else hi = mid; }
        Assert.True(Math.Abs(t.Parameter - 2 * lo) < 1e-6, $"pitchfork at d = {t.Parameter:R}, independent {2 * lo:R}");
    }

    /// <summary>
    /// With σ free the mode-seeking minima appear in mirror folds, and later take over as the global minimum. Checked with the
    /// reference quadrature and a Newton of its own: a stationary point exists near the fold just above it and none just below;
    /// the two branches' values cross at the switch.
    /// </summary>
    [Fact]
    public void TheFreeSigmaFoldsAndSwitchAreConfirmedIndependently()
    {
        var result = Sweep(4, 6, 9, FitFamily.Gaussian);
        var folds = result.Transitions.Where(t => t.Kind == TransitionKind.Fold).ToList();
        Assert.Equal(2, folds.Count);
        Assert.Equal(folds[0].Parameter, folds[1].Parameter, 9);
        Assert.Equal(-folds[0].Mu, folds[1].Mu, 4);
        var fold = folds.MaxBy(f => f.Mu)!;
        double s = Math.Log(fold.Sigma);
        var above = IndependentMultiStart.NewtonFrom(TwoModes(fold.Parameter + 1e-3), true, fold.Mu, s, 0.2);
        Assert.True(above is not null, $"no stationary point near the fold ({fold.Mu:R}, {fold.Sigma:R}) at d = {fold.Parameter + 1e-3:R}; at +1e-2: {IndependentMultiStart.NewtonFrom(TwoModes(fold.Parameter + 1e-2), true, fold.Mu, s, 0.2)}");
        Assert.Null(IndependentMultiStart.NewtonFrom(TwoModes(fold.Parameter - 1e-3), true, fold.Mu, s, 0.2));

        var sw = Assert.Single(result.Transitions, t => t.Kind == TransitionKind.Switch);
        Assert.NotNull(sw.OtherMu);
        double Gap(double d)
        {
            var a = IndependentMultiStart.NewtonFrom(TwoModes(d), true, sw.Mu, Math.Log(sw.Sigma), 0.5)!;
            var b = IndependentMultiStart.NewtonFrom(TwoModes(d), true, sw.OtherMu!.Value, Math.Log(sw.OtherSigma!.Value), 0.5)!;
            return a.Value - b.Value;
        }
        Assert.True(Gap(sw.Parameter - 1e-5) * Gap(sw.Parameter + 1e-5) < 0, "the branches' values do not cross at the reported switch");
    }

    [Fact]
    public void CliWritesTheFilesAndPrintsJsonTransitions()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("sweep", "--target-template", Template, "--param", "d=1:4:7", "--family", "gaussian-fixed-sigma:1",
            "--restarts", "64", "--mu", "-4:4", "--json", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(run.Stdout);
        Assert.Equal(7, doc.RootElement.GetProperty("values").GetArrayLength());
        var transition = Assert.Single(doc.RootElement.GetProperty("transitions").EnumerateArray().ToArray());
        Assert.Equal("pitchfork", transition.GetProperty("kind").GetString());
        foreach (string name in new[] { "sweep.json", "sweep.csv", "bifurcation.png", "manifest.json" })
            Assert.True(File.Exists(folder.File(name)), $"{name} was not written");
    }

    [Theory]
    [InlineData("a placeholder not in --param", new[] { "--target-template", "0.5*N(-{d}/2,{s}) + 0.5*N({d}/2,1)", "--param", "d=1:2:3" })]
    [InlineData("a --param name not in the template", new[] { "--target-template", Template, "--param", "x=1:2:3" })]
    [InlineData("an inverted range", new[] { "--target-template", Template, "--param", "d=3:1:5" })]
    [InlineData("values that make a std zero", new[] { "--target-template", "0.5*N(-1,{s}) + 0.5*N(1,1)", "--param", "s=0:1:5" })]
    [InlineData("no placeholder", new[] { "--target-template", "N(0,1)", "--param", "d=0:1:3" })]
    [InlineData("a malformed expression", new[] { "--target-template", "0.5*N(-{d}/,1) + 0.5*N({d}/2,1)", "--param", "d=1:2:3" })]
    public void BadInputIsOneLineAndExitTwo(string why, string[] args)
    {
        using var folder = new TempFolder();
        var run = CliRun.Of(["sweep", "--out", folder.Path, .. args]);
        run.AssertUsageError();
        Assert.True(Directory.GetFiles(folder.Path).Length == 0, $"{why}: files were written");
    }

    [Fact]
    public void AnInvalidValueIsNamedInTheMessage()
    {
        var run = CliRun.Of("sweep", "--target-template", "0.5*N(-1,{s}) + 0.5*N(1,1)", "--param", "s=0:1:5", "--out", Path.GetTempPath());
        Assert.Contains("s = 0", run.Stderr);
    }
}
