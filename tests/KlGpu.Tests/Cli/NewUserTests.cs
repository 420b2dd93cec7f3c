using Xunit;
using TempFolder = KlGpu.Tests.Output.TempFolder;

namespace KlGpu.Tests.Cli;

/// <summary>What a new user tripped on (issue 19), each as the command they ran and what it does now.</summary>
public sealed class NewUserTests
{
    /// <summary>`-q` was --quiet while `--q` is eval's and pressure's q: the short alias is gone, --quiet stays.</summary>
    [Theory]
    [InlineData("basins")]
    [InlineData("sweep")]
    [InlineData("sweep-alpha")]
    public void DashQIsNoLongerQuiet(string command)
    {
        var run = CliRun.Of(command, "-q");
        run.AssertUsageError();
        Assert.Contains("'-q'", run.Stderr);
    }
}

/// <summary>What a new user tripped on (issue 19) with the default --out, each as the command they ran, in a folder of its own.</summary>
[Collection(ProcessWide.Name)]
public sealed class NewUserDefaultFolderTests
{
    /// <summary>`sweep` and `sweep-alpha` used to share output/sweep, so one replaced the other's files.</summary>
    [Fact]
    public void SweepAlphaWritesToItsOwnDefaultFolder()
    {
        using var folder = new TempFolder();
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = folder.Path;
            var run = CliRun.Of("sweep-alpha", "--target", "0.5*N(-3,1) + 0.5*N(3,1)", "--alpha", "0:1:3", "--restarts", "16", "--steps", "200",
                "--accelerator", "cpu", "--quiet");
            Assert.True(run.ExitCode == 0, run.Stderr);
            string wrote = Assert.Single(run.Stdout.Split('\n'), l => l.StartsWith("wrote ", StringComparison.Ordinal));
            Assert.EndsWith(Path.Combine("output", "sweep-alpha"), wrote.TrimEnd());
            Assert.True(File.Exists(Path.Combine(folder.Path, "output", "sweep-alpha", "manifest.json")));
            Assert.False(Directory.Exists(Path.Combine(folder.Path, "output", "sweep")));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }
}
