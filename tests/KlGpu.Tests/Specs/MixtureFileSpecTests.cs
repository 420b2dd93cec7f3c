using Xunit;
using KlGpu.Specs;

namespace KlGpu.Tests.Specs;

/// <summary>The <c>@file.json</c> form of a mixture spec.</summary>
public sealed class MixtureFileSpecTests : IDisposable
{
    readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("klgpu-spec-");

    public void Dispose() => dir.Delete(recursive: true);

    string Write(string json, string name = "p.json")
    {
        string path = Path.Combine(dir.FullName, name);
        File.WriteAllText(path, json);
        return path;
    }

    UsageException Fails(string json) =>
        Assert.Throws<UsageException>(() => MixtureSpec.Parse("@" + Write(json)));

    [Fact]
    public void ReadsWeightsMeansAndStds()
    {
        var m = MixtureSpec.Parse("@" + Write("""{"weights": [0.25, 0.75], "means": [-1.5, 2e-1], "stds": [0.5, 1.25]}"""));
        Assert.Equal([0.25, 0.75], m.Weights);
        Assert.Equal([-1.5, 0.2], m.Means);
        Assert.Equal([0.5, 1.25], m.Stds);
    }

    [Fact]
    public void WeightsAreOptionalAndThenEqual()
    {
        var m = MixtureSpec.Parse(" @ " + Write("""{"means": [0, 1, 2, 3], "stds": [1, 1, 1, 1]}"""));
        Assert.Equal([0.25, 0.25, 0.25, 0.25], m.Weights);
    }

    [Fact]
    public void AMissingFileIsNamed() =>
        Assert.Equal("target: cannot read @missing.json: file not found",
            Assert.Throws<UsageException>(() => MixtureSpec.Parse("@missing.json")).Message);

    [Fact]
    public void AFolderIsNotAFile() =>
        Assert.Contains("it is a folder, not a file",
            Assert.Throws<UsageException>(() => MixtureSpec.Parse("@" + dir.FullName)).Message);

    [Fact]
    public void AnEmptyNameIsAnError() =>
        Assert.Contains("expected a file name after '@'",
            Assert.Throws<UsageException>(() => MixtureSpec.Parse("@  ", "--model")).Message);

    [Theory]
    [InlineData("{\"means\": [0], ", "is not valid JSON")]
    [InlineData("[0, 1]", "must hold an object")]
    [InlineData("""{"means": [0], "std": [1]}""", "unknown field \"std\"")]
    [InlineData("""{"stds": [1]}""", "has no \"means\" array")]
    [InlineData("""{"means": [0]}""", "has no \"stds\" array")]
    [InlineData("""{"means": [], "stds": []}""", "empty \"means\" array")]
    [InlineData("""{"means": [0, 1], "stds": [1]}""", "2 means, 1 stds and 2 weights; they must match")]
    [InlineData("""{"weights": [1], "means": [0, 1], "stds": [1, 1]}""", "2 means, 2 stds and 1 weights; they must match")]
    [InlineData("""{"means": 0, "stds": [1]}""", "\"means\" must be an array of numbers")]
    [InlineData("""{"means": ["NaN"], "stds": [1]}""", "means[0] must be a number, not \"\"NaN\"\"")]
    [InlineData("""{"means": [1e400], "stds": [1]}""", "means[0] = 1e400 is too large for a double")]
    [InlineData("""{"means": [0, 1], "stds": [1, 0]}""", "std must be positive")]
    [InlineData("""{"weights": [0.5, -0.5], "means": [0, 1], "stds": [1, 1]}""", "weight must be positive")]
    [InlineData("""{"weights": [0.3, 0.6], "means": [0, 1], "stds": [1, 1]}""", "weights sum to 0.9, not 1")]
    public void BadFilesAreUsageErrors(string json, string expected)
    {
        var e = Fails(json);
        Assert.StartsWith("target: ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}

/// <summary>Moves the current folder, so it runs alone.</summary>
[Collection(ProcessWide.Name)]
public class MixtureFileRelativePathTests
{
    [Fact]
    public void RelativePathsAreReadFromTheCurrentFolder()
    {
        var dir = Directory.CreateTempSubdirectory("klgpu-spec-");
        File.WriteAllText(Path.Combine(dir.FullName, "rel.json"), """{"means": [0], "stds": [2]}""");
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = dir.FullName;
            Assert.Equal([2.0], MixtureSpec.Parse("@rel.json").Stds);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            dir.Delete(recursive: true);
        }
    }
}
