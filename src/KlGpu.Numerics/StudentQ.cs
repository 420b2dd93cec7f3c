using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>The numbers a kernel needs about q = t_ν(μ, s) with ν fixed: log-density c_ν − log s − ((ν+1)/2) log(1 + z²/ν),
/// entropy h_ν + log s, and how far out its panel ladder runs.</summary>
public struct StudentShape<T> where T : unmanaged
{
    public T Exponent, InvSqrtNu, LogNormaliser, EntropyConstant, FirstStep;
    /// <summary>The ladder μ ± s·FirstStep·2^j runs for j = 0…Steps − 1.</summary>
    public int Steps;
    /// <summary>1 when E_q[log p] = −∞ (p's log-density falls faster than q's tail can carry): reverse KL is +∞.</summary>
    public int ReverseInfinite;
}

/// <summary>
/// A Student-t q = t_ν(μ, s) against a heavy-tailed or Gaussian target p. H(t_ν(μ, s)) = h_ν + log s with
/// h_ν = ((ν+1)/2)(ψ((ν+1)/2) − ψ(ν/2)) + log(√ν B(ν/2, ½)). Both KLs are one quadrature on panels cut by p's plan and
/// by q's own geometric ladder around μ (its log-density has poles at μ ± i s√ν).
/// </summary>
public static class StudentQ
{
    public static double EntropyConstant(double nu) =>
        0.5 * (nu + 1) * (SpecialFunctions.Digamma(0.5 * (nu + 1)) - SpecialFunctions.Digamma(0.5 * nu))
        + 0.5 * Math.Log(nu) + SpecialFunctions.LogGamma(0.5 * nu) + SpecialFunctions.LogGamma(0.5) - SpecialFunctions.LogGamma(0.5 * (nu + 1));

    /// <summary>How fast −log p grows far out, as a power of |x|: 2 with only Gaussian components, 1 with a Laplace and no t,
    /// 0 (logarithmically) with any t. E_q|log p| is finite exactly when ν &gt; that power.</summary>
    public static int LogDensityGrowth(HeavyTailedMixture p) =>
        p.Kinds.Contains(ComponentKind.StudentT) ? 0 : p.Kinds.Contains(ComponentKind.Laplace) ? 1 : 2;

    /// <summary>q's numbers in double; the ladder runs out to where q·|log p| has left below e^−50 of its mass
    /// (it falls like z^−(ν − growth)), capped at z = e^650.</summary>
    public static StudentShape<double> Shape(double nu, HeavyTailedMixture p)
    {
        if (!(nu > 0) || !double.IsFinite(nu)) throw new ArgumentOutOfRangeException(nameof(nu), nu, "ν must be positive and finite");
        int growth = LogDensityGrowth(p);
        double excess = nu - growth;
        double logExtent = excess > 0 ? Math.Min(650, Math.Max(Math.Log(48), 50 / Math.Min(excess, nu) + 5)) : Math.Log(48);
        double first = 0.25 * Math.Min(1, Math.Sqrt(nu));
        return new StudentShape<double>
        {
            Exponent = 0.5 * (nu + 1), InvSqrtNu = 1 / Math.Sqrt(nu),
            LogNormaliser = HeavyTailedMixture.LogNormaliser(ComponentKind.StudentT, nu, 1), EntropyConstant = EntropyConstant(nu),
            FirstStep = first, Steps = (int)Math.Ceiling((logExtent - Math.Log(first)) / Math.Log(2)) + 1,
            ReverseInfinite = excess > 0 ? 0 : 1,
        };
    }

    public static StudentShape<T> Convert<T, R>(StudentShape<double> s) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> => new()
    {
        Exponent = R.Of(s.Exponent), InvSqrtNu = R.Of(s.InvSqrtNu), LogNormaliser = R.Of(s.LogNormaliser),
        EntropyConstant = R.Of(s.EntropyConstant), FirstStep = R.Of(s.FirstStep), Steps = s.Steps, ReverseInfinite = s.ReverseInfinite,
    };

