using System.Diagnostics;
using System.Text.Json;
using KlGpu.Output;
using KlGpu.Tests.Cli;
using Xunit;

namespace KlGpu.Tests.Output;

/// <summary>
/// The --out folder under hostile conditions (issue: nothing lost, nothing deleted): planted manifests, foreign folders,
/// a failure part-way through the commit, a killed run's journal and temporaries, a second run, SIGTERM and SIGINT.
/// Each test states the command and what the folder must hold afterwards, byte for byte.
/// </summary>
[Collection(ProcessWide.Name)]
public sealed class DataSafetyTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose()
    {
        OutputBatch.BeforePlacing = null;
        folder.Dispose();
    }

    static string[] Landscape(string dir, params string[] extra) =>
        ["landscape", "--target", "0.5*N(-1,0.5) + 0.5*N(1,0.7)", "--mu", "-2:2:8", "--sigma", "0.4:1.6:6", "--accelerator", "cpu", "--out", dir, .. extra];

    /// <summary>Every file's bytes, by name (the lock file aside).</summary>
    Dictionary<string, byte[]> Snapshot() => folder.Names().ToDictionary(n => n, n => Directory.Exists(folder.File(n)) ? [] : File.ReadAllBytes(folder.File(n)));

    void AssertUnchanged(Dictionary<string, byte[]> before)
    {
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), folder.Names());
        foreach (var (name, bytes) in before)
            if (!Directory.Exists(folder.File(name))) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(folder.File(name))), $"{name} changed");
    }

    static void Ok(CliRun run) => Assert.True(run.ExitCode == 0, run.Stderr);

    // klgpu landscape --out DIR, where DIR holds notes.txt and a planted manifest listing it (and /etc-like names): nothing of
    // the user's is deleted, with or without the file's true SHA-256 in the planted list.
    [Fact]
    public void APlantedManifestDeletesNothing()
    {
        File.WriteAllText(folder.File("notes.txt"), "my notes");
        File.WriteAllText(folder.File("hostname"), "box");
        File.WriteAllText(folder.File("forward.svg"), "<svg>mine</svg>"); // a klgpu-like name, but not what klgpu wrote
        string Sha(string n) => AtomicFile.Sha256Of(folder.File(n));
        var planted = new
        {
            tool = "klgpu",
            files = new object[]
            {
                new { path = "notes.txt", role = "x", sha256 = Sha("notes.txt") },
                new { path = "hostname", role = "x" },
                new { path = "forward.svg", role = "figure:forward", sha256 = new string('0', 64) },
                new { path = "../outside.txt", role = "x" },
            },
        };
        File.WriteAllText(folder.File("manifest.json"), JsonSerializer.Serialize(planted));
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(folder.Path)!, "outside.txt"), "outside");
        try
        {
            Ok(CliRun.Of(Landscape(folder.Path)));
            Assert.Equal("my notes", File.ReadAllText(folder.File("notes.txt")));
            Assert.Equal("box", File.ReadAllText(folder.File("hostname")));
            Assert.Equal("<svg>mine</svg>", File.ReadAllText(folder.File("forward.svg")));
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(folder.Path)!, "outside.txt")));
        }
        finally
        {
            File.Delete(Path.Combine(Path.GetDirectoryName(folder.Path)!, "outside.txt"));
        }
    }

    // klgpu landscape --svg, then without --svg: the SVGs klgpu wrote go; one the user edited since stays.
    [Fact]
    public void StaleFilesGoOnlyIfStillAsKlgpuWroteThem()
    {
        Ok(CliRun.Of(Landscape(folder.Path, "--svg")));
        File.AppendAllText(folder.File("reverse.svg"), "<!-- my edit -->");
        Ok(CliRun.Of(Landscape(folder.Path)));
        Assert.False(File.Exists(folder.File("forward.svg")));
        Assert.False(File.Exists(folder.File("landscape.svg")));
        Assert.True(File.Exists(folder.File("reverse.svg")));
        using var manifest = JsonDocument.Parse(File.ReadAllText(folder.File("manifest.json")));
        foreach (var f in manifest.RootElement.GetProperty("files").EnumerateArray())
        {
            string name = f.GetProperty("path").GetString()!;
            if (name == "manifest.json") Assert.False(f.TryGetProperty("sha256", out _));
            else Assert.Equal(AtomicFile.Sha256Of(folder.File(name)), f.GetProperty("sha256").GetString());
        }
    }

    // klgpu landscape --out DIR where DIR holds keep.txt and no manifest: exit 2, one line, nothing written; --force writes beside it.
    [Fact]
    public void AForeignFolderIsRefusedUnlessForced()
    {
        File.WriteAllText(folder.File("keep.txt"), "x");
        var refused = CliRun.Of(Landscape(folder.Path));
        refused.AssertUsageError();
        Assert.Contains("--force", refused.Stderr);
        Assert.Equal(["keep.txt"], folder.Names());
        Ok(CliRun.Of(Landscape(folder.Path, "--force")));
        Assert.Contains("manifest.json", folder.Names());
        Assert.Equal("x", File.ReadAllText(folder.File("keep.txt")));
    }

    [Theory]
    [InlineData("landscape")]
    [InlineData("basins")]
    [InlineData("pressure")]
    public void TheRootFolderIsRefused(string command)
    {
        string[] args = command switch
        {
            "landscape" => ["landscape", "--out", "/"],
            "basins" => ["basins", "--restarts", "8", "--out", "/"],
            _ => ["pressure", "--target", "N(0,1)", "--q", "N(1,1)", "--out", "/"],
        };
        var run = CliRun.Of(args);
        run.AssertUsageError();
        Assert.Contains("root folder", run.Stderr);
    }

    // A folder named landscape.png is in the way: exit 1, one line, and the previous run's files are exactly as they were.
    [Fact]
    public void AFolderInTheWayFailsBeforeAnythingIsReplaced()
    {
        Ok(CliRun.Of(Landscape(folder.Path, "--linear-color")));
        File.Delete(folder.File("landscape.png"));
        Directory.CreateDirectory(folder.File("landscape.png"));
        var before = Snapshot();
        var run = CliRun.Of(Landscape(folder.Path));
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.StderrLines);
        Assert.Contains("a folder of that name is in the way", run.Stderr);
        AssertUnchanged(before);
    }

    // A failure after some files are already in place (simulated at the 4th rename): the old set comes back whole.
    [Fact]
    public void AFailurePartWayRestoresTheOldSet()
    {
        Ok(CliRun.Of(Landscape(folder.Path, "--svg")));
        var before = Snapshot();
        int placed = 0;
        OutputBatch.BeforePlacing = name =>
        {
            if (++placed == 4) throw new IOException($"simulated: no space left writing {name}");
        };
        var run = CliRun.Of(Landscape(folder.Path, "--linear-color", "--divergence", "reverse"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("simulated", run.Stderr);
        AssertUnchanged(before);
    }

    // The state a run killed mid-commit leaves (old files moved to backups, some new ones placed, the journal): the next
    // claim of the folder puts the old set back and removes the killed runs' temporaries; the user's hidden file stays.
    [Fact]
    public void AKilledCommitIsUndoneByTheNextRun()
    {
        Ok(CliRun.Of(Landscape(folder.Path)));
        var before = Snapshot();
        File.WriteAllText(folder.File(".my-notes"), "hidden but mine");
        before[".my-notes"] = File.ReadAllBytes(folder.File(".my-notes"));

        const string tag = "0123456789ab";
        File.Move(folder.File("forward.npy"), folder.File($".forward.npy.bak-{tag}"));
        File.WriteAllText(folder.File("forward.npy"), "new forward");
        File.Move(folder.File("reverse.npy"), folder.File($".reverse.npy.bak-{tag}")); // killed between the two renames
        File.WriteAllText(folder.File("forward.svg"), "new svg");
        File.WriteAllText(folder.File(".landscape.csv.tmp-00ff00ff00ff"), "half a csv");
        CommitJournal.Write(folder.Path,
        [
            new("forward.npy", $".forward.npy.bak-{tag}", AtomicFile.Sha256Of(folder.File("forward.npy"))),
            new("forward.svg", null, AtomicFile.Sha256Of(folder.File("forward.svg"))),
            new("reverse.npy", $".reverse.npy.bak-{tag}", new string('a', 64)),
        ]);

        OutputFolder.Prepare(folder.Path);
        OutputFolder.Release(folder.Path);
        AssertUnchanged(before);
    }

    // Another process holds the folder's lock: exit 2 naming it, nothing written; once it lets go, the run goes through.
    [Fact]
    public void TwoRunsIntoOneFolderCannotMix()
    {
        Ok(CliRun.Of(Landscape(folder.Path)));
        var before = Snapshot();
        using (new FileStream(folder.File(OutputFolder.LockName), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var run = CliRun.Of(Landscape(folder.Path, "--svg"));
            run.AssertUsageError();
            Assert.Contains("another klgpu run is writing into", run.Stderr);
            AssertUnchanged(before);
        }
        Ok(CliRun.Of(Landscape(folder.Path, "--svg")));
        Assert.Contains("forward.svg", folder.Names());
    }

    // Sizes beyond the machine: one line naming the size, exit 2, nothing written.
    [Theory]
    [InlineData("memory", "landscape", "--mu", "-5:5:1000000000", "--sigma", "0.1:1:2")]
    [InlineData("writes about", "landscape", "--mu", "-5:5:100000", "--sigma", "0.1:1:100000")]
    [InlineData("memory", "sweep", "--target-template", "0.5*N(-{d},1) + 0.5*N({d},1)", "--param", "d=0:3:1000000000")]
    [InlineData("memory", "pressure", "--target", "N(0,1)", "--q", "N(1,1)", "--x", "-3:3:2000000000")]
    [InlineData("memory", "landscape", "--family", "gaussian-fixed-sigma:1", "--mu", "-3:3:2000000000")]
    public void ARunTooBigForTheMachineIsRefusedUpFront(string says, params string[] args)
    {
        string dir = folder.File("out");
        var run = CliRun.Of([.. args, "--out", dir]);
        run.AssertUsageError();
        Assert.Contains(says, run.Stderr);
        Assert.True(!Directory.Exists(dir) || !Directory.EnumerateFiles(dir).Any(f => Path.GetFileName(f) != OutputFolder.LockName));
    }

    [Fact]
    public void ABenchGridTooBigForTheDiskIsRefused()
    {
        var run = CliRun.Of("bench", "--grid", "1000000", "--no-peer");
        run.AssertUsageError();
        Assert.Contains("1,000,000 × 1,000,000 landscape", run.Stderr);
    }

    [Fact]
    public void ATargetOfTooManyComponentsIsRefused()
    {
        string file = folder.File("big.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new { means = Enumerable.Range(0, 1001).Select(i => (double)i).ToArray(), stds = Enumerable.Repeat(1.0, 1001).ToArray() }));
        var run = CliRun.Of("eval", "--target", "@" + file, "--q", "N(0,1)");
        run.AssertUsageError();
        Assert.Contains("1,001 components are more than a mixture may have (1,000)", run.Stderr);
    }

    // The real executable, stopped by a signal while it computes a grid that takes seconds: exit 143 (SIGTERM) or 130 (SIGINT),
    // no temporary left, and the previous run's files exactly as they were. A second run meanwhile is refused by the lock.
    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public void ASignalLeavesThePreviousRunWhole(string signal, int code)
    {
        if (!OperatingSystem.IsLinux()) return;
        Ok(CliRun.Of(Landscape(folder.Path)));
        var before = Snapshot();
        using var klgpu = Start(["landscape", "--mu", "-5:5:2048", "--sigma", "0.05:5:2048", "--accelerator", "cpu", "--out", folder.Path]);
        // The lock is checked while the run computes, and the signal sent as soon as it writes: a second run started after the
        // first began writing could outlast the writing on a busy machine, and the signal would then find nothing to stop.
        WaitFor(klgpu, () => Holds(klgpu, folder.File(OutputFolder.LockName)), "open the folder's lock");
        var second = CliRun.Of(Landscape(folder.Path));
        second.AssertUsageError();
        Assert.Contains("another klgpu run", second.Stderr);
        WaitFor(klgpu, () => folder.Names().Any(n => n.Contains(".tmp-", StringComparison.Ordinal)), "start writing");

        using (var kill = Process.Start("kill", ["-" + signal, klgpu.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(klgpu.WaitForExit(30_000), "klgpu did not stop within 30 s of the signal");
        Assert.Equal(code, klgpu.ExitCode);
        Assert.Contains("no files were written", klgpu.StandardError.ReadToEnd());
        AssertUnchanged(before);
    }

    /// <summary>Waits until <paramref name="done"/>, failing if klgpu ends first.</summary>
    static void WaitFor(Process klgpu, Func<bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (klgpu.HasExited) Assert.Fail($"klgpu ended (exit {klgpu.ExitCode}) before it would {what}: {klgpu.StandardError.ReadToEnd()}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"klgpu did not {what} within a minute");
            Thread.Sleep(20);
        }
    }

    /// <summary>Whether <paramref name="process"/> has <paramref name="path"/> open, read from /proc without touching the file (a probe
    /// that took the lock itself could make klgpu's own attempt fail). klgpu opens its lock only to lock it at once.</summary>
    static bool Holds(Process process, string path)
    {
        try
        {
            return Directory.EnumerateFiles($"/proc/{process.Id}/fd").Any(fd => new FileInfo(fd).LinkTarget == path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // a descriptor closed while it was listed
        }
    }

    /// <summary>
    /// klgpu as a process of its own, as a user runs it in a terminal (the CLI's dll beside the tests). It starts through
    /// <c>env --default-signal=INT</c>: a test host launched in the background by a non-interactive shell ignores SIGINT, as
    /// POSIX has such shells do, every child inherits that, and .NET keeps an inherited SIGINT ignored, so Ctrl-C's signal
    /// would never reach the run. env execs klgpu in place, so the process id is klgpu's.
    /// </summary>
    static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "klgpu.dll"));
        foreach (string a in args) info.ArgumentList.Add(a);
        var p = Process.Start(info)!;
        p.StandardInput.Close();
        return p;
    }
}
