using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>A Gauss–Legendre rule on [−1, 1], over host arrays or device views.</summary>
public interface IQuadratureRule<T> where T : unmanaged
{
    int Order { get; }
    T Node(int i);
    T Weight(int i);
}

/// <summary>A rule held in host arrays (double).</summary>
public readonly struct ArrayRule(double[] nodes, double[] weights) : IQuadratureRule<double>
{
    public int Order => nodes.Length;
    public double Node(int i) => nodes[i];
    public double Weight(int i) => weights[i];
}

/// <summary>
/// Where <see cref="FDivergenceQuadrature"/> sums the gradient of a divergence in q's parameters, ∫ q ∂g/∂q · ∂log q/∂θ dx:
/// each panel of half-width h is opened by <see cref="Begin"/>, each node x adds the rule weight times q ∂g/∂q there, and
/// <see cref="End"/> closes the panel. The sink knows q's parametrisation (a Gaussian's (μ, log σ), a mixture's θ).
/// </summary>
public interface IScoreSink<T> where T : unmanaged
{
    /// <summary>False for a value alone: the nodes' sensitivities are then not computed.</summary>
    bool Wanted { get; }
    void Begin(T h);
    void Add(T x, T weight);
    void End();
    /// <summary>Multiplies every sum so far (Rényi's chain rule through the log; NaN where the value is infinite).</summary>
    void Scale(T factor);
}

/// <summary>No gradient: a value alone.</summary>
public struct NoScores<T> : IScoreSink<T> where T : unmanaged
{
    public readonly bool Wanted => false;
    public readonly void Begin(T h) { }
    public readonly void Add(T x, T weight) { }
    public readonly void End() { }
    public readonly void Scale(T factor) { }
}

/// <summary>The gradient in (μ, log σ) of a Gaussian q = N(μ, σ): ∂log q/∂μ = (x−μ)/σ², ∂log q/∂log σ = (x−μ)²/σ² − 1,
/// summed per panel and scaled by its half-width at its end.</summary>
public struct GaussianScores<T>(T mean, T precision) : IScoreSink<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T h, panelMu, panelLogSigma;
    public T Mu, LogSigma;

    public readonly bool Wanted => true;

    public void Begin(T halfWidth)
    {
        h = halfWidth;
        panelMu = T.Zero;
        panelLogSigma = T.Zero;
    }

    public void Add(T x, T weight)
    {
        T t = (x - mean) * precision;
        panelMu += weight * t;
        panelLogSigma += weight * (t * (x - mean) - T.One);
    }

    public void End()
    {
        Mu += panelMu * h;
        LogSigma += panelLogSigma * h;
    }

    public void Scale(T factor)
    {
        Mu *= factor;
        LogSigma *= factor;
    }
}

/// <summary>
/// ∫ f(log p, log q) dx for two Gaussian mixtures by composite Gauss–Legendre panels adapted to the components.
/// Every component of p and q owns a window of ±<see cref="Window"/> of its stds, and the integrand's tails own a window
/// of ±Window tail stds (<see cref="FDivergence.TailStd{T}"/>) beyond the outermost means. The line is cut at every
/// window end; each piece is split into panels <see cref="PanelStds"/> wide in the std of the narrowest component whose
/// window covers it, since that component sets the scale of every feature there (a broad q over narrow p has its
/// crossings with p at p's scale). For total variation, panels are also cut where p = q, the kinks of |p − q|.
/// Written once for double and single precision, the CPU and the kernels; it allocates nothing.
/// </summary>
public static class FDivergenceQuadrature
{
    /// <summary>Window half-width in stds: a Gaussian's density there is e^{−800}, below double's range relative to its peak.</summary>
    public const double Window = 20;
    /// <summary>Panel width in stds of the narrowest covering component.</summary>
    public const double PanelStds = 2;
    /// <summary>At most this many panels per piece: a guard against int overflow, never reached by the windows' own counts.</summary>
    const double MaxPanels = 1 << 16;

    static readonly GaussLegendreRule HostRule = new(LogMixturePlan.PanelOrder);

