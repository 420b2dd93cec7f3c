using System.Globalization;
using System.Text;
using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Plotting;

namespace KlGpu.Landscape;

/// <summary>What `klgpu landscape --family mixture:K --q … --vary a,b --x … --y …` computes and where it writes.</summary>
public sealed record MixtureSliceSettings(Target Target, MixtureSlice Slice, IReadOnlyList<Divergence> Divergences,
    Precision Precision, AcceleratorChoice Accelerator, string OutDir, bool Svg, bool LogColor);

/// <summary>
/// A landscape of a mixture q is a 2-D slice: two named parameters vary over the grid, the rest stay as given. Writes per
/// divergence a float64 [y, x] <c>.npy</c> grid and a figure, the axes <c>x.npy</c> and <c>y.npy</c>, <c>slice.csv</c>,
/// and <c>manifest.json</c> last (a run file), all or nothing.
/// </summary>
public static class MixtureSliceJob
{
    /// <summary>Grid points per run: a slice is computed whole (a mixture q per point has no tiled kernel of its own).</summary>
    public const long MaxPoints = 1L << 22;

    public static IReadOnlyList<OutputFileEntry> Run(MixtureSliceSettings s, KlEngine engine, CancellationToken cancel = default, RunParameters? parameters = null)
    {
        var slice = s.Slice;
        int nx = slice.X.Axis.Count, ny = slice.Y.Axis.Count;
        var p = s.Target.Marginal;
        var grids = new List<(Divergence Divergence, double[,] Values)>();
        foreach (var d in s.Divergences)
        {
            cancel.ThrowIfCancellationRequested();
            double[] flat = engine.MixtureSlice(p, slice, d);
            var values = new double[ny, nx];
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++)
                {
                    double v = flat[j * nx + i];
                    // +∞ is a true value of some divergences; NaN or −∞ would be a failure, never a number to write.
                    if (double.IsNaN(v) || double.IsNegativeInfinity(v))
                        throw new InvalidOperationException($"{d.Name()} is {v} at {slice.X.Parameter} = {slice.X.Axis.At(i):R}, {slice.Y.Parameter} = {slice.Y.Axis.At(j):R}; no files were written");
                    values[j, i] = v;
                }
            grids.Add((d, values));
        }

        using var batch = new OutputBatch(OutputFolder.Prepare(s.OutDir));
        Vector(batch.Open("x.npy", "axis:" + slice.X.Parameter), slice.X.Axis);
        Vector(batch.Open("y.npy", "axis:" + slice.Y.Parameter), slice.Y.Axis);
        foreach (var (d, values) in grids) NpyWriter.Write(batch.Open(d.FileStem() + ".npy", "grid:" + d.Name()).Stream, values);
        using (var w = new StreamWriter(batch.Open("slice.csv", "table").Stream, new UTF8Encoding(false), leaveOpen: true))
        {
            var c = CultureInfo.InvariantCulture;
            w.WriteLine($"{slice.X.Parameter},{slice.Y.Parameter}," + string.Join(",", grids.Select(g => g.Divergence.Name())));
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++)
                    w.WriteLine(slice.X.Axis.At(i).ToString("R", c) + "," + slice.Y.Axis.At(j).ToString("R", c) + ","
                        + string.Join(",", grids.Select(g => double.IsPositiveInfinity(g.Values[j, i]) ? "inf" : g.Values[j, i].ToString("R", c))));
        }
        var o = FigureOptions.Default;
        foreach (var (d, values) in grids)
        {
            var plot = SliceFigure.Heatmap(d, slice, values, s.Target, s.LogColor);
            batch.Figures((c, r) => plot.Render(c, r), d.FileStem(), "figure:" + d.Name(), o.Width, o.Height, s.Svg);
        }
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => RunManifest.Of("landscape", parameters, new
        {
            Device = new { Kind = engine.DeviceKind, Name = engine.DeviceName },
            Minima = grids.ToDictionary(g => g.Divergence.Name(), g =>
            {
                var (v, i, j) = SliceFigure.Minimum(g.Values);
                return new Dictionary<string, double> { ["value"] = v, [slice.X.Parameter.Name] = slice.X.Axis.At(i), [slice.Y.Parameter.Name] = slice.Y.Axis.At(j) };
            }),
            Files = files,
        }));
    }

    static void Vector(AtomicFile file, GridAxis axis)
    {
        var npy = new NpyWriter(file.Stream, 1, axis.Count, vector: true);
        npy.WriteRows(axis.Values());
        npy.Finish();
    }
}
