using System.Text.Json;
using KlGpu.Tests.Cli;
using KlGpu.Tests.Output;
using Xunit;

namespace KlGpu.Tests.MixtureBasins;

/// <summary>`klgpu basins --family mixture:K` end to end: JSON keys, files, and one-line errors.</summary>
public class MixtureBasinsCliTests
{
    /// <summary>Reverse KL of a two-component q to one Gaussian collapses onto it: one degenerate basin, the Gaussian itself.</summary>
    [Fact]
    public void JsonCarriesTheMixtureBasinsAndTheFilesAreWritten()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("basins", "--family", "mixture:2", "--target", "N(1,2)", "--divergence", "reverse", "--restarts", "4",
            "--steps", "400", "--json", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal("mixture:2", root.GetProperty("family").GetString());
        Assert.Equal(4, root.GetProperty("restarts").GetInt32());
        var b = Assert.Single(root.GetProperty("basins").EnumerateArray());
        Assert.Equal("degenerate", b.GetProperty("kind").GetString());
        Assert.Equal(4, b.GetProperty("count").GetInt32());
        Assert.Equal(1.0, b.GetProperty("fraction").GetDouble());
        Assert.Equal(1.0, Assert.Single(b.GetProperty("weights").EnumerateArray()).GetDouble(), 1e-12);
        Assert.Equal(1.0, Assert.Single(b.GetProperty("means").EnumerateArray()).GetDouble(), 1e-6);
        Assert.Equal(2.0, Assert.Single(b.GetProperty("stds").EnumerateArray()).GetDouble(), 1e-6);
        Assert.True(Math.Abs(b.GetProperty("value").GetDouble()) < 1e-12);
        Assert.Equal(["basins.json", "densities.png", "manifest.json", "restarts.csv"], folder.Names());

        // The manifest is a run file that repeats the run.
        using var again = new TempFolder();
        var rerun = CliRun.Of("run", folder.File("manifest.json"), "--out", again.Path);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Equal(File.ReadAllText(folder.File("basins.json")), File.ReadAllText(again.File("basins.json")));
    }

    [Theory]
    [InlineData("--family", "mixture:0")]
    [InlineData("--family", "mixture:9")]
    [InlineData("--family", "mixture:2", "--divergence", "ksd")]
    [InlineData("--family", "mixture:2", "--divergence", "forward,reverse")]
    [InlineData("--family", "mixture:2", "--starts", "grid:4x4")]
    [InlineData("--family", "mixture:2", "--trajectories", "3")]
    [InlineData("--family", "mixture:2", "--target", "two-modes(d=3, sep=4)")]
    [InlineData("--family", "mixture:2", "--restarts", "2000000")]
    public void BadInputIsOneLineAndExitCodeTwo(params string[] args)
    {
        using var folder = new TempFolder();
        string[] target = args.Contains("--target") ? [] : ["--target", "N(0,1)"];
        string[] restarts = args.Contains("--restarts") ? [] : ["--restarts", "2"];
        CliRun.Of(["basins", .. target, .. args, .. restarts, "--out", folder.Path]).AssertUsageError();
    }
}