    /// <summary>The divergence between two mixtures in double on the host (the kernels' rule and formula).</summary>
    public static double Divergence(FIntegrand kind, double a, GaussianMixture p, GaussianMixture q)
        => Divergence<double, F64, ArrayComponents, ArrayComponents, ArrayRule>(kind, a, Components(p), Components(q),
            new ArrayRule(HostRule.Nodes, HostRule.Weights));

    /// <summary>ℓ_k = log π_k − log s_k − ½ log 2π, τ_k = 1/s_k².</summary>
    public static ArrayComponents Components(GaussianMixture f) => new(
        Enumerable.Range(0, f.Count).Select(k => Math.Log(f.Weights[k]) - Math.Log(f.Stds[k]) - Normal.LogSqrt2Pi).ToArray(),
        f.Means.ToArray(),
        f.Stds.Select(s => 1 / (s * s)).ToArray());

    public static T Divergence<T, R, SP, SQ, RU>(FIntegrand kind, T a, in SP p, in SQ q, in RU rule)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T> where RU : struct, IQuadratureRule<T>
    {
        T integral = Integral<T, R, SP, SQ, RU>(kind, a, T.Zero, p, q, rule);
        if (kind != FIntegrand.Renyi) return FDivergence.Bounded<T, R>(kind, integral);
        // Rényi: log ∫p^α q^{1−α} = log(1 − α(1−α) D_α) loses everything once ∫p^α q^{1−α} is far below one
        // (q far from p), and D_α overflows where it is far above one (α > 1); there ∫p^α q^{1−α} itself is integrated,
        // scaled by its largest value at a component mean. A diverging integral stays +∞ on either path.
        T u = -a * (T.One - a) * integral;
        if (T.Abs(u) < R.Of(0.5)) return LogMixture.LogOnePlus<T>(u) / (a - T.One);
        T shift = PowerShift<T, R, SP, SQ>(a, p, q);
        T power = Integral<T, R, SP, SQ, RU>(FIntegrand.Power, a, shift, p, q, rule);
        return (shift + T.Log(power)) / (a - T.One);
    }

    /// <summary>
    /// The largest of α log p + (1 − α) log q at the component means and at every pair's peak: the integrand's scale.
    /// For α &gt; 1 the peak of p_j^α q_k^{1−α} can lie far outside both components (α = 2, equal stds: at 2m_j − μ_k),
    /// where the integrand is e^{(m_j − μ_k)²/s²} times its value at the means.
    /// </summary>
    static T PowerShift<T, R, SP, SQ>(T a, in SP p, in SQ q)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T>
    {
        T shift = T.NegativeInfinity;
        for (int k = 0; k < p.Count; k++) shift = T.Max(shift, PowerExponent<T, R, SP, SQ>(a, p, q, p.Mean(k)));
        for (int k = 0; k < q.Count; k++) shift = T.Max(shift, PowerExponent<T, R, SP, SQ>(a, p, q, q.Mean(k)));
        for (int j = 0; j < p.Count; j++)
            for (int k = 0; k < q.Count; k++)
                if (Pair<T, R, SP, SQ>(a, p, j, q, k, out T centre, out _))
                    shift = T.Max(shift, PowerExponent<T, R, SP, SQ>(a, p, q, centre));
        return shift;
    }

