using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>E_{N(μ,σ)}[log f(X)] for a Gaussian mixture f, and its gradient: the device functions behind both KLs.</summary>
public static class ExpectedLogDensity
{
    /// <summary>q's mass beyond this many σ is 1.2e-15 (times r ≤ log K) and is left out of the remainder.</summary>
    const double TailCut = 8.0;

    /// <summary>A panel no longer than this many σ keeps its fixed nodes; a longer one is cut into pieces of
    /// <see cref="PieceSpan"/> σ, on which the panel rule integrates q's density to 1e-13.</summary>
    const double PanelSpan = 2.0;
    const double PieceSpan = 4.0;

    /// <summary>A cluster whose bound on |contribution| to E[Zᵏ r] (k ≤ 2, after the 1/σ factors) is below this is skipped.</summary>
    const double Negligible = 1e-18;

    public static T Evaluate<T, R>(T mu, T sigma, in LogMixturePlanView<T> f)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        var sum = new RemainderSum<T, R>();
        Remainder<T, R, RemainderSum<T, R>>(mu, sigma, f, ref sum);
        return Envelope<T, R>(mu, sigma, f, out _, out _) + sum.S0 * R.Of(StandardNormal.InvSqrt2Pi) / sigma;
    }

    /// <summary>
    /// E_q[log f], with E_q[∂ₓ log f(X)] and E_q[Z ∂ₓ log f(X)] (X = μ + σZ): the reparameterization gradient,
    /// ∂E/∂μ = E[∂ₓ log f], ∂E/∂log σ = σ E[Z ∂ₓ log f]. The remainder's part comes from r itself by parts,
    /// E[r′] = E[Z r]/σ and E[Z r′] = E[(Z² − 1) r]/σ, so r′ is never needed and r ≤ log K keeps it well conditioned.
    /// </summary>
    public static T EvaluateWithGradient<T, R>(T mu, T sigma, in LogMixturePlanView<T> f, out T slope, out T zSlope)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        var sums = new RemainderMomentSums<T, R>();
        Remainder<T, R, RemainderMomentSums<T, R>>(mu, sigma, f, ref sums);
        T value = Envelope<T, R>(mu, sigma, f, out slope, out zSlope);
        T c = R.Of(StandardNormal.InvSqrt2Pi) / sigma;
        slope += sums.S1 * c / sigma;
        zSlope += (sums.S2 - sums.S0) * c / sigma;
        return value + sums.S0 * c;
    }

    /// <summary>
    /// Σ over envelope intervals of ∫ φ(z) ℓ_owner(μ + σz) dz, each a closed form in the truncated moments
    /// M0 = ∫φ, M1 = ∫zφ, M2 = ∫z²φ between the interval's ends in q's coordinates; and likewise the owner's
    /// slope ℓ′ = −τ(x − m) against φ and zφ.
    /// </summary>
    public static T Envelope<T, R>(T mu, T sigma, in LogMixturePlanView<T> f, out T slope, out T zSlope)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T half = R.Of(0.5), total = T.Zero;
        slope = T.Zero;
        zSlope = T.Zero;
        // Left end starts at −∞: Φ = 0, Q = 1, φ = 0.
        T prevZ = T.Zero, prevPdf = T.Zero, prevLower = T.Zero, prevUpper = T.One;
        bool prevInfinite = true;
        int nb = (int)f.Breakpoints.Length;
        for (int j = 0; j <= nb; j++)
        {
            bool infinite = j == nb;
            T z = T.Zero, pdf = T.Zero, lower = T.One, upper = T.Zero;
            if (!infinite)
            {
                z = (f.Breakpoints[j] - mu) / sigma;
                pdf = StandardNormal.Pdf<T, R>(z);
                T tail = StandardNormal.UpperTail<T, R>(T.Abs(z), pdf);
                lower = z < T.Zero ? tail : T.One - tail;
                upper = z < T.Zero ? T.One - tail : tail;
            }
            int k = f.IntervalOwners[j];
            T tau = f.Precision(k), delta = mu - f.Mean(k);
            if (!prevInfinite && !infinite && f.Breakpoints[j] - f.Breakpoints[j - 1] <= sigma)
            {
                // An interval no longer than σ: M0, M1, M2 would be differences of nearly equal numbers, and τσ² (up to
                // 1e24 for a narrow owner under a broad q) would multiply their rounding. Integrate the owner directly.
                Short<T, R>(mu, sigma, f, j, k, ref total, ref slope, ref zSlope);
            }
            else
            {
                // Subtract the small tails, never the large ones, so far-out intervals keep their digits.
                T m0 = !prevInfinite && prevZ >= T.Zero ? prevUpper - upper
                     : !infinite && z <= T.Zero ? lower - prevLower
                     : T.One - prevLower - upper;
                T m1 = prevPdf - pdf;
                T m2 = m0 + prevZ * prevPdf - z * pdf;
                total += (f.Offset(k) - half * tau * delta * delta) * m0 - tau * delta * sigma * m1 - half * tau * sigma * sigma * m2;
                slope -= tau * (delta * m0 + sigma * m1);
                zSlope -= tau * (delta * m1 + sigma * m2);
            }

            prevZ = z; prevPdf = pdf; prevLower = lower; prevUpper = upper; prevInfinite = false;
        }
        return total;
    }

    /// <summary>
    /// Interval j (between breakpoints j − 1 and j, at most σ long) owned by component k: ∫ q ℓ_k, ∫ q ℓ_k′ and
    /// ∫ q z ℓ_k′ by the panel rule in x. Over at most one σ, q's density is smooth enough for 16 nodes to give full
    /// precision, and ℓ_k(x) is evaluated at x itself, so nothing cancels.
    /// </summary>
    static void Short<T, R>(T mu, T sigma, in LogMixturePlanView<T> f, int j, int k, ref T total, ref T slope, ref T zSlope)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T half = R.Of(0.5), a = f.Breakpoints[j - 1], b = f.Breakpoints[j];
        T c = half * (a + b), h = half * (b - a), invSigma = T.One / sigma;
        T tau = f.Precision(k), m = f.Mean(k), offset = f.Offset(k), scale = h * invSigma * R.Of(StandardNormal.InvSqrt2Pi);
        for (int i = 0; i < (int)f.RuleNodes.Length; i++)
        {
            T x = c + h * f.RuleNodes[i];
            T u = (x - mu) * invSigma, d = x - m;
            T w = scale * f.RuleWeights[i] * T.Exp(-half * u * u);
            total += w * (offset - half * tau * d * d);
            slope -= w * tau * d;
            zSlope -= w * tau * d * u;
        }
    }

    /// <summary>
    /// Adds Σ WR·exp(−½u²)·(1, u, u²) over the remainder's nodes that meet q's ±8σ window (u = (x − μ)/σ), on the
    /// coarsest cluster level whose clusters are at most σ long, so each cluster is one Taylor-moment sum. A q
    /// narrower than the finest level falls back to level 0, the panels, each by moments or node by node.
    /// </summary>
    public static void Remainder<T, R, S>(T mu, T sigma, in LogMixturePlanView<T> f, ref S sums)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IRemainderSums<T>
    {
        T half = R.Of(0.5), lo = mu - R.Of(TailCut) * sigma, hi = mu + R.Of(TailCut) * sigma;
        T invSigma = T.One / sigma, two = R.Of(2.0);
        T weight = R.Of(StandardNormal.InvSqrt2Pi) * invSigma * T.Max(T.One, invSigma);
        int level = 0;
        while (level + 1 < f.LevelScales.Length && f.LevelScales[level + 1] <= half * sigma) level++;
        int end = f.LevelStarts[level + 1];
        for (int c = FirstEndingAfter(f.ClusterEnds, f.LevelStarts[level], end, lo); c < end; c++)
        {
            T a = f.ClusterStarts[c], b = f.ClusterEnds[c];
            if (a >= hi) break;
            // Far from q, skip a cluster when even its |r|-mass at q's largest density there (times 1 + u²) is negligible.
            T near = T.Max(T.Max(a - mu, mu - b), T.Zero) * invSigma;
            if (near > two)
            {
                T far = T.Max(T.Abs(a - mu), T.Abs(b - mu)) * invSigma;
                if (f.ClusterMass[c] * T.Exp(-half * near * near) * (T.One + far * far) * weight < R.Of(Negligible)) continue;
            }
            T eta = half * (b - a) * invSigma;
            // Clusters above level 0 are at most σ long; rounding may put η a hair over ½, which their series still covers.
            if (level > 0 || eta <= half)
            {
                sums.AddCluster((half * (a + b) - mu) * invSigma, eta, f.ClusterSeries, c);
                continue;
            }
            // Only level 0 has clusters longer than σ, and its clusters are the panels.
            Panel<T, R, S>(mu, sigma, f, c, lo, hi, ref sums);
        }
    }

    /// <summary>A panel longer than σ: its own nodes if it is at most 2σ long, else q-scaled pieces over the window.</summary>
    static void Panel<T, R, S>(T mu, T sigma, in LogMixturePlanView<T> f, int p, T lo, T hi, ref S sums)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IRemainderSums<T>
    {
        T half = R.Of(0.5), invSigma = T.One / sigma;
        T a = f.PanelStarts[p], b = f.PanelEnds[p];
        if (b <= lo || a >= hi) return;
        int order = (int)f.RuleNodes.Length;
        if (b - a <= R.Of(PanelSpan) * sigma)
        {
            for (int i = p * order; i < (p + 1) * order; i++)
            {
                T u = (f.NodeX[i] - mu) * invSigma;
                sums.AddNode(f.NodeWeightedRemainder[i] * T.Exp(-half * u * u), u);
            }
            return;
        }
        T a1 = T.Max(a, lo), b1 = T.Min(b, hi);
        int pieces = R.ToInt(T.Ceiling((b1 - a1) / (R.Of(PieceSpan) * sigma)));
        T h = (b1 - a1) / R.Of(pieces);
        for (int s = 0; s < pieces; s++)
        {
            T c = a1 + h * (R.Of(s) + half);
            for (int i = 0; i < order; i++)
            {
                T x = c + half * h * f.RuleNodes[i];
                T u = (x - mu) * invSigma;
                T r = LogMixture.Remainder<T, R, LogMixturePlanView<T>>(f, f.PanelOwners[p], x);
                sums.AddNode(half * h * f.RuleWeights[i] * r * T.Exp(-half * u * u), u);
            }
        }
    }

    static int FirstEndingAfter<T>(ArrayView<T> ends, int lo, int hi, T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (ends[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

/// <summary>What the remainder walk accumulates: the plain sum for values, or the u- and u²-weighted sums too for gradients.</summary>
public interface IRemainderSums<T> where T : unmanaged
{
    /// <summary>One node: weight = WR·exp(−½u²).</summary>
    void AddNode(T weight, T u);

    /// <summary>
    /// A cluster with centre u_c and half-length η ≤ ½ (σ units), so u_i = u_c + η t_i and the node sum is
    /// exp(−½u_c²) Σ_j g_j M_j with g_j the Taylor coefficients of exp(A t + B t²), A = −u_c η, B = −½η².
    /// With G_j = j! g_j and moments stored as M_j / j!, the recurrence (j+1) g_{j+1} = A g_j + 2B g_{j−1} becomes
    /// G_{j+1} = A G_j + 2B j G_{j−1}: no division per term.
    /// </summary>
    void AddCluster(T uc, T eta, ArrayView<T> moments, int cluster);
}

/// <summary>Σ WR·exp(−½u²).</summary>
public struct RemainderSum<T, R> : IRemainderSums<T>
    where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    public T S0;

    public void AddNode(T weight, T u) => S0 += weight;

    public void AddCluster(T uc, T eta, ArrayView<T> series, int cluster)
    {
        int first = cluster * LogMixturePlan.SeriesStride;
        T a = -uc * eta, twoB = -eta * eta, jTwoB = twoB;
        T previous = T.One, current = a, sum = series[first] + a * series[first + 3];
        for (int i = first + 6; i < first + LogMixturePlan.SeriesStride; i += 3)
        {
            T next = a * current + jTwoB * previous;
            sum += next * series[i];
            jTwoB += twoB;
            previous = current;
            current = next;
        }
        S0 += T.Exp(-R.Of(0.5) * uc * uc) * sum;
    }
}

/// <summary>Σ WR·exp(−½u²)·uᵏ for k = 0, 1, 2. On a cluster uᵏ = (u_c + η t)ᵏ, so the t- and t²-weighted sums
/// are the same series against the moments shifted by one and two.</summary>
public struct RemainderMomentSums<T, R> : IRemainderSums<T>
    where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    public T S0, S1, S2;

    public void AddNode(T weight, T u)
    {
        S0 += weight;
        S1 += weight * u;
        S2 += weight * u * u;
    }

    public void AddCluster(T uc, T eta, ArrayView<T> series, int cluster)
    {
        int first = cluster * LogMixturePlan.SeriesStride;
        T a = -uc * eta, twoB = -eta * eta, jTwoB = twoB;
        // Σ g_j M_{j+1} = Σ G_j (j+1) μ_{j+1} and Σ g_j M_{j+2} = Σ G_j (j+1)(j+2) μ_{j+2}, μ_j = M_j / j!: the series' k = 1, 2 entries.
        T previous = T.One, current = a;
        T t0 = series[first] + a * series[first + 3];
        T t1 = series[first + 1] + a * series[first + 4];
        T t2 = series[first + 2] + a * series[first + 5];
        for (int i = first + 6; i < first + LogMixturePlan.SeriesStride; i += 3)
        {
            T next = a * current + jTwoB * previous;
            t0 += next * series[i];
            t1 += next * series[i + 1];
            t2 += next * series[i + 2];
            jTwoB += twoB;
            previous = current;
            current = next;
        }
        T e = T.Exp(-R.Of(0.5) * uc * uc);
        t0 *= e;
        t1 *= e * eta;
        t2 *= e * eta * eta;
        S0 += t0;
        S1 += uc * t0 + t1;
        S2 += uc * uc * t0 + R.Of(2) * uc * t1 + t2;
    }
}
