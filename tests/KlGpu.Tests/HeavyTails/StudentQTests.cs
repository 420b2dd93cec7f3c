using KlGpu.Families;
using System.Text.Json;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Specs;
using KlGpu.Tests.Cli;
using Xunit;
using Devices = KlGpu.Tests.Kernels.Accelerators;
using TempFolder = KlGpu.Tests.Output.TempFolder;
using static KlGpu.Tests.HeavyTails.HeavyTailReference;

namespace KlGpu.Tests.HeavyTails;

/// <summary>q = t_ν(μ, s): its entropy's closed form and both KLs against the independent reference, 1e-9 relative.</summary>
public class StudentQTests
{
    const double Relative = 1e-9, Absolute = 1e-10, AbsoluteBelow = 0.1;

    static void AssertClose(double expected, double actual, string what)
    {
        double bound = Math.Abs(expected) < AbsoluteBelow ? Absolute : Relative * Math.Abs(expected);
        Assert.True(double.IsFinite(actual) && Math.Abs(actual - expected) <= bound,
            $"{what}: got {actual:R}, expected {expected:R} (|diff| {Math.Abs(actual - expected):G3} > {bound:G3})");
    }

    static readonly Dictionary<string, Component[]> Targets = new()
    {
        ["gaussians"] = [new(ComponentKind.Normal, 0.5, -2, 1), new(ComponentKind.Normal, 0.5, 2, 1)],
        ["t + laplace"] = [new(ComponentKind.StudentT, 0.5, -2, 1, 3), new(ComponentKind.Laplace, 0.5, 2, 0.5)],
        ["cauchy"] = [new(ComponentKind.StudentT, 1, 0, 2, 1)],
        ["laplace + gaussian"] = [new(ComponentKind.Laplace, 0.6, 0, 1), new(ComponentKind.Normal, 0.4, 3, 0.3)],
    };

    static readonly (double Nu, double Mu, double Scale)[] Qs = [(3, 0, 1), (0.5, 1, 0.3), (30, -3, 4), (2.5, 10, 0.05), (1, 0, 20)];

