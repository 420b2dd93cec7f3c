using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Numerics;
using KlGpu.Output;

namespace KlGpu.Landscape;

/// <summary>What `klgpu landscape --family mixture:K|flow:K --q … --vary a,b --x … --y …` computes and where it writes.</summary>
public sealed record SliceSettings(Target Target, ThetaSlice Slice, IReadOnlyList<Divergence> Divergences,
    Precision Precision, AcceleratorChoice Accelerator, string OutDir, bool Svg, bool LogColor);

/// <summary>A slice of a θ family's landscape, each divergence on the family's kernel; the files are <see cref="SliceOutput"/>'s.</summary>
public static class SliceJob
{
    public static IReadOnlyList<OutputFileEntry> Run(SliceSettings s, KlEngine engine, CancellationToken cancel = default, RunParameters? parameters = null)
    {
        var plane = s.Slice.Plane;
        var grids = new List<(Divergence Divergence, double[,] Values)>();
        foreach (var d in s.Divergences)
        {
            cancel.ThrowIfCancellationRequested();
            grids.Add((d, SliceOutput.Grid(plane, engine.Slice(s.Target.Marginal, s.Slice, d), (v, i, j) => s.Slice.Admit(d, v, i, j))));
        }
        return SliceOutput.Write(plane, s.Target, grids, s.OutDir, s.Svg, s.LogColor, engine, parameters, cancel);
    }
}
