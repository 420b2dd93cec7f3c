using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>A vector of numbers read and written by index: host arrays and device views alike.</summary>
public interface IVector<T> where T : unmanaged
{
    T this[int i] { get; set; }
}

/// <summary>A host array as a vector.</summary>
public readonly struct ArrayVector(double[] data, int start = 0) : IVector<double>
{
    public double this[int i]
    {
        get => data[start + i];
        set => data[start + i] = value;
    }
}

/// <summary>The components of q held as (ℓ offset, mean, precision) triples in a vector: what <see cref="MixtureFit.Components{T, R, V}"/> writes.</summary>
public readonly struct VectorComponents<T, V>(V data, int count) : IComponentSet<T> where T : unmanaged where V : struct, IVector<T>
{
    public int Count => count;
    public T Offset(int k) => data[3 * k];
    public T Mean(int k) => data[3 * k + 1];
    public T Precision(int k) => data[3 * k + 2];
}

/// <summary>
/// How <see cref="MixtureFit"/> lays its panels: each component owns ±<see cref="Window"/> of its stds, each crossing of two
/// components ±<see cref="MixtureFit.CrossingWindow"/> of its widths; panels are <see cref="PanelStds"/> wide in the std of
/// the narrowest component covering them, <see cref="CrossingPanels"/> widths wide across a crossing. Plain numbers, so a
/// kernel takes it by value.
/// </summary>
public struct MixtureQuadrature
{
    public double Window, PanelStds, CrossingPanels;

    /// <summary>The polish's layout, accurate to rounding (the value within 1e-13 of Gauss–Kronrod on the reference cases):
    /// windows of ±20 stds, 16 nodes a std and 16 a crossing width.</summary>
    public static MixtureQuadrature Polish => new() { Window = FDivergenceQuadrature.Window, PanelStds = MixtureFit.PanelStds, CrossingPanels = 1 };

    /// <summary>
    /// The restarts' layout: windows of ±12 stds (a Gaussian's e^{−72}), 16 nodes per 4 stds and per 4 crossing widths,
    /// about a quarter of the polish's nodes. A 16-node Gauss–Legendre panel of half-width 2 stds integrates a Gaussian
    /// times a low-degree polynomial to rounding, and one of half-width 2 crossing widths the log-sum-exp turn (its
    /// nearest pole πw away) to about 1e-17; measured against the polish's layout, values and gradients agree to about
    /// 1e-12 (MixtureQuadratureTests), far below the restarts' tolerance, and the polish re-evaluates every basin.
    /// </summary>
    public static MixtureQuadrature Restarts => new() { Window = 10, PanelStds = 4, CrossingPanels = 6 };
}

/// <summary>
/// Forward or reverse KL between a target mixture p and a K-component mixture q_θ, with its gradient in
/// θ = (a_1…a_K, m_1…m_K, u_1…u_K): softmax weight logits w = softmax(a), means, and log stds u = log s.
/// Both are integrated on the panels of <see cref="FDivergenceQuadrature"/> (the same windows and rule), halved in width. With ρ_k(x) = w_k N_k(x)/q(x) q's responsibilities
/// and z_k = (x − m_k)/s_k, the scores ∂q/q are ρ_k − w_k (logit a_k), ρ_k z_k / s_k (mean) and ρ_k (z_k² − 1) (log std);
/// ∂ KL(q||p) = ∫ q (∂q/q) (log q − log p) dx (as ∫∂q = 0) and ∂ KL(p||q) = −∫ p (∂q/q) dx. Written once, generic
/// over the precision and the storage, for the restart kernel and the host polish.
/// </summary>
public static class MixtureFit
{
    /// <summary>
    /// Panel width in stds of the narrowest covering component: half of <see cref="FDivergenceQuadrature.PanelStds"/>, since
    /// the scores carry q's responsibilities, whose switch from one component to the next is sharper than log q itself.
    /// </summary>
    public const double PanelStds = 1;

