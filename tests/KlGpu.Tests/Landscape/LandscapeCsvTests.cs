using KlGpu.Tests.Cli;
using Xunit;
using TempFolder = KlGpu.Tests.Output.TempFolder;

namespace KlGpu.Tests.LandscapeJobs;

/// <summary>landscape.csv is written unasked up to 512 × 512 points; above that only with --csv, and a manifest re-runs the choice.</summary>
public sealed class LandscapeCsvTests
{
    static CliRun Landscape(string dir, string mu, params string[] more) =>
        CliRun.Of(["landscape", "--mu", mu, "--sigma", "0.5:3:500", "--accelerator", "cpu", "--out", dir, .. more]);

    [Fact]
    public void AboveTheLimitOnlyTheGridsHoldTheValues()
    {
        using var folder = new TempFolder();
        string dir = Path.Combine(folder.Path, "big");
        var run = Landscape(dir, "-4:4:600"); // 300,000 points
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "landscape.csv")));
        Assert.True(File.Exists(Path.Combine(dir, "forward.npy")));
        Assert.DoesNotContain("landscape.csv", File.ReadAllText(Path.Combine(dir, "manifest.json")));
    }

    [Fact]
    public void CsvAsksForTheTableAtAnySizeAndTheManifestKeepsIt()
    {
        using var folder = new TempFolder();
        string dir = Path.Combine(folder.Path, "big");
        var run = Landscape(dir, "-4:4:600", "--csv");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(1 + 600 * 500, File.ReadLines(Path.Combine(dir, "landscape.csv")).Count());

        string again = Path.Combine(folder.Path, "again");
        var rerun = CliRun.Of("run", Path.Combine(dir, "manifest.json"), "--out", again);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "landscape.csv")), File.ReadAllBytes(Path.Combine(again, "landscape.csv")));
    }

    [Fact]
    public void AtTheLimitTheTableIsWritten()
    {
        using var folder = new TempFolder();
        string dir = Path.Combine(folder.Path, "edge");
        var run = CliRun.Of("landscape", "--mu", "-4:4:512", "--sigma", "0.5:3:512", "--accelerator", "cpu", "--out", dir);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(1 + 512 * 512, File.ReadLines(Path.Combine(dir, "landscape.csv")).Count());
    }

    [Fact]
    public void CsvIsRefusedWhereTheOutputIsACurve()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("landscape", "--family", "gaussian-fixed-sigma:1", "--csv", "--out", Path.Combine(folder.Path, "c"));
        run.AssertUsageError();
        Assert.Contains("--csv: only for a map over (μ, σ)", run.Stderr);
    }
}
