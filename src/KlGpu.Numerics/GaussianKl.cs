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
}