    /// <summary>Numbers per component in θ: a logit, a mean and a log std.</summary>
    public const int ParametersPerComponent = 3;

    /// <summary>q's components as (ℓ offset, mean, precision) triples written to <paramref name="q"/> (3K numbers): ℓ offset = log w_k − u_k − ½ log 2π.</summary>
    public static void Components<T, R, V>(int count, in V theta, V q)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where V : struct, IVector<T>
    {
        T top = T.NegativeInfinity;
        for (int k = 0; k < count; k++) top = T.Max(top, theta[k]);
        T sum = T.Zero;
        for (int k = 0; k < count; k++) sum += T.Exp(theta[k] - top);
        T logNorm = top + T.Log(sum);
        for (int k = 0; k < count; k++)
        {
            T u = theta[2 * count + k];
            q[3 * k] = theta[k] - logNorm - u - R.Of(Normal.LogSqrt2Pi);
            q[3 * k + 1] = theta[count + k];
            q[3 * k + 2] = T.Exp(-(u + u));
        }
    }

    /// <summary>
    /// The divergence of code <paramref name="kind"/> (<see cref="FDivergence"/>; <paramref name="order"/> is α for α and
    /// Rényi) at θ, and its gradient written to <paramref name="gradient"/> (3K numbers). The KLs integrate on the panels
    /// <paramref name="layout"/> lays, and without <paramref name="withValue"/> skip the value (0 is returned), which a
    /// descent's steps do not need. The other divergences integrate on <see cref="FDivergenceQuadrature"/>'s panels, which
    /// follow their tails (χ², α and Rényi decay at their own rate, and peak outside every component for β &gt; 1), cut |p − q|
    /// at its kinks, and grade towards q's crossings; there the value comes with the gradient. <paramref name="q"/> is
    /// scratch for 3K numbers.
    /// </summary>
    public static T ValueAndGradient<T, R, SP, V, RU>(FIntegrand kind, T order, in MixtureQuadrature layout, in SP p, int count, in V theta, V q,
        V gradient, in RU rule, bool withValue = true)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where V : struct, IVector<T> where RU : struct, IQuadratureRule<T>
    {
        Components<T, R, V>(count, theta, q);
        if (kind != FIntegrand.ForwardKl && kind != FIntegrand.ReverseKl)
        {
            for (int i = 0; i < ParametersPerComponent * count; i++) gradient[i] = T.Zero;
            var scores = new MixtureScores<T, R, V>(q, count, gradient);
            T f = FDivergenceQuadrature.DivergenceWithGradient<T, R, SP, VectorComponents<T, V>, RU, MixtureScores<T, R, V>>(kind, order, p,
                new VectorComponents<T, V>(q, count), rule, ref scores);
            // The logits' scores are ρ_k − w_k: the w_k part is w_k times the integral of q ∂g/∂q alone.
            for (int k = 0; k < count; k++)
                gradient[k] -= T.Exp(q[3 * k] + theta[2 * count + k] + R.Of(Normal.LogSqrt2Pi)) * scores.Total;
            return f;
        }
        var qs = new VectorComponents<T, V>(q, count);
        for (int i = 0; i < ParametersPerComponent * count; i++) gradient[i] = T.Zero;

        // The panels of FDivergenceQuadrature.Integral for the KLs (bounded integrands: the tails' scale is the widest std).
        T window = R.Of(layout.Window), widest = T.Zero, lowMean = T.PositiveInfinity, highMean = T.NegativeInfinity;
        for (int k = 0; k < p.Count; k++)
        {
            widest = T.Max(widest, Std<T, SP>(p, k));
            lowMean = T.Min(lowMean, p.Mean(k));
            highMean = T.Max(highMean, p.Mean(k));
        }
        for (int k = 0; k < count; k++)
        {
            widest = T.Max(widest, Std<T, VectorComponents<T, V>>(qs, k));
            lowMean = T.Min(lowMean, qs.Mean(k));
            highMean = T.Max(highMean, qs.Mean(k));
        }
        T lo = lowMean - window * widest, hi = highMean + window * widest;
        for (int k = 0; k < p.Count; k++)
        {
            lo = T.Min(lo, p.Mean(k) - window * Std<T, SP>(p, k));
            hi = T.Max(hi, p.Mean(k) + window * Std<T, SP>(p, k));
        }
        for (int k = 0; k < count; k++)
        {
            lo = T.Min(lo, qs.Mean(k) - window * Std<T, VectorComponents<T, V>>(qs, k));
            hi = T.Max(hi, qs.Mean(k) + window * Std<T, VectorComponents<T, V>>(qs, k));
        }

        bool reverse = kind == FIntegrand.ReverseKl;
        T panelStds = R.Of(layout.PanelStds), crossingPanels = R.Of(layout.CrossingPanels);
        T value = T.Zero, total = T.Zero, x = lo;
        while (x < hi)
        {
            T next = hi;
            next = NextEnd(next, x, lowMean - window * widest);
            next = NextEnd(next, x, highMean + window * widest);
            for (int k = 0; k < p.Count; k++)
            {
                next = NextEnd(next, x, p.Mean(k) - window * Std<T, SP>(p, k));
                next = NextEnd(next, x, p.Mean(k) + window * Std<T, SP>(p, k));
            }
            for (int k = 0; k < count; k++)
            {
                next = NextEnd(next, x, qs.Mean(k) - window * Std<T, VectorComponents<T, V>>(qs, k));
                next = NextEnd(next, x, qs.Mean(k) + window * Std<T, VectorComponents<T, V>>(qs, k));
            }
            next = CrossingEnds<T, R, SP>(p, x, next);
            next = CrossingEnds<T, R, VectorComponents<T, V>>(qs, x, next);
            // The panel width: panelStds of the narrowest component whose window covers the piece, crossingPanels widths of
            // the narrowest crossing whose window does.
            T mid = R.Of(0.5) * (x + next), span = panelStds * widest;
            for (int k = 0; k < p.Count; k++)
                if (T.Abs(mid - p.Mean(k)) <= window * Std<T, SP>(p, k)) span = T.Min(span, panelStds * Std<T, SP>(p, k));
            for (int k = 0; k < count; k++)
                if (T.Abs(mid - qs.Mean(k)) <= window * Std<T, VectorComponents<T, V>>(qs, k))
                    span = T.Min(span, panelStds * Std<T, VectorComponents<T, V>>(qs, k));
            span = CrossingSpan<T, R, SP>(p, mid, span, crossingPanels);
            span = CrossingSpan<T, R, VectorComponents<T, V>>(qs, mid, span, crossingPanels);

            int panels = R.ToInt((next - x) / span) + 1;
            T width = (next - x) / R.Of(panels);
            for (int j = 0; j < panels; j++)
            {
                T left = x + R.Of(j) * width, right = j == panels - 1 ? next : x + R.Of(j + 1) * width;
                T c = R.Of(0.5) * (left + right), h = R.Of(0.5) * (right - left), panelValue = T.Zero;
                for (int i = 0; i < rule.Order; i++)
                {
                    T xi = c + h * rule.Node(i), weight = h * rule.Weight(i);
                    T lp = LogMixture.LogDensity<T, R, SP>(p, xi);
                    T top = LogMixture.Owner<T, R, VectorComponents<T, V>>(qs, xi, out int owner, out T others);
                    T lq = top + LogMixture.LogOnePlus<T>(others), share = T.One / (T.One + others);
                    if (withValue) panelValue += rule.Weight(i) * FDivergence.Integrand<T, R>(kind, T.Zero, lp, lq);
                    // The density the score is integrated against: q (log q − log p) for reverse, −p for forward.
                    T factor = weight * (reverse ? T.Exp(lq) * (lq - lp) : -T.Exp(lp));
                    total += factor;
                    for (int k = 0; k < count; k++)
                    {
                        T d = xi - qs.Mean(k), tau = qs.Precision(k);
                        T rho = k == owner ? share : share * T.Exp(LogMixture.Component<T, R, VectorComponents<T, V>>(qs, k, xi) - top);
                        T rf = factor * rho;
                        gradient[k] += rf;
                        gradient[count + k] += rf * d * tau;
                        gradient[2 * count + k] += rf * (d * d * tau - T.One);
                    }
                }
                value += panelValue * h;
            }
            x = next;
        }
        // The logits' scores are ρ_k − w_k: the w_k part is w_k times the integral of the factor alone.
        for (int k = 0; k < count; k++)
            gradient[k] -= T.Exp(q[3 * k] + theta[2 * count + k] + R.Of(Normal.LogSqrt2Pi)) * total;
        return value;
    }