    public static IEnumerable<object[]> Cases() =>
        from k in Targets.Keys from i in Enumerable.Range(0, Qs.Length) select new object[] { k, i };

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(30.0)]
    public void EntropyConstantMatchesQuadrature(double nu) =>
        AssertClose(Entropy([new(ComponentKind.StudentT, 1, 0, 1, nu)]), StudentQ.EntropyConstant(nu), $"h_{nu}");

    [Theory]
    [MemberData(nameof(Cases))]
    public void BothKlsMatchReference(string name, int qIndex)
    {
        var p = Targets[name];
        var (nu, mu, scale) = Qs[qIndex];
        var plan = new HeavyTailPlan(Mixture(p));
        var shape = StudentQ.Shape(nu, plan.Mixture);
        double reverse = StudentQ.Reverse<double, F64, HeavyTailPlan>(mu, scale, shape, plan);
        if (shape.ReverseInfinite != 0)
            Assert.True(double.IsPositiveInfinity(reverse), $"{name}: KL(t_{nu}||p) should be +∞ (log p falls too fast for q's tails)");
        else
            AssertClose(ReverseStudent(p, nu, mu, scale), reverse, $"KL(q||p), {name}, q = t_{nu}({mu}, {scale})");
        double forward = StudentQ.Forward<double, F64, HeavyTailPlan>(mu, scale, shape, plan, plan.Entropy());
        AssertClose(ForwardStudent(p, nu, mu, scale), forward, $"KL(p||q), {name}, q = t_{nu}({mu}, {scale})");
    }

    /// <summary>The kernel, as parallel C# and on ILGPU's CPU accelerator, is the host quadrature to 1e-12 in double;
    /// a Gaussian target goes through the same kernel as Normal components. Single precision is bounded against double.</summary>
    [Theory]
    [MemberData(nameof(Devices.ExecutionsAndPrecisions), MemberType = typeof(Devices))]
    public void KernelMatchesHost(CpuExecution execution, Precision precision)
    {
        using var engine = Devices.Engine(execution, precision);
        var mu = new GridAxis(-3, 10, 4);
        var scale = new GridAxis(0.05, 20, 4, Geometric: true);
        double tolerance = precision == Precision.Double ? 1e-12 : 1e-4;
        foreach (var (target, nu) in new[] { ("0.5*T(3,-2,1) + 0.5*L(2,0.5)", 0.5), ("0.5*N(-2,1) + 0.5*N(2,1)", 2.5) })
        {
            var p = TargetSpec.Parse(target, heavyTails: true);
            var plan = new HeavyTailPlan(p.AsHeavyTailed);
            var shape = StudentQ.Shape(nu, plan.Mixture);
            double entropy = plan.Entropy();
            double[]? forward = null, reverse = null;
            engine.Landscape(p, FitFamily.Student(nu), mu, scale, [Divergence.Forward, Divergence.Reverse], tile => (forward, reverse) = (tile.Forward, tile.Reverse));
            for (int j = 0; j < scale.Count; j++)
                for (int i = 0; i < mu.Count; i++)
                {
                    double f = StudentQ.Forward<double, F64, HeavyTailPlan>(mu.At(i), scale.At(j), shape, plan, entropy);
                    double r = StudentQ.Reverse<double, F64, HeavyTailPlan>(mu.At(i), scale.At(j), shape, plan);
                    Assert.True(Math.Abs(forward![j * mu.Count + i] - f) <= tolerance * Math.Max(1, Math.Abs(f)), $"{target} forward: {forward[j * mu.Count + i]:R} vs {f:R}");
                    Assert.True(Math.Abs(reverse![j * mu.Count + i] - r) <= tolerance * Math.Max(1, Math.Abs(r)), $"{target} reverse: {reverse[j * mu.Count + i]:R} vs {r:R}");
                }
        }
    }

    [Fact]
    public void EvalTakesAStudentQ()
    {
        Component[] p = [new(ComponentKind.Normal, 0.5, -2, 1), new(ComponentKind.Normal, 0.5, 2, 1)];
        var run = CliRun.Of("eval", "--target", "0.5*N(-2,1) + 0.5*N(2,1)", "--q", "T(3,0,2)", "--json", "--accelerator", "cpu");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        AssertClose(ForwardStudent(p, 3, 0, 2), doc.RootElement.GetProperty("forward").GetDouble(), "eval forward");
        AssertClose(ReverseStudent(p, 3, 0, 2), doc.RootElement.GetProperty("reverse").GetDouble(), "eval reverse");
        Assert.Equal("T(3,0,2)", doc.RootElement.GetProperty("q").GetString());
        var infinite = CliRun.Of("eval", "--target", "N(0,1)", "--q", "T(2,0,1)", "--accelerator", "cpu");
        Assert.Contains("reverse  KL(q || p) = inf nats", infinite.Stdout);
    }

    [Fact]
    public void LandscapeStudentFamilyWritesGridsAndFigures()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("landscape", "--target", "0.5*T(1.5,-2,1) + 0.5*L(2,0.5)", "--family", "student:3", "--mu", "-4:4:5",
            "--sigma", "0.5:4:4", "--accelerator", "cpu", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("q = t_ν(μ, s) with ν = 3 fixed", run.Stdout);
        Assert.Contains("landscape.png", dir.Names());
        Component[] p = [new(ComponentKind.StudentT, 0.5, -2, 1, 1.5), new(ComponentKind.Laplace, 0.5, 2, 0.5)];
        var forward = Npy.Read(dir.File("forward.npy")).Values;
        // Row 2 is s = 2.8333…, column 3 is μ = 2; forward KL is finite although p has no variance.
        double s = new GridAxis(0.5, 4, 4).At(2);
        AssertClose(ForwardStudent(p, 3, 2, s), forward[2 * 5 + 3], "landscape forward");
        Assert.Contains("\"family\": \"student:3\"", File.ReadAllText(dir.File("manifest.json")), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("landscape", "--family", "student:0", "student:NU needs ν > 0")]
    [InlineData("landscape", "--family", "student", "expected student:NU")]
    [InlineData("landscape", "--family", "student:-1", "student:NU needs ν > 0")]
    [InlineData("eval", "--q", "0.5*T(3,0,1) + 0.5*T(3,1,1)", "a single Student-t")]
    [InlineData("eval", "--q", "T(0,0,1)", "ν must be positive")]
    public void BadStudentInputIsOneLine(string command, string option, string value, string message)
    {
        using var dir = new TempFolder();
        string[] args = command == "eval"
            ? ["eval", "--target", "N(0,1)", option, value, "--accelerator", "cpu"]
            : ["landscape", option, value, "--accelerator", "cpu", "--out", dir.Path];
        var run = CliRun.Of(args);
        run.AssertUsageError();
        Assert.Contains(message, run.Stderr);
    }
}
