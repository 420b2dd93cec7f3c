using System.Globalization;

namespace KlGpu.Output;

/// <summary>
/// What a run will take, estimated before any work: the memory it holds at once and the bytes it writes. Checked against
/// what this machine has, so a grid too big for it is one line naming the size instead of a run the out-of-memory killer
/// ends or a disk filled with temporary files. The estimates are upper bounds within a small factor, not accounting.
/// </summary>
public sealed record MachineBudget(string What, long MemoryBytes, long DiskBytes)
{
    /// <summary>Memory the process may use: the physical memory, or the container's limit where one is set.</summary>
    public static long AvailableMemory() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The share of <see cref="AvailableMemory"/> a run may plan to hold; the rest is the runtime's, the plots' and the system's.</summary>
    public const double MemoryShare = 0.6;

    /// <summary>Throws a <see cref="UsageException"/> when the run needs more memory than the machine has, or, unless
    /// <paramref name="force"/>, more disk than <paramref name="dir"/>'s file system has free; <paramref name="forceOption"/>
    /// says whether the command has a --force to name in the message.</summary>
    public void Check(string? dir, bool force, bool forceOption = true)
    {
        long memory = (long)(AvailableMemory() * MemoryShare);
        if (MemoryBytes > memory)
            throw new UsageException($"{What} needs about {Show(MemoryBytes)} of memory; this machine has {Show(AvailableMemory())} ({Show(memory)} usable); ask for a smaller run");
        if (force || dir is null || DiskBytes <= 0) return;
        long free = FreeDisk(dir);
        if (DiskBytes > free)
            throw new UsageException($"{What} writes about {Show(DiskBytes)}; \"{dir}\" has {Show(free)} free{(forceOption ? " (--force to try anyway)" : "")}");
    }

    static long FreeDisk(string dir)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(dir)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return long.MaxValue; // unknown: the write itself will tell
        }
    }

    /// <summary>Bytes in decimal units, as df -H prints them: "2.1 GB".</summary>
    public static string Show(long bytes)
    {
        string[] units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"];
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.Length - 1) { v /= 1000; u++; }
        return u == 0 ? $"{bytes} bytes" : string.Create(CultureInfo.InvariantCulture, $"{v:0.#} {units[u]}");
    }

    /// <summary>A table of <paramref name="points"/> rows and <paramref name="columns"/> numbers held and written as CSV (a curve, a sweep's values).</summary>
    public static MachineBudget ForTable(string what, double points, int columns) =>
        new(what, Times(points, columns, 8, 4), Times(points, columns, CsvBytesPerNumber));

    /// <summary>The widest number klgpu writes in a CSV ("R" round-trip format) and its comma.</summary>
    public const int CsvBytesPerNumber = 25;

    /// <summary>Products of counts that may exceed long (a 1e9 × 1e9 grid): saturate instead of wrapping.</summary>
    public static long Times(params double[] factors)
    {
        double p = 1;
        foreach (double f in factors) p *= f;
        return p >= long.MaxValue ? long.MaxValue : (long)p;
    }
}
