using System.Text.Json;
using KlGpu.Numerics;
using KlGpu.Specs;
using KlGpu.Tests.Cli;
using Xunit;
using TempFolder = KlGpu.Tests.Output.TempFolder;
using static KlGpu.Tests.HeavyTails.HeavyTailReference;

namespace KlGpu.Tests.HeavyTails;

/// <summary>Heavy-tailed targets through the spec language and the CLI: values against the independent reference,
/// figures and grids written, Gaussian-only targets unchanged, bad input one line and exit 2.</summary>
public class HeavyTailCliTests
{
    [Fact]
    public void SpecParsesEveryKindAndRoundTrips()
    {
        var (gaussian, heavy) = MixtureSpec.ParseWithTails("0.2*N(-1,0.5) + 0.5 * T( 3 , -2 , 1 ) + 0.3*L(2,0.5)");
        Assert.Null(gaussian);
        Assert.Equal([ComponentKind.Normal, ComponentKind.StudentT, ComponentKind.Laplace], heavy!.Kinds);
        Assert.Equal([0.0, 3.0, 0.0], heavy.Nus);
        Assert.Equal([-1.0, -2.0, 2.0], heavy.Means);
        Assert.Equal([0.5, 1.0, 0.5], heavy.Scales);
        Assert.Equal(heavy.ToString(), MixtureSpec.ParseWithTails(heavy.ToString()).HeavyTailed!.ToString());
        Assert.Equal("T(0.5,1,2)", MixtureSpec.ParseWithTails("T(0.5,1,2)").HeavyTailed!.ToString());
    }

    /// <summary>A target of Gaussians only stays a <see cref="GaussianMixture"/>, so it takes the existing paths.</summary>
    [Fact]
    public void GaussianOnlyTargetStaysAGaussianMixture()
    {
        var target = TargetSpec.Parse("0.5*N(-2,1) + 0.5*N(2,1)", heavyTails: true);
        Assert.IsType<MixtureTarget>(target);
        Assert.Equal("0.5*N(-2,1) + 0.5*N(2,1)", target.Marginal.ToString());
        var plain = CliRun.Of("eval", "--target", "0.5*N(-2,1) + 0.5*N(2,1)", "--q", "N(0,2)", "--json", "--accelerator", "cpu");
        using var doc = JsonDocument.Parse(plain.Stdout);
        using var engine = KlGpu.Engine.KlEngine.Create(KlGpu.Accelerators.AcceleratorKind.Cpu);
        var p = MixtureSpec.Parse("0.5*N(-2,1) + 0.5*N(2,1)");
        Assert.Equal(engine.Reverse(p, GaussianMixture.Gaussian(0, 2)), doc.RootElement.GetProperty("reverse").GetDouble());
    }

    [Fact]
    public void EvalMatchesTheReference()
    {
        Component[] p = [new(ComponentKind.StudentT, 0.5, -2, 1, 3), new(ComponentKind.Laplace, 0.5, 2, 0.5)];
        var run = CliRun.Of("eval", "--target", "0.5*T(3,-2,1) + 0.5*L(2,0.5)", "--q", "N(0,2)", "--json", "--accelerator", "cpu");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        double forward = doc.RootElement.GetProperty("forward").GetDouble(), reverse = doc.RootElement.GetProperty("reverse").GetDouble();
        Assert.True(Math.Abs(forward - Forward(p, 0, 2)) <= 1e-9 * Math.Abs(forward), $"forward {forward:R} vs {Forward(p, 0, 2):R}");
        Assert.True(Math.Abs(reverse - Reverse(p, 0, 2)) <= 1e-9 * Math.Abs(reverse), $"reverse {reverse:R} vs {Reverse(p, 0, 2):R}");
        Assert.Equal("0.5*T(3,-2,1) + 0.5*L(2,0.5)", doc.RootElement.GetProperty("target").GetString());
    }

    [Fact]
    public void EvalSaysForwardIsInfiniteForNuAtMostTwo()
    {
        var run = CliRun.Of("eval", "--target", "0.5*T(2,-2,1) + 0.5*L(2,0.5)", "--q", "N(0,2)", "--accelerator", "cpu");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("forward  KL(p || q) = inf nats", run.Stdout);
        Assert.DoesNotContain("NaN", run.Stdout);
    }

