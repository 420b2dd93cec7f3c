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
