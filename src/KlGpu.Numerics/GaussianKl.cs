using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>Closed forms for a Gaussian q = N(μ, σ), generic so kernels use them in either precision.</summary>
public static class GaussianKl
{
    /// <summary>H(N(μ,σ)) = ½ log(2πe σ²).</summary>
    public static T Entropy<T, R>(T sigma) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        => R.Of(0.5 + Normal.LogSqrt2Pi) + T.Log(sigma);

    /// <summary>
    /// KL(p || N(μ,σ)) = −H(p) + ½ log(2πσ²) + (V_p + (m_p − μ)²)/(2σ²): only p's mean, variance and entropy
    /// enter, so the forward landscape needs no quadrature per point.
    /// </summary>
    public static T Forward<T, R>(T mu, T sigma, T meanP, T varianceP, T entropyP)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T d = meanP - mu;
        return -entropyP + R.Of(Normal.LogSqrt2Pi) + T.Log(sigma) + (varianceP + d * d) / (R.Of(2.0) * sigma * sigma);
    }

    /// <summary>KL(N(μ, e^s) || N(0, 1)) = −s + (e^{2s} + μ²)/2 − ½, with its gradient in (μ, s): one coordinate
    /// across u of the reverse KL to the d-dimensional two-mode target.</summary>
    public static T ReverseToStandard<T, R>(T mu, T logSigma, out T gradMu, out T gradLogSigma)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T variance = T.Exp(logSigma + logSigma);
        gradMu = mu;
        gradLogSigma = variance - T.One;
        return -logSigma + R.Of(0.5) * (variance + mu * mu - T.One);
    }

    /// <summary>KL(N(0, 1) || N(μ, e^s)) = s + (1 + μ²)/(2e^{2s}) − ½, with its gradient in (μ, s): one coordinate
    /// across u of the forward KL from the d-dimensional two-mode target.</summary>
    public static T ForwardFromStandard<T, R>(T mu, T logSigma, out T gradMu, out T gradLogSigma)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T precision = T.Exp(-(logSigma + logSigma)), spread = (T.One + mu * mu) * precision;
        gradMu = mu * precision;
        gradLogSigma = T.One - spread;
        return logSigma + R.Of(0.5) * (spread - T.One);
    }
}