    [Fact]
    public void LandscapeWritesGridsAndFigures()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("landscape", "--target", "0.5*T(1.5,-2,1) + 0.5*L(2,0.5)", "--mu", "-4:4:9", "--sigma", "0.2:4:7",
            "--accelerator", "cpu", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("forward  KL(p || q) = inf at every grid point", run.Stdout);
        Assert.Equal(
            ["forward.npy", "forward.png", "landscape-points.json", "landscape.csv", "landscape.png", "manifest.json", "mu.npy", "reverse.npy", "reverse.png", "sigma.npy"],
            dir.Names());
        Assert.All(Npy.Read(dir.File("forward.npy")).Values, v => Assert.True(double.IsPositiveInfinity(v)));
        Component[] p = [new(ComponentKind.StudentT, 0.5, -2, 1, 1.5), new(ComponentKind.Laplace, 0.5, 2, 0.5)];
        var (shape, reverse) = Npy.Read(dir.File("reverse.npy"));
        Assert.Equal([7, 9], shape);
        // Row 3 is σ = 2.1, column 6 is μ = 2.
        double expected = Reverse(p, 2, 2.1);
        Assert.True(Math.Abs(reverse[3 * 9 + 6] - expected) <= 1e-9 * Math.Abs(expected), $"{reverse[3 * 9 + 6]:R} vs {expected:R}");
    }

    [Theory]
    [InlineData("eval", "0.5*T(0,-2,1) + 0.5*L(2,0.5)", "ν must be positive in \"0.5*T(0,-2,1)\"")]
    [InlineData("eval", "T(-1,0,1)", "ν must be positive in \"T(-1,0,1)\"")]
    [InlineData("eval", "T(3,0,0)", "scale must be positive in \"T(3,0,0)\"")]
    [InlineData("eval", "0.5*N(0,1) + 0.5*L(2,-0.5)", "scale must be positive in \"0.5*L(2,-0.5)\"")]
    [InlineData("eval", "0.5*T(2,1) + 0.5*L(2,0.5)", "T(nu,mean,scale) takes 3 numbers; \"0.5*T(2,1)\" has 2")]
    [InlineData("eval", "L(0,1,2)", "L(mean,scale) takes 2 numbers; \"L(0,1,2)\" has 3")]
    [InlineData("eval", "0.5*X(2,1) + 0.5*L(2,0.5)", "expected N(mean,std), T(nu,mean,scale) or L(mean,scale) at \"X(2,1)")]
    [InlineData("eval", "0.5*T(3,0,1) + 0.6*L(0,1)", "weights sum to 1.1, not 1")]
    [InlineData("sweep", "T({a}-2,0,1)", "--target-template at a = 1: ν must be positive in \"T(-1,0,1)\"")]
    public void BadTargetsAreOneLineAndExitTwo(string command, string target, string message)
    {
        string[] args = command switch
        {
            "eval" => ["eval", "--target", target, "--q", "N(0,1)", "--accelerator", "cpu"],
            "sweep" => ["sweep", "--target-template", target, "--param", "a=1:2:2"],
            _ => [command, "--target", target, "--accelerator", "cpu"],
        };
        var run = CliRun.Of(args);
        run.AssertUsageError();
        Assert.Contains(message, run.Stderr);
    }

    [Theory]
    [InlineData("--q", "0.5*N(0,1) + 0.5*N(1,1)", "a single Gaussian or Student-t q")]
    [InlineData("--q", "L(0,1)", "a heavy-tailed q must be a single Student-t T(nu,mean,scale)")]
    [InlineData("--divergence", "hellinger", "hellinger is not available")]
    public void EvalRefusesWhatHeavyTailsDoNotSupport(string option, string value, string message)
    {
        var args = new List<string> { "eval", "--target", "T(3,0,1)", "--q", "N(0,1)", "--accelerator", "cpu" };
        int i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value; else args.AddRange([option, value]);
        var run = CliRun.Of([.. args]);
        run.AssertUsageError();
        Assert.Contains(message, run.Stderr);
    }

    [Theory]
    [InlineData("--family", "gaussian-fixed-sigma:1")]
    [InlineData("--divergence", "js")]
    public void LandscapeRefusesWhatHeavyTailsDoNotSupport(string option, string value)
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("landscape", "--target", "T(3,0,1)", option, value, "--accelerator", "cpu", "--out", dir.Path);
        run.AssertUsageError();
        Assert.Empty(dir.Names());
    }
}
