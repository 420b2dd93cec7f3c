using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>E_{N(μ,σ)}[log f(X)] for a Gaussian mixture f: the one device function behind both KLs.</summary>
public static class ExpectedLogDensity
{
    /// <summary>q's mass beyond this many σ is 1.2e-15 (times r ≤ log K) and is left out of the remainder.</summary>
    const double TailCut = 8.0;

    /// <summary>A panel no longer than this many σ keeps its fixed nodes; a longer one is cut into pieces of
    /// <see cref="PieceSpan"/> σ, on which the panel rule integrates q's density to 1e-13.</summary>
    const double PanelSpan = 2.0;
    const double PieceSpan = 4.0;

    public static T Evaluate<T, R>(T mu, T sigma, in LogMixturePlanView<T> f)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        => Envelope<T, R>(mu, sigma, f) + Remainder<T, R>(mu, sigma, f);

    /// <summary>
    /// Σ over envelope intervals of ∫ φ(z) ℓ_owner(μ + σz) dz, each a closed form in the truncated moments
    /// M0 = ∫φ, M1 = ∫zφ, M2 = ∫z²φ between the interval's ends in q's coordinates.
    /// </summary>
    public static T Envelope<T, R>(T mu, T sigma, in LogMixturePlanView<T> f)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T half = R.Of(0.5), total = T.Zero;
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
            // Subtract the small tails, never the large ones, so far-out intervals keep their digits.
            T m0 = !prevInfinite && prevZ >= T.Zero ? prevUpper - upper
                 : !infinite && z <= T.Zero ? lower - prevLower
                 : T.One - prevLower - upper;
            T m1 = prevPdf - pdf;
            T m2 = m0 + prevZ * prevPdf - z * pdf;

            int k = f.IntervalOwners[j];
            T tau = f.Precision(k), delta = mu - f.Mean(k);
            total += (f.Offset(k) - half * tau * delta * delta) * m0 - tau * delta * sigma * m1 - half * tau * sigma * sigma * m2;

            prevZ = z; prevPdf = pdf; prevLower = lower; prevUpper = upper; prevInfinite = false;
        }
        return total;
    }

    /// <summary>E_q[r] over the remainder panels that meet q's ±9σ window.</summary>
    public static T Remainder<T, R>(T mu, T sigma, in LogMixturePlanView<T> f)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T half = R.Of(0.5), lo = mu - R.Of(TailCut) * sigma, hi = mu + R.Of(TailCut) * sigma;
        T span = R.Of(PanelSpan) * sigma, invSigma = T.One / sigma, acc = T.Zero;
        int order = (int)f.RuleNodes.Length;
        for (int p = FirstPanelEndingAfter(f.PanelEnds, lo); p < f.PanelEnds.Length; p++)
        {
            T a = f.PanelStarts[p], b = f.PanelEnds[p];
            if (a >= hi) break;
            T eta = half * (b - a) * invSigma;
            if (eta <= half)
            {
                acc += PanelByMoments<T, R>((half * (a + b) - mu) * invSigma, eta, f.PanelMoments, p);
                continue;
            }
            if (b - a <= span)
            {
                for (int i = p * order; i < (p + 1) * order; i++)
                {
                    T u = (f.NodeX[i] - mu) * invSigma;
                    acc += f.NodeWeightedRemainder[i] * T.Exp(-half * u * u);
                }
                continue;
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
                    acc += half * h * f.RuleWeights[i] * LogMixture.Remainder<T, R, LogMixturePlanView<T>>(f, f.PanelOwners[p], x) * T.Exp(-half * u * u);
                }
            }
        }
        return acc * R.Of(StandardNormal.InvSqrt2Pi) * invSigma;
    }

    /// <summary>
    /// Σ_i WR_i exp(−½ u_i²) for a panel with centre at u_c (in σ units) and half-length η σ, η ≤ ½:
    /// u_i = u_c + η t_i, so the sum is exp(−½u_c²) Σ_j g_j M_j with g_j the Taylor coefficients of
    /// exp(A t + B t²), A = −u_c η, B = −½η². With G_j = j! g_j and moments stored as M_j / j!, the recurrence
    /// (j+1) g_{j+1} = A g_j + 2B g_{j−1} becomes G_{j+1} = A G_j + 2B j G_{j−1}: no division per term.
    /// </summary>
    static T PanelByMoments<T, R>(T uc, T eta, ArrayView<T> moments, int panel)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        int order = LogMixturePlan.MomentOrder, first = panel * (order + 1);
        T a = -uc * eta, twoB = -eta * eta;
        T previous = T.One, current = a, sum = moments[first] + a * moments[first + 1];
        for (int j = 1; j < order; j++)
        {
            T next = a * current + twoB * R.Of(j) * previous;
            sum += next * moments[first + j + 1];
            previous = current;
            current = next;
        }
        return T.Exp(-R.Of(0.5) * uc * uc) * sum;
    }

    static int FirstPanelEndingAfter<T>(ArrayView<T> ends, T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lo = 0, hi = (int)ends.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (ends[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
