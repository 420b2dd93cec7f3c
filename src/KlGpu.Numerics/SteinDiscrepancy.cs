using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>
/// A mixture's components with the breakpoints of their upper envelope (where the largest component changes), as
/// <see cref="LogMixturePlan"/> computes them: the score ∂ₓ log p switches slope there, over a width 1/|ℓ′_left − ℓ′_right|.
/// Breakpoint j separates interval j (owner <see cref="IntervalOwner"/>(j)) from interval j + 1.
/// </summary>
public interface IScoreEnvelope<T> : IComponentSet<T> where T : unmanaged
{
    int BreakpointCount { get; }
    T Breakpoint(int j);
    int IntervalOwner(int j);
}

/// <summary>A plan's components and envelope in host arrays (double).</summary>
public readonly struct ArrayEnvelope(LogMixturePlan plan) : IScoreEnvelope<double>
{
    public int Count => plan.Offsets.Length;
    public double Offset(int k) => plan.Offsets[k];
    public double Mean(int k) => plan.Means[k];
    public double Precision(int k) => plan.Precisions[k];
    public int BreakpointCount => plan.Breakpoints.Length;
    public double Breakpoint(int j) => plan.Breakpoints[j];
    public int IntervalOwner(int j) => plan.IntervalOwners[j];
}

/// <summary>
/// The squared kernel Stein discrepancy KSD²(q, p) = E_{x,y~q iid}[u_p(x, y)] between q = N(μ, σ) and the target p, with
/// the inverse multiquadric kernel k(x, y) = (c² + (x − y)²)^β (c &gt; 0, β &lt; 0) and the Stein kernel
/// u_p(x, y) = s(x)s(y)k + s(x)∂_y k + s(y)∂_x k + ∂_x∂_y k, s = ∂ₓ log p. Only p's score enters, never its normalization.
///
/// It is computed in the equivalent form E_{x,y~q}[δ(x) k(x, y) δ(y)] with δ = s_p − s_q (Liu, Lee and Jordan 2016, Thm 3.6:
/// Stein's identity for q, integrating the ∂k terms by parts against q; k and ∂k are bounded and q's tails Gaussian, so no
/// boundary term remains). That form is zero where p = q without cancellation, and needs no derivative of k. Where q is
/// narrow (σ below <see cref="NarrowQ"/> of c and of every s_k) δ's s_q ~ 1/σ makes terms ~1/σ² cancel to a value of
/// order s_p² + 1/c², and u_p itself, whose terms are of that order, is integrated instead. The tests integrate u_p with
/// code of their own, sharing none with this.
///
/// The double integral ∫∫ g(x) k(x − y) g(y) dx dy, g = qδ, is symmetric, so it is twice the triangle y &lt; x: for each outer
/// node x an inner integral over y up to x. Both are composite Gauss–Legendre on panels chosen as they are walked (no
/// arrays, so kernels can run it): at most 3σ wide (q's scale), 4 s_k within ±<see cref="ComponentWindow"/> s_k of a component of p,
/// graded geometrically toward every envelope breakpoint down to the score's transition width, and, in the inner integral,
/// toward y = x down to c (k is analytic with poles at x − y = ±ic). The inner integral, as a function of x, is as smooth
/// as g (shift y = x − r), so the outer panels need only g's scales. q's window is ±<see cref="Window"/> σ.
/// </summary>
public static class SteinDiscrepancy
{
    /// <summary>Half-width of q's window in σ: beyond it q's mass is below e^{−40}, under 1e-16 even weighted by δ².</summary>
    public const double Window = 9;

    /// <summary>Half-width in s_k of each component's fine region, where panels are at most <see cref="ComponentPanelStds"/> s_k wide.</summary>
    public const double ComponentWindow = 6;

    /// <summary>q is narrow, and u_p is integrated instead of δkδ, below this fraction of c and of every s_k.</summary>
    public const double NarrowQ = 0.25;

    /// <summary>Panel width in q's stds: 16 nodes resolve q's Gaussian factor over 3σ to 1e-13 (4σ leaves 4e-10).</summary>
    public const double PanelStds = 3;

    /// <summary>Panel width in a component's stds, where δ is close to linear away from the breakpoints.</summary>
    public const double ComponentPanelStds = 4;

    /// <summary>A negative sum within this many machine epsilons of ∫∫|g(x)| k |g(y)| is rounding around zero and returned as 0.</summary>
    public const double RoundingBound = 1024;

