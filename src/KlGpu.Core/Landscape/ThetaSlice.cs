using KlGpu.Engine;
using KlGpu.Families;
using KlGpu.Numerics;
using KlGpu.Specs;

namespace KlGpu.Landscape;

/// <summary>
/// A landscape of a θ family's q (a mixture, a flow) is a 2-D slice: two of q's parameters vary over the grid, the rest stay
/// as given. The family's slice type says which q each point stands for, how its values are computed and which values
/// are results (<see cref="SliceJob"/> writes them).
/// </summary>
public abstract record ThetaSlice
{
    public abstract ThetaFamily Family { get; }

    /// <summary>The two parameters by name with their axes, where the given q sits, and that q as text.</summary>
    public abstract SlicePlane Plane { get; }

    /// <summary>The divergence at every grid point, flat [y, x], against p.</summary>
    internal abstract double[] Values(KlEngine engine, GaussianMixture p, Divergence divergence);

    /// <summary>Refuses a value that is no result (<paramref name="i"/>, <paramref name="j"/>: its x and y index): never a number to write.</summary>
    internal abstract void Admit(Divergence divergence, double value, int i, int j);
}

/// <summary>A slice through θ of a flow q: θ's numbers <paramref name="XIndex"/> and <paramref name="YIndex"/> (positions in
/// <see cref="FlowFamily.ParameterNames"/>) set to each grid point; every point's θ is one thread of the flow's objective kernel.</summary>
public sealed record FlowSlice(FlowQ Q, int XIndex, GridAxis X, int YIndex, GridAxis Y) : ThetaSlice
{
    /// <summary>Grid points per run.</summary>
    public const long MaxPoints = 1L << 20;

    public override ThetaFamily Family => new FlowFamily(Q.Layers);

    public override SlicePlane Plane => new(Family.ParameterNames[XIndex], X, Family.ParameterNames[YIndex], Y, (Q.Theta[XIndex], Q.Theta[YIndex]), Q.ToString());

    internal override double[] Values(KlEngine engine, GaussianMixture p, Divergence divergence)
    {
        int nx = X.Count, ny = Y.Count, n = Q.Theta.Length;
        var theta = new double[(long)nx * ny * n];
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
            {
                long at = ((long)j * nx + i) * n;
                Q.Theta.CopyTo(theta, at);
                theta[at + XIndex] = X.At(i);
                theta[at + YIndex] = Y.At(j);
            }
        return engine.Gradient(p, Family, divergence, theta).Value;
    }

    /// <summary>Both KLs of a flow are finite: anything else is a point the quadrature cannot follow.</summary>
    internal override void Admit(Divergence divergence, double value, int i, int j)
    {
        if (!double.IsFinite(value))
        {
            var plane = Plane;
            throw new UsageException($"--x, --y: {divergence.Name()} is not finite at {plane.XName} = {X.At(i):R}, {plane.YName} = {Y.At(j):R} (q stretched beyond the flow's quadrature); no files were written");
        }
    }
}
