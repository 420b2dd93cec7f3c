using KlGpu.Basins;
using KlGpu.Output;

namespace KlGpu.Sharding;

/// <summary>
/// A shard's share of the restarts of a θ family (a mixture or flow q) as .npy: one row per restart, its end θ (n numbers),
/// value, gradient norm, steps and status, every number exactly as the kernel left it, so the merge rebuilds the
/// <see cref="ThetaRestarts"/> of the whole run bit for bit. Clustering and polish then run in the merge.
/// </summary>
public static class ThetaRestartPart
{
    public const string FileName = "restarts.npy";

    public static void Write(Stream stream, ThetaRestarts o, int n)
    {
        int count = o.Value.Length;
        var npy = new NpyWriter(stream, count, n + 4);
        var row = new double[n + 4];
        for (int i = 0; i < count; i++)
        {
            Array.Copy(o.End, i * n, row, 0, n);
            (row[n], row[n + 1], row[n + 2], row[n + 3]) = (o.Value[i], o.GradientNorm[i], o.Steps[i], o.Status[i]);
            npy.WriteRows(row);
        }
        npy.Finish();
    }

    /// <summary>All rows of <paramref name="part"/> into restarts [first, first + rows) of <paramref name="o"/>.</summary>
    public static void Read(NpyReader part, int n, ThetaRestarts o, int first, int count)
    {
        if (part.Columns != n + 4 || part.Rows != count)
            throw new InvalidDataException($"a restart part holds {part.Rows} × {part.Columns} numbers, not the {count} × {n + 4} expected");
        var row = new double[n + 4];
        for (int k = 0; k < count; k++)
        {
            part.ReadRow(k, row);
            int i = first + k;
            Array.Copy(row, 0, o.End, i * n, n);
            (o.Value[i], o.GradientNorm[i], o.Steps[i], o.Status[i]) = (row[n], row[n + 1], (int)row[n + 2], (int)row[n + 3]);
        }
    }
}