    /// <summary>q's ladder point j of 2·Steps + 1, ascending: μ − s·FirstStep·2^{Steps−1−j}, …, μ, …, μ + s·FirstStep·2^{j−Steps−1}.</summary>
    static T LadderPoint<T, R>(int j, T mu, T scale, in StudentShape<T> q) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        if (j == q.Steps) return mu;
        int k = j < q.Steps ? q.Steps - 1 - j : j - q.Steps - 1;
        T d = scale * q.FirstStep * T.Exp(R.Of(k * 0.69314718055994530942));
        return j < q.Steps ? mu - d : mu + d;
    }

    /// <summary>
    /// With <paramref name="reverse"/>, E_q[log p] = ∫ q log p; otherwise ∫ p log q; on the merged break points of p's plan and
    /// q's ladder, each panel with the plan's rule. Panels with an end beyond T's range are left out (the ladders' far ends,
    /// where neither density has mass).
    /// </summary>
    public static T Integral<T, R, P>(T mu, T scale, in StudentShape<T> q, in P plan, bool reverse)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
        => Panels<T, R, P>(mu, scale, q, plan, reverse, false, out _, out _);

    /// <summary>
    /// <see cref="Integral{T, R, P}"/> on the same panels, with its derivatives in (μ, log s). Reverse (x = μ + s·z under q):
    /// ∂μ = ∫ q ∂ₓlog p, ∂log s = ∫ q (x − μ) ∂ₓlog p. Forward: ∂μ log q = −∂ₓlog q, ∂log s log q = −1 − (x − μ) ∂ₓlog q.
    /// </summary>
    public static T IntegralWithGradient<T, R, P>(T mu, T scale, in StudentShape<T> q, in P plan, bool reverse, out T gradMu, out T gradLogScale)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
        => Panels<T, R, P>(mu, scale, q, plan, reverse, true, out gradMu, out gradLogScale);

    static T Panels<T, R, P>(T mu, T scale, in StudentShape<T> q, in P plan, bool reverse, bool gradient, out T gradMu, out T gradLogScale)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
    {
        T half = R.Of(0.5), invScale = T.One / scale, offset = q.LogNormaliser - T.Log(scale), sum = T.Zero;
        gradMu = T.Zero;
        gradLogScale = T.Zero;
        int i = 0, j = 0, ladder = 2 * q.Steps + 1;
        T a = T.NegativeInfinity;
        while (i < plan.BreakpointCount || j < ladder)
        {
            T b;
            if (j >= ladder || (i < plan.BreakpointCount && plan.Breakpoint(i) < LadderPoint<T, R>(j, mu, scale, q))) b = plan.Breakpoint(i++);
            else b = LadderPoint<T, R>(j++, mu, scale, q);
            if (T.IsFinite(a) && T.IsFinite(b) && b > a)
            {
                T centre = half * (a + b), radius = half * (b - a), panel = T.Zero, panelMu = T.Zero, panelScale = T.Zero;
                for (int n = 0; n < plan.Order; n++)
                {
                    T x = centre + radius * plan.Node(n);
                    T logQ = TailDensity.Component<T, R>((int)ComponentKind.StudentT, offset, mu, invScale, q.Exponent, q.InvSqrtNu, x);
                    T scoreP = T.Zero;
                    T logP = gradient && reverse ? TailDensity.LogDensityAndScore<T, R, P>(plan, x, out scoreP) : TailDensity.LogDensity<T, R, P>(plan, x);
                    // Where the weighting density underflows the other log may be −∞ (in single precision, far out): 0, not NaN.
                    T density = T.Exp(reverse ? logQ : logP);
                    if (!(density > T.Zero)) continue;
                    T w = plan.Weight(n) * density;
                    panel += w * (reverse ? logP : logQ);
                    if (!gradient) continue;
                    if (reverse)
                    {
                        panelMu += w * scoreP;
                        panelScale += w * (x - mu) * scoreP;
                    }
                    else
                    {
                        panelMu -= w * TailDensity.ComponentScore<T, R>((int)ComponentKind.StudentT, mu, invScale, q.Exponent, q.InvSqrtNu, x);
                        panelScale -= w * (T.One + CentredScore<T, R>((x - mu) * invScale, q));
                    }
                }
                sum += panel * radius;
                gradMu += panelMu * radius;
                gradLogScale += panelScale * radius;
            }
            if (T.IsFinite(b) && b > a) a = b;
        }
        return sum;
    }

    /// <summary>(x − μ)·∂ₓlog q = −2·((ν+1)/2)·a²/(1 + a²), a = z/√ν, written as 1/(1 + 1/a²) for |a| ≥ 1 so a² never overflows.</summary>
    static T CentredScore<T, R>(T z, in StudentShape<T> q) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T a = T.Abs(z) * q.InvSqrtNu;
        T ratio = a < T.One ? a * a / (T.One + a * a) : T.One / (T.One + T.One / a / a);
        return -R.Of(2.0) * q.Exponent * ratio;
    }

    /// <summary>KL(q||p) (<paramref name="reverse"/>) or KL(p||q) at (μ, log s), with its gradient in (μ, log s): the value
    /// is <see cref="Reverse{T, R, P}"/> or <see cref="Forward{T, R, P}"/> on the same panels; ∂log s H(q) = 1.</summary>
    public static T DivergenceWithGradient<T, R, P>(bool reverse, T mu, T logScale, in StudentShape<T> q, in P plan, T entropyP,
        out T gradMu, out T gradLogScale)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
    {
        T scale = T.Exp(logScale);
        if (!reverse)
        {
            T integral = IntegralWithGradient<T, R, P>(mu, scale, q, plan, false, out T gm, out T gs);
            gradMu = -gm;
            gradLogScale = -gs;
            return -entropyP - integral;
        }
        if (q.ReverseInfinite != 0)
        {
            gradMu = T.Zero;
            gradLogScale = T.Zero;
            return T.PositiveInfinity;
        }
        T expected = IntegralWithGradient<T, R, P>(mu, scale, q, plan, true, out T em, out T es);
        gradMu = -em;
        gradLogScale = -T.One - es;
        return -(q.EntropyConstant + logScale) - expected;
    }

    /// <summary>KL(q||p) = −H(q) − E_q[log p], +∞ where E_q[log p] diverges.</summary>
    public static T Reverse<T, R, P>(T mu, T scale, in StudentShape<T> q, in P plan)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
        => q.ReverseInfinite != 0 ? T.PositiveInfinity : -(q.EntropyConstant + T.Log(scale)) - Integral<T, R, P>(mu, scale, q, plan, true);

    /// <summary>KL(p||q) = −H(p) − ∫ p log q.</summary>
    public static T Forward<T, R, P>(T mu, T scale, in StudentShape<T> q, in P plan, T entropyP)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
        => -entropyP - Integral<T, R, P>(mu, scale, q, plan, false);
}
