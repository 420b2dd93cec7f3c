using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Families;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Specs;
using KlGpu.Tests.Cli;
using Xunit;
using TempFolder = KlGpu.Tests.Output.TempFolder;

namespace KlGpu.Tests.Families;

/// <summary>
/// The family types: names that read back exactly, every refusal said once as a concept (the CLI adds the option), and one
/// engine surface for every location–scale family, checked against the closed-form Gaussian KL.
/// </summary>
public class FitFamilyTests
{
    [Theory]
    [InlineData("gaussian")]
    [InlineData("gaussian-fixed-sigma:0.30000000000000004")]
    [InlineData("mixture:3")]
    [InlineData("student:0.3333333333333333")]
    public void NameReadsBackExactly(string name)
    {
        var family = FitFamily.Parse(name, "--family");
        Assert.Equal(name, family.Name);
        Assert.Equal(family, FitFamily.Parse(family.Name, "--family"));
    }

    [Fact]
    public void MixtureOfOneIsTheGaussian() => Assert.Same(FitFamily.Gaussian, FitFamily.Parse("mixture:1", "--family"));

    static readonly Target Bimodal = MixtureSpec.Parse("0.5*N(-3,1) + 0.5*N(3,1)");
    static readonly Target HeavyVariance = Target.HeavyTailed(MixtureSpec.ParseWithTails("0.5*T(1.5,-3,1) + 0.5*N(3,1)", "--target").HeavyTailed!);
    static readonly Target TwoModes = Target.TwoModes(3, 2);

    public static TheoryData<string, string, string, bool, FitPart> Refusals() => new()
    {
        { "gaussian-fixed-sigma:1", "two-modes", "reverse", false, FitPart.Target },
        { "student:3", "two-modes", "reverse", false, FitPart.Family },
        { "student:3", "bimodal", "neyman", false, FitPart.Divergence },
        { "student:2", "bimodal", "jeffreys", false, FitPart.Divergence },
        { "student:2", "bimodal", "reverse", false, FitPart.Divergence },
        { "student:3", "bimodal", "reverse", true, FitPart.Paths },
        { "gaussian", "heavy", "hellinger", false, FitPart.Divergence },
        { "gaussian", "heavy", "forward", false, FitPart.Divergence },
        { "gaussian", "heavy", "reverse", true, FitPart.Paths },
        { "mixture:2", "heavy", "reverse", false, FitPart.Family },
        { "mixture:2", "two-modes", "reverse", false, FitPart.Family },
        { "mixture:2", "bimodal", "ksd", false, FitPart.Family },
    };

    /// <summary>Each unsupported combination is refused by the family before any work, naming the part and no option.</summary>
    [Theory]
    [MemberData(nameof(Refusals))]
    public void UnsupportedCombinationsAreRefusedAsConcepts(string family, string target, string divergence, bool paths, FitPart part)
    {
        var q = FitFamily.Parse(family, "--family");
        var p = target switch { "two-modes" => TwoModes, "heavy" => HeavyVariance, _ => Bimodal };
        var e = Assert.Throws<UnsupportedFitException>(() => q.CheckRestarts(p, Divergence.TryParse(divergence)!, paths));
        Assert.Equal(part, e.Part);
        Assert.DoesNotContain("--", e.Message);
    }

    [Fact]
    public void SupportedCombinationsPass()
    {
        FitFamily.Gaussian.CheckRestarts(TwoModes, Divergence.Reverse, paths: true);
        FitFamily.Student(3).CheckRestarts(Bimodal, Divergence.Reverse, paths: false);
        new FixedSigmaFamily(1).CheckRestarts(Bimodal, Divergence.TryParse("js")!, paths: true);
        FitFamily.Gaussian.CheckRestarts(HeavyVariance, Divergence.Reverse, paths: false);
        new MixtureFamily(2).CheckRestarts(Bimodal, Divergence.Forward, paths: false);
    }

    /// <summary>The CLI adds the option that the part names: the target for a fixed σ in d dimensions, --q for eval's q.</summary>
    [Theory]
    [InlineData("basins --family gaussian-fixed-sigma:1 --target two-modes(d=3,sep=2) --restarts 4", "klgpu: --target: gaussian-fixed-sigma:1 fits a 1-D Gaussian")]
    [InlineData("basins --family student:3 --target 0.5*N(-3,1)+0.5*N(3,1) --divergence neyman --restarts 4", "klgpu: --divergence: neyman is not available for this Student-t q: χ²(q||p) = ∫q²/p − 1 diverges for every Student-t q here: p's tails (Gaussian) are lighter than any power")]
    [InlineData("basins --family student:3 --target 0.5*N(-3,1)+0.5*N(3,1) --divergence alpha:-0.5 --restarts 4", "klgpu: --divergence: alpha:-0.5 is not available for this Student-t q: ∫p^α q^(1−α) with α = -0.5 diverges")]
    [InlineData("basins --family student:2 --target 0.5*N(-3,1)+0.5*N(3,1) --divergence jeffreys --restarts 4", "klgpu: --divergence: jeffreys is not available for this Student-t q: Jeffreys includes KL(q||p), which is +∞ for every t_2 q here")]
    [InlineData("basins --family student:5 --target 0.5*T(1,-2,1)+0.5*N(2,1) --divergence pearson --restarts 4", "klgpu: --divergence: pearson is not available for this Student-t q: χ²(p||q) = ∫p²/q − 1 diverges for every t_5 q here: far out the integrand falls like |x|^−(2·1 + -1·5 + 1)")]
    [InlineData("basins --family student:3 --target 0.5*N(-3,1)+0.5*N(3,1) --divergence ksd --restarts 4", "klgpu: --divergence: ")]
    [InlineData("eval --target 0.5*T(3,-1,1)+0.5*N(1,1) --q 0.5*N(0,1)+0.5*N(1,1)", "klgpu: --q: a target with Student-t or Laplace components takes a single")]
    [InlineData("landscape --target 0.5*T(3,-1,1)+0.5*N(1,1) --divergence js --mu -1:1:4 --sigma 0.5:1:4", "klgpu: --divergence: js is not available for a target with Student-t")]
    public void TheCliNamesTheOption(string command, string start)
    {
        using var folder = new TempFolder();
        string output = Path.Combine(folder.Path, "run");
        var run = CliRun.Of([.. command.Split(' '), .. command.StartsWith("eval") ? Array.Empty<string>() : ["--out", output, "--accelerator", "cpu"]]);
        run.AssertUsageError();
        Assert.StartsWith(start, run.Stderr);
        Assert.False(Directory.Exists(output), "the run's folder was created");
    }

