using System.Security.Cryptography;
using KlGpu.Specs;

namespace KlGpu.Output;

/// <summary>The <c>--out</c> folder, checked before any work starts.</summary>
public static class OutputFolder
{
    /// <summary>
    /// Creates <paramref name="dir"/> if needed and proves it writable by creating and deleting
    /// a probe file. Returns the full path. Any failure is a <see cref="UsageException"/>:
    /// <c>--out: cannot write to "DIR": reason</c>.
    /// </summary>
    public static string Prepare(string? dir, string what = "--out")
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
        if (File.Exists(full))
            throw new UsageException($"{what}: cannot write to \"{dir}\": it is a file, not a folder");
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
        return full;
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