    /// <summary>α log p(x) + (1 − α) log q(x).</summary>
    static T PowerExponent<T, R, SP, SQ>(T a, in SP p, in SQ q, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T>
        => a * LogMixture.LogDensity<T, R, SP>(p, x) + (T.One - a) * LogMixture.LogDensity<T, R, SQ>(q, x);

    /// <summary>∫ of the integrand of <paramref name="kind"/> at log p − shift, log q − shift, +∞ where it diverges (decided from the tails, not by overflow).</summary>
    public static T Integral<T, R, SP, SQ, RU>(FIntegrand kind, T a, T shift, in SP p, in SQ q, in RU rule)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T> where RU : struct, IQuadratureRule<T>
    {
        var none = new NoScores<T>();
        return Integral<T, R, SP, SQ, RU, NoScores<T>>(kind, a, shift, p, q, rule, ref none);
    }

    /// <summary>
    /// The divergence between p and a Gaussian q = N(μ, σ) with its gradient in (μ, log σ) (<see cref="GaussianScores{T}"/>).
    /// Where the value is +∞ the gradient is undefined: NaN.
    /// </summary>
    public static T DivergenceWithGradient<T, R, SP, RU>(FIntegrand kind, T a, in SP p, in GaussianComponent<T> q, in RU rule,
        out T gradMu, out T gradLogSigma)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where RU : struct, IQuadratureRule<T>
    {
        var scores = new GaussianScores<T>(q.Mean(0), q.Precision(0));
        T value = DivergenceWithGradient<T, R, SP, GaussianComponent<T>, RU, GaussianScores<T>>(kind, a, p, q, rule, ref scores);
        gradMu = scores.Mu;
        gradLogSigma = scores.LogSigma;
        return value;
    }

    /// <summary>
    /// The divergence between p and q with its gradient in q's parameters, summed by <paramref name="scores"/>: ∫ q ∂g/∂q ·
    /// ∂log q/∂θ dx (<see cref="FDivergence.Sensitivity{T, R}"/>) on the value's own panels. Rényi, D = log I/(α−1) with
    /// I = ∫ p^α q^{1−α}, has ∂D/∂θ = ∂I/∂θ / ((α−1) I), both integrals scaled alike (the scale cancels).
    /// Where the value is +∞ the gradient is undefined: NaN.
    /// </summary>
    public static T DivergenceWithGradient<T, R, SP, SQ, RU, S>(FIntegrand kind, T a, in SP p, in SQ q, in RU rule, ref S scores)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T> where RU : struct, IQuadratureRule<T>
        where S : struct, IScoreSink<T>
    {
        T value;
        if (kind != FIntegrand.Renyi)
            value = Integral<T, R, SP, SQ, RU, S>(kind, a, T.Zero, p, q, rule, ref scores);
        else
        {
            value = Divergence<T, R, SP, SQ, RU>(kind, a, p, q, rule);
            T shift = PowerShift<T, R, SP, SQ>(a, p, q);
            T power = Integral<T, R, SP, SQ, RU, S>(FIntegrand.Power, a, shift, p, q, rule, ref scores);
            scores.Scale(T.One / ((a - T.One) * power));
        }
        if (!T.IsFinite(value)) scores.Scale(T.NaN);
        return value;
    }

    static T Integral<T, R, SP, SQ, RU, S>(FIntegrand kind, T a, T shift, in SP p, in SQ q, in RU rule, ref S scores)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T> where RU : struct, IQuadratureRule<T>
        where S : struct, IScoreSink<T>
    {
        T widestP = T.Zero, widestQ = T.Zero, lowMean = T.PositiveInfinity, highMean = T.NegativeInfinity;
        for (int k = 0; k < p.Count; k++)
        {
            widestP = T.Max(widestP, Std<T, SP>(p, k));
            lowMean = T.Min(lowMean, p.Mean(k));
            highMean = T.Max(highMean, p.Mean(k));
        }
        for (int k = 0; k < q.Count; k++)
        {
            widestQ = T.Max(widestQ, Std<T, SQ>(q, k));
            lowMean = T.Min(lowMean, q.Mean(k));
            highMean = T.Max(highMean, q.Mean(k));
        }
        if (!FDivergence.Converges<T, R>(kind, a, widestP, widestQ)) return T.PositiveInfinity;

        T window = R.Of(Window), tail = FDivergence.TailStd(kind, a, widestP, widestQ);
        T lo = lowMean - window * tail, hi = highMean + window * tail;
        for (int k = 0; k < p.Count; k++)
        {
            lo = T.Min(lo, p.Mean(k) - window * Std<T, SP>(p, k));
            hi = T.Max(hi, p.Mean(k) + window * Std<T, SP>(p, k));
        }
        for (int k = 0; k < q.Count; k++)
        {
            lo = T.Min(lo, q.Mean(k) - window * Std<T, SQ>(q, k));
            hi = T.Max(hi, q.Mean(k) + window * Std<T, SQ>(q, k));
        }

        // Where p_j and q_k dominate, the integrand p^β q^{1−β} is a Gaussian of precision βτ_j + (1−β)τ_k about its own
        // centre: each pair with a positive precision owns a window at its own scale. For 0 < β < 1 the centre lies between
        // the two means and the pair's scale replaces the tails' (spread over the whole span of means instead, a narrow q
        // far from p would cut the gap into the maximum number of panels per piece, a second per value). For β > 1 or
        // β < 0 the centre lies beyond p_j (beyond q_k), as far out as 2m_j − μ_k for β = 2 and equal stds, outside
        // every component's window and the tails': there the integrand peaks, and the pair's window is what covers it.
        bool powered = FDivergence.PowerLaw(kind, a, out T beta), between = FDivergence.PowerBetweenZeroAndOne(kind, a);
        if (powered)
            for (int j = 0; j < p.Count; j++)
                for (int k = 0; k < q.Count; k++)
                    if (Pair<T, R, SP, SQ>(beta, p, j, q, k, out T centre, out T std))
                    {
                        lo = T.Min(lo, centre - window * std);
                        hi = T.Max(hi, centre + window * std);
                    }
        T total = T.Zero, x = lo;
        while (x < hi)
        {
            // The piece [x, next): up to the nearest window end, at the narrowest covering scale.
            T next = hi;
            next = NextEnd(next, x, lowMean - window * tail);
            next = NextEnd(next, x, highMean + window * tail);
            for (int k = 0; k < p.Count; k++)
            {
                next = NextEnd(next, x, p.Mean(k) - window * Std<T, SP>(p, k));
                next = NextEnd(next, x, p.Mean(k) + window * Std<T, SP>(p, k));
            }
            for (int k = 0; k < q.Count; k++)
            {
                next = NextEnd(next, x, q.Mean(k) - window * Std<T, SQ>(q, k));
                next = NextEnd(next, x, q.Mean(k) + window * Std<T, SQ>(q, k));
            }
            next = CrossingCuts<T, R, SP>(p, x, next);
            next = CrossingCuts<T, R, SQ>(q, x, next);
            if (powered) next = PairEnds<T, R, SP, SQ>(beta, p, q, x, next);
            // The tail's scale holds only inside its window: beyond it (a broad q far out) q's own std is the scale,
            // and a χ² tail std below q's would cut q's window into millions of panels.
            T mid = R.Of(0.5) * (x + next);
            T scale = between ? PairScale<T, R, SP, SQ>(beta, p, q, mid)
                : mid >= lowMean - window * tail && mid <= highMean + window * tail ? tail : T.PositiveInfinity;
            if (powered && !between) scale = T.Min(scale, PairScale<T, R, SP, SQ>(beta, p, q, mid));
            for (int k = 0; k < p.Count; k++)
                if (T.Abs(mid - p.Mean(k)) <= window * Std<T, SP>(p, k)) scale = T.Min(scale, Std<T, SP>(p, k));
            for (int k = 0; k < q.Count; k++)
                if (T.Abs(mid - q.Mean(k)) <= window * Std<T, SQ>(q, k)) scale = T.Min(scale, Std<T, SQ>(q, k));

            int panels = R.ToInt(T.Min((next - x) / (R.Of(PanelStds) * scale), R.Of(MaxPanels))) + 1;
            T width = (next - x) / R.Of(panels);
            for (int j = 0; j < panels; j++)
            {
                T left = x + R.Of(j) * width, right = j == panels - 1 ? next : x + R.Of(j + 1) * width;
                total += kind == FIntegrand.TotalVariation
                    ? KinkedPanel<T, R, SP, SQ, RU, S>(kind, a, p, q, rule, left, right, ref scores)
                    : Panel<T, R, SP, SQ, RU, S>(kind, a, shift, p, q, rule, left, right, ref scores);
            }
            x = next;
        }
        return total;
    }

    /// <summary>
    /// Where two components of one mixture cross far from both, its log density turns from one parabola to the other
    /// within a width w = 1/|ℓ_j′ − ℓ_k′| (<see cref="MixtureFit.Crossing{T, R, S}"/>), far narrower than either
    /// component. Cuts at root ± w·2ⁿ, up to a panel of the components' own scale, grade the panels geometrically towards
    /// the turn: each is no wider than its distance from it, so the turn's complex singularities (±iπw off the root) stay a
    /// panel's width away and the rule converges on every panel, for a handful of extra panels per sharp crossing.
    /// </summary>
    static T CrossingCuts<T, R, S>(in S set, T x, T next)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IComponentSet<T>
    {
        for (int j = 0; j < set.Count; j++)
            for (int k = j + 1; k < set.Count; k++)
                for (int which = 0; which < 2; which++)
                    if (MixtureFit.Crossing<T, R, S>(set, j, k, which, out T root, out T width))
                    {
                        T reach = R.Of(PanelStds) * T.Min(Std<T, S>(set, j), Std<T, S>(set, k));
                        for (T d = width; d < reach; d += d)
                        {
                            next = NextEnd(next, x, root - d);
                            next = NextEnd(next, x, root + d);
                        }
                    }
        return next;
    }

    /// <summary>Centre and std of p_j^β q_k^{1−β}; false where its precision is not positive (beyond rounding), so that
    /// it has no peak: such a pair grows outwards only until another component takes over, inside the windows.</summary>
    static bool Pair<T, R, SP, SQ>(T beta, in SP p, int j, in SQ q, int k, out T centre, out T std)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T>
    {
        T fromP = beta * p.Precision(j), fromQ = (T.One - beta) * q.Precision(k), precision = fromP + fromQ;
        centre = (fromP * p.Mean(j) + fromQ * q.Mean(k)) / precision;
        std = T.One / T.Sqrt(precision);
        return precision > R.Of(64) * R.Epsilon() * (T.Abs(fromP) + T.Abs(fromQ));
    }

    static T PairEnds<T, R, SP, SQ>(T beta, in SP p, in SQ q, T x, T next)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T>
    {
        for (int j = 0; j < p.Count; j++)
            for (int k = 0; k < q.Count; k++)
                if (Pair<T, R, SP, SQ>(beta, p, j, q, k, out T centre, out T std))
                {
                    next = NextEnd(next, x, centre - R.Of(Window) * std);
                    next = NextEnd(next, x, centre + R.Of(Window) * std);
                }
        return next;
    }

    /// <summary>The narrowest pair std whose window covers <paramref name="x"/>, +∞ if none.</summary>
    static T PairScale<T, R, SP, SQ>(T beta, in SP p, in SQ q, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T>
    {
        T scale = T.PositiveInfinity;
        for (int j = 0; j < p.Count; j++)
            for (int k = 0; k < q.Count; k++)
                if (Pair<T, R, SP, SQ>(beta, p, j, q, k, out T centre, out T std) && T.Abs(x - centre) <= R.Of(Window) * std)
                    scale = T.Min(scale, std);
        return scale;
    }

    static T Std<T, S>(in S set, int k) where T : unmanaged, IFloatingPointIeee754<T> where S : struct, IComponentSet<T>
        => T.One / T.Sqrt(set.Precision(k));

    static T NextEnd<T>(T next, T x, T end) where T : unmanaged, IFloatingPointIeee754<T>
        => end > x && end < next ? end : next;

    /// <summary>One panel's integral; adds its part of the gradient to <paramref name="scores"/> where wanted.</summary>
    static T Panel<T, R, SP, SQ, RU, S>(FIntegrand kind, T a, T shift, in SP p, in SQ q, in RU rule, T left, T right, ref S scores)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T> where RU : struct, IQuadratureRule<T>
        where S : struct, IScoreSink<T>
    {
        T c = R.Of(0.5) * (left + right), h = R.Of(0.5) * (right - left), s = T.Zero;
        bool gradient = scores.Wanted;
        if (gradient) scores.Begin(h);
        for (int i = 0; i < rule.Order; i++)
        {
            T x = c + h * rule.Node(i);
            T lp = LogMixture.LogDensity<T, R, SP>(p, x) - shift, lq = LogMixture.LogDensity<T, R, SQ>(q, x) - shift;
            s += rule.Weight(i) * FDivergence.Integrand<T, R>(kind, a, lp, lq);
            if (gradient) scores.Add(x, rule.Weight(i) * FDivergence.Sensitivity<T, R>(kind, a, lp, lq));
        }
        if (gradient) scores.End();
        return s * h;
    }

    /// <summary>
    /// A panel of |p − q|, cut at every crossing p = q so that no piece integrated contains a kink. g = log p − log q is
    /// sampled at the panel's ends and the rule's nodes; a sign change is bisected. Two crossings closer than the
    /// samples (p and q nearly tangent, as where two components share a mean) show as an extremum of g between
    /// samples, found by bisecting g′; where g changes sign at the extremum, each side holds one crossing.
    /// </summary>
    static T KinkedPanel<T, R, SP, SQ, RU, S>(FIntegrand kind, T a, in SP p, in SQ q, in RU rule, T left, T right, ref S scores)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T> where RU : struct, IQuadratureRule<T>
        where S : struct, IScoreSink<T>
    {
        T c = R.Of(0.5) * (left + right), h = R.Of(0.5) * (right - left), total = T.Zero;
        T from = left, u = left, gu = Gap<T, R, SP, SQ>(p, q, left), su = GapSlope<T, R, SP, SQ>(p, q, left);
        for (int i = 0; i <= rule.Order; i++)
        {
            T v = i == rule.Order ? right : c + h * rule.Node(i), gv = Gap<T, R, SP, SQ>(p, q, v), sv = GapSlope<T, R, SP, SQ>(p, q, v);
            if ((gu < T.Zero) != (gv < T.Zero))
            {
                T cross = Crossing<T, R, SP, SQ>(p, q, u, v, gu);
                total += Panel<T, R, SP, SQ, RU, S>(kind, a, T.Zero, p, q, rule, from, cross, ref scores);
                from = cross;
            }
            else if ((su < T.Zero) != (sv < T.Zero))
            {
                T lo = u, hi = v;
                for (int k = 0; k < 64; k++)
                {
                    T m = R.Of(0.5) * (lo + hi);
                    if (m <= lo || m >= hi) break;
                    if ((GapSlope<T, R, SP, SQ>(p, q, m) < T.Zero) == (su < T.Zero)) lo = m; else hi = m;
                }
                T t = R.Of(0.5) * (lo + hi);
                if ((Gap<T, R, SP, SQ>(p, q, t) < T.Zero) != (gu < T.Zero))
                {
                    T first = Crossing<T, R, SP, SQ>(p, q, u, t, gu), second = Crossing<T, R, SP, SQ>(p, q, t, v, -gu);
                    total += Panel<T, R, SP, SQ, RU, S>(kind, a, T.Zero, p, q, rule, from, first, ref scores)
                           + Panel<T, R, SP, SQ, RU, S>(kind, a, T.Zero, p, q, rule, first, second, ref scores);
                    from = second;
                }
            }
            u = v;
            gu = gv;
            su = sv;
        }
        return total + Panel<T, R, SP, SQ, RU, S>(kind, a, T.Zero, p, q, rule, from, right, ref scores);
    }

    /// <summary>The root of g in [u, v], where g(u) has the sign of <paramref name="gu"/> and g(v) the other, by bisection.</summary>
    static T Crossing<T, R, SP, SQ>(in SP p, in SQ q, T u, T v, T gu)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T>
    {
        for (int k = 0; k < 64; k++)
        {
            T m = R.Of(0.5) * (u + v);
            if (m <= u || m >= v) break;
            if ((Gap<T, R, SP, SQ>(p, q, m) < T.Zero) == (gu < T.Zero)) u = m; else v = m;
        }
        return R.Of(0.5) * (u + v);
    }

    static T GapSlope<T, R, SP, SQ>(in SP p, in SQ q, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T>
        => LogMixture.LogDensitySlope<T, R, SP>(p, x) - LogMixture.LogDensitySlope<T, R, SQ>(q, x);

    static T Gap<T, R, SP, SQ>(in SP p, in SQ q, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where SQ : struct, IComponentSet<T>
        => LogMixture.LogDensity<T, R, SP>(p, x) - LogMixture.LogDensity<T, R, SQ>(q, x);
}
