using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Numerics;
using KlGpu.Output;

namespace KlGpu.Landscape;

/// <summary>What `klgpu landscape --family mixture:K --q … --vary a,b --x … --y …` computes and where it writes.</summary>
public sealed record MixtureSliceSettings(Target Target, MixtureSlice Slice, IReadOnlyList<Divergence> Divergences,
    Precision Precision, AcceleratorChoice Accelerator, string OutDir, bool Svg, bool LogColor);

/// <summary>
/// A landscape of a mixture q is a 2-D slice: two named parameters vary over the grid, the rest stay as given; every point's
/// q is integrated on the f-divergence panels. The files are <see cref="SliceOutput"/>'s.
/// </summary>
public static class MixtureSliceJob
{
    /// <summary>Grid points per run: a slice is computed whole (a mixture q per point has no tiled kernel of its own).</summary>
    public const long MaxPoints = 1L << 22;

    public static IReadOnlyList<OutputFileEntry> Run(MixtureSliceSettings s, KlEngine engine, CancellationToken cancel = default, RunParameters? parameters = null)
    {
        var slice = s.Slice;
        var plane = new SlicePlane(slice.X.Parameter.Name, slice.X.Axis, slice.Y.Parameter.Name, slice.Y.Axis,
            (slice.X.Parameter.ValueIn(slice.Q), slice.Y.Parameter.ValueIn(slice.Q)), slice.Q.ToString());
        var grids = new List<(Divergence Divergence, double[,] Values)>();
        foreach (var d in s.Divergences)
        {
            cancel.ThrowIfCancellationRequested();
            grids.Add((d, SliceOutput.Grid(plane, engine.MixtureSlice(s.Target.Marginal, slice, d), (v, i, j) =>
            {
                // +∞ is a true value of some divergences; NaN or −∞ would be a failure, never a number to write.
                if (double.IsNaN(v) || double.IsNegativeInfinity(v))
                    throw new InvalidOperationException($"{d.Name()} is {v} at {plane.XName} = {plane.X.At(i):R}, {plane.YName} = {plane.Y.At(j):R}; no files were written");
            })));
        }
        return SliceOutput.Write(plane, s.Target, grids, s.OutDir, s.Svg, s.LogColor, engine, parameters, cancel);
    }
}
