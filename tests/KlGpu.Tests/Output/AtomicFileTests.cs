using System.Text;
using KlGpu.Output;
using Xunit;

namespace KlGpu.Tests.Output;

public sealed class AtomicFileTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void CommitCreatesTheFileAndLeavesNoTemporary()
    {
        string path = folder.File("a.txt");
        using (var f = AtomicFile.Create(path))
        {
            f.Stream.Write("hello"u8);
            f.Commit();
        }
        Assert.Equal("hello", File.ReadAllText(path));
        Assert.Equal(["a.txt"], folder.Names());
    }

    [Fact]
    public void TheTemporaryFileSitsBesideTheTargetUnderAHiddenName()
    {
        string path = folder.File("landscape.npy");
        using var f = AtomicFile.Create(path);
        Assert.Equal(folder.Path, Path.GetDirectoryName(f.TempPath));
        Assert.StartsWith(".landscape.npy.tmp-", Path.GetFileName(f.TempPath));
        Assert.True(File.Exists(f.TempPath));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void AnExceptionBeforeCommitLeavesNoFileAndNoTemporary()
    {
        string path = folder.File("b.csv");
        Action writeThenFail = () =>
        {
            using var f = AtomicFile.Create(path);
            f.Stream.Write(new byte[100_000]);
            throw new InvalidOperationException("engine failed");
        };
        Assert.Throws<InvalidOperationException>(writeThenFail);
        Assert.Empty(folder.Names());
    }

    [Fact]
    public void AnExceptionInsideWriteLeavesNoFile()
    {
        Assert.Throws<IOException>(() => AtomicFile.Write(folder.File("c.bin"), s =>
        {
            s.WriteByte(1);
            throw new IOException("disk full");
        }));
        Assert.Empty(folder.Names());
    }

    [Fact]
    public void TheTargetIsReplacedOnlyOnCommit()
    {
        string path = folder.File("d.json");
        File.WriteAllText(path, "old");
        using (var f = AtomicFile.Create(path))
        {
            f.Stream.Write("new"u8);
            f.Stream.Flush();
            Assert.Equal("old", File.ReadAllText(path));
            f.Commit();
        }
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["d.json"], folder.Names());
    }

    [Fact]
    public void DisposingWithoutCommitKeepsTheOldTarget()
    {
        string path = folder.File("e.json");
        File.WriteAllText(path, "old");
        using (var f = AtomicFile.Create(path))
            f.Stream.Write("half-written"u8);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["e.json"], folder.Names());
    }

    [Fact]
    public void CommittingTwiceIsAnError()
    {
        using var f = AtomicFile.Create(folder.File("f"));
        f.Commit();
        Assert.Throws<InvalidOperationException>(f.Commit);
    }

    [Fact]
    public void AMissingFolderFailsAtCreate() =>
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Create(folder.File("no/such/g.txt")));

    [Fact]
    public void WriteAllTextIsUtf8WithoutAByteOrderMark()
    {
        string path = folder.File("h.txt");
        AtomicFile.WriteAllText(path, "σ μ\n");
        Assert.Equal(Encoding.UTF8.GetBytes("σ μ\n"), File.ReadAllBytes(path));
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["h.txt"], folder.Names());
    }
}

/// <summary>Empties the process-wide registry, so it must not run beside other writers.</summary>
[Collection(ProcessWide.Name)]
public sealed class AtomicFileInterruptTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void AbandoningInFlightFilesDeletesTheirTemporariesAndBlocksTheirCommit()
    {
        string path = folder.File("big.npy");
        File.WriteAllText(path, "old");
        using var f = AtomicFile.Create(path);
        using var done = AtomicFile.Create(folder.File("done.txt"));
        done.Stream.WriteByte(42);
        done.Commit();
        f.Stream.Write(new byte[1000]);

        // What Ctrl-C does.
        Assert.True(AtomicFile.AbandonInFlight() >= 1);

        Assert.True(f.IsAbandoned);
        Assert.Equal(["big.npy", "done.txt"], folder.Names());
        Assert.Throws<OperationCanceledException>(f.Commit);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["big.npy", "done.txt"], folder.Names());
    }
}
