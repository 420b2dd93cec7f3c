using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Specs;
using KlGpu.Tests.Cli;
using KlGpu.Tests.Plotting;
using Xunit;
using TestAccelerators = KlGpu.Tests.Kernels.Accelerators;

namespace KlGpu.Tests.Mixtures;

/// <summary>
/// Landscapes of a mixture q are 2-D slices: two named parameters of a given q vary, the rest stay. Every slice value is
/// checked against the independent adaptive Gauss–Kronrod reference (ReferenceKl) at the mixture the slice stands for.
/// </summary>
public class MixtureSliceTests
{
    static readonly GaussianMixture Target = MixtureSpec.Parse("0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)");

    static void AssertMatchesReference(MixtureSlice slice, CpuExecution execution)
    {
        using var engine = TestAccelerators.Engine(execution);
        double[] forward = engine.Slice(Target, slice, Divergence.Forward);
        double[] reverse = engine.Slice(Target, slice, Divergence.Reverse);
        int nx = slice.X.Axis.Count;
        for (int j = 0; j < slice.Y.Axis.Count; j++)
            for (int i = 0; i < nx; i++)
            {
                var q = slice.At(slice.X.Axis.At(i), slice.Y.Axis.At(j));
                double f = ReferenceKl.Forward(Target, q), r = ReferenceKl.Reverse(Target, q);
                Assert.True(Math.Abs(forward[j * nx + i] - f) <= 1e-9 * f, $"forward at {q}: {forward[j * nx + i]:R} vs {f:R}");
                Assert.True(Math.Abs(reverse[j * nx + i] - r) <= 1e-9 * r, $"reverse at {q}: {reverse[j * nx + i]:R} vs {r:R}");
            }
    }

    static readonly SliceSpec.Options Cli = new("--family", "--q", "--vary", "--x", "--y");

    [Theory]
    [InlineData(CpuExecution.Parallel)]
    [InlineData(CpuExecution.Simulator)]
    public void MeansSliceMatchesTheReference(CpuExecution execution) => AssertMatchesReference(
        SliceSpec.Parse(2, "0.5*N(-1,0.5) + 0.5*N(1,0.5)", "mean1,mean2", "-3:3:4", "-2.5:2.5:3", Cli), execution);

    /// <summary>A varied weight rescales the others in proportion; a narrow std (0.02, under p's 0.3) tests the panels.</summary>
    [Fact]
    public void WeightAndStdSliceOfAThreeComponentQMatchesTheReference()
    {
        var slice = SliceSpec.Parse(3, "0.2*N(-2,0.3) + 0.5*N(0,1) + 0.3*N(2,0.3)", "weight2,std1", "0.1:0.8:3", "0.02:3:3", Cli);
        var q = slice.At(0.8, 3);
        Assert.Equal([0.08, 0.8, 0.12], q.Weights.Select(w => Math.Round(w, 12)));
        AssertMatchesReference(slice, CpuExecution.Parallel);
    }

    [Fact]
    public void TheCliWritesTheSliceAndItsManifestReRunsIt()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();
        var run = CliRun.Of("landscape", "--family", "mixture:2", "--q", "0.5*N(-1,0.5) + 0.5*N(1,0.5)", "--vary", "mean1,std2",
            "--x", "-2:2:9", "--y", "0.2:2:7", "--divergence", "forward,reverse,hellinger", "--out", first.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        foreach (string f in new[] { "x.npy", "y.npy", "forward.npy", "reverse.npy", "hellinger.npy", "slice.csv", "reverse.png", "manifest.json" })
            Assert.True(File.Exists(first.File(f)), $"{f} missing");
        var (shape, values) = Npy.Read(first.File("reverse.npy"));
        Assert.Equal([7, 9], shape);
        Assert.All(values, v => Assert.True(double.IsFinite(v) && v > 0));
        var again = CliRun.Of("run", first.File("manifest.json"), "--out", second.Path);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(File.ReadAllBytes(first.File("slice.csv")), File.ReadAllBytes(second.File("slice.csv")));
    }

    [Theory]
    [InlineData("no --q", new[] { "--vary", "mean1,mean2", "--x", "-1:1:3", "--y", "-1:1:3" }, "--q")]
    [InlineData("a q of the wrong size", new[] { "--q", "N(0,1)", "--vary", "mean1,mean2", "--x", "-1:1:3", "--y", "-1:1:3" }, "needs 2")]
    [InlineData("a name the family lacks", new[] { "--q", "0.5*N(-1,1)+0.5*N(1,1)", "--vary", "mean1,mean3", "--x", "-1:1:3", "--y", "-1:1:3" }, "no parameter")]
    [InlineData("one name only", new[] { "--q", "0.5*N(-1,1)+0.5*N(1,1)", "--vary", "mean1", "--x", "-1:1:3", "--y", "-1:1:3" }, "two parameters")]
    [InlineData("a name twice", new[] { "--q", "0.5*N(-1,1)+0.5*N(1,1)", "--vary", "mean1,MEAN1", "--x", "-1:1:3", "--y", "-1:1:3" }, "twice")]
    [InlineData("both weights of two", new[] { "--q", "0.5*N(-1,1)+0.5*N(1,1)", "--vary", "weight1,weight2", "--x", "0.1:0.4:3", "--y", "0.1:0.4:3" }, "no other weight")]
    [InlineData("a weight of 1", new[] { "--q", "0.5*N(-1,1)+0.5*N(1,1)", "--vary", "weight1,mean2", "--x", "0.1:1:3", "--y", "-1:1:3" }, "below 1")]
    [InlineData("a std of 0", new[] { "--q", "0.5*N(-1,1)+0.5*N(1,1)", "--vary", "std1,mean2", "--x", "0:1:3", "--y", "-1:1:3" }, "--x")]
    [InlineData("no --y", new[] { "--q", "0.5*N(-1,1)+0.5*N(1,1)", "--vary", "std1,mean2", "--x", "0.5:1:3" }, "--y")]
    public void BadSlicesAreOneLineAndExitTwo(string why, string[] args, string says)
    {
        using var folder = new TempFolder();
        var run = CliRun.Of(["landscape", "--family", "mixture:2", "--out", folder.Path, .. args]);
        run.AssertUsageError();
        Assert.True(run.Stderr.Contains(says), $"{why}: {run.Stderr}");
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Theory]
    [InlineData(new[] { "landscape", "--family", "mixture:0" }, "from 1 to 8")]
    [InlineData(new[] { "landscape", "--family", "mixture:2.5" }, "from 1 to 8")]
    [InlineData(new[] { "landscape", "--vary", "mean1,mean2" }, "only with --family mixture:K")]
    [InlineData(new[] { "basins", "--family", "mixture:2", "--starts", "grid:4x4" }, "starts at random")]
    [InlineData(new[] { "sweep", "--family", "mixture:2", "--divergence", "ksd", "--target-template", "0.5*N(-{d},1) + 0.5*N({d},1)", "--param", "d=1:2:3" }, "restarts need a gradient, and ksd has none yet")]
    [InlineData(new[] { "sweep", "--family", "mixture:2", "--target-template", "0.5*T(3,-{d},1) + 0.5*T(3,{d},1)", "--param", "d=1:2:3" }, "--target-template: a target with Student-t or Laplace components takes a single Gaussian or Student-t q, not a 2-component mixture (at d = 1)")]
    public void MixtureFamiliesOutsideSlicesAreRefused(string[] args, string says)
    {
        var run = CliRun.Of([.. args, "--out", Path.Combine(Path.GetTempPath(), "klgpu-never")]);
        run.AssertUsageError();
        Assert.Contains(says, run.Stderr);
    }
}