    /// <summary>
    /// The gradient in θ of a divergence of a mixture q, for <see cref="FDivergenceQuadrature"/>: at each node x, the weight
    /// (rule weight × q ∂g/∂q) times q's scores there, ρ_k (logit, less the w_k part added once at the end from
    /// <see cref="Total"/>), ρ_k (x − m_k)/s_k² (mean) and ρ_k ((x − m_k)²/s_k² − 1) (log std), with ρ_k = w_k N_k(x)/q(x).
    /// </summary>
    public struct MixtureScores<T, R, V>(V q, int count, V gradient) : IScoreSink<T>
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where V : struct, IVector<T>
    {
        T h;
        /// <summary>∫ q ∂g/∂q dx so far.</summary>
        public T Total;

        public readonly bool Wanted => true;
        public void Begin(T halfWidth) => h = halfWidth;
        public readonly void End() { }

        public void Add(T x, T weight)
        {
            var qs = new VectorComponents<T, V>(q, count);
            T top = LogMixture.Owner<T, R, VectorComponents<T, V>>(qs, x, out int owner, out T others);
            T share = T.One / (T.One + others), factor = weight * h;
            Total += factor;
            for (int k = 0; k < count; k++)
            {
                T d = x - qs.Mean(k), tau = qs.Precision(k);
                T rho = k == owner ? share : share * T.Exp(LogMixture.Component<T, R, VectorComponents<T, V>>(qs, k, x) - top);
                T rf = factor * rho;
                gradient[k] += rf;
                gradient[count + k] += rf * d * tau;
                gradient[2 * count + k] += rf * (d * d * tau - T.One);
            }
        }

        public void Scale(T factor)
        {
            Total *= factor;
            for (int i = 0; i < ParametersPerComponent * count; i++) gradient[i] *= factor;
        }
    }

