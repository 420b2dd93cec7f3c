namespace KlGpu.Numerics;

/// <summary>The normal distribution's density in log space and its closed-form divergences.</summary>
public static class Normal
{
    public const double LogSqrt2Pi = 0.91893853320467274178032973640562;

    public static double LogPdf(double x, double mean, double std)
    {
        double z = (x - mean) / std;
        return -0.5 * z * z - Math.Log(std) - LogSqrt2Pi;
    }

    /// <summary>H(N(μ,σ)) = ½ log(2πe σ²).</summary>
    public static double Entropy(double std) => 0.5 + LogSqrt2Pi + Math.Log(std);

    /// <summary>KL(N(μ1,σ1) || N(μ2,σ2)) = log(σ2/σ1) + (σ1² + (μ1−μ2)²)/(2σ2²) − ½.</summary>
    public static double Kl(double mean1, double std1, double mean2, double std2)
    {
        double d = mean1 - mean2;
        return Math.Log(std2 / std1) + (std1 * std1 + d * d) / (2 * std2 * std2) - 0.5;
    }
}
