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

    /// <summary>The eval and pressure help did not say which terms --target and --q take: each option's line says it now.</summary>
    [Theory]
    [InlineData("eval", "--target", "T(nu,mean,scale) and Laplace L(mean,scale) terms (then forward and reverse KL only for an N q)")]
    [InlineData("eval", "--q", "one Student-t T(nu,mean,scale) against a 1-D target, every divergence but ksd whose integral is finite")]
    [InlineData("eval", "--q", "no L(mean,scale) terms")]
    [InlineData("pressure", "--target", "N(mean,std) terms only (no T(nu,mean,scale) or L(mean,scale) terms, no two-modes)")]
    [InlineData("pressure", "--q", "N(mean,std) terms only (no T(nu,mean,scale) or L(mean,scale) terms)")]
    public void HelpSaysWhichTermsTargetAndQTake(string command, string option, string says)
    {
        var run = CliRun.Of(command, "--help");
        Assert.Equal(0, run.ExitCode);
        string line = Assert.Single(run.Stdout.Split('\n'), l => l.Contains($" {option} <SPEC>", StringComparison.Ordinal));
        Assert.Contains(says, line);
    }

    /// <summary>What the help says, as the commands do it: 0 where it says a term is taken, a one-line refusal where not.</summary>
    [Theory]
    [InlineData(0, "eval", "0.5*T(3,-2,1) + 0.5*L(2,1)", "N(0,2)")]
    [InlineData(0, "eval", "0.5*T(3,-2,1) + 0.5*L(2,1)", "T(3,0,2)")]
    [InlineData(0, "eval", "N(0,1)", "0.5*N(-1,1) + 0.5*N(1,1)")]
    [InlineData(2, "eval", "N(0,1)", "L(0,1)")]
    [InlineData(2, "eval", "N(0,1)", "0.5*T(3,0,1) + 0.5*N(1,1)")]
    [InlineData(2, "eval", "L(0,1)", "0.5*N(-1,1) + 0.5*N(1,1)")]
    [InlineData(2, "eval", "two-modes(d=2, sep=3)", "T(3,0,1)")]
    [InlineData(0, "eval", "two-modes(d=2, sep=3)", "0.5*N(-1,1) + 0.5*N(2,1)")]
    [InlineData(2, "pressure", "T(3,0,1)", "N(0,2)")]
    [InlineData(2, "pressure", "L(0,1)", "N(0,2)")]
    [InlineData(2, "pressure", "N(0,1)", "T(3,0,2)")]
    [InlineData(2, "pressure", "N(0,1)", "L(0,2)")]
    [InlineData(2, "pressure", "two-modes(d=2, sep=3)", "N(0,2)")]
    public void TheTermsTakenAreTheTermsTheHelpNames(int exit, string command, string target, string q)
    {
        using var folder = new TempFolder();
        var run = command == "eval"
            ? CliRun.Of("eval", "--target", target, "--q", q, "--accelerator", "cpu")
            : CliRun.Of("pressure", "--target", target, "--q", q, "--out", folder.Path);
        if (exit == 0) Assert.True(run.ExitCode == 0, run.Stderr);
        else run.AssertUsageError();
    }

    /// <summary>`run` on the manifest of an --animate run did not redo basins.gif: animate is a recorded parameter now.</summary>
    [Fact]
    public void RunOnTheManifestOfAnAnimatedRunWritesTheGifAgain()
    {
        using var first = new TempFolder();
        using var again = new TempFolder();
        var run = CliRun.Of("basins", "--target", "0.5*N(-2.75,1) + 0.5*N(2.75,1)", "--restarts", "64", "--steps", "400", "--trajectories", "4",
            "--animate", "--accelerator", "cpu", "--quiet", "--out", first.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(File.Exists(first.File("basins.gif")));
        using (var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(first.File("manifest.json"))))
            Assert.True(manifest.RootElement.GetProperty("parameters").GetProperty("animate").GetBoolean());

        var rerun = CliRun.Of("run", first.File("manifest.json"), "--out", again.Path);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.True(File.Exists(again.File("basins.gif")), "run of the manifest did not write basins.gif");
        Assert.Equal(File.ReadAllText(first.File("restarts.csv")), File.ReadAllText(again.File("restarts.csv")));
    }

    /// <summary>basins --help gave a Gaussian q's defaults (4096 restarts, radius 1e-3) that a mixture q does not use: each option says what it uses.</summary>
    [Theory]
    [InlineData("--restarts <N>", "a mixture:K q makes 256 unless given")]
    [InlineData("--steps <T>", "a mixture:K q takes at most 1500 unless given")]
    [InlineData("--cluster-radius <X>", "for a mixture:K q, closer than this in every weight, mean and log std, 0.01 unless given")]
    public void BasinsHelpSaysWhatAMixtureQUsesInstead(string option, string says)
    {
        var run = CliRun.Of("basins", "--help");
        string line = Assert.Single(run.Stdout.Split('\n'), l => l.Contains(option, StringComparison.Ordinal));
        Assert.Contains(says, line);
    }

    /// <summary>And a mixture q's run uses them: 256 restarts and radius 0.01 when neither is given (steps cut short here to keep it quick).</summary>
    [Fact]
    public void AMixtureQRunUsesTheDefaultsItsHelpNames()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("basins", "--target", "0.5*N(-2,1) + 0.5*N(2,1)", "--family", "mixture:2", "--steps", "50", "--accelerator", "cpu",
            "--json", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder.File("manifest.json")));
        var parameters = manifest.RootElement.GetProperty("parameters");
        Assert.Equal(256, parameters.GetProperty("restarts").GetInt32());
        Assert.Equal(0.01, parameters.GetProperty("cluster_radius").GetDouble());
    }

    /// <summary>The sweep's switch line printed only the basin being left: it names both now, and the table says which rows it prints.</summary>
    [Fact]
    public void TheSwitchLineNamesTheBasinLeftAndTheBasinMovedTo()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("sweep", "--target-template", "0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)", "--param", "d=5:6:3", "--restarts", "64",
            "--mu", "-6:6", "--sigma", "0.2:6", "--accelerator", "cpu", "--quiet", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("rows: the first value, each value where the number of minima changes, and the last; every value's basins are in sweep.csv and sweep.json", run.Stdout);
        string line = Assert.Single(run.Stdout.Split('\n'), l => l.StartsWith("switch", StringComparison.Ordinal));
        // From the broad symmetric fit to one of the mirror mode-seeking fits (|μ| = 2.768 there, σ = 1.044).
        Assert.Matches(@"^switch +at d = 5\.60016\d\d: the global minimum moves to another basin \(from μ = 0, σ = 2\.6015 to μ = -?2\.768, σ = 1\.04431\)$", line.TrimEnd());
    }

    /// <summary>There was no way to start from one point (--mu 0.3:0.3 is refused): --start MU,SIGMA is one restart from there,
    /// recorded in the manifest, so that `run` of it starts there again.</summary>
    [Fact]
    public void OneStartAtTheRightHandModeEndsInTheRightHandBasin()
    {
        using var first = new TempFolder();
        using var again = new TempFolder();
        var run = CliRun.Of("basins", "--target", "0.5*N(-2.75,1)+0.5*N(2.75,1)", "--divergence", "reverse", "--start", "2.75,1", "--accelerator", "cpu",
            "--json", "--out", first.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using (var doc = System.Text.Json.JsonDocument.Parse(run.Stdout))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("restarts").GetInt32());
            Assert.Equal(1, doc.RootElement.GetProperty("converged").GetInt32());
            var basin = Assert.Single(doc.RootElement.GetProperty("basins").EnumerateArray());
            Assert.Equal("minimum", basin.GetProperty("kind").GetString());
            // The right-hand mode-seeking minimum, (2.7113, 1.0523); the left one mirrors it and the broad one sits at μ = 0.
            Assert.Equal(2.71134632, basin.GetProperty("mu").GetDouble(), 1e-6);
            Assert.Equal(1.05230752, basin.GetProperty("sigma").GetDouble(), 1e-6);
        }
        string[] csv = File.ReadAllLines(first.File("restarts.csv"));
        Assert.Equal(2, csv.Length);
        Assert.StartsWith("0,2.75,1,", csv[1]);

        using (var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(first.File("manifest.json"))))
        {
            var parameters = manifest.RootElement.GetProperty("parameters");
            Assert.Equal("2.75,1", parameters.GetProperty("start").GetString());
            foreach (string moot in new[] { "restarts", "starts", "mu", "sigma" }) Assert.False(parameters.TryGetProperty(moot, out _), $"{moot} recorded beside start");
        }
        var rerun = CliRun.Of("run", first.File("manifest.json"), "--out", again.Path);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Equal(File.ReadAllText(first.File("restarts.csv")), File.ReadAllText(again.File("restarts.csv")));
    }

    /// <summary>--start is one restart from one point: a σ ≤ 0, a malformed point, and the options it replaces are one-line refusals.</summary>
    [Theory]
    [InlineData("--start: one start is one restart from that point; leave out --starts", "--start", "2.75,1", "--starts", "grid:4x4")]
    [InlineData("--start: one start is one restart from that point; leave out --restarts", "--start", "2.75,1", "--restarts", "10")]
    [InlineData("--start: one start is one restart from that point; leave out --mu", "--start", "2.75,1", "--mu", "-3:3")]
    [InlineData("--start: σ must be above 0, got SIGMA = 0", "--start", "2.75,0")]
    [InlineData("--start: σ must be above 0, got SIGMA = -1", "--start", "2.75,-1")]
    [InlineData("--start: expected MU,SIGMA (e.g. 2.75,1) but got \"2.75\"", "--start", "2.75")]
    [InlineData("--start: a mixture:2 q starts at random", "--start", "1,1", "--family", "mixture:2")]
    public void StartIsRefusedWithWhatItReplaces(string message, params string[] args)
    {
        using var folder = new TempFolder();
        var run = CliRun.Of(["basins", .. args, "--out", folder.Path]);
        run.AssertUsageError();
        Assert.StartsWith("klgpu: " + message, run.Stderr);
        Assert.False(File.Exists(folder.File("manifest.json")));
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