    /// <summary>Half-width of a crossing's window, in its widths.</summary>
    public const double CrossingWindow = 12;

    /// <summary>
    /// The crossings of two components of a mixture, where ℓ_j(x) = ℓ_k(x): there its log density turns from one parabola to
    /// the other within a width 1/|ℓ_j′ − ℓ_k′|, and the responsibilities step from one component to the other. Much narrower
    /// than either component where the two are far apart (two narrow components of q either side of a mode of p), so each
    /// crossing owns a window of ±<see cref="CrossingWindow"/> widths, in panels of its width. Root <paramref name="which"/>
    /// (0 or 1) of the quadratic ℓ_j − ℓ_k = A x² + B x + C; false if there is none.
    /// </summary>
    internal static bool Crossing<T, R, S>(in S set, int j, int k, int which, out T root, out T width)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IComponentSet<T>
    {
        T tj = set.Precision(j), tk = set.Precision(k), mj = set.Mean(j), mk = set.Mean(k), half = R.Of(0.5);
        T a = half * (tk - tj), b = tj * mj - tk * mk, c = set.Offset(j) - set.Offset(k) - half * tj * mj * mj + half * tk * mk * mk;
        root = T.Zero;
        width = T.Zero;
        if (T.Abs(a) <= R.Of(1e-12) * (tj + tk))
        {
            if (which != 0 || b == T.Zero) return false;
            root = -c / b;
        }
        else
        {
            T disc = b * b - R.Of(4) * a * c;
            if (!(disc > T.Zero)) return false;
            // The stable pair: q = −(b + sign(b)√disc)/2, roots q/a and c/q.
            T qq = -half * (b + (b >= T.Zero ? T.Sqrt(disc) : -T.Sqrt(disc)));
            root = which == 0 ? qq / a : c / qq;
        }
        T slope = T.Abs((a + a) * root + b);
        if (!T.IsFinite(root) || !(slope > T.Zero)) return false;
        width = T.One / slope;
        return true;
    }

