using System.Security.Cryptography;
using System.Text;

namespace KlGpu.Output;

/// <summary>
/// A file that appears whole or not at all. Writes go to a temporary file beside the target
/// (<c>.name.tmp-&lt;random&gt;</c>, same folder, so the rename cannot cross file systems);
/// <see cref="Commit"/> renames it over the target. Disposing without a commit, or an exception
/// before it, deletes the temporary file and leaves any old target untouched.
/// <code>
/// using var f = AtomicFile.Create(path);
/// f.Stream.Write(bytes);
/// f.Commit();
/// </code>
/// Ctrl-C (<see cref="Console.CancelKeyPress"/>) and process exit abandon every file still in
/// flight: their temporary files are deleted and a later <see cref="Commit"/> throws
/// <see cref="OperationCanceledException"/>, so an interrupted run leaves no half outputs.
/// No fsync: the rename protects against interruption, not against power loss.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    public string TargetPath { get; }
    public string TempPath { get; }

    /// <summary>Where to write. Buffered; <see cref="Commit"/> flushes it.</summary>
    public Stream Stream => stream;

    readonly HashingStream stream;
    bool committed, disposed, abandoned;

    AtomicFile(string targetPath)
    {
        TargetPath = Path.GetFullPath(targetPath);
        string folder = Path.GetDirectoryName(TargetPath)
            ?? throw new ArgumentException($"\"{targetPath}\" names no file", nameof(targetPath));
        string name = Path.GetFileName(TargetPath);
        if (name.Length == 0)
            throw new ArgumentException($"\"{targetPath}\" names a folder, not a file", nameof(targetPath));
        TempPath = Path.Combine(folder, $".{name}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
        stream = new HashingStream(new FileStream(TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16));
    }

    /// <summary>Starts writing <paramref name="path"/>; its folder must exist.</summary>
    public static AtomicFile Create(string path)
    {
        var file = new AtomicFile(path);
        InFlight.Add(file);
        return file;
    }

    /// <summary>Flushes and closes the stream, then renames the temporary file over the target.</summary>
    public void Commit()
    {
        Seal();
        File.Move(TempPath, TargetPath, overwrite: true);
        committed = true;
    }

    /// <summary>
    /// Flushes and closes the stream and takes the file out of Ctrl-C's reach, leaving the temporary file for the caller
    /// to rename (<see cref="OutputBatch"/> renames a whole set at once). Returns the content's SHA-256 (lower-case
    /// hex). Throws <see cref="OperationCanceledException"/> if Ctrl-C already abandoned the file.
    /// </summary>
    public string Seal()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (committed || isSealed) throw new InvalidOperationException($"{TargetPath} is already committed");
        stream.Dispose();
        if (!InFlight.Remove(this))
            throw new OperationCanceledException($"writing {TargetPath} was interrupted");
        isSealed = true;
        return stream.Sha256();
    }

    bool isSealed;

    /// <summary>After <see cref="Seal"/>, the caller renamed the temporary file itself: disposing deletes nothing.</summary>
    public void MarkCommitted() => committed = true;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (committed) return;
        stream.Dispose();
        InFlight.Remove(this);
        TryDelete(TempPath);
    }

    /// <summary>Deletes the temporary file from another thread; the writer's stream is left alone.</summary>
    void Abandon()
    {
        abandoned = true;
        TryDelete(TempPath);
    }

    /// <summary>Whether Ctrl-C or process exit abandoned this file before its commit.</summary>
    public bool IsAbandoned => abandoned;

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Abandons every file created and neither committed nor disposed: deletes its temporary
    /// file. Called on Ctrl-C and at process exit; returns how many there were.
    /// </summary>
    public static int AbandonInFlight() => InFlight.AbandonAll();

    // ---- conveniences ----

    /// <summary>Writes the whole stream through <paramref name="write"/>, then commits.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        using var f = Create(path);
        write(f.Stream);
        f.Commit();
    }

    /// <summary>UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string contents) =>
        WriteAllBytes(path, new UTF8Encoding(false).GetBytes(contents));

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var f = Create(path);
        f.Stream.Write(bytes);
        f.Commit();
    }

    /// <summary>The SHA-256 of a file's content, lower-case hex: what a manifest records for each file it lists.</summary>
    public static string Sha256Of(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>A write-only stream that hashes what passes through it, so a file's SHA-256 costs no second read.</summary>
    sealed class HashingStream(FileStream inner) : Stream
    {
        readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length;
        string? digest;

        public string Sha256() => digest ??= Convert.ToHexStringLower(hash.GetHashAndReset());

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => length;
        public override long Position { get => length; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            hash.AppendData(buffer);
            length += buffer.Length;
        }

        public override void WriteByte(byte value) => Write([value]);

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>The process-wide set of files in flight, emptied on Ctrl-C and at exit.</summary>
    static class InFlight
    {
        static readonly object Gate = new();
        static readonly HashSet<AtomicFile> Files = [];
        static bool hooked;

        public static void Add(AtomicFile f)
        {
            lock (Gate)
            {
                if (!hooked)
                {
                    Console.CancelKeyPress += (_, _) => AbandonAll();
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => AbandonAll();
                    hooked = true;
                }
                Files.Add(f);
            }
        }

        /// <summary>False when the file was abandoned (or was never in flight).</summary>
        public static bool Remove(AtomicFile f)
        {
            lock (Gate) return Files.Remove(f);
        }

        public static int AbandonAll()
        {
            lock (Gate)
            {
                foreach (AtomicFile f in Files) f.Abandon();
                int count = Files.Count;
                Files.Clear();
                return count;
            }
        }
    }
}
