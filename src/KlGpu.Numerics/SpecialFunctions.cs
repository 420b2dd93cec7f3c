namespace KlGpu.Numerics;

/// <summary>
/// log Γ and ψ = (log Γ)′ for x &gt; 0, in double on the host (.NET has neither). Both shift x up by the recurrences
/// Γ(x+1) = xΓ(x) and ψ(x+1) = ψ(x) + 1/x until the Stirling series (Bernoulli numbers B₂…B₁₆) is good to below
/// 1e-17; the absolute error is then a few ulps of the shifted value, about 4e-15 near x = 1 or 2.
/// </summary>
public static class SpecialFunctions
{
    /// <summary>Where the asymptotic series takes over: its first omitted term is below 1e-19 there.</summary>
    const double SeriesStart = 15;

    /// <summary>B_{2k} / (2k(2k−1)), k = 1…8: the Stirling series of log Γ.</summary>
    static readonly double[] LogGammaSeries =
        [1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156, -3617.0 / 122400];

    /// <summary>B_{2k} / (2k), k = 1…8: the asymptotic series of ψ.</summary>
    static readonly double[] DigammaSeries =
        [1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132, -691.0 / 32760, 1.0 / 12, -3617.0 / 8160];

    public static double LogGamma(double x)
    {
        if (!(x > 0) || double.IsPositiveInfinity(x)) throw new ArgumentOutOfRangeException(nameof(x), x, "log Γ is taken for finite x > 0 only");
        // log Γ(x) = log Γ(x + n) − log(x(x+1)…(x+n−1)); the product stays far from overflow for n ≤ 15.
        double product = 1;
        while (x < SeriesStart)
        {
            product *= x;
            x += 1;
        }
        double inverse = 1 / x, inverse2 = inverse * inverse, series = 0, power = inverse;
        foreach (double c in LogGammaSeries)
        {
            series += c * power;
            power *= inverse2;
        }
        return (x - 0.5) * Math.Log(x) - x + Normal.LogSqrt2Pi + series - Math.Log(product);
    }

    public static double Digamma(double x)
    {
        if (!(x > 0) || double.IsPositiveInfinity(x)) throw new ArgumentOutOfRangeException(nameof(x), x, "ψ is taken for finite x > 0 only");
        double shift = 0;
        while (x < SeriesStart)
        {
            shift += 1 / x;
            x += 1;
        }
        double inverse2 = 1 / (x * x), series = 0, power = inverse2;
        foreach (double c in DigammaSeries)
        {
            series += c * power;
            power *= inverse2;
        }
        return Math.Log(x) - 0.5 / x - series - shift;
    }
}
