using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Tests.Plotting;

/// <summary>Maps with closed forms, so figures can be drawn without an engine.</summary>
internal static class SyntheticMaps
{
    public static readonly GaussianMixture StandardNormal = GaussianMixture.Gaussian(0, 1);
    public static readonly GaussianMixture TwoComponents = new([0.3, 0.7], [-2, 1], [0.3, 1]);

    /// <summary>KL(N(μ,σ) || N(0,1)) = −ln σ + (σ² + μ²)/2 − 1/2, and the forward KL(N(0,1) || N(μ,σ)) = ln σ + (1 + μ²)/(2σ²) − 1/2.</summary>
    public static DivergenceMap ToStandardNormal(Divergence divergence, bool geometricSigma, int muCount = 61, int sigmaCount = 41)
    {
        var mu = new GridAxis(-3, 3, muCount);
        var sigma = new GridAxis(0.2, 3, sigmaCount, geometricSigma);
        return FromFunction(divergence, mu, sigma, (m, s) => divergence == Divergence.Reverse
            ? -Math.Log(s) + (s * s + m * m) / 2 - 0.5
            : Math.Log(s) + (1 + m * m) / (2 * s * s) - 0.5);
    }

    public static DivergenceMap FromFunction(Divergence divergence, GridAxis mu, GridAxis sigma, Func<double, double, double> value)
    {
        var values = new double[sigma.Count, mu.Count];
        var best = new GridMinimum(double.NaN, double.NaN, double.PositiveInfinity);
        for (int i = 0; i < sigma.Count; i++)
            for (int j = 0; j < mu.Count; j++)
            {
                values[i, j] = value(mu.At(j), sigma.At(i));
                if (values[i, j] < best.Value) best = new GridMinimum(mu.At(j), sigma.At(i), values[i, j]);
            }
        if (double.IsNaN(best.Mu)) best = new GridMinimum(mu.At(0), sigma.At(0), double.NaN);
        return new DivergenceMap(divergence, mu, sigma, values, best);
    }
}
