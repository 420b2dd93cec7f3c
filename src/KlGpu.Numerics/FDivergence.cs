using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>
/// The divergences written as ∫ f-integrands of log p and log q, each known by its <see cref="FIntegrand"/> code.
/// Hellinger, χ², Jeffreys and α use the pointwise non-negative f-divergence form (terms that integrate to zero, such as
/// ∫p − ∫q, added), so values near zero come out near zero instead of as a difference of two numbers near one.
/// </summary>
public static class FDivergence
{
    /// <summary>The integrand at a point with log p = <paramref name="lp"/>, log q = <paramref name="lq"/>.
    /// <paramref name="a"/> is α for <see cref="FIntegrand.Alpha"/> and <see cref="FIntegrand.Renyi"/> (α ∉ {0, 1}; those are the KLs).</summary>
    public static T Integrand<T, R>(FIntegrand kind, T a, T lp, T lq)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T half = R.Of(0.5);
        if (kind == FIntegrand.JensenShannon)
        {
            // ½ p log(p/m) + ½ q log(q/m), m = (p + q)/2, with log m by log-sum-exp.
            T hi = T.Max(lp, lq), lo = T.Min(lp, lq);
            T lm = hi + LogMixture.LogOnePlus<T>(T.Exp(lo - hi)) - R.Of(0.69314718055994530942);
            return half * (T.Exp(lp) * (lp - lm) + T.Exp(lq) * (lq - lm));
        }
        if (kind == FIntegrand.Hellinger)
        {
            // ½(√p − √q)² integrates to 1 − ∫√(pq).
            T d = T.Exp(half * lp) - T.Exp(half * lq);
            return half * d * d;
        }
        if (kind == FIntegrand.TotalVariation) return half * T.Abs(T.Exp(lp) - T.Exp(lq));
        if (kind == FIntegrand.Pearson) return ChiSquare<T, R>(lp, lq);
        if (kind == FIntegrand.Neyman) return ChiSquare<T, R>(lq, lp);
        if (kind == FIntegrand.Jeffreys) return (T.Exp(lp) - T.Exp(lq)) * (lp - lq);
        if (kind == FIntegrand.Power) return T.Exp(a * lp + (T.One - a) * lq);
        if (kind == FIntegrand.ForwardKl) return KlForm<T, R>(lp, lq);
        if (kind == FIntegrand.ReverseKl) return KlForm<T, R>(lq, lp);
        // Amari α (and Rényi through it): [α p + (1−α) q − p^α q^{1−α}] / (α(1−α)). By the symmetry
        // D_α(p||q) = D_{1−α}(q||p) the form used always has α ≤ ½, so that neither α → 0 nor α → 1 cancels.
        return a <= half ? AlphaForm<T, R>(a, lp, lq) : AlphaForm<T, R>(T.One - a, lq, lp);
    }

    /// <summary>
    /// A value kept within the bounds that hold for every p and q: each integrand is pointwise non-negative, JS ≤ log 2,
    /// and Hellinger (squared) and TV ≤ 1. In double the quadrature never leaves them by more than rounding; in single
    /// precision a value near a bound can (measured: 1.2e-2 over, docs/numerics.md), and is clamped to it.
    /// </summary>
    public static T Bounded<T, R>(FIntegrand kind, T value) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        if (T.IsNaN(value)) return value;
        // log 2 one rounding below, so that a float bound does not print above log 2.
        if (kind is FIntegrand.JensenShannon) return T.Min(T.Max(value, T.Zero), R.Of(0.69314718055994530942) * (T.One - R.Epsilon()));
        if (kind is FIntegrand.Hellinger or FIntegrand.TotalVariation) return T.Min(T.Max(value, T.Zero), T.One);
        return kind == FIntegrand.Power ? value : T.Max(value, T.Zero);
    }

    /// <summary>
    /// q ∂g/∂q, the integrand's response to q at a point with log p = <paramref name="lp"/>, log q = <paramref name="lq"/>:
    /// for q = N(μ, σ), ∂D/∂θ = ∫ q ∂g/∂q · ∂log q/∂θ dx with ∂log q/∂μ = (x−μ)/σ² and ∂log q/∂log σ = (x−μ)²/σ² − 1.
    /// For <see cref="FIntegrand.Power"/> (Rényi's integral) it is (1−α) p^α q^{1−α}; Rényi itself is the chain rule through the log.
    /// </summary>
    public static T Sensitivity<T, R>(FIntegrand kind, T a, T lp, T lq)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T half = R.Of(0.5);
        if (kind == FIntegrand.JensenShannon)
        {
            // ∂g/∂q = ½ log(q/m): the −p/(4m) and −q/(4m) terms cancel the +½.
            T hi = T.Max(lp, lq), lo = T.Min(lp, lq);
            T lm = hi + LogMixture.LogOnePlus<T>(T.Exp(lo - hi)) - R.Of(0.69314718055994530942);
            return half * T.Exp(lq) * (lq - lm);
        }
        // ∂g/∂q = ½(1 − √(p/q)).
        if (kind == FIntegrand.Hellinger) return half * (T.Exp(lq) - T.Exp(half * (lp + lq)));
        // ∂g/∂q = −½ sign(p − q); the kinks p = q are panel ends, and |p − q| vanishes there, so they add nothing.
        if (kind == FIntegrand.TotalVariation) return lp > lq ? -half * T.Exp(lq) : lp < lq ? half * T.Exp(lq) : T.Zero;
        // ∂g/∂q = 1 − p²/q².
        if (kind == FIntegrand.Pearson) return T.Exp(lq) - T.Exp(lp + lp - lq);
        // ∂g/∂q = 2(q/p − 1).
        if (kind == FIntegrand.Neyman) return (T.One + T.One) * (T.Exp(lq + lq - lp) - T.Exp(lq));
        // ∂g/∂q = 1 − p/q − log(p/q).
        if (kind == FIntegrand.Jeffreys) return T.Exp(lq) * (T.One - (lp - lq)) - T.Exp(lp);
        if (kind == FIntegrand.Power) return (T.One - a) * T.Exp(a * lp + (T.One - a) * lq);
        // α: ∂g/∂q = (1 − (p/q)^α)/α, so q ∂g/∂q = −q d (e^{αd} − 1)/(αd) with d = log(p/q): → q log(q/p) as α → 0
        // (reverse KL's) and q − p at α = 1 (forward KL's), neither dividing by a vanishing α.
        T d = lp - lq, ad = a * d;
        if (T.Abs(ad) < half) return -T.Exp(lq) * d * Expm1OverArgument<T, R>(ad);
        return (T.Exp(lq) - T.Exp(lq + ad)) / a;
    }

    /// <summary>(e^y − 1)/y for |y| &lt; ½ by its Taylor series, 1 at y = 0.</summary>
    static T Expm1OverArgument<T, R>(T y) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T s = T.Zero;
        for (int n = 20; n >= 2; n--) s = (s + T.One) * y / R.Of(n);
        return s + T.One;
    }

    /// <summary>(p − q)²/q = q (p/q − 1)², arranged so neither factor overflows where p ≫ q.</summary>
    static T ChiSquare<T, R>(T lp, T lq) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T d = lp - lq;
        if (d > T.Zero)
        {
            T u = T.One - T.Exp(-d);
            return T.Exp(lq + d + d) * u * u;
        }
        T v = T.One - T.Exp(d);
        return T.Exp(lq) * v * v;
    }

    /// <summary>
    /// [α p + (1−α) q − p^α q^{1−α}] / (α(1−α)) with d = log(p/q). Near d = 0 it is q [α E(d) − E(αd)] / (α(1−α)) with
    /// E(y) = e^y − 1 − y, which tends to q E(d) (reverse KL's integrand) as α → 0 without cancelling. Elsewhere it is
    /// [α(p − q) − q(e^{αd} − 1)] / (α(1−α)), whose terms do not cancel; the E-form there would subtract two multiples
    /// of q·d, and d reaches −10⁶ where q is broad over a narrow p.
    /// </summary>
    static T AlphaForm<T, R>(T a, T lp, T lq) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T d = lp - lq, q = T.Exp(lq), ad = a * d, half = R.Of(0.5), scale = a * (T.One - a);
        if (T.Abs(d) < half) return q * (a * ExpRemainder<T, R>(d) - ExpRemainder<T, R>(ad)) / scale;
        // q(e^{αd} − 1), by the series where αd is small (α near 0) and from log space where e^{αd} might overflow.
        T qExpm1 = T.Abs(ad) < half ? q * (ad + ExpRemainder<T, R>(ad)) : T.Exp(lq + ad) - q;
        return (a * (T.Exp(lp) - q) - qExpm1) / scale;
    }

    /// <summary>
    /// a log(a/b) − a + b ≥ 0 from log a and log b (its integral is KL(a||b), since ∫a = ∫b = 1): a E(d) with d = log(b/a)
    /// and E(y) = e^y − 1 − y, by the series near d = 0 and as b − a(1 + d) elsewhere, where no term cancels.
    /// </summary>
    static T KlForm<T, R>(T la, T lb) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T d = lb - la, a = T.Exp(la);
        if (T.Abs(d) < R.Of(0.5)) return a * ExpRemainder<T, R>(d);
        return T.Exp(lb) - a * (T.One + d);
    }

    /// <summary>E(y) = e^y − 1 − y for |y| &lt; ½ by its Taylor series (the direct form loses every digit as y → 0).</summary>
    public static T ExpRemainder<T, R>(T y) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        // (e^y − 1 − y)/y = y/2 (1 + y/3 (1 + y/4 (…))) by Horner; 18 terms leave < 1e-22 relative for |y| < ½.
        T s = T.Zero;
        for (int n = 19; n >= 2; n--) s = (s + T.One) * y / R.Of(n);
        return s * y;
    }

    // Convergence is decided by the exponent's leading coefficient: in both tails log p ≈ −x²/(2S_p²) and
    // log q ≈ −x²/(2S_q²) with S the largest component std, so an integrand growing like p^β q^{1−β} (β = 2 for pearson,
    // −1 for neyman, α for α and Rényi) decays iff β/S_p² + (1−β)/S_q² > 0. The others are bounded by p + q
    // (JS, Hellinger, TV) or by it times a polynomial (Jeffreys) and always converge.

    /// <summary>
    /// Whether ∫ of the integrand is finite, for mixtures whose widest components have stds <paramref name="widestP"/>,
    /// <paramref name="widestQ"/>. At a zero coefficient the tails are exp of a linear term at best: infinite. A coefficient
    /// within rounding of zero (the stds as the working precision holds them) counts as zero: σ = √2 in single precision
    /// is a hair below √2, and its integral, finite, would only measure the rounding of σ.
    /// </summary>
    public static bool Converges<T, R>(FIntegrand kind, T a, T widestP, T widestQ)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        if (!PowerLaw(kind, a, out T beta)) return true;
        T fromP = beta / (widestP * widestP), fromQ = (T.One - beta) / (widestQ * widestQ);
        return fromP + fromQ > R.Of(16) * R.Epsilon() * (T.Abs(fromP) + T.Abs(fromQ));
    }

    /// <summary>Whether the integrand is p^β q^{1−β} up to terms linear in p and q, and its β: 2 for pearson, −1 for neyman,
    /// α for α, Rényi and its integral.</summary>
    public static bool PowerLaw<T>(FIntegrand kind, T a, out T beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        beta = kind == FIntegrand.Pearson ? T.One + T.One : kind == FIntegrand.Neyman ? -T.One : a;
        return kind == FIntegrand.Pearson || kind == FIntegrand.Neyman || kind == FIntegrand.Alpha || kind == FIntegrand.Renyi || kind == FIntegrand.Power;
    }

    /// <summary>Whether the integrand is p^β q^{1−β} (up to terms linear in p and q) with 0 &lt; β &lt; 1: narrower than the wider of p and q.</summary>
    public static bool PowerBetweenZeroAndOne<T>(FIntegrand kind, T a) where T : unmanaged, IFloatingPointIeee754<T>
        => (kind == FIntegrand.Alpha || kind == FIntegrand.Renyi || kind == FIntegrand.Power) && a > T.Zero && a < T.One;

    /// <summary>
    /// The effective std of the integrand's tails, 1/√(β/S_p² + (1−β)/S_q²) (for bounded integrands the wider of S_p, S_q):
    /// the quadrature must reach far enough out in its units.
    /// </summary>
    public static T TailStd<T>(FIntegrand kind, T a, T widestP, T widestQ) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!PowerLaw(kind, a, out T beta)) return T.Max(widestP, widestQ);
        return T.One / T.Sqrt(beta / (widestP * widestP) + (T.One - beta) / (widestQ * widestQ));
    }
}
