using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>
/// φ and the tail Q(z) = P(Z &gt; z) of N(0,1), written once for double and single precision.
/// .NET has no erf, and kernels need one that is accurate in the far tail, where 1 − Φ loses every digit.
/// </summary>
public static class StandardNormal
{
    public const double InvSqrt2Pi = 0.39894228040143267793994605993438;

    /// <summary>Beyond this a¹¹ would overflow single precision, and three asymptotic terms already give M to 2e-17.</summary>
    const double AsymptoticLimit = 1e3;

    public static T Pdf<T, R>(T z) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        => R.Of(InvSqrt2Pi) * T.Exp(-R.Of(0.5) * z * z);

    /// <summary>
    /// Q(a) for a ≥ 0, given pdf = φ(a): Q = φ(a)·M(a), with Mills' ratio M ≈ P(a)/D(a) one rational function of
    /// degree 10/11 on all of [0, ∞): 7e-17 relative in exact arithmetic, 6e-16 measured in double, 3e-7 in single.
    /// Every coefficient is positive, so the polynomials cannot cancel and Q keeps full relative accuracy however small
    /// it is; with no loop and no range split, neighbouring GPU threads never diverge and the CPU never mispredicts.
    /// The coefficients are a relative-error near-minimax fit computed by tools/erfc-coefficients.py (mpmath,
    /// 50 digits): re-run it with /usr/bin/python3 tools/erfc-coefficients.py and paste its a2, p and d lines here.
    /// </summary>
    public static T UpperTail<T, R>(T a, T pdf) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        if (a > R.Of(AsymptoticLimit))
        {
            // M = t(1 − t² + 3t⁴ − 15t⁶ + …) with t = 1/a; the omitted terms are below 2e-17 relative here.
            T t = T.One / a, t2 = t * t;
            return pdf * t * (T.One - t2 * (T.One - R.Of(3.0) * t2));
        }
        // Estrin's scheme (a tree over a², a⁴, a⁸, not a chain): a few operations deep instead of eleven.
        // Not T.FusedMultiplyAdd: ILGPU leaves it an unresolved call in PTX; the GPU compiler fuses a * b + c anyway.
        T a2 = a * a, a4 = a2 * a2, a8 = a4 * a4;
        T p = R.Of(1505037.4134104336) + R.Of(2582152.296416311) * a
            + a2 * (R.Of(2188650.563938343) + R.Of(1187708.0194334236) * a)
            + a4 * (R.Of(453289.10663285793) + R.Of(126660.33418839809) * a + a2 * (R.Of(26226.71271619538) + R.Of(3981.9625694963484) * a))
            + a8 * (R.Of(426.3611343133978) + R.Of(29.329301205213056) * a + a2);
        T d = R.Of(1200846.1155908643) + R.Of(3018396.0264822845) * a
            + a2 * (R.Of(3554199.024082303) + R.Of(2593675.264053572) * a)
            + a4 * (R.Of(1306697.7481619979) + R.Of(478673.09618816746) * a + a2 * (R.Of(130583.63817667261) + R.Of(26651.07385017393) * a))
            + a8 * (R.Of(4011.2918707047656) + R.Of(427.3611343133819) * a + a2 * (R.Of(29.329301205213085) + a));
        return pdf * p / d;
    }
}