    /// <summary>The inverse multiquadric kernel (c² + r²)^β, from c² and β.</summary>
    public static T Imq<T, R>(T c2, T beta, T r) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        => beta == R.Of(-0.5) ? T.One / T.Sqrt(c2 + r * r) : T.Exp(beta * T.Log(c2 + r * r));

    /// <summary>KSD²(N(μ, σ), p) in double on the host, with the kernels' formula and rule.</summary>
    public static double Squared(LogMixturePlan p, double mu, double sigma, double c, double beta)
        => Squared<double, F64, ArrayEnvelope, ArrayRule>(new ArrayEnvelope(p), mu, sigma, c, beta, new ArrayRule(p.Rule.Nodes, p.Rule.Weights));

    /// <summary>KSD²(N(μ, σ), p) = 2 ∫ g(x) ∫_{y&lt;x} k(x − y) g(y) dy dx, g = qδ.</summary>
    public static T Squared<T, R, S, RU>(in S p, T mu, T sigma, T c, T beta, in RU rule)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where S : struct, IScoreEnvelope<T> where RU : struct, IQuadratureRule<T>
    {
        T window = R.Of(Window), lo = mu - window * sigma, hi = mu + window * sigma, c2 = c * c;
        T total = T.Zero, magnitude = T.Zero, a = lo;
        // Narrow q: δ carries s_q ~ 1/σ, and terms ~1/σ² would cancel to a KSD² of order s_p² + 1/c²; there u_p itself,
        // whose terms are of that order, is integrated instead (the same integral, by the same identity read backwards).
        T narrowest = c;
        for (int k = 0; k < p.Count; k++) narrowest = T.Min(narrowest, T.One / T.Sqrt(p.Precision(k)));
        bool narrow = sigma < R.Of(NarrowQ) * narrowest;
        while (a < hi)
        {
            T b = PanelEnd<T, R, S>(p, sigma, c, a, hi, false);
            T centre = R.Of(0.5) * (a + b), half = R.Of(0.5) * (b - a);
            for (int i = 0; i < rule.Order; i++)
            {
                T x = centre + half * rule.Node(i), w = half * rule.Weight(i);
                if (narrow)
                {
                    T zx = (x - mu) / sigma, qx = T.Exp(-R.Of(0.5) * zx * zx);
                    T steinInner = InnerStein<T, R, S, RU>(p, mu, sigma, c, c2, beta, rule, lo, x, out T steinMagnitude);
                    total += w * qx * steinInner;
                    magnitude += w * qx * steinMagnitude;
                    continue;
                }
                T gx = Weighted<T, R, S>(p, mu, sigma, x);
                if (gx == T.Zero) continue;
                T inner = Inner<T, R, S, RU>(p, mu, sigma, c, c2, beta, rule, lo, x, out T innerMagnitude);
                total += w * gx * inner;
                magnitude += w * T.Abs(gx) * innerMagnitude;
            }
            a = b;
        }
        // q's density was left unnormalized in g: each of the two factors owes 1/(σ√2π).
        T norm = T.One / (R.Of(2 * Math.PI) * sigma * sigma), value = R.Of(2) * total * norm;
        if (value < T.Zero && -value <= R.Of(RoundingBound) * R.Epsilon() * R.Of(2) * magnitude * norm) return T.Zero;
        return value;
    }

    /// <summary>∫_lo^x k(x − y) g(y) dy and, in <paramref name="magnitude"/>, ∫ k |g|.</summary>
    static T Inner<T, R, S, RU>(in S p, T mu, T sigma, T c, T c2, T beta, in RU rule, T lo, T x, out T magnitude)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where S : struct, IScoreEnvelope<T> where RU : struct, IQuadratureRule<T>
    {
        T total = T.Zero, a = lo;
        magnitude = T.Zero;
        while (a < x)
        {
            T b = PanelEnd<T, R, S>(p, sigma, c, a, x, true);
            T centre = R.Of(0.5) * (a + b), half = R.Of(0.5) * (b - a);
            for (int i = 0; i < rule.Order; i++)
            {
                T y = centre + half * rule.Node(i);
                T term = half * rule.Weight(i) * Imq<T, R>(c2, beta, x - y);
                T gy = Weighted<T, R, S>(p, mu, sigma, y);
                total += term * gy;
                magnitude += term * T.Abs(gy);
            }
            a = b;
        }
        return total;
    }

