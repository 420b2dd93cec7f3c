using System.Globalization;
using System.Text;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Plotting;
using KlGpu.Specs;

namespace KlGpu.Landscape;

/// <summary>What `klgpu landscape --family flow:K --q … --vary a,b --x … --y …` computes: θ of <paramref name="Q"/> with its
/// parameters <paramref name="XIndex"/> and <paramref name="YIndex"/> (positions in θ, <see cref="Families.FlowFamily.ParameterNames"/>)
/// set to each grid point.</summary>
public sealed record FlowSliceSettings(Target Target, FlowQ Q, int XIndex, GridAxis X, int YIndex, GridAxis Y, IReadOnlyList<Divergence> Divergences,
    Precision Precision, AcceleratorChoice Accelerator, string OutDir, bool Svg, bool LogColor)
{
    public string XName => new Families.FlowFamily(Q.Layers).ParameterNames[XIndex];
    public string YName => new Families.FlowFamily(Q.Layers).ParameterNames[YIndex];
}

/// <summary>
/// A landscape of a flow q is a 2-D slice through θ, as for a mixture q: every grid point's θ is one thread of the flow's
/// objective kernel. Writes per divergence a float64 [y, x] <c>.npy</c> grid and a figure, the axes, <c>slice.csv</c> and
/// <c>manifest.json</c> last, all or nothing.
/// </summary>
public static class FlowSliceJob
{
    public const long MaxPoints = 1L << 20;

    public static IReadOnlyList<OutputFileEntry> Run(FlowSliceSettings s, KlEngine engine, CancellationToken cancel = default, RunParameters? parameters = null)
    {
        int nx = s.X.Count, ny = s.Y.Count, n = s.Q.Theta.Length;
        var theta = new double[(long)nx * ny * n];
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
            {
                long at = ((long)j * nx + i) * n;
                s.Q.Theta.CopyTo(theta, at);
                theta[at + s.XIndex] = s.X.At(i);
                theta[at + s.YIndex] = s.Y.At(j);
            }
        var grids = new List<(Divergence Divergence, double[,] Values)>();
        foreach (var d in s.Divergences)
        {
            cancel.ThrowIfCancellationRequested();
            double[] flat = engine.FlowGradient(s.Target.Marginal, s.Q.Layers, d, theta).Value;
            var values = new double[ny, nx];
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++)
                {
                    double v = flat[j * nx + i];
                    // Both KLs of a flow are finite: anything else is a point the quadrature cannot follow, never a number to write.
                    if (!double.IsFinite(v))
                        throw new UsageException($"--x, --y: {d.Name()} is not finite at {s.XName} = {s.X.At(i):R}, {s.YName} = {s.Y.At(j):R} (q stretched beyond the flow's quadrature); no files were written");
                    values[j, i] = v;
                }
            grids.Add((d, values));
        }

        using var batch = new OutputBatch(OutputFolder.Prepare(s.OutDir));
        Vector(batch.Open("x.npy", "axis:" + s.XName), s.X);
        Vector(batch.Open("y.npy", "axis:" + s.YName), s.Y);
        foreach (var (d, values) in grids) NpyWriter.Write(batch.Open(d.FileStem() + ".npy", "grid:" + d.Name()).Stream, values);
        using (var w = new StreamWriter(batch.Open("slice.csv", "table").Stream, new UTF8Encoding(false), leaveOpen: true))
        {
            var c = CultureInfo.InvariantCulture;
            w.WriteLine($"{s.XName},{s.YName}," + string.Join(",", grids.Select(g => g.Divergence.Name())));
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++)
                    w.WriteLine(s.X.At(i).ToString("R", c) + "," + s.Y.At(j).ToString("R", c) + "," + string.Join(",", grids.Select(g => g.Values[j, i].ToString("R", c))));
        }
        var o = FigureOptions.Default;
        foreach (var (d, values) in grids)
        {
            var plot = SliceFigure.Heatmap(d, s.XName, s.X, s.YName, s.Y, (s.Q.Theta[s.XIndex], s.Q.Theta[s.YIndex]), s.Q.ToString(), values, s.Target, s.LogColor);
            batch.Figures((c, r) => plot.Render(c, r), d.FileStem(), "figure:" + d.Name(), o.Width, o.Height, s.Svg);
        }
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => RunManifest.Of("landscape", parameters, new
        {
            Device = new { Kind = engine.DeviceKind, Name = engine.DeviceName },
            Minima = grids.ToDictionary(g => g.Divergence.Name(), g =>
            {
                var (v, i, j) = SliceFigure.Minimum(g.Values);
                return new Dictionary<string, double> { ["value"] = v, [s.XName] = s.X.At(i), [s.YName] = s.Y.At(j) };
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
