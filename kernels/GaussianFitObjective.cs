using System.Numerics;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>
/// A divergence between the target p and q = N(μ, e^s) as a function of the optimizer's coordinates (μ, s = log σ),
/// with its analytic gradient. Log σ makes the problem unconstrained and scale-free: a step means the same
/// relative change in σ whether σ is 1e-3 or 1e3.
/// </summary>
public static class GaussianFitObjective
{
    /// <summary>The KLs in closed form (forward from p's moments) or by Gauss–Hermite in q; every other
    /// <paramref name="divergence"/>, of order <paramref name="order"/>, on the f-divergence panels.
    /// Where the value is +∞ (a χ² or α integral that diverges) the gradient is NaN.</summary>
    public static T ValueAndGradient<T, R>(FIntegrand divergence, T order, T mu, T logSigma, in LogMixturePlanView<T> target,
        in TargetMoments<T> moments, out T gradMu, out T gradLogSigma)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T sigma = T.Exp(logSigma);
        if (divergence is not (FIntegrand.ForwardKl or FIntegrand.ReverseKl))
        {
            var q = new GaussianComponent<T>(-logSigma - R.Of(Normal.LogSqrt2Pi), mu, T.One / (sigma * sigma));
            var rule = new RuleView<T>(target.RuleNodes, target.RuleWeights);
            return FDivergenceQuadrature.DivergenceWithGradient<T, R, LogMixturePlanView<T>, RuleView<T>>(divergence, order, target, q, rule,
                out gradMu, out gradLogSigma);
        }
        if (divergence == FIntegrand.ForwardKl) return Forward<T, R>(mu, logSigma, moments, out gradMu, out gradLogSigma);
        // KL(q||p) = −H(q) − E_q[log p], H(q) = ½log(2πe) + s.
        T expected = ExpectedLogDensity.EvaluateWithGradient<T, R>(mu, sigma, target, out T slope, out T zSlope);
        gradMu = -slope;
        gradLogSigma = -T.One - sigma * zSlope;
        return -GaussianKl.Entropy<T, R>(sigma) - expected;
    }

    /// <summary>Forward KL from p's mean, variance and entropy alone (any target with a finite variance):
    /// KL(p||q) = −H(p) + ½log 2π + s + (V + (m − μ)²)/(2σ²).</summary>
    public static T Forward<T, R>(T mu, T logSigma, in TargetMoments<T> moments, out T gradMu, out T gradLogSigma)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T sigma = T.Exp(logSigma);
        T d = mu - moments.Mean, spread = (moments.Variance + d * d) / (sigma * sigma);
        gradMu = d / (sigma * sigma);
        gradLogSigma = T.One - spread;
        return -moments.Entropy + R.Of(Normal.LogSqrt2Pi) + logSigma + R.Of(0.5) * spread;
    }
}

/// <summary>q = N(μ, e^s) against a Gaussian-mixture target (the law along u of the d-dimensional one): the divergence
/// <see cref="Divergence"/> of order <see cref="Order"/>.</summary>
public struct GaussianFit<T, R> : IFitObjective<T> where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    public LogMixturePlanView<T> Target;
    public TargetMoments<T> Moments;
    public FIntegrand Divergence;
    public T Order;

    public readonly T ValueAndGradient(T mu, T logSigma, out T gradMu, out T gradLogSigma) =>
        GaussianFitObjective.ValueAndGradient<T, R>(Divergence, Order, mu, logSigma, Target, Moments, out gradMu, out gradLogSigma);

    public readonly T ForwardKl(T mu, T sigma) => GaussianKl.Forward<T, R>(mu, sigma, Moments.Mean, Moments.Variance, Moments.Entropy);

    public readonly T ReverseKl(T mu, T sigma) => -GaussianKl.Entropy<T, R>(sigma) - ExpectedLogDensity.Evaluate<T, R>(mu, sigma, Target);
}
