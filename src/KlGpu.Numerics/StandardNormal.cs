using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>
/// φ and the tail Q(z) = P(Z &gt; z) of N(0,1), written once for double and single precision.
/// .NET has no erf, and kernels need one that is accurate in the far tail, where 1 − Φ loses every digit.
/// </summary>
public static class StandardNormal
{
    public const double InvSqrt2Pi = 0.39894228040143267793994605993438;

    /// <summary>Below this the series, above it the continued fraction: both converge fast there.</summary>
    const double SeriesLimit = 3.0;
    const int MaxSeriesTerms = 80;

    public static T Pdf<T, R>(T z) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        => R.Of(InvSqrt2Pi) * T.Exp(-R.Of(0.5) * z * z);

    /// <summary>
    /// Q(a) for a ≥ 0, given pdf = φ(a). For a &lt; 3: Q = ½ − φ(a) Σ a^{2n+1}/(2n+1)!!, a series of positive
    /// terms; for a ≥ 3: Q = φ(a)·R(a) with Mills' ratio R(a) = 1/(a + 1/(a + 2/(a + 3/(a + …)))), evaluated
    /// backwards, which has no cancellation and keeps full relative accuracy however far out a is.
    /// </summary>
    public static T UpperTail<T, R>(T a, T pdf) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        if (a < R.Of(SeriesLimit))
        {
            // Power and double factorial are separate multiplication chains, so the one division per term is off
            // the loop-carried path (a chained division made this the most expensive line of a landscape).
            T a2 = a * a, power = a, factorial = T.One, sum = a;
            for (int n = 1; n < MaxSeriesTerms; n++)
            {
                power *= a2;
                factorial *= R.Of(2 * n + 1);
                T term = power / factorial;
                sum += term;
                if (term < sum * R.Of(1e-17)) break;
            }
            return R.Of(0.5) - pdf * sum;
        }
        // Started from the tail's fixed point t = a + n/t, i.e. t = (a + √(a² + 4n))/2, instead of t = a, the fraction
        // needs fewer terms: 16 + 200/a² hold 1e-13 relative from a = 3 out (tested against 60-digit values).
        int terms = 16 + R.ToInt(R.Of(200.0) / (a * a));
        T t = R.Of(0.5) * (a + T.Sqrt(a * a + R.Of(4.0) * R.Of(terms + 1)));
        for (int k = terms; k >= 1; k--) t = a + R.Of(k) / t;
        return pdf / t;
    }

}
