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

    /// <summary>
    /// One restart of q = N(μ, σ) against a heavy-tailed target per thread, as <see cref="RestartKernels.Optimize{T, R}"/>
    /// without recorded paths or coordinates across u: (mu, logSigma) hold the start and receive the end point; a
    /// restart stops at the first iterate whose gradient norm is below the tolerance.
    /// </summary>
    public static void Optimize<T, R>(Index1D index, ArrayView<T> mu, ArrayView<T> logSigma, HeavyTailPlanView<T> target,
        TargetMoments<T> moments, OptimizerSettings<T> settings, ArrayView<T> value, ArrayView<T> gradientNorm, ArrayView<int> steps,
        ArrayView<int> status)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        => Descend<T, R, GaussianQ<T, R>>(index, mu, logSigma, new GaussianQ<T, R> { Target = target, Moments = moments }, settings,
            value, gradientNorm, steps, status);

    /// <summary>
    /// One restart of q = t_ν(μ, s) (ν fixed) against a heavy-tailed or Gaussian target per thread, in (μ, log s), as
    /// <see cref="Optimize{T, R}"/>: value and gradient are <see cref="StudentQ.DivergenceWithGradient{T, R, P}"/>, on the panels
    /// of the Student landscape.
    /// </summary>
    public static void StudentOptimize<T, R>(Index1D index, ArrayView<T> mu, ArrayView<T> logScale, HeavyTailPlanView<T> target,
        TargetMoments<T> moments, StudentShape<T> q, OptimizerSettings<T> settings, ArrayView<T> value, ArrayView<T> gradientNorm,
        ArrayView<int> steps, ArrayView<int> status)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        => Descend<T, R, StudentFit<T, R>>(index, mu, logScale, new StudentFit<T, R> { Target = target, Entropy = moments.Entropy, Q = q },
            settings, value, gradientNorm, steps, status);

    /// <summary>What a restart descends: a divergence (a <see cref="DivergenceMask"/> bit) and its gradient in (μ, log scale).</summary>
    interface IFit<T> where T : unmanaged
    {
        T ValueAndGradient(int divergence, T mu, T logScale, out T gradMu, out T gradLogScale);
    }

    struct GaussianQ<T, R> : IFit<T> where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        public HeavyTailPlanView<T> Target;
        public TargetMoments<T> Moments;

        public readonly T ValueAndGradient(int divergence, T mu, T logScale, out T gradMu, out T gradLogScale) =>
            HeavyTailFitObjective.ValueAndGradient<T, R, HeavyTailPlanView<T>>(divergence, mu, logScale, Target, Moments, out gradMu, out gradLogScale);
    }

    struct StudentFit<T, R> : IFit<T> where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        public HeavyTailPlanView<T> Target;
        public T Entropy;
        public StudentShape<T> Q;

        public readonly T ValueAndGradient(int divergence, T mu, T logScale, out T gradMu, out T gradLogScale) =>
            StudentQ.DivergenceWithGradient<T, R, HeavyTailPlanView<T>>(divergence == DivergenceMask.Reverse, mu, logScale, Q, Target, Entropy,
                out gradMu, out gradLogScale);
    }

    /// <summary>The restart loop both families share: (mu, logScale) hold the start and receive the end point; a restart stops at
    /// the first iterate whose gradient norm is below the tolerance.</summary>
    static void Descend<T, R, F>(Index1D index, ArrayView<T> mu, ArrayView<T> logSigma, F fit, OptimizerSettings<T> settings,
        ArrayView<T> value, ArrayView<T> gradientNorm, ArrayView<int> steps, ArrayView<int> status)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where F : struct, IFit<T>
    {
        T m = mu[index], s = logSigma[index];
        T moment1Mu = T.Zero, moment1S = T.Zero, moment2Mu = T.Zero, moment2S = T.Zero;
        var progress = new RestartProgress<T>(settings);
        T f = T.Zero, norm = T.Zero;
        for (int t = 0; t <= settings.MaxSteps; t++)
        {
            T gm = T.Zero, gs = T.Zero;
            bool finite = T.IsFinite(m) && T.Abs(s) <= R.Of(RestartKernels.LogSigmaLimit);
            if (finite)
            {
                f = fit.ValueAndGradient(settings.Divergence, m, s, out gm, out gs);
                if (settings.FixSigma != 0) gs = T.Zero;
                T squaredNorm = gm * gm + gs * gs;
                finite = T.IsFinite(f) && T.IsFinite(squaredNorm);
                if (finite) norm = T.Sqrt(squaredNorm);
            }
            if (!progress.Continue(settings, t, finite, norm, out var rule)) break;
            m -= rule.Step(gm, ref moment1Mu, ref moment2Mu);
            s -= rule.Step(gs, ref moment1S, ref moment2S);
        }
        mu[index] = m;
        logSigma[index] = s;
        value[index] = f;
        gradientNorm[index] = norm;
        steps[index] = progress.Taken;
        status[index] = progress.Outcome;
    }
}
