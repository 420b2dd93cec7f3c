using KlGpu.Engine;
using KlGpu.Output;

namespace KlGpu.Sharding;

/// <summary>
/// A shard's share of a run's restarts as .npy: <c>restarts.npy</c> holds one row per restart (end μ, end log scale, value,
/// gradient norm, steps, status, and across u the largest deviations in μ and log σ), every number exactly as the kernel left
/// it, so the merge rebuilds the <see cref="RestartOutcome"/> of the whole run bit for bit; <c>paths.npy</c> the recorded
/// paths of the restarts in the share. Clustering and polish then run in the merge.
/// </summary>
public static class RestartPart
{
    public const string FileName = "restarts.npy", PathsName = "paths.npy";
    const int Columns = 8;

    /// <summary>Restarts [first, first + count) of <paramref name="o"/> as rows.</summary>
    public static void Write(Stream stream, RestartOutcome o, int first, int count)
    {
        var npy = new NpyWriter(stream, count, Columns);
        var row = new double[Columns];
        for (int i = first; i < first + count; i++)
        {
            row[0] = o.EndMu[i];
            row[1] = o.EndLogSigma[i];
            row[2] = o.Value[i];
            row[3] = o.GradientNorm[i];
            row[4] = o.Steps[i];
            row[5] = o.Status[i];
            row[6] = o.AcrossMaxMu[i];
            row[7] = o.AcrossMaxLogSigma[i];
            npy.WriteRows(row);
        }
        npy.Finish();
    }

    /// <summary>Rows [row, row + count) of <paramref name="part"/> into restarts [first, first + count) of <paramref name="o"/>.</summary>
    public static void Read(NpyReader part, int row, RestartOutcome o, int first, int count)
    {
        if (part.Columns != Columns || row + count > part.Rows) throw new InvalidDataException($"a restart part holds {part.Rows} × {part.Columns} numbers, not the {row + count} × {Columns} expected");
        var v = new double[Columns];
        for (int k = 0; k < count; k++)
        {
            part.ReadRow(row + k, v);
            int i = first + k;
            (o.EndMu[i], o.EndLogSigma[i], o.Value[i], o.GradientNorm[i]) = (v[0], v[1], v[2], v[3]);
            (o.Steps[i], o.Status[i]) = ((int)v[4], (int)v[5]);
            (o.AcrossMaxMu[i], o.AcrossMaxLogSigma[i]) = (v[6], v[7]);
        }
    }

    /// <summary>The recorded paths whose restart lies in [first, first + count): path k is restart k·stride's.</summary>
    public static int[] Paths(int pathCount, int stride, int first, int count) =>
        Enumerable.Range(0, pathCount).Where(k => (long)k * stride >= first && (long)k * stride < first + count).ToArray();

    static int PathLength(RestartOutcome o) => o.TrajectoryCount == 0 ? 0 : o.Trajectories.Length / o.TrajectoryCount;

    public static void WritePaths(Stream stream, RestartOutcome o, int[] paths)
    {
        int length = PathLength(o);
        var npy = new NpyWriter(stream, paths.Length, length);
        foreach (int k in paths) npy.WriteRows(o.Trajectories.AsSpan(k * length, length));
        npy.Finish();
    }

    public static void ReadPaths(NpyReader part, RestartOutcome o, int[] paths)
    {
        int length = PathLength(o);
        if (part.Rows != paths.Length || part.Columns != length) throw new InvalidDataException($"a path part holds {part.Rows} × {part.Columns} numbers, not {paths.Length} × {length}");
        for (int r = 0; r < paths.Length; r++) part.ReadRow(r, o.Trajectories.AsSpan(paths[r] * length, length));
    }
}
