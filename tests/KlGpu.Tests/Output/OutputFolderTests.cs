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
