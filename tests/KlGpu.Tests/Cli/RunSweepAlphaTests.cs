using System.Text.Json;
using Xunit;
using TempFolder = KlGpu.Tests.Output.TempFolder;

namespace KlGpu.Tests.Cli;

/// <summary>
/// Issue 19: `klgpu run` of a sweep-alpha manifest wrote to output/sweep, the folder of `sweep`, since sweep-alpha records its
/// run as a sweep. The manifest now says it was run as sweep-alpha (`invoked_as`), and without an out `run` writes where
/// sweep-alpha writes by default, output/sweep-alpha (a run file's own out and --out still come first).
/// </summary>
[Collection(ProcessWide.Name)]
public sealed class RunSweepAlphaTests
{
    static string Values(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("values").GetRawText();

    [Fact]
    public void RunOfASweepAlphaManifestWritesToSweepAlphasFolder()
    {
        using var folder = new TempFolder();
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = folder.Path;
            var first = CliRun.Of("sweep-alpha", "--target", "0.5*N(-3,1) + 0.5*N(3,1)", "--alpha", "0:1:3", "--restarts", "16", "--steps", "200",
                "--accelerator", "cpu", "--quiet", "--out", "first");
            Assert.True(first.ExitCode == 0, first.Stderr);
            var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine("first", "manifest.json"))).RootElement;
            Assert.Equal("sweep", manifest.GetProperty("command").GetString());
            Assert.Equal("sweep-alpha", manifest.GetProperty("invoked_as").GetString());

            var again = CliRun.Of("run", Path.Combine(folder.Path, "first", "manifest.json"));
            Assert.True(again.ExitCode == 0, again.Stderr);
            string wrote = Assert.Single(again.Stdout.Split('\n'), l => l.StartsWith("wrote ", StringComparison.Ordinal));
            Assert.EndsWith(Path.Combine("output", "sweep-alpha"), wrote.TrimEnd());
            Assert.False(Directory.Exists(Path.Combine(folder.Path, "output", "sweep")));
            Assert.Equal(Values(Path.Combine("first", "sweep.json")), Values(Path.Combine("output", "sweep-alpha", "sweep.json")));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    /// <summary>A run file whose invoked_as does not run as its command is refused, and nothing is written.</summary>
    [Fact]
    public void AnInvokedAsThatDoesNotFitIsOneLine()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("study.json"), """{"command": "basins", "invoked_as": "sweep-alpha", "parameters": {"restarts": 4}}""");
        var run = CliRun.Of("run", folder.File("study.json"));
        run.AssertUsageError();
        Assert.Contains("invoked_as: \"sweep-alpha\" is not recorded as a run of basins (valid: sweep-alpha as sweep)", run.Stderr);
        Assert.Equal(["study.json"], folder.Names());
    }
}
