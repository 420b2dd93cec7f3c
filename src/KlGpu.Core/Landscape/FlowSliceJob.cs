using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Numerics;
using KlGpu.Output;
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
/// objective kernel. The files are <see cref="SliceOutput"/>'s.
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
        var plane = new SlicePlane(s.XName, s.X, s.YName, s.Y, (s.Q.Theta[s.XIndex], s.Q.Theta[s.YIndex]), s.Q.ToString());
        var grids = new List<(Divergence Divergence, double[,] Values)>();
        foreach (var d in s.Divergences)
        {
            cancel.ThrowIfCancellationRequested();
            grids.Add((d, SliceOutput.Grid(plane, engine.Gradient(s.Target.Marginal, new Families.FlowFamily(s.Q.Layers), d, theta).Value, (v, i, j) =>
            {
                // Both KLs of a flow are finite: anything else is a point the quadrature cannot follow, never a number to write.
                if (!double.IsFinite(v))
                    throw new UsageException($"--x, --y: {d.Name()} is not finite at {s.XName} = {s.X.At(i):R}, {s.YName} = {s.Y.At(j):R} (q stretched beyond the flow's quadrature); no files were written");
            })));
        }
        return SliceOutput.Write(plane, s.Target, grids, s.OutDir, s.Svg, s.LogColor, engine, parameters, cancel);
    }
}