    /// <summary>
    /// ∫_lo^x e^{−z_y²/2} u_p(x, y) dy with u_p = s(x)s(y)φ − s(x)φ′ + s(y)φ′ − φ″, φ(r) = (c² + r²)^β, r = x − y
    /// (∂_x k = φ′, ∂_y k = −φ′, ∂_x∂_y k = −φ″), and in <paramref name="magnitude"/> the integral of the terms' |·|.
    /// </summary>
    static T InnerStein<T, R, S, RU>(in S p, T mu, T sigma, T c, T c2, T beta, in RU rule, T lo, T x, out T magnitude)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where S : struct, IScoreEnvelope<T> where RU : struct, IQuadratureRule<T>
    {
        T total = T.Zero, a = lo, sx = LogMixture.LogDensitySlope<T, R, S>(p, x), two = R.Of(2);
        magnitude = T.Zero;
        while (a < x)
        {
            T b = PanelEnd<T, R, S>(p, sigma, c, a, x, true);
            T centre = R.Of(0.5) * (a + b), half = R.Of(0.5) * (b - a);
            for (int i = 0; i < rule.Order; i++)
            {
                T y = centre + half * rule.Node(i), r = x - y, area = c2 + r * r, z = (y - mu) / sigma;
                T phi = Imq<T, R>(c2, beta, r);
                T slope = two * beta * r / area * phi;
                T curvature = (two * beta / area + R.Of(4) * beta * (beta - T.One) * r * r / (area * area)) * phi;
                T sy = LogMixture.LogDensitySlope<T, R, S>(p, y);
                T weight = half * rule.Weight(i) * T.Exp(-R.Of(0.5) * z * z);
                T u1 = sx * sy * phi, u2 = (sy - sx) * slope;
                total += weight * (u1 + u2 - curvature);
                magnitude += weight * (T.Abs(u1) + T.Abs(u2) + T.Abs(curvature));
            }
            a = b;
        }
        return total;
    }

    /// <summary>g(x) = e^{−z²/2} δ(x), z = (x − μ)/σ: q's density without its constant, times s_p − s_q.</summary>
    public static T Weighted<T, R, S>(in S p, T mu, T sigma, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IComponentSet<T>
    {
        T z = (x - mu) / sigma;
        T delta = LogMixture.LogDensitySlope<T, R, S>(p, x) + (x - mu) * (T.One / (sigma * sigma));
        return T.Exp(-R.Of(0.5) * z * z) * delta;
    }

    /// <summary>
    /// The end of the panel that starts at <paramref name="a"/>, before <paramref name="end"/> (the window's end, or x in the
    /// inner integral, where <paramref name="towardEnd"/> grades toward the kernel's peak). A panel never crosses a breakpoint or
    /// the edge of a component's fine region, so the width allowed at its start holds over all of it.
    /// </summary>
    static T PanelEnd<T, R, S>(in S p, T sigma, T c, T a, T end, bool towardEnd)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IScoreEnvelope<T>
    {
        T half = R.Of(0.5), window = R.Of(ComponentWindow), panel = R.Of(ComponentPanelStds), width = R.Of(PanelStds) * sigma, next = end;
        for (int k = 0; k < p.Count; k++)
        {
            T s = T.One / T.Sqrt(p.Precision(k)), m = p.Mean(k), left = m - window * s, right = m + window * s;
            if (a >= left && a < right) width = T.Min(width, panel * s);
            if (left > a && left < next) next = left;
            if (right > a && right < next) next = right;
        }
        for (int j = 0; j < p.BreakpointCount; j++)
        {
            // Across breakpoint t the responsibilities are a logistic of ℓ_L − ℓ_R, whose poles lie π/|ℓ′_L − ℓ′_R| off the line.
            T t = p.Breakpoint(j);
            int l = p.IntervalOwner(j), r = p.IntervalOwner(j + 1);
            T slope = p.Precision(l) * (p.Mean(l) - t) - p.Precision(r) * (p.Mean(r) - t);
            T scale = R.Of(Math.PI) / T.Abs(slope);
            width = T.Min(width, T.Max(scale, half * T.Abs(a - t)));
            if (t > a && t < next) next = t;
        }
        if (towardEnd) width = T.Min(width, T.Max(c, half * (end - a)));
        T b = T.Min(a + width, next);
        // Where a + width rounds to a (a panel far below the spacing of numbers near a), the rest is one panel.
        return b > a ? b : end;
    }
}
