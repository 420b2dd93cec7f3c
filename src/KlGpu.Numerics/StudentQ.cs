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
        int i = 0, j = 0;
        T walked = T.NegativeInfinity;
        while (NextPanel<T, R, P>(plan, q, mu, scale, ref i, ref j, ref walked, out T a, out T b))
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

    // ---- The f-divergences of a Student-t q (JS, Hellinger, TV, χ², Jeffreys, α, Rényi) ----

    /// <summary>
    /// Why the divergence <paramref name="kind"/> (order <paramref name="a"/>) between p and
    /// every t_ν(μ, s) is +∞, or null when it is finite for every (μ, s). Decided from the tails alone, which (μ, s) does not
    /// change: far out q ∝ |x|^{−(ν+1)}, and p falls like a Gaussian, like e^{−|x|/b} (Laplace) or like |x|^{−(ν_p+1)} with
    /// ν_p its smallest t degree. An integrand p^β q^{1−β} (β = 2 Pearson, −1 Neyman, α for α and Rényi) then decays like
    /// |x|^{−(βν_p + (1−β)ν + 1)} against a t in p, integrable iff βν_p + (1−β)ν &gt; 0; against lighter tails p^β decays
    /// faster than any power for β &gt; 0 and grows faster for β &lt; 0. Jeffreys adds reverse KL, ∫ q log(q/p), finite iff
    /// ν exceeds the power at which −log p grows (<see cref="LogDensityGrowth"/>). JS, Hellinger and TV are bounded.
    /// </summary>
    public static string? Unavailable(FIntegrand kind, double a, double nu, HeavyTailedMixture p)
    {
        int growth = LogDensityGrowth(p);
        if (kind == FIntegrand.Jeffreys)
            return nu > growth ? null : FormattableString.Invariant(
                $"Jeffreys includes KL(q||p), which is +∞ for every t_{nu:G6} q here: −log p grows like |x|^{growth} and q's tails carry it only for ν > {growth}");
        if (!FDivergence.PowerLaw(kind, a, out double beta)) return null;
        string what = kind == FIntegrand.Pearson ? "χ²(p||q) = ∫p²/q − 1" : kind == FIntegrand.Neyman ? "χ²(q||p) = ∫q²/p − 1"
            : FormattableString.Invariant($"∫p^α q^(1−α) with α = {a:G6}");
        if (growth == 0)
        {
            double nuP = Enumerable.Range(0, p.Count).Where(k => p.Kinds[k] == ComponentKind.StudentT).Min(k => p.Nus[k]);
            return beta * nuP + (1 - beta) * nu > 0 ? null : FormattableString.Invariant(
                $"{what} diverges for every t_{nu:G6} q here: far out the integrand falls like |x|^−({beta:G6}·{nuP:G6} + {1 - beta:G6}·{nu:G6} + 1), not faster than 1/|x|");
        }
        return beta > 0 ? null : FormattableString.Invariant(
            $"{what} diverges for every Student-t q here: p's tails ({(growth == 2 ? "Gaussian" : "Laplace")}) are lighter than any power, and the integrand carries p to the power {beta:G6}");
    }

    /// <summary>
    /// q's numbers for the f-divergences: as <see cref="Shape"/>, but the ladder runs out to where the integrand's tail,
    /// falling like |x|^{−(1 + excess)}, has left below e^{−50}: excess = ν for the bounded integrands (q's own tail), ν − growth
    /// for Jeffreys, βν_p + (1 − β)ν against a t in p for the powers (ν against lighter tails, which p^β only shortens).
    /// </summary>
    public static StudentShape<double> Shape(double nu, HeavyTailedMixture p, FIntegrand kind, double a)
    {
        var shape = Shape(nu, p);
        int growth = LogDensityGrowth(p);
        double excess = nu;
        if (kind == FIntegrand.Jeffreys) excess = nu - growth;
        else if (FDivergence.PowerLaw(kind, a, out double beta) && growth == 0)
            excess = beta * Enumerable.Range(0, p.Count).Where(k => p.Kinds[k] == ComponentKind.StudentT).Min(k => p.Nus[k]) + (1 - beta) * nu;
        double logExtent = excess > 0 ? Math.Min(650, Math.Max(Math.Log(48), 50 / Math.Min(excess, nu) + 5)) : Math.Log(48);
        shape.Steps = (int)Math.Ceiling((logExtent - Math.Log(shape.FirstStep)) / Math.Log(2)) + 1;
        shape.ReverseInfinite = 0;
        return shape;
    }

    /// <summary>
    /// The divergence of code <paramref name="kind"/> (order <paramref name="a"/> for α and Rényi) between p and q = t_ν(μ, e^s),
    /// with its gradient in (μ, log s): ∫ q ∂g/∂q · ∂log q/∂θ (<see cref="FDivergence.Sensitivity{T, R}"/>), ∂log q/∂μ = −∂ₓlog q,
    /// ∂log q/∂log s = −1 − (x − μ)∂ₓlog q, on the KLs' panels (p's plan and q's ladder; for TV also cut where p = q).
    /// Rényi, D = log(1 + u)/(α − 1) with u = −α(1 − α)J and J its α-form integral, has ∂D = α ∂J/(1 + u); where u is not
    /// small (q far from p, or α &gt; 1) D = (c + log I)/(α − 1) with I = ∫ p^α q^{1−α} e^{−c} (c: the exponent's largest value
    /// at μ and p's centres) and ∂D = ∂I/((α − 1) I). Only combinations <see cref="Unavailable"/> passes are finite here.
    /// </summary>
    public static T FDivergenceWithGradient<T, R, P>(FIntegrand kind, T a, T mu, T logScale, in StudentShape<T> q, in P plan,
        out T gradMu, out T gradLogScale)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
    {
        T scale = T.Exp(logScale);
        T value = FPanels<T, R, P>(kind, a, T.Zero, mu, scale, q, plan, out gradMu, out gradLogScale);
        if (kind == FIntegrand.Renyi)
        {
            T u = -a * (T.One - a) * value;
            if (T.Abs(u) < R.Of(0.5))
            {
                T factor = a / (T.One + u);
                gradMu *= factor;
                gradLogScale *= factor;
                return LogMixture.LogOnePlus<T>(u) / (a - T.One);
            }
            T offset = q.LogNormaliser - logScale, invScale = T.One / scale;
            T shift = a * TailDensity.LogDensity<T, R, P>(plan, mu)
                + (T.One - a) * TailDensity.Component<T, R>((int)ComponentKind.StudentT, offset, mu, invScale, q.Exponent, q.InvSqrtNu, mu);
            for (int k = 0; k < plan.Count; k++)
            {
                T m = plan.Mean(k);
                shift = T.Max(shift, a * TailDensity.LogDensity<T, R, P>(plan, m)
                    + (T.One - a) * TailDensity.Component<T, R>((int)ComponentKind.StudentT, offset, mu, invScale, q.Exponent, q.InvSqrtNu, m));
            }
            T power = FPanels<T, R, P>(FIntegrand.Power, a, shift, mu, scale, q, plan, out gradMu, out gradLogScale);
            T scaleBack = T.One / ((a - T.One) * power);
            gradMu *= scaleBack;
            gradLogScale *= scaleBack;
            return (shift + T.Log(power)) / (a - T.One);
        }
        return FDivergence.Bounded<T, R>(kind, value);
    }

    /// <summary>The next panel of the walk both Student-t quadratures take: p's breakpoints merged in order with q's ladder
    /// (<see cref="LadderPoint{T, R}"/>). (i, j, walked) is the walk's state, from (0, 0, −∞); a point at or below the walk so far
    /// ends no panel. False once both are used up.</summary>
    static bool NextPanel<T, R, P>(in P plan, in StudentShape<T> q, T mu, T scale, ref int i, ref int j, ref T walked, out T left, out T right)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
    {
        int ladder = 2 * q.Steps + 1;
        while (i < plan.BreakpointCount || j < ladder)
        {
            T b;
            if (j >= ladder || (i < plan.BreakpointCount && plan.Breakpoint(i) < LadderPoint<T, R>(j, mu, scale, q))) b = plan.Breakpoint(i++);
            else b = LadderPoint<T, R>(j++, mu, scale, q);
            (left, right) = (walked, b);
            bool panel = T.IsFinite(walked) && T.IsFinite(b) && b > walked;
            if (T.IsFinite(b) && b > walked) walked = b;
            if (panel) return true;
        }
        (left, right) = (T.Zero, T.Zero);
        return false;
    }

    static T FPanels<T, R, P>(FIntegrand kind, T order, T shift, T mu, T scale, in StudentShape<T> q, in P plan, out T gradMu, out T gradLogScale)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
    {
        T half = R.Of(0.5), invScale = T.One / scale, offset = q.LogNormaliser - T.Log(scale), sum = T.Zero;
        gradMu = T.Zero;
        gradLogScale = T.Zero;
        int i = 0, j = 0;
        T walked = T.NegativeInfinity;
        while (NextPanel<T, R, P>(plan, q, mu, scale, ref i, ref j, ref walked, out T a, out T b))
        {
            if (kind != FIntegrand.TotalVariation)
                sum += FPanel<T, R, P>(kind, order, shift, mu, invScale, offset, q, plan, a, b, ref gradMu, ref gradLogScale);
            else
            {
                // |p − q| has a kink where p = q: each sign change of log p − log q between the panel's ends and nodes is
                // bisected and becomes a panel end.
                T from = a, u = a, gu = Gap<T, R, P>(mu, invScale, offset, q, plan, a), centre = half * (a + b), radius = half * (b - a);
                for (int n = 0; n <= plan.Order; n++)
                {
                    T v = n == plan.Order ? b : centre + radius * plan.Node(n), gv = Gap<T, R, P>(mu, invScale, offset, q, plan, v);
                    if ((gu < T.Zero) != (gv < T.Zero))
                    {
                        T lo = u, hi = v;
                        for (int k = 0; k < 80; k++)
                        {
                            T m = half * (lo + hi);
                            if (m <= lo || m >= hi) break;
                            if ((Gap<T, R, P>(mu, invScale, offset, q, plan, m) < T.Zero) == (gu < T.Zero)) lo = m; else hi = m;
                        }
                        T cross = half * (lo + hi);
                        sum += FPanel<T, R, P>(kind, order, shift, mu, invScale, offset, q, plan, from, cross, ref gradMu, ref gradLogScale);
                        from = cross;
                    }
                    u = v;
                    gu = gv;
                }
                sum += FPanel<T, R, P>(kind, order, shift, mu, invScale, offset, q, plan, from, b, ref gradMu, ref gradLogScale);
            }
        }
        return sum;
    }

    static T Gap<T, R, P>(T mu, T invScale, T offset, in StudentShape<T> q, in P plan, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
        => TailDensity.LogDensity<T, R, P>(plan, x) - TailDensity.Component<T, R>((int)ComponentKind.StudentT, offset, mu, invScale, q.Exponent, q.InvSqrtNu, x);

    /// <summary>One panel of the f-integrand and its part of the gradient. Where a log density is −∞ in T (a Gaussian far
    /// out) it is held at a finite floor, so that its density is 0 and no 0·∞ appears; where both are, the node adds nothing.</summary>
    static T FPanel<T, R, P>(FIntegrand kind, T order, T shift, T mu, T invScale, T offset, in StudentShape<T> q, in P plan, T left, T right,
        ref T gradMu, ref T gradLogScale)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
    {
        T half = R.Of(0.5), c = half * (left + right), h = half * (right - left), floor = R.Of(-1e30);
        T s = T.Zero, sMu = T.Zero, sScale = T.Zero;
        for (int n = 0; n < plan.Order; n++)
        {
            T x = c + h * plan.Node(n);
            T lq = TailDensity.Component<T, R>((int)ComponentKind.StudentT, offset, mu, invScale, q.Exponent, q.InvSqrtNu, x);
            T lp = TailDensity.LogDensity<T, R, P>(plan, x);
            if (!(lp > T.NegativeInfinity) && !(lq > T.NegativeInfinity)) continue;
            lp = T.Max(lp, floor) - shift;
            lq = T.Max(lq, floor) - shift;
            s += plan.Weight(n) * FDivergence.Integrand<T, R>(kind, order, lp, lq);
            T k = plan.Weight(n) * FDivergence.Sensitivity<T, R>(kind, order, lp, lq);
            sMu -= k * TailDensity.ComponentScore<T, R>((int)ComponentKind.StudentT, mu, invScale, q.Exponent, q.InvSqrtNu, x);
            sScale -= k * (T.One + CentredScore<T, R>((x - mu) * invScale, q));
        }
        gradMu += sMu * h;
        gradLogScale += sScale * h;
        return s * h;
    }
}
