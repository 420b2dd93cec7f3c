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
        Assert.True(Directory.Exists(dir));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void AnExistingFolderIsFine()
    {
        File.WriteAllText(folder.File("keep.txt"), "x");
        Assert.Equal(folder.Path, OutputFolder.Prepare(folder.Path + "/"));
        Assert.Equal(["keep.txt"], folder.Names());
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
