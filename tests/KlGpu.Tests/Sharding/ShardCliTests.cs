using KlGpu.Tests.Cli;
using Xunit;
using TempFolder = KlGpu.Tests.Plotting.TempFolder;

namespace KlGpu.Tests.Sharding;

/// <summary>
/// Shards through the CLI: --shard auto from both schedulers' variables, a done shard skipped, a merge equal to the whole run
/// and re-running it unsharded; every bad input one line on stderr, exit 2, nothing merged or deleted. The variables are
/// process-wide, so these run alone.
/// </summary>
[Collection(ProcessWide.Name)]
public class ShardCliTests
{
    static readonly string[] Landscape = ["landscape", "--target", "0.5*N(-1,0.5) + 0.5*N(1.5,1)", "--mu", "-4:4:9", "--sigma", "0.2:3:7"];

    static readonly string[] Variables = KlGpu.Sharding.Shard.IndexVariables;

    /// <summary>Runs with exactly these scheduler variables set (the others unset), restoring them after.</summary>
    static CliRun WithVariables(IEnumerable<(string Name, string Value)> set, params string[] args)
    {
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
            foreach (var (name, value) in set) Environment.SetEnvironmentVariable(name, value);
            return CliRun.Of(args);
        }
        finally
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }

    static CliRun Shard(string outDir, int index, int count, params string[] extra) => CliRun.Of([.. Landscape, "--out", outDir, "--shard", $"{index}/{count}", .. extra]);

    /// <summary>Every file under a folder with its bytes: what a refused merge must leave as it was.</summary>
    static Dictionary<string, byte[]> Snapshot(string dir) => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
        .Where(f => !Path.GetFileName(f).StartsWith('.')).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    static void AssertRefusedMerge(string dir, string message)
    {
        var before = Snapshot(dir);
        var merge = CliRun.Of("merge", dir);
        merge.AssertUsageError();
        Assert.Contains(message, merge.Stderr);
        Assert.Equal(before.Keys.Order(), Snapshot(dir).Keys.Order());
        foreach (var (name, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(dir, name))); // nothing new, changed or gone
    }

    [Theory]
    [InlineData("SLURM_ARRAY_TASK_ID")]
    [InlineData("JOB_COMPLETION_INDEX")]
    public void AutoShardsMergeToTheWholeRunAndItsManifestReRunsItWhole(string variable)
    {
        using var whole = new TempFolder();
        using var sharded = new TempFolder();
        using var again = new TempFolder();
        Assert.Equal(0, CliRun.Of([.. Landscape, "--out", whole.Path]).ExitCode);
        foreach (int i in new[] { 1, 2, 0 })
        {
            var shard = WithVariables([(variable, i.ToString(System.Globalization.CultureInfo.InvariantCulture))], [.. Landscape, "--out", sharded.Path, "--shard", "auto", "--shards", "3"]);
            Assert.True(shard.ExitCode == 0, shard.Stderr);
            Assert.Contains($"shard {i}/3: wrote", shard.Stdout);
        }
        var skipped = WithVariables([(variable, "2")], [.. Landscape, "--out", sharded.Path, "--shard", "auto", "--shards", "3"]);
        Assert.Contains("shard 2/3 is already complete", skipped.Stdout);
        var redone = Shard(sharded.Path, 2, 3, "--force");
        Assert.Contains("shard 2/3: wrote", redone.Stdout);

        var merge = CliRun.Of("merge", sharded.Path);
        Assert.True(merge.ExitCode == 0, merge.Stderr);
        Assert.Contains("merged 3 shards of landscape", merge.Stdout);
        foreach (string name in new[] { "forward.npy", "reverse.npy", "mu.npy", "sigma.npy", "landscape.csv" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole.Path, name)), File.ReadAllBytes(Path.Combine(sharded.Path, name)));

        // The merge's manifest is the study's, unsharded: `klgpu run` re-runs it whole.
        string manifest = File.ReadAllText(Path.Combine(sharded.Path, "manifest.json"));
        Assert.DoesNotContain("\"shard\"", manifest);
        var rerun = CliRun.Of("run", Path.Combine(sharded.Path, "manifest.json"), "--out", again.Path);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole.Path, "reverse.npy")), File.ReadAllBytes(Path.Combine(again.Path, "reverse.npy")));
    }

    [Fact]
    public void BasinsAndSweepShardThroughTheCliAndRun()
    {
        using var whole = new TempFolder();
        using var sharded = new TempFolder();
        string[] basins = ["basins", "--target", "0.5*N(-2.75,1) + 0.5*N(2.75,1)", "--restarts", "30", "--steps", "300", "--quiet"];
        Assert.Equal(0, CliRun.Of([.. basins, "--out", whole.Path]).ExitCode);
        Assert.Equal(0, CliRun.Of([.. basins, "--out", sharded.Path, "--shard", "0/2"]).ExitCode);
        // A shard's manifest re-runs that shard; run --shard picks another of the same study.
        var viaRun = CliRun.Of("run", Path.Combine(sharded.Path, "shards", "0-of-2", "manifest.json"), "--out", sharded.Path, "--shard", "1/2");
        Assert.True(viaRun.ExitCode == 0, viaRun.Stderr);
        Assert.Equal(0, CliRun.Of("merge", sharded.Path).ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(whole.Path, "basins.json")), File.ReadAllText(Path.Combine(sharded.Path, "basins.json")));

        using var alphaWhole = new TempFolder();
        using var alphaSharded = new TempFolder();
        string[] alpha = ["sweep-alpha", "--target", "0.5*N(-2,1) + 0.5*N(2,1)", "--alpha", "0:1:3", "--restarts", "16", "--steps", "300", "--quiet"];
        Assert.Equal(0, CliRun.Of([.. alpha, "--out", alphaWhole.Path]).ExitCode);
        foreach (int i in new[] { 1, 0 }) Assert.Equal(0, CliRun.Of([.. alpha, "--out", alphaSharded.Path, "--shard", $"{i}/2"]).ExitCode);
        var merge = CliRun.Of("merge", alphaSharded.Path);
        Assert.True(merge.ExitCode == 0, merge.Stderr);
        Assert.Equal(File.ReadAllText(Path.Combine(alphaWhole.Path, "sweep.json")), File.ReadAllText(Path.Combine(alphaSharded.Path, "sweep.json")));
    }

    [Theory]
    [InlineData("1of3", "expected I/N")]
    [InlineData("3/3", "0-based")]
    public void AMalformedShardIsOneLine(string shard, string message)
    {
        using var folder = new TempFolder();
        var run = CliRun.Of([.. Landscape, "--out", folder.Path, "--shard", shard]);
        run.AssertUsageError();
        Assert.Contains(message, run.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void AutoWithoutAVariableIsOneLine()
    {
        using var folder = new TempFolder();
        var run = WithVariables([], [.. Landscape, "--out", folder.Path, "--shard", "auto", "--shards", "2"]);
        run.AssertUsageError();
        Assert.Contains("neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX", run.Stderr);
        var past = WithVariables([("SLURM_ARRAY_TASK_ID", "2")], [.. Landscape, "--out", folder.Path, "--shard", "auto", "--shards", "2"]);
        past.AssertUsageError();
        Assert.Contains("0-based", past.Stderr);
    }

    [Fact]
    public void ShardsOfDifferentSettingsAreNotMerged()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Shard(folder.Path, 0, 2).ExitCode);
        Assert.Equal(0, CliRun.Of([.. Landscape, "--out", folder.Path, "--shard", "1/2", "--divergence", "reverse"]).ExitCode);
        AssertRefusedMerge(folder.Path, "the shards hold different settings");
    }

    [Fact]
    public void MissingShardsAreListedForTheScheduler()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Shard(folder.Path, 0, 4).ExitCode);
        Assert.Equal(0, Shard(folder.Path, 2, 4).ExitCode);
        AssertRefusedMerge(folder.Path, "--array=1,3");
    }

    [Fact]
    public void AnIncompleteShardCountsAsMissing()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Shard(folder.Path, 0, 2).ExitCode);
        Assert.Equal(0, Shard(folder.Path, 1, 2).ExitCode);
        File.WriteAllText(Path.Combine(folder.Path, "shards", "1-of-2", "forward.npy"), "changed");
        AssertRefusedMerge(folder.Path, "--array=1 ");
        // Not skipped, since it was not complete; but the changed file is no longer what klgpu wrote, so redoing the shard
        // replaces it only with --force.
        var redo = Shard(folder.Path, 1, 2);
        Assert.Equal(2, redo.ExitCode);
        Assert.Contains("holds forward.npy, which klgpu did not write (or which was changed since); nothing was replaced", redo.Stderr);
        Assert.Equal("changed", File.ReadAllText(Path.Combine(folder.Path, "shards", "1-of-2", "forward.npy")));
        Assert.Contains("shard 1/2: wrote", Shard(folder.Path, 1, 2, "--force").Stdout);
    }

    [Fact]
    public void ADuplicateShardIsNotMerged()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Shard(folder.Path, 0, 2).ExitCode);
        string shards = Path.Combine(folder.Path, "shards");
        Directory.CreateDirectory(Path.Combine(shards, "1-of-2"));
        foreach (var f in Directory.EnumerateFiles(Path.Combine(shards, "0-of-2")).Where(f => !Path.GetFileName(f).StartsWith('.')))
            File.Copy(f, Path.Combine(shards, "1-of-2", Path.GetFileName(f)));
        AssertRefusedMerge(folder.Path, "shard 0 of 2 is there twice");
    }

    [Fact]
    public void AFolderWithoutShardsIsNotMerged()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, CliRun.Of([.. Landscape, "--out", folder.Path]).ExitCode); // a whole run's folder: no shards
        AssertRefusedMerge(folder.Path, "holds no shards");
        var none = CliRun.Of("merge", Path.Combine(folder.Path, "nowhere"));
        none.AssertUsageError();
        Assert.Contains("does not exist", none.Stderr);
    }

    [Fact]
    public void AShardOfAnotherVersionIsNotMerged()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Shard(folder.Path, 0, 2).ExitCode);
        Assert.Equal(0, Shard(folder.Path, 1, 2).ExitCode);
        string manifest = Path.Combine(folder.Path, "shards", "1-of-2", "manifest.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        json["version"] = "0.0.1-elsewhere";
        File.WriteAllText(manifest, json.ToJsonString());
        AssertRefusedMerge(folder.Path, "written by klgpu 0.0.1-elsewhere");
    }

    [Fact]
    public void ACommandThatIsNotSplitRefusesAShard()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("landscape", "--family", "mixture:2", "--q", "0.5*N(-1,0.5) + 0.5*N(1,0.5)", "--vary", "mean1,mean2", "--x", "-1:1:3",
            "--y", "-1:1:3", "--out", folder.Path, "--shard", "0/2");
        run.AssertUsageError();
        Assert.Contains("--shard: a slice or a fixed-σ curve is not split", run.Stderr);
    }

    /// <summary>A mixture q's basins and sweep as 3 shards (one twice, out of order) and a merge through the CLI equal the whole run.</summary>
    [Fact]
    public void MixtureBasinsAndSweepShardThroughTheCli()
    {
        using var whole = new TempFolder();
        using var sharded = new TempFolder();
        string[] basins = ["basins", "--family", "mixture:2", "--target", "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)", "--restarts", "7", "--steps", "300",
            "--accelerator", "cpu", "--quiet"];
        Assert.Equal(0, CliRun.Of([.. basins, "--out", whole.Path]).ExitCode);
        foreach (int i in new[] { 2, 0, 1 }) Assert.Equal(0, CliRun.Of([.. basins, "--out", sharded.Path, "--shard", $"{i}/3"]).ExitCode);
        var again = CliRun.Of([.. basins, "--out", sharded.Path, "--shard", "0/3"]);
        Assert.Contains("already complete", again.Stdout);
        var merge = CliRun.Of("merge", sharded.Path);
        Assert.True(merge.ExitCode == 0, merge.Stderr);
        foreach (string name in new[] { "basins.json", "restarts.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(whole.Path, name)), File.ReadAllText(Path.Combine(sharded.Path, name)));

        using var sweepWhole = new TempFolder();
        using var sweepSharded = new TempFolder();
        string[] sweep = ["sweep", "--family", "mixture:2", "--target-template", "0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)", "--param", "d=2:5:3",
            "--restarts", "4", "--steps", "300", "--accelerator", "cpu", "--quiet"];
        Assert.Equal(0, CliRun.Of([.. sweep, "--out", sweepWhole.Path]).ExitCode);
        foreach (int i in new[] { 1, 2, 0 }) Assert.Equal(0, CliRun.Of([.. sweep, "--out", sweepSharded.Path, "--shard", $"{i}/3"]).ExitCode);
        var sweepMerge = CliRun.Of("merge", sweepSharded.Path);
        Assert.True(sweepMerge.ExitCode == 0, sweepMerge.Stderr);
        Assert.Equal(File.ReadAllText(Path.Combine(sweepWhole.Path, "sweep.json")), File.ReadAllText(Path.Combine(sweepSharded.Path, "sweep.json")));
    }
}
