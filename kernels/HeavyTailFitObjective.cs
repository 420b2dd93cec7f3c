using System.Numerics;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>
/// KL between a heavy-tailed target and q = N(μ, e^s) as a function of the optimizer's coordinates (μ, s = log σ), with
/// its analytic gradient: what <see cref="RestartKernels"/> descends and the host polish differentiates.
/// </summary>
public static class HeavyTailFitObjective
{
    /// <summary>Forward or reverse KL (<see cref="FIntegrand.ForwardKl"/> or <see cref="FIntegrand.ReverseKl"/>) between a heavy-tailed p and q = N(μ, e^s), with
    /// its gradient in (μ, s). Forward KL reads p's moments (callers refuse it where p's variance is +∞).</summary>
    public static T ValueAndGradient<T, R, P>(FIntegrand divergence, T mu, T logSigma, in P target, in TargetMoments<T> moments,
        out T gradMu, out T gradLogSigma)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
        => divergence == FIntegrand.ForwardKl
            ? GaussianFitObjective.Forward<T, R>(mu, logSigma, moments, out gradMu, out gradLogSigma)
            : HeavyTailQuadrature.ReverseWithGradient<T, R, P>(mu, logSigma, target, out gradMu, out gradLogSigma);
}

/// <summary>q = N(μ, e^s) against a heavy-tailed target: forward or reverse KL (<see cref="Divergence"/>).</summary>
public struct HeavyTailGaussianFit<T, R> : IFitObjective<T> where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    public HeavyTailPlanView<T> Target;
    public TargetMoments<T> Moments;
    public FIntegrand Divergence;

    public readonly T ValueAndGradient(T mu, T logSigma, out T gradMu, out T gradLogSigma) =>
        HeavyTailFitObjective.ValueAndGradient<T, R, HeavyTailPlanView<T>>(Divergence, mu, logSigma, Target, Moments, out gradMu, out gradLogSigma);

    /// <summary>Closed form in p's moments and entropy: +∞ exactly when p's variance is (a t with ν ≤ 2).</summary>
    public readonly T ForwardKl(T mu, T sigma) => T.IsPositiveInfinity(Moments.Variance)
        ? T.PositiveInfinity
        : GaussianKl.Forward<T, R>(mu, sigma, Moments.Mean, Moments.Variance, Moments.Entropy);

    /// <summary>−H(q) − E_q[log p] by <see cref="HeavyTailQuadrature"/>.</summary>
    public readonly T ReverseKl(T mu, T sigma) => HeavyTailQuadrature.Reverse<T, R, HeavyTailPlanView<T>>(mu, sigma, Target);
}
