using System.Security.Cryptography;
using System.Text.RegularExpressions;
using KlGpu.Specs;

namespace KlGpu.Output;

/// <summary>
/// The <c>--out</c> folder, checked and claimed before any work starts. A claim holds the folder's lock file
/// (<c>.klgpu.lock</c>, an exclusive file lock) until <see cref="Release"/>, so two runs into one folder cannot mix;
/// it first undoes a commit that a killed run left half done (<see cref="CommitJournal"/>) and removes the temporary
/// files of killed runs. A folder is refused when it is the file-system root, or, unless forced, the home folder or a
/// folder that holds other files and no klgpu manifest: a run may replace and remove only what klgpu wrote.
/// </summary>
public static partial class OutputFolder
{
    public const string LockName = ".klgpu.lock";

    static readonly object Gate = new();
    static readonly Dictionary<string, FileStream> Claims = new(StringComparer.Ordinal);

    /// <summary>The claimed folders whose run was told --force: it may write over files klgpu did not write.</summary>
    static readonly HashSet<string> Forced = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates <paramref name="dir"/> if needed, proves it writable, claims it and returns its full path; a folder this
    /// process has already claimed is returned as it is. Any failure is a <see cref="UsageException"/>:
    /// <c>--out: cannot write to "DIR": reason</c>. <paramref name="force"/> accepts the home folder and a folder of
    /// someone else's files (which a run still never deletes).
    /// </summary>
    public static string Prepare(string? dir, string what = "--out", bool force = false)
    {
        if (string.IsNullOrWhiteSpace(dir))
            throw new UsageException($"{what}: cannot write to \"{dir}\": no folder named");
        string full;
        try
        {
            full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"{what}: cannot write to \"{dir}\": {SpecText.OneLine(e.Message)}");
        }
        lock (Gate)
            if (Claims.ContainsKey(full)) return full;
        if (Path.GetPathRoot(full) == full)
            throw new UsageException($"{what}: refusing to write into the root folder \"{full}\"; name a folder for this run, e.g. {what} runs/a");
        if (File.Exists(full))
            throw new UsageException($"{what}: cannot write to \"{dir}\": it is a file, not a folder");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!force && home.Length > 0 && Path.TrimEndingDirectorySeparator(home) == full)
            throw new UsageException($"{what}: refusing to write into the home folder \"{full}\" (--force to do it anyway); name a folder for this run, e.g. {what} runs/a");

        string probe = Path.Combine(full, $".klgpu-probe-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
        string stage = "cannot create the folder";
        try
        {
            Directory.CreateDirectory(full);
            stage = "cannot create a file in it";
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write)) { }
            stage = "cannot delete a file in it";
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw Failure(dir, full, stage, e, what);
        }

        FileStream claim = Lock(dir, full, what);
        try
        {
            CommitJournal.Recover(full);
            RemoveLeftovers(full);
            if (!force && Foreign(full) is { } other)
                throw new UsageException($"{what}: \"{dir}\" holds files klgpu did not write (\"{other}\") and no klgpu manifest; "
                    + $"name a new or empty folder, or --force to write beside them");
        }
        catch
        {
            claim.Dispose();
            throw;
        }
        lock (Gate)
        {
            Claims[full] = claim;
            if (force) Forced.Add(full);
        }
        return full;
    }

    /// <summary>Whether this process claimed the folder with --force.</summary>
    public static bool IsForced(string full)
    {
        lock (Gate) return Forced.Contains(full);
    }

    /// <summary>Gives up this process's claim on the folder (<see cref="OutputBatch"/> does, once its files are in place).</summary>
    public static void Release(string full)
    {
        lock (Gate)
        {
            Forced.Remove(full);
            if (!Claims.Remove(full, out var claim)) return;
            claim.Dispose();
        }
    }

    /// <summary>Gives up every claim (the CLI does, when a command ends however it ends).</summary>
    public static void ReleaseAll()
    {
        lock (Gate)
        {
            foreach (var claim in Claims.Values) claim.Dispose();
            Claims.Clear();
            Forced.Clear();
        }
    }

    /// <summary>
    /// The lock file, opened exclusively: on Linux and macOS .NET takes an advisory flock for FileShare.None, which a
    /// second klgpu process then cannot get. It stays in the folder; removing it on release would let two runs lock
    /// two different files of the same name.
    /// </summary>
    static FileStream Lock(string dir, string full, string what)
    {
        try
        {
            return new FileStream(Path.Combine(full, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new UsageException($"{what}: another klgpu run is writing into \"{dir}\" (it holds {LockName}); wait for it or name another folder");
        }
        catch (UnauthorizedAccessException e)
        {
            throw Failure(dir, full, "cannot create its lock file", e, what);
        }
    }

    /// <summary>Names klgpu itself puts in a folder: its lock, the commit journal, temporary and backup files.</summary>
    public static bool IsOwnHiddenFile(string name) =>
        name == LockName || name == CommitJournal.Name || Leftover().IsMatch(name);

    /// <summary>A temporary file (<see cref="AtomicFile"/>) or the backup of a replaced file (<see cref="OutputBatch"/>).</summary>
    [GeneratedRegex(@"^\..+\.(tmp|bak)-[0-9a-f]{12}$")]
    private static partial Regex Leftover();

    /// <summary>Deletes the temporary and backup files that a killed run left; called under the lock, so no run is writing them.</summary>
    static void RemoveLeftovers(string full)
    {
        foreach (var entry in new DirectoryInfo(full).EnumerateFiles("*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            if (!Leftover().IsMatch(entry.Name) || entry.LinkTarget is not null) continue;
            try { entry.Delete(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>The first entry that klgpu did not write, when the folder has no klgpu manifest; null when it has one or is empty.
    /// The shards' folder is klgpu's: a study's merge writes beside it.</summary>
    static string? Foreign(string full)
    {
        if (OutputManifest.Read(Path.Combine(full, OutputBatch.ManifestName)) is not null) return null;
        return new DirectoryInfo(full).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 })
            .Where(e => !(e is DirectoryInfo && e.Name == Sharding.Shard.Folder)).Select(e => e.Name).Where(n => !IsOwnHiddenFile(n)).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    static UsageException Failure(string dir, string full, string stage, Exception e, string what)
    {
        string? file = FileOnTheWay(full);
        string reason = file is not null ? $"\"{file}\" is a file, not a folder" : e switch
        {
            UnauthorizedAccessException => $"{stage}: permission denied",
            _ => $"{stage}: {SpecText.OneLine(e.Message)}",
        };
        return new UsageException($"{what}: cannot write to \"{dir}\": {reason}");
    }

    /// <summary>The nearest ancestor of <paramref name="full"/> that is a regular file, if any.</summary>
    static string? FileOnTheWay(string full)
    {
        for (string? p = Path.GetDirectoryName(full); p is not null; p = Path.GetDirectoryName(p))
            if (File.Exists(p)) return p;
        return null;
    }
}