    static T CrossingEnds<T, R, S>(in S set, T x, T next)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IComponentSet<T>
    {
        T window = R.Of(CrossingWindow);
        for (int j = 0; j < set.Count; j++)
            for (int k = j + 1; k < set.Count; k++)
                for (int which = 0; which < 2; which++)
                    if (Crossing<T, R, S>(set, j, k, which, out T root, out T width))
                    {
                        next = NextEnd(next, x, root - window * width);
                        next = NextEnd(next, x, root + window * width);
                    }
        return next;
    }

    static T CrossingSpan<T, R, S>(in S set, T mid, T span, T crossingPanels)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IComponentSet<T>
    {
        T window = R.Of(CrossingWindow);
        for (int j = 0; j < set.Count; j++)
            for (int k = j + 1; k < set.Count; k++)
                for (int which = 0; which < 2; which++)
                    if (Crossing<T, R, S>(set, j, k, which, out T root, out T width) && T.Abs(mid - root) <= window * width)
                        span = T.Min(span, crossingPanels * width);
        return span;
    }

    static T Std<T, S>(in S set, int k) where T : unmanaged, IFloatingPointIeee754<T> where S : struct, IComponentSet<T>
        => T.One / T.Sqrt(set.Precision(k));

    static T NextEnd<T>(T next, T x, T end) where T : unmanaged, IFloatingPointIeee754<T>
        => end > x && end < next ? end : next;

    static readonly GaussLegendreRule HostRule = new(LogMixturePlan.PanelOrder);

    /// <summary>The host path in double: value and gradient (3K numbers) at θ.</summary>
    public static double ValueAndGradient(FIntegrand kind, GaussianMixture p, double[] theta, double[] gradient, double order = 0)
        => ValueAndGradient(kind, MixtureQuadrature.Polish, p, theta, gradient, order);

    /// <summary>The host path in double on the panels <paramref name="layout"/> lays (the KLs'; the others lay their own).</summary>
    public static double ValueAndGradient(FIntegrand kind, in MixtureQuadrature layout, GaussianMixture p, double[] theta, double[] gradient,
        double order = 0)
    {
        int count = theta.Length / ParametersPerComponent;
        return ValueAndGradient<double, F64, ArrayComponents, ArrayVector, ArrayRule>(kind, order, layout, FDivergenceQuadrature.Components(p), count,
            new ArrayVector(theta), new ArrayVector(new double[3 * count]), new ArrayVector(gradient), new ArrayRule(HostRule.Nodes, HostRule.Weights));
    }

    /// <summary>θ of a mixture: logits log w_k (softmax of them is w), means, log stds.</summary>
    public static double[] Parameters(GaussianMixture q) =>
        [.. q.Weights.Select(w => Math.Log(w)), .. q.Means, .. q.Stds.Select(s => Math.Log(s))];

    /// <summary>The mixture θ describes.</summary>
    public static GaussianMixture Mixture(double[] theta)
    {
        int count = theta.Length / ParametersPerComponent;
        double top = theta.Take(count).Max();
        double[] w = theta.Take(count).Select(a => Math.Exp(a - top)).ToArray();
        double sum = w.Sum();
        return new GaussianMixture(w.Select(x => x / sum).ToArray(), theta.Skip(count).Take(count).ToArray(),
            theta.Skip(2 * count).Select(u => Math.Exp(u)).ToArray());
    }
}
