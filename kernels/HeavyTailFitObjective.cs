using System.Numerics;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>
/// KL between a heavy-tailed target and q = N(μ, e^s) as a function of the optimizer's coordinates (μ, s = log σ), with
/// its analytic gradient: what <see cref="HeavyTailKernels.Optimize{T, R}"/> descends and the host polish differentiates.
/// </summary>
public static class HeavyTailFitObjective
{
    /// <summary>Forward or reverse KL (a <see cref="DivergenceMask"/> bit) between a heavy-tailed p and q = N(μ, e^s), with
    /// its gradient in (μ, s). Forward KL reads p's moments (callers refuse it where p's variance is +∞).</summary>
    public static T ValueAndGradient<T, R, P>(int divergence, T mu, T logSigma, in P target, in TargetMoments<T> moments,
        out T gradMu, out T gradLogSigma)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
        => divergence == DivergenceMask.Forward
            ? GaussianFitObjective.Forward<T, R>(mu, logSigma, moments, out gradMu, out gradLogSigma)
            : HeavyTailQuadrature.ReverseWithGradient<T, R, P>(mu, logSigma, target, out gradMu, out gradLogSigma);
}

/// <summary>q = N(μ, e^s) against a heavy-tailed target: forward or reverse KL (<see cref="Divergence"/>, a mask bit).</summary>
public struct HeavyTailGaussianFit<T, R> : IFitObjective<T> where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    public HeavyTailPlanView<T> Target;
    public TargetMoments<T> Moments;
    public int Divergence;

    public readonly T ValueAndGradient(T mu, T logSigma, out T gradMu, out T gradLogSigma) =>
        HeavyTailFitObjective.ValueAndGradient<T, R, HeavyTailPlanView<T>>(Divergence, mu, logSigma, Target, Moments, out gradMu, out gradLogSigma);
}

/// <summary>q = t_ν(μ, e^s) with ν fixed (its <see cref="Q"/> shape) against a heavy-tailed or Gaussian target, on the panels of
/// the Student landscape: forward or reverse KL (<see cref="Divergence"/>, a mask bit); forward KL reads p's entropy.</summary>
public struct StudentFit<T, R> : IFitObjective<T> where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    public HeavyTailPlanView<T> Target;
    public T Entropy;
    public StudentShape<T> Q;
    public int Divergence;

    public readonly T ValueAndGradient(T mu, T logScale, out T gradMu, out T gradLogScale) =>
        StudentQ.DivergenceWithGradient<T, R, HeavyTailPlanView<T>>(Divergence == DivergenceMask.Reverse, mu, logScale, Q, Target, Entropy,
            out gradMu, out gradLogScale);
}
