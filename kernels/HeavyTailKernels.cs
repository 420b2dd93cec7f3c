using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>A <see cref="HeavyTailPlan"/> as device views, in the kernel's precision T.</summary>
public struct HeavyTailPlanView<T> : ITailPlan<T> where T : unmanaged
{
    public ArrayView<int> Kinds;
    public ArrayView<T> Offsets, Means, InvScales, Exponents, InvSqrtNus;
    public ArrayView<T> Breakpoints;
    public ArrayView<T> RuleNodes, RuleWeights;

    public readonly int Count => (int)Kinds.Length;
    public readonly int Kind(int k) => Kinds[k];
    public readonly T Offset(int k) => Offsets[k];
    public readonly T Mean(int k) => Means[k];
    public readonly T InvScale(int k) => InvScales[k];
    public readonly T Exponent(int k) => Exponents[k];
    public readonly T InvSqrtNu(int k) => InvSqrtNus[k];
    public readonly int BreakpointCount => (int)Breakpoints.Length;
    public readonly T Breakpoint(int i) => Breakpoints[i];
    public readonly int Order => (int)RuleNodes.Length;
    public readonly T Node(int i) => RuleNodes[i];
    public readonly T Weight(int i) => RuleWeights[i];
}

/// <summary>Divergences between a heavy-tailed target (Student-t, Laplace and Gaussian components) and q = N(μ, σ).</summary>
public static class HeavyTailKernels
{
    /// <summary>
    /// Forward and reverse KL on a (μ, σ) grid, one thread per point (index.X over μ, index.Y over σ rows). Forward KL is
    /// closed form in p's moments and entropy: +∞ exactly when p's variance is (a t with ν ≤ 2). Reverse KL is
    /// −H(q) − E_q[log p] by <see cref="HeavyTailQuadrature"/>.
    /// </summary>
    public static void GaussianLandscape<T, R>(
        Index2D index, ArrayView<T> mu, ArrayView<T> sigma, HeavyTailPlanView<T> target, TargetMoments<T> moments,
        int mask, ArrayView2D<T, Stride2D.DenseX> forward, ArrayView2D<T, Stride2D.DenseX> reverse)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T m = mu[index.X], s = sigma[index.Y];
        if ((mask & DivergenceMask.Forward) != 0)
            forward[index] = T.IsPositiveInfinity(moments.Variance)
                ? T.PositiveInfinity
                : GaussianKl.Forward<T, R>(m, s, moments.Mean, moments.Variance, moments.Entropy);
        if ((mask & DivergenceMask.Reverse) != 0)
            reverse[index] = HeavyTailQuadrature.Reverse<T, R, HeavyTailPlanView<T>>(m, s, target);
    }

    /// <summary>
    /// Forward and reverse KL between a target (heavy-tailed, or Gaussian as a mixture of Normal components) and
    /// q = t_ν(μ, s) with ν fixed, on a (μ, s) grid: one <see cref="StudentQ"/> quadrature per divergence and point.
    /// </summary>
    public static void StudentLandscape<T, R>(
        Index2D index, ArrayView<T> mu, ArrayView<T> scale, HeavyTailPlanView<T> target, TargetMoments<T> moments, StudentShape<T> q,
        int mask, ArrayView2D<T, Stride2D.DenseX> forward, ArrayView2D<T, Stride2D.DenseX> reverse)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T m = mu[index.X], s = scale[index.Y];
        if ((mask & DivergenceMask.Forward) != 0)
            forward[index] = StudentQ.Forward<T, R, HeavyTailPlanView<T>>(m, s, q, target, moments.Entropy);
        if ((mask & DivergenceMask.Reverse) != 0)
            reverse[index] = StudentQ.Reverse<T, R, HeavyTailPlanView<T>>(m, s, q, target);
    }
}
