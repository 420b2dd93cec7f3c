using System.Globalization;
using System.Text;
using KlGpu.Engine;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Plotting;

namespace KlGpu.Landscape;

/// <summary>The plane a slice of a θ family's landscape varies: two of q's parameters by name with their axes, where the given q
/// sits in it, and that q as text.</summary>
public sealed record SlicePlane(string XName, GridAxis X, string YName, GridAxis Y, (double X, double Y) GivenAt, string Q);

/// <summary>
/// The files of a slice, whatever the family (<see cref="MixtureSlice"/>, <see cref="FlowSlice"/>): per divergence a
/// float64 [y, x] <c>.npy</c> grid and a figure, the axes <c>x.npy</c> and <c>y.npy</c>, <c>slice.csv</c> (+∞ written
/// <c>inf</c>), and <c>manifest.json</c> last (a run file), all or nothing.
/// </summary>
public static class SliceOutput
{
    public static IReadOnlyList<OutputFileEntry> Write(SlicePlane plane, Target target, IReadOnlyList<(Divergence Divergence, double[,] Values)> grids,
        string outDir, bool svg, bool logColor, KlEngine engine, RunParameters? parameters, CancellationToken cancel)
    {
        using var batch = new OutputBatch(OutputFolder.Prepare(outDir));
        Vector(batch.Open("x.npy", "axis:" + plane.XName), plane.X);
        Vector(batch.Open("y.npy", "axis:" + plane.YName), plane.Y);
        foreach (var (d, values) in grids) NpyWriter.Write(batch.Open(d.FileStem() + ".npy", "grid:" + d.Name()).Stream, values);
        using (var w = new StreamWriter(batch.Open("slice.csv", "table").Stream, new UTF8Encoding(false), leaveOpen: true))
        {
            var c = CultureInfo.InvariantCulture;
            w.WriteLine($"{plane.XName},{plane.YName}," + string.Join(",", grids.Select(g => g.Divergence.Name())));
            for (int j = 0; j < plane.Y.Count; j++)
                for (int i = 0; i < plane.X.Count; i++)
                    w.WriteLine(plane.X.At(i).ToString("R", c) + "," + plane.Y.At(j).ToString("R", c) + ","
                        + string.Join(",", grids.Select(g => double.IsPositiveInfinity(g.Values[j, i]) ? "inf" : g.Values[j, i].ToString("R", c))));
        }
        var o = FigureOptions.Default;
        foreach (var (d, values) in grids)
        {
            var plot = SliceFigure.Heatmap(d, plane.XName, plane.X, plane.YName, plane.Y, plane.GivenAt, plane.Q, values, target, logColor);
            batch.Figures((c, r) => plot.Render(c, r), d.FileStem(), "figure:" + d.Name(), o.Width, o.Height, svg);
        }
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => RunManifest.Of("landscape", parameters, new
        {
            Device = new { Kind = engine.DeviceKind, Name = engine.DeviceName },
            Minima = grids.ToDictionary(g => g.Divergence.Name(), g =>
            {
                var (v, i, j) = SliceFigure.Minimum(g.Values);
                return new Dictionary<string, double> { ["value"] = v, [plane.XName] = plane.X.At(i), [plane.YName] = plane.Y.At(j) };
            }),
            Files = files,
        }));
    }

    /// <summary>One divergence's values [y, x] from a launch's flat row-major output; <paramref name="check"/> refuses a value
    /// the family cannot write (given the value, x index and y index).</summary>
    public static double[,] Grid(SlicePlane plane, double[] flat, Action<double, int, int> check)
    {
        var values = new double[plane.Y.Count, plane.X.Count];
        for (int j = 0; j < plane.Y.Count; j++)
            for (int i = 0; i < plane.X.Count; i++)
            {
                double v = flat[j * plane.X.Count + i];
                check(v, i, j);
                values[j, i] = v;
            }
        return values;
    }

    static void Vector(AtomicFile file, GridAxis axis)
    {
        var npy = new NpyWriter(file.Stream, 1, axis.Count, vector: true);
        npy.WriteRows(axis.Values());
        npy.Finish();
    }
}
