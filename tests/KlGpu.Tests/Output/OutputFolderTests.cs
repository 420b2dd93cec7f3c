using KlGpu.Output;
using Xunit;

namespace KlGpu.Tests.Output;

public sealed class OutputFolderTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void CreatesMissingFoldersAndLeavesNoProbe()
    {
        string dir = folder.File("runs/2024/a");
        Assert.Equal(dir, OutputFolder.Prepare(dir));
        OutputFolder.Release(dir);
        Assert.True(Directory.Exists(dir));
        Assert.Equal([OutputFolder.LockName], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void AFolderOfOtherFilesIsRefusedUnlessForced()
    {
        File.WriteAllText(folder.File("keep.txt"), "x");
        var e = Assert.Throws<UsageException>(() => OutputFolder.Prepare(folder.Path + "/"));
        Assert.Contains("holds files klgpu did not write (\"keep.txt\") and no klgpu manifest", e.Message);
        Assert.Equal(folder.Path, OutputFolder.Prepare(folder.Path + "/", force: true));
        OutputFolder.Release(folder.Path);
        Assert.Equal(["keep.txt"], folder.Names());
    }

    /// <summary>Found by tests/battery/hostile.py: a planted klgpu-like manifest let a run replace the user's own
    /// forward.npy with exit 0. A file the run would replace must be one the manifest vouches for (listed, hash unchanged).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ARunReplacesOnlyFilesTheManifestVouchesForUnlessForced(bool force)
    {
        File.WriteAllText(folder.File("forward.npy"), "the user's own array");
        File.WriteAllText(folder.File("manifest.json"),
            """{"tool": "klgpu", "command": "landscape", "files": [{"path": "forward.npy", "role": "grid:forward", "sha256": "0000000000000000000000000000000000000000000000000000000000000000"}]}""");
        using var batch = new OutputBatch(OutputFolder.Prepare(folder.Path, force: force));
        batch.Open("forward.npy", "grid:forward").Stream.Write([1, 2, 3]);
        if (force)
        {
            batch.Commit(files => new { tool = "klgpu", files });
            Assert.Equal([1, 2, 3], File.ReadAllBytes(folder.File("forward.npy")));
            return;
        }
        var e = Assert.Throws<UsageException>(() => batch.Commit(files => new { tool = "klgpu", files }));
        Assert.Contains("holds forward.npy, which klgpu did not write (or which was changed since); nothing was replaced", e.Message);
        Assert.Equal("the user's own array", File.ReadAllText(folder.File("forward.npy")));
        Assert.Contains("\"sha256\": \"0000", File.ReadAllText(folder.File("manifest.json")));
    }

    /// <summary>A second run over a first one's files replaces them: the first run's manifest vouches for each.</summary>
    [Fact]
    public void ARunReplacesAnEarlierRunsFiles()
    {
        for (byte run = 1; run <= 2; run++)
        {
            using var batch = new OutputBatch(OutputFolder.Prepare(folder.Path));
            batch.Open("mu.npy", "axis:mu").Stream.Write([run]);
            batch.Commit(files => new { tool = "klgpu", files });
        }
        Assert.Equal([2], File.ReadAllBytes(folder.File("mu.npy")));
    }

    [Fact]
    public void TheRootIsRefusedEvenWhenForced() =>
        Assert.Contains("refusing to write into the root folder \"/\"", Assert.Throws<UsageException>(() => OutputFolder.Prepare("/", force: true)).Message);

    [Fact]
    public void TheHomeFolderIsRefusedUnlessForced()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length == 0 || home == "/") return;
        Assert.Contains("refusing to write into the home folder", Assert.Throws<UsageException>(() => OutputFolder.Prepare(home)).Message);
    }

    // Tests run as root, for whom permissions are no obstacle; these places are unwritable for everyone.

    [Fact]
    public void AFolderUnderARegularFileIsAUsageError()
    {
        string file = folder.File("plain.txt");
        File.WriteAllText(file, "x");
        string dir = Path.Combine(file, "sub");
        var e = Assert.Throws<UsageException>(() => OutputFolder.Prepare(dir));
        Assert.Equal($"--out: cannot write to \"{dir}\": \"{file}\" is a file, not a folder", e.Message);
    }

    [Fact]
    public void ARegularFileIsNotAFolder()
    {
        string file = folder.File("plain.txt");
        File.WriteAllText(file, "x");
        var e = Assert.Throws<UsageException>(() => OutputFolder.Prepare(file));
        Assert.Equal($"--out: cannot write to \"{file}\": it is a file, not a folder", e.Message);
    }

    [Fact]
    public void ProcIsNotWritable()
    {
        if (!OperatingSystem.IsLinux()) return;
        var e = Assert.Throws<UsageException>(() => OutputFolder.Prepare("/proc/klgpu-out"));
        Assert.StartsWith("--out: cannot write to \"/proc/klgpu-out\": cannot create the folder: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AReadOnlyFolderIsAUsageError()
    {
        if (!OperatingSystem.IsLinux()) return;
        var e = Assert.Throws<UsageException>(() => OutputFolder.Prepare("/proc"));
        Assert.StartsWith("--out: cannot write to \"/proc\": cannot create a file in it: ", e.Message);
    }

    [Fact]
    public void AnEmptyNameIsAUsageError() =>
        Assert.StartsWith("--out: cannot write to", Assert.Throws<UsageException>(() => OutputFolder.Prepare(" ")).Message);
}
