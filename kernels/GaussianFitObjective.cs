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
    public static T ValueAndGradient<T, R>(int divergence, T mu, T logSigma, in LogMixturePlanView<T> target,
        in TargetMoments<T> moments, out T gradMu, out T gradLogSigma)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T sigma = T.Exp(logSigma);
        if (divergence == DivergenceMask.Forward)
        {
            // KL(p||q) = −H(p) + ½log 2π + s + (V + (m − μ)²)/(2σ²).
            T d = mu - moments.Mean, spread = (moments.Variance + d * d) / (sigma * sigma);
            gradMu = d / (sigma * sigma);
            gradLogSigma = T.One - spread;
            return -moments.Entropy + R.Of(Normal.LogSqrt2Pi) + logSigma + R.Of(0.5) * spread;
        }
        // KL(q||p) = −H(q) − E_q[log p], H(q) = ½log(2πe) + s.
        T expected = ExpectedLogDensity.EvaluateWithGradient<T, R>(mu, sigma, target, out T slope, out T zSlope);
        gradMu = -slope;
        gradLogSigma = -T.One - sigma * zSlope;
        return -GaussianKl.Entropy<T, R>(sigma) - expected;
    }
}
