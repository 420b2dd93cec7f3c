using KlGpu.Numerics;
using KlGpu.Specs;
using KlGpu.Tests.Cli;
using Xunit;

namespace KlGpu.Tests.Specs;

/// <summary>The <c>{"components": [...]}</c> form of <c>@file.json</c>: Student-t and Laplace components beside Gaussians.</summary>
public sealed class HeavyTailTargetSpecFileTests : IDisposable
{
    readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("klgpu-tails-");

    public void Dispose() => dir.Delete(recursive: true);

    string At(string json)
    {
        string path = Path.Combine(dir.FullName, "p.json");
        File.WriteAllText(path, json);
        return "@" + path;
    }

    [Fact]
    public void ReadsEachKindOfComponent()
    {
        var p = TargetSpec.Parse(At("""
            {"components": [
              {"kind": "T", "weight": 0.5, "nu": 3, "mean": -2, "scale": 1},
              {"kind": "L", "weight": 0.25, "mean": 2, "scale": 0.5},
              {"kind": "N", "weight": 0.25, "mean": 0, "std": 2}
            ]}
            """), "--target", heavyTails: true).AsHeavyTailed;
        Assert.Equal([ComponentKind.StudentT, ComponentKind.Laplace, ComponentKind.Normal], p.Kinds);
        Assert.Equal([0.5, 0.25, 0.25], p.Weights);
        Assert.Equal([3.0, 0, 0], p.Nus);
        Assert.Equal([-2.0, 2, 0], p.Means);
        Assert.Equal([1.0, 0.5, 2], p.Scales);
        // The same mixture as text parses to the same numbers.
        var text = TargetSpec.Parse("0.5*T(3,-2,1) + 0.25*L(2,0.5) + 0.25*N(0,2)", "--target", heavyTails: true).AsHeavyTailed;
        Assert.Equal(text.Offsets, p.Offsets);
    }

    [Fact]
    public void GaussianComponentsWithoutWeightsAreAnEqualGaussianMixture()
    {
        var p = MixtureSpec.Parse(At("""{"components": [{"kind": "N", "mean": -1, "std": 1}, {"kind": "N", "mean": 1, "std": 0.5}]}"""));
        Assert.Equal([0.5, 0.5], p.Weights);
        Assert.Equal([1.0, 0.5], p.Stds);
    }

    [Theory]
    [InlineData("""{"components": [{"kind": "X", "mean": 0, "scale": 1}]}""", "components[0].kind is \"X\"; expected \"N\" (normal), \"T\" (Student-t) or \"L\" (Laplace)")]
    [InlineData("""{"components": [{"kind": "T", "nu": 0, "mean": 0, "scale": 1}]}""", "ν must be positive in @")]
    [InlineData("""{"components": [{"kind": "T", "nu": 3, "mean": 0, "scale": -1}]}""", "scale must be positive in @")]
    [InlineData("""{"components": [{"kind": "L", "mean": 0, "scale": 0}]}""", "components[0].scale is 0")]
    [InlineData("""{"components": [{"kind": "L", "mean": 0, "std": 1}]}""", "unknown field \"std\" (a L component takes weight, mean, scale)")]
    [InlineData("""{"components": [{"kind": "T", "mean": 0, "scale": 1}]}""", "has no \"nu\"")]
    [InlineData("""{"components": [{"kind": "N", "weight": 0.5, "mean": 0, "std": 1}, {"kind": "L", "mean": 1, "scale": 1}]}""", "give a weight on every term or on none")]
    [InlineData("""{"components": [{"kind": "N", "weight": 0.5, "mean": 0, "std": 1}, {"kind": "L", "weight": 0.4, "mean": 1, "scale": 1}]}""", "weights sum to 0.9, not 1")]
    [InlineData("""{"components": []}""", "\"components\" must be a non-empty array")]
    [InlineData("""{"components": [{"kind": "N", "mean": 0, "std": 1}], "means": [0]}""", "unknown field \"means\" beside \"components\"")]
    public void BadComponentsAreOneLineUsageErrors(string json, string expected)
    {
        var e = Assert.Throws<UsageException>(() => TargetSpec.Parse(At(json), "--target", heavyTails: true));
        Assert.StartsWith("--target: ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>Through the command line: "@file.json" reaches the spec whole (System.CommandLine would read it as a response file),
    /// and gives the same divergences as the same mixture written as text.</summary>
    [Fact]
    public void TheCommandLineReadsTheFileAsATarget()
    {
        string file = At("""{"components": [{"kind": "T", "weight": 0.5, "nu": 3, "mean": -2, "scale": 1}, {"kind": "L", "weight": 0.5, "mean": 2, "scale": 0.5}]}""");
        var fromFile = CliRun.Of("eval", "--target", file, "--q", "N(0,2)", "--accelerator", "cpu");
        var fromText = CliRun.Of("eval", "--target", "0.5*T(3,-2,1) + 0.5*L(2,0.5)", "--q", "N(0,2)", "--accelerator", "cpu");
        Assert.True(fromFile.ExitCode == 0, fromFile.Stderr);
        Assert.Equal(fromText.Stdout, fromFile.Stdout);
        var bad = CliRun.Of("eval", "--target", At("""{"components": [{"kind": "Q", "mean": 0, "scale": 1}]}"""), "--q", "N(0,2)");
        bad.AssertUsageError();
        Assert.Contains("components[0].kind is \"Q\"", bad.Stderr);
    }

    [Fact]
    public void WhereHeavyTailsAreNotTakenTheFileSaysSo()
    {
        var e = Assert.Throws<UsageException>(() => MixtureSpec.Parse(At("""{"components": [{"kind": "T", "nu": 3, "mean": 0, "scale": 1}]}"""), "--target"));
        Assert.Contains("components[0] is a Student-t or Laplace component", e.Message);
    }
}
