using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>A mixture's components held as (log-weight offset, mean, precision) triples in a device view.</summary>
public readonly struct ComponentView<T>(ArrayView<T> data, int count) : IComponentSet<T> where T : unmanaged
{
    public int Count => count;
    public T Offset(int k) => data[3 * k];
    public T Mean(int k) => data[3 * k + 1];
    public T Precision(int k) => data[3 * k + 2];
}

/// <summary>Which parameter of a K-component mixture q a slice axis varies: weight k, mean k or std k.</summary>
public static class MixtureParameter
{
    public const int Weight = 0, Mean = 1, Std = 2;

    public static int Code(int kind, int component, int count) => kind * count + component;
}

/// <summary>
/// Divergences over a 2-D slice of a mixture family: q is a fixed K-component mixture with two of its parameters
/// replaced by the grid's coordinates. A varied weight takes its value and the other weights are rescaled so that all
/// sum to 1, keeping their proportions.
/// </summary>
public static class MixtureSliceKernels
{
    /// <summary>
    /// One thread per slice point: index.X runs over the x axis, index.Y over y; <paramref name="baseQ"/> holds q's
    /// weights, means and stds ([3][K]); each thread writes its q's components to its own K triples of
    /// <paramref name="scratch"/> and integrates on the f-divergence panels.
    /// </summary>
    public static void Slice<T, R>(Index2D index, ArrayView<T> x, ArrayView<T> y, ArrayView<T> baseQ, int parameterX, int parameterY,
        LogMixturePlanView<T> target, FIntegrand divergence, T order, ArrayView<T> scratch, ArrayView2D<T, Stride2D.DenseX> output)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        int count = (int)(baseQ.Length / 3);
        long point = (long)index.Y * x.Length + index.X;
        var q = scratch.SubView(point * 3 * count, 3 * count);
        T vx = x[index.X], vy = y[index.Y];

        // The varied weights keep their values; the rest share what is left in their old proportions.
        T fixedSum = T.Zero, freeSum = T.Zero;
        for (int k = 0; k < count; k++)
        {
            int code = MixtureParameter.Code(MixtureParameter.Weight, k, count);
            if (code == parameterX) fixedSum += vx;
            else if (code == parameterY) fixedSum += vy;
            else freeSum += baseQ[k];
        }
        for (int k = 0; k < count; k++)
        {
            T w = Value(MixtureParameter.Weight, k, count, baseQ, parameterX, vx, parameterY, vy, out bool varied);
            if (!varied) w = w * (T.One - fixedSum) / freeSum;
            T s = Value(MixtureParameter.Std, k, count, baseQ, parameterX, vx, parameterY, vy, out _);
            q[3 * k] = T.Log(w) - T.Log(s) - R.Of(Normal.LogSqrt2Pi);
            q[3 * k + 1] = Value(MixtureParameter.Mean, k, count, baseQ, parameterX, vx, parameterY, vy, out _);
            q[3 * k + 2] = T.One / (s * s);
        }
        var rule = new RuleView<T>(target.RuleNodes, target.RuleWeights);
        output[index] = FDivergenceQuadrature.Divergence<T, R, LogMixturePlanView<T>, ComponentView<T>, RuleView<T>>(
            divergence, order, target, new ComponentView<T>(q, count), rule);
    }

    static T Value<T>(int kind, int k, int count, ArrayView<T> baseQ, int parameterX, T vx, int parameterY, T vy, out bool varied)
        where T : unmanaged
    {
        int code = MixtureParameter.Code(kind, k, count);
        varied = code == parameterX || code == parameterY;
        return code == parameterX ? vx : code == parameterY ? vy : baseQ[code];
    }
}
