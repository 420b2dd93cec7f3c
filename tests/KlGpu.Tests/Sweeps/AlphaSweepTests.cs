using KlGpu.Families;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Sweeps;
using KlGpu.Tests.Cli;
using KlGpu.Tests.Output;
using Xunit;

namespace KlGpu.Tests.Sweeps;

/// <summary>
/// The α sweep from reverse KL (α = 0) to forward KL (α = 1) on 0.5N(−3,1) + 0.5N(3,1): the mode-seeking minima lose the
/// global minimum to the broad central one, then vanish in mirror folds. Each transition is confirmed by an α-divergence
/// written out here from its definition, integrated by the Gauss–Kronrod reference, and searched by Newton on its own
/// five-point differences: no code shared with the panels, the analytic gradient or the sweep.
/// </summary>
public class AlphaSweepTests
{
    static readonly GaussianMixture P = new([0.5, 0.5], [-3, 3], [1, 1]);

    static SweepResult Sweep()
    {
        var settings = new SweepSettings(new TargetTemplate(P.ToString()), "a", new GridAxis(0, 0.6, 4), new DivergenceTemplate("alpha:{a}"),
            FitFamily.Gaussian, 64, BasinsSettings.DefaultSteps, BasinsSettings.DefaultLearningRate, 1, (-5, 5), (0.5, 4), Precision.Double,
            AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        return SweepJob.Run(settings, engine);
    }

    /// <summary>D_α = (1 − ∫p^α q^{1−α})/(α(1 − α)), the integrand from log-densities written here.</summary>
    static double Alpha(double a, double mu, double s)
    {
        var q = GaussianMixture.Gaussian(mu, Math.Exp(s));
        static double LogNormal(double x, double m, double sd) => -0.5 * Math.Pow((x - m) / sd, 2) - Math.Log(sd) - 0.5 * Math.Log(2 * Math.PI);
        double LogP(double x)
        {
            double a1 = Math.Log(0.5) + LogNormal(x, -3, 1), a2 = Math.Log(0.5) + LogNormal(x, 3, 1), hi = Math.Max(a1, a2);
            return hi + Math.Log(Math.Exp(a1 - hi) + Math.Exp(a2 - hi));
        }
        double integral = ReferenceKl.Integrate(x => Math.Exp(a * LogP(x) + (1 - a) * LogNormal(x, mu, Math.Exp(s))), P, q).Value;
        return (1 - integral) / (a * (1 - a));
    }

    const double H = 1e-3;

    static (double Mu, double S) Gradient(double a, double mu, double s)
    {
        static double Stencil(Func<double, double> f) => (f(-2 * H) - 8 * f(-H) + 8 * f(H) - f(2 * H)) / (12 * H);
        return (Stencil(o => Alpha(a, mu + o, s)), Stencil(o => Alpha(a, mu, s + o)));
    }

    /// <summary>Newton on the difference gradient, steps at most 0.02 (a fold's Hessian is nearly singular): the stationary
    /// point nearest (μ, s), or null if none lies within <paramref name="reach"/>.</summary>
    static (double Mu, double S, double Value)? Newton(double a, double mu, double s, double reach)
    {
        double mu0 = mu, s0 = s;
        var g = Gradient(a, mu, s);
        for (int it = 0; it < 200 && Math.Sqrt(g.Mu * g.Mu + g.S * g.S) > 1e-9; it++)
        {
            var gm = Gradient(a, mu + H, s);
            var gs = Gradient(a, mu, s + H);
            double hmm = (gm.Mu - g.Mu) / H, hss = (gs.S - g.S) / H, hms = 0.5 * ((gm.S - g.S) + (gs.Mu - g.Mu)) / H;
            double det = hmm * hss - hms * hms;
            double dm = (hss * g.Mu - hms * g.S) / det, ds = (hmm * g.S - hms * g.Mu) / det;
            double length = Math.Max(Math.Abs(dm), Math.Abs(ds));
            if (length > 0.02) (dm, ds) = (dm * 0.02 / length, ds * 0.02 / length);
            (mu, s) = (mu - dm, s - ds);
            if (!double.IsFinite(mu) || !double.IsFinite(s) || Math.Max(Math.Abs(mu - mu0), Math.Abs(s - s0)) > reach) return null;
            g = Gradient(a, mu, s);
        }
        return Math.Sqrt(g.Mu * g.Mu + g.S * g.S) > 1e-7 ? null : (mu, s, Alpha(a, mu, s));
    }

    [Fact]
    public void TheSwitchAndTheFoldsAreConfirmedIndependently()
    {
        var result = Sweep();
        Assert.Equal(3, result.Points[0].Report.Minima); // α = 0 is reverse KL: both modes and the broad centre
        Assert.Equal(1, result.Points[^1].Report.Minima);

        var folds = result.Transitions.Where(t => t.Kind == TransitionKind.Fold).ToList();
        Assert.Equal(2, folds.Count);
        Assert.Equal(folds[0].Parameter, folds[1].Parameter, 9);
        Assert.Equal(-folds[0].Mu, folds[1].Mu, 4);
        var fold = folds.MaxBy(f => f.Mu)!;
        double s = Math.Log(fold.Sigma);
        Assert.True(Newton(fold.Parameter - 1e-3, fold.Mu, s, 0.2) is not null, $"no stationary point near the fold ({fold.Mu:R}, {fold.Sigma:R}) just below α = {fold.Parameter:R}");
        Assert.True(Newton(fold.Parameter + 1e-3, fold.Mu, s, 0.2) is null, $"a stationary point remains near the fold just above α = {fold.Parameter:R}");

        var sw = Assert.Single(result.Transitions, t => t.Kind == TransitionKind.Switch);
        Assert.True(sw.Parameter < fold.Parameter);
        double Gap(double a)
        {
            var mode = Newton(a, sw.Mu, Math.Log(sw.Sigma), 0.5) ?? throw new InvalidOperationException($"no mode minimum at α = {a}");
            var centre = Newton(a, sw.OtherMu!.Value, Math.Log(sw.OtherSigma!.Value), 0.5) ?? throw new InvalidOperationException($"no central minimum at α = {a}");
            return mode.Value - centre.Value;
        }
        Assert.True(Gap(sw.Parameter - 1e-5) * Gap(sw.Parameter + 1e-5) < 0, $"the branches' values do not cross at the reported switch α = {sw.Parameter:R}");
    }

    [Fact]
    public void SweepAlphaPrintsJsonWithTheOrderAsItsParameter()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("sweep-alpha", "--target", "0.5*N(-1,1) + 0.5*N(1,1)", "--alpha", "0.2:0.8:3", "--restarts", "16", "--steps", "400",
            "--accelerator", "cpu", "--json", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(run.Stdout);
        Assert.Equal("alpha", doc.RootElement.GetProperty("parameter").GetString());
        Assert.Equal("alpha:{alpha}", doc.RootElement.GetProperty("divergence").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("values").GetArrayLength());
        // The manifest is a run file of `sweep`: re-running it gives the same basins.
        var again = CliRun.Of("run", folder.File("manifest.json"), "--out", Path.Combine(folder.Path, "again"));
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(File.ReadAllText(folder.File("sweep.csv")), File.ReadAllText(Path.Combine(folder.Path, "again", "sweep.csv")));
    }

    [Theory]
    [InlineData("a Rényi order of 0", new[] { "sweep-alpha", "--target", "N(0,1)", "--alpha", "0:1:3", "--divergence", "renyi" }, "klgpu: --divergence at alpha = 0: the Rényi order must be > 0")]
    [InlineData("a family that has no order", new[] { "sweep-alpha", "--target", "N(0,1)", "--alpha", "0:1:3", "--divergence", "js" }, "klgpu: --divergence: sweep-alpha sweeps the order of alpha or renyi, not \"js\"")]
    [InlineData("an empty range", new[] { "sweep-alpha", "--target", "N(0,1)", "--alpha", "1:0:3" }, "klgpu: --alpha: empty or inverted range \"1:0:3\"; MIN must be below MAX")]
    [InlineData("a placeholder other than the swept one", new[] { "sweep", "--target-template", "N({d},1)", "--divergence", "alpha:{a}", "--param", "a=0:1:3" }, "klgpu: --target-template: placeholder {d} is not given in --param (only one parameter is swept at a time)")]
    [InlineData("a placeholder in a name that has no order", new[] { "sweep", "--target-template", "N(0,1)", "--divergence", "js:{a}", "--param", "a=0:1:3" }, "klgpu: --divergence: only an order may be swept, as alpha:{a} or renyi:{a}; got \"js:{a}\"")]
    [InlineData("an order family across u", new[] { "sweep-alpha", "--target", "two-modes(d=2, sep=4)", "--alpha", "0:1:3" }, "klgpu: --divergence: --target is 2-dimensional; it takes forward or reverse, and alpha:{alpha} does not split across u")]
    public void BadInputIsOneLineAndExitTwo(string why, string[] args, string? message)
    {
        using var folder = new TempFolder();
        var run = CliRun.Of([.. args, "--out", folder.Path]);
        run.AssertUsageError();
        if (message is not null) Assert.True(message == run.StderrLines[0], $"{why}: {run.Stderr}");
        Assert.Empty(folder.Names());
    }
}