    /// <summary>A mixture q's value holds along u of the d-dimensional target: eval gives the 1-D value of p's law along u,
    /// ½N(0,1) + ½N(sep,1), for every divergence (only its restarts are 1-D).</summary>
    [Fact]
    public void AMixtureQIsValuedAlongUOfTheTwoModeTarget()
    {
        const string q = "0.5*N(-1,1) + 0.5*N(2,1)";
        var along = CliRun.Of("eval", "--target", "two-modes(d=3, sep=3)", "--q", q, "-d", "forward,reverse,js", "--json");
        var line = CliRun.Of("eval", "--target", "0.5*N(0,1) + 0.5*N(3,1)", "--q", q, "-d", "forward,reverse,js", "--json");
        Assert.True(along.ExitCode == 0, along.Stderr);
        Assert.True(line.ExitCode == 0, line.Stderr);
        using var a = System.Text.Json.JsonDocument.Parse(along.Stdout);
        using var b = System.Text.Json.JsonDocument.Parse(line.Stdout);
        foreach (string d in new[] { "forward", "reverse", "js" })
        {
            double va = a.RootElement.GetProperty(d).GetDouble(), vb = b.RootElement.GetProperty(d).GetDouble();
            Assert.True(va > 0);
            Assert.Equal(vb, va, 12);
        }
    }

    /// <summary>KL between N(m1, s1) and N(m2, s2), written out here: log(s2/s1) + (s1² + (m1 − m2)²)/(2 s2²) − ½.</summary>
    static double GaussianKl(double m1, double s1, double m2, double s2) =>
        Math.Log(s2 / s1) + (s1 * s1 + (m1 - m2) * (m1 - m2)) / (2 * s2 * s2) - 0.5;

    /// <summary>The engine's value, its gradient's value and its map agree with the closed form for the Gaussian families, and a
    /// Student-t q with ν = 10⁶ is the Gaussian to the order of 1/ν.</summary>
    [Theory]
    [InlineData("gaussian", 1e-11)]
    [InlineData("gaussian-fixed-sigma:1.5", 1e-11)]
    [InlineData("student:1000000", 1e-5)]
    public void EveryOperationOfAFamilyGivesTheClosedFormValue(string name, double tolerance)
    {
        // ν = 10⁶ is beyond the domain the parser takes (ν ≤ 10⁴, a t that close to a normal is refused with "use N"); the library takes it.
        var q = name == "student:1000000" ? FitFamily.Student(1e6) : (LocationScaleFamily)FitFamily.Parse(name, "--family");
        Target p = GaussianMixture.Gaussian(1, 2);
        const double mu = 0.5, scale = 1.5;
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        foreach (var d in new[] { Divergence.Forward, Divergence.Reverse })
        {
            double expected = d == Divergence.Forward ? GaussianKl(1, 2, mu, scale) : GaussianKl(mu, scale, 1, 2);
            Assert.Equal(expected, engine.Evaluate(p, q, mu, scale, d), tolerance);
            Assert.Equal(expected, engine.Gradient(p, q, d, [mu], [Math.Log(scale)]).Value[0], tolerance);
        }
    }

    /// <summary>Restarts of a fixed-σ family end where they started in σ, and at the closed-form optimum μ = the target's mean.</summary>
    [Fact]
    public void FixedSigmaRestartsHoldTheScale()
    {
        var q = new FixedSigmaFamily(0.7);
        Target p = GaussianMixture.Gaussian(1, 2);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        double[] mu = [-2, 0, 3], logSigma = [0.1, -0.4, 1.0];
        var settings = new OptimizerSettings<double>
        {
            Method = OptimizerMethod.Adam, MaxSteps = 4000, LearningRate = 0.05, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, Tolerance = 1e-9,
        };
        var outcome = engine.Restarts(p, q, Divergence.Reverse, settings, mu, logSigma.Select(_ => Math.Log(0.7)).ToArray());
        for (int i = 0; i < mu.Length; i++)
        {
            Assert.Equal(Math.Log(0.7), outcome.EndLogSigma[i], 15);
            Assert.Equal(1, outcome.EndMu[i], 6);
        }
    }
}
