using System.Text.Json;
using KlGpu.Tests.Cli;
using Xunit;

namespace KlGpu.Tests.Specs;

/// <summary>
/// Issue 19's "wrong numbers with exit 0" and "exit 1 instead of 2", one test per case: the exact command and what it
/// gives now, a value against an independent one (scipy quadrature or a closed form, computed outside this code) or a
/// one-line refusal with exit 2 (the parameter domain, docs/numerics.md).
/// </summary>
[Collection(ProcessWide.Name)]
public sealed class ParameterDomainTests
{
    static JsonElement Eval(params string[] args)
    {
        var run = CliRun.Of(["eval", .. args, "--json", "--accelerator", "cpu"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }

    static void Near(double expected, double actual, double relative, double absolute = 0) =>
        Assert.True(Math.Abs(actual - expected) <= Math.Max(relative * Math.Abs(expected), absolute), $"expected {expected:R}, got {actual:R}");

    // p's entropy lost everything once component stds differed by 1e8 (forward was −4.2e6). scipy: quad on split intervals.
    [Fact]
    public void NegativeKlOfWidelyDifferentStdsIsNowTheTrueValue()
    {
        var v = Eval("--target", "0.5*N(0,1e-6)+0.5*N(1,1e6)", "--q", "N(-5,1e6)");
        Near(12.872363377477312, v.GetProperty("forward").GetDouble(), 1e-9);
        Near(0.6931471804685128, v.GetProperty("reverse").GetDouble(), 1e-9);
    }

    /// <summary>Each command of the issue that gave NaN, a negative KSD², a wrong ∞, hung, or exited 1: now exit 2 with one line.</summary>
    [Theory]
    [InlineData("NaN: both KLs for N(0,1e-308)", "eval --target N(0,1e-308) --q N(0,1)", "--target: the std 1E-308 is outside the domain")]
    [InlineData("NaN: forward for modes at ±1e300", "eval --target 0.5*N(-1e300,1)+0.5*N(1e300,1) --q N(0,1)", "--target: the mean -1E+300 is outside the domain")]
    [InlineData("NaN: reverse for q N(0,1e-200)", "eval --target N(0,1) --q N(0,1e-200)", "--q: the std 1E-200 is outside the domain")]
    [InlineData("NaN: f-family for a widely spread mixture", "eval --target 0.5*N(-1e200,1)+0.5*N(1e200,1) --q N(0,1e200) -d js,hellinger,tv", "--target: the mean -1E+200 is outside the domain")]
    [InlineData("negative KSD²", "eval --target 0.5*N(-1e6,1)+0.5*N(1e6,1) --q N(0,1e-8) -d ksd", "--q: σ = 1E-08 is outside the domain")]
    [InlineData("negative KSD² inside the width rule", "eval --target 0.5*N(-1e6,1)+0.5*N(1e6,1) --q N(0,2e-6) -d ksd", "--q: ksd takes σ ≥ c/100 = 0.01, not 2E-06")]
    [InlineData("reverse ∞ for T(1e308,0,1)", "eval --target T(1e308,0,1) --q N(0,1)", "--target: ν = 1E+308 is outside the domain")]
    [InlineData("forward ∞ for L(0,1e-308)", "eval --target L(0,1e-308) --q N(0,1)", "--target: the std or scale 1E-308 is outside the domain")]
    [InlineData("hang: std 1e200", "eval --target N(0,1e200) --q N(0,1)", "--target: the std 1E+200 is outside the domain")]
    [InlineData("hang: two-modes sep 1e308", "eval --target two-modes(d=2,sep=1e308) --q N(0,1)", "--target: two-modes sep = 1E+308 is outside the domain")]
    [InlineData("exit 1: --mu ±1e308", "landscape --mu -1e308:1e308:8", "--mu: MIN -1E+308 is outside the domain")]
    [InlineData("exit 1: --sigma from 1e-320", "landscape --sigma 1e-320:1:8", "--sigma: MIN 9.99988867183E-321 is outside the domain")]
    [InlineData("exit 1: a 1x1 start grid", "basins --starts grid:1x1", "--starts (NMU): must be at least 2, got 1")]
    [InlineData("exit 0, every restart diverged: basins over μ ±1e308", "basins --mu -1e308:1e308 --restarts 8", "--mu: MIN -1E+308 is outside the domain")]
    [InlineData("a fixed σ of 1e-320", "landscape --family gaussian-fixed-sigma:1e-320", "--mu, --family: σ = 9.99988867183E-321 is outside the domain")]
    public void OutsideTheDomainIsOneLineAndExitTwo(string issueCase, string command, string message)
    {
        string[] args = [.. command.Split(' '), "--accelerator", "cpu"];
        if (args[0] != "eval") args = [.. args, "--out", Path.Combine(Path.GetTempPath(), "klgpu-domain-never-written")];
        var run = CliRun.Of(args);
        run.AssertUsageError();
        Assert.True(run.StderrLines[0].StartsWith("klgpu: " + message, StringComparison.Ordinal), $"{issueCase}: {run.Stderr}");
        Assert.Equal("", run.Stdout);
    }

    // Heavy tails at the domain's edges, against scipy (t) and the closed form ½log(2πσ²) + b²/σ² − 1 − log 2b (Laplace).
    [Fact]
    public void HeavyTailsAtTheEdgesOfTheDomainAreFinite()
    {
        var t = Eval("--target", "T(1e4,0,1)", "--q", "N(0,1)");
        Near(1.7506228992841733e-08, t.GetProperty("forward").GetDouble(), 0, 1e-11);
        Near(1.7487279957170464e-08, t.GetProperty("reverse").GetDouble(), 0, 1e-11);
        var l = Eval("--target", "L(0,1e-6)", "--q", "N(0,1e-6)");
        Near(0.5 * Math.Log(2 * Math.PI) + 1 - 1 - Math.Log(2), l.GetProperty("forward").GetDouble(), 1e-9);
        // A Laplace term 5e5 of its scales from 0, near the edge of the means' rule: ½log(2π·4e-10) + ¼ − 1 − log(2e-5).
        var far = Eval("--target", "L(5,1e-5)", "--q", "N(5,2e-5)");
        Near(0.5 * Math.Log(2 * Math.PI * 4e-10) + 0.25 - 1 - Math.Log(2e-5), far.GetProperty("forward").GetDouble(), 1e-9);
        Near(0.17683058842598243, far.GetProperty("reverse").GetDouble(), 1e-9);
        // The smallest ν, and a t at the small end of the widths (scipy).
        Near(1.446117827811877, Eval("--target", "T(0.1,0,1)", "--q", "N(0,1)", "-d", "reverse").GetProperty("reverse").GetDouble(), 1e-9);
        Near(0.06915159848517458, Eval("--target", "T(3,0,1e-90)", "--q", "N(0,1e-90)", "-d", "reverse").GetProperty("reverse").GetDouble(), 1e-9);
    }

    // KSD² at the narrowest q it takes (σ = c/100) under modes at ±1e6 and ±200; reference: a product Gauss–Legendre
    // rule of u_p in numpy (about 3,000 nodes, graded toward the score's switch at 0).
    [Theory]
    [InlineData("0.5*N(-1e6,1)+0.5*N(1e6,1)", 63639759.63660131)]
    [InlineData("0.5*N(-200,1)+0.5*N(200,1)", 6.041437575678839)]
    public void KsdAtTheNarrowestQItTakesIsPositiveAndRight(string target, double expected)
    {
        var v = Eval("--target", target, "--q", "N(0,0.01)", "-d", "ksd");
        Near(expected, v.GetProperty("ksd").GetDouble(), 1e-8);
    }

    // Single precision: TV and H² reached 1.0093 here and JS exceeded log 2; now clamped to their bounds.
    [Fact]
    public void SinglePrecisionStaysWithinTheBounds()
    {
        var v = Eval("--target", "0.5*N(-1e6,1)+0.5*N(1e6,1)", "--q", "N(1e5,1)", "-d", "js,hellinger,tv", "--precision", "single");
        Assert.InRange(v.GetProperty("js").GetDouble(), 0, Math.Log(2));
        Assert.InRange(v.GetProperty("hellinger").GetDouble(), 0, 1);
        Assert.InRange(v.GetProperty("tv").GetDouble(), 0, 1);
    }
}
