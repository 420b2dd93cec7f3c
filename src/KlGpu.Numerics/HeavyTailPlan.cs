using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>A <see cref="HeavyTailedMixture"/>'s components, the break points of its panels and the panel rule.</summary>
public interface ITailPlan<T> : ITailComponents<T>, IQuadratureRule<T> where T : unmanaged
{
    int BreakpointCount { get; }
    T Breakpoint(int i);
}

/// <summary>
/// What is prepared once per heavy-tailed target for composite Gauss–Legendre quadrature: break points, sorted, such
/// that log p is analytic on every panel between two of them and its nearest complex singularity is at least about as far
/// as the panel is long (then an n-point rule converges like ρ^{−2n} with ρ ≳ 3: 5e-16 for n = 16; the reference tests
/// still pass at 1e-9 with n = 8, so 16 leaves a wide margin).
/// <list type="bullet">
/// <item>Around each component centre m, a geometric ladder m ± s·z₀·2^j: the t's log-density has poles at
/// m ± i·s√ν (z₀ = min(1, √ν)/4 keeps them away), the Laplace a kink at m itself (a break point), the Gaussian none.
/// The ladder runs out to where the component's mass beyond is below about 1e-19: 40 s (Gaussian), 48 b (Laplace),
/// e^{50/ν + 5}·s (t, whose tail mass falls like z^{−ν}; capped at e^650).</item>
/// <item>Around each point where two weighted component log-densities ℓ_i, ℓ_j cross, a ladder x* ± w·2^j (j = −2…6),
/// w = 1/|ℓ_i′ − ℓ_j′|: there log p = max + log(1 + e^{−|ℓ_i − ℓ_j|}) turns within a few w, with poles at distance πw.</item>
/// </list>
/// H(p) is integrated once here, in double, on these panels; E_q[log p] for a Gaussian q adds q's own panels
/// (<see cref="HeavyTailQuadrature"/>).
/// </summary>
public sealed class HeavyTailPlan : ITailPlan<double>
{
    public const int RuleOrder = 16;

    public HeavyTailedMixture Mixture { get; }
    public double[] Breakpoints { get; }
    public GaussLegendreRule Rule { get; }

    public HeavyTailPlan(HeavyTailedMixture mixture)
    {
        Mixture = mixture;
        Rule = new GaussLegendreRule(RuleOrder);
        var points = new List<double>();
        for (int k = 0; k < mixture.Count; k++) points.AddRange(Ladder(mixture, k));
        var ladders = Distinct(points);
        for (int i = 0; i < mixture.Count; i++)
            for (int j = i + 1; j < mixture.Count; j++)
                foreach (double x in Crossings(mixture, i, j, ladders))
                {
                    double slope = Math.Abs(Slope(mixture, i, x) - Slope(mixture, j, x));
                    points.Add(x);
                    if (!(slope > 0) || !double.IsFinite(slope)) continue;
                    for (int e = -2; e <= 6; e++)
                    {
                        double d = Math.ScaleB(1 / slope, e);
                        points.Add(x - d);
                        points.Add(x + d);
                    }
                }
        Breakpoints = Distinct(points);
    }

    /// <summary>m and m ± s·z₀·2^j out to the component's tail extent.</summary>
    static IEnumerable<double> Ladder(HeavyTailedMixture p, int k)
    {
        double m = p.Means[k], s = p.Scales[k], nu = p.Nus[k];
        (double z0, double zMax) = p.Kinds[k] switch
        {
            ComponentKind.StudentT => (0.25 * Math.Min(1, Math.Sqrt(nu)), Math.Exp(Math.Min(650, Math.Max(Math.Log(48), 50 / nu + 5)))),
            ComponentKind.Laplace => (0.25, 48.0),
            _ => (0.25, 40.0),
        };
        yield return m;
        for (double z = z0; z <= 2 * zMax; z *= 2)
        {
            double d = s * z;
            if (!double.IsFinite(m + d) || !double.IsFinite(m - d)) yield break;
            yield return m - d;
            yield return m + d;
        }
    }

    /// <summary>The sign changes of ℓ_i − ℓ_j on the ladders refined eight-fold, each bisected to the last bit.</summary>
    static IEnumerable<double> Crossings(HeavyTailedMixture p, int i, int j, double[] ladders)
    {
        double Difference(double x) => p.ComponentLogDensity(i, x) - p.ComponentLogDensity(j, x);
        const int Refine = 8;
        double prevX = ladders[0], prevF = Difference(prevX);
        for (int n = 1; n < ladders.Length; n++)
        {
            for (int r = 1; r <= Refine; r++)
            {
                double x = r == Refine ? ladders[n] : ladders[n - 1] + (ladders[n] - ladders[n - 1]) * r / Refine;
                double f = Difference(x);
                if (prevF * f < 0)
                {
                    double a = prevX, b = x, fa = prevF;
                    for (int it = 0; it < 200; it++)
                    {
                        double mid = 0.5 * (a + b);
                        if (!(mid > a && mid < b)) break;
                        double fm = Difference(mid);
                        if (fm * fa > 0) { a = mid; fa = fm; } else b = mid;
                    }
                    yield return 0.5 * (a + b);
                }
                prevX = x;
                prevF = f;
            }
        }
    }

    /// <summary>ℓ_k′(x): −z/s (Gaussian), −(ν+1)z/(s(ν + z²)) (t), −sign(z)/b (Laplace).</summary>
    static double Slope(HeavyTailedMixture p, int k, double x)
    {
        double s = p.Scales[k], z = (x - p.Means[k]) / s, nu = p.Nus[k];
        return p.Kinds[k] switch
        {
            ComponentKind.StudentT => -(nu + 1) * z / (s * (nu + z * z)),
            ComponentKind.Laplace => -Math.Sign(z) / s,
            _ => -z / s,
        };
    }

    static double[] Distinct(List<double> points)
    {
        points.Sort();
        var kept = new List<double>(points.Count);
        foreach (double x in points)
            if (kept.Count == 0 || x - kept[^1] > 1e-15 * Math.Max(Math.Abs(x), Math.Abs(kept[^1])) && x > kept[^1]) kept.Add(x);
        return [.. kept];
    }

    /// <summary>H(p) = −∫ p log p over the panels between the outermost break points (p's mass beyond is below about 1e-19).</summary>
    public double Entropy()
    {
        double sum = 0;
        for (int i = 0; i + 1 < Breakpoints.Length; i++)
            sum += Rule.Integrate(x =>
            {
                double l = Mixture.LogDensity(x);
                double p = Math.Exp(l);
                return p == 0 ? 0 : p * l;
            }, Breakpoints[i], Breakpoints[i + 1]);
        return -sum;
    }

    /// <summary>E_{N(μ,σ)}[log p], on the host in double (the kernels run the same function in their precision).</summary>
    public double ExpectedLog(double mu, double sigma) => HeavyTailQuadrature.ExpectedLog<double, F64, HeavyTailPlan>(mu, sigma, this);

    public int Count => Mixture.Count;
    public int Kind(int k) => Mixture.KindCodes[k];
    public double Offset(int k) => Mixture.Offsets[k];
    public double Mean(int k) => Mixture.Means[k];
    public double InvScale(int k) => Mixture.InvScales[k];
    public double Exponent(int k) => Mixture.Exponents[k];
    public double InvSqrtNu(int k) => Mixture.InvSqrtNus[k];
    public int BreakpointCount => Breakpoints.Length;
    public double Breakpoint(int i) => Breakpoints[i];
    public int Order => Rule.Order;
    public double Node(int i) => Rule.Nodes[i];
    public double Weight(int i) => Rule.Weights[i];
}

/// <summary>E_q[log p] for q = N(μ, σ) and a heavy-tailed p, written once for the host and the kernels.</summary>
public static class HeavyTailQuadrature
{
    /// <summary>
    /// q is integrated over μ ± 40σ. Its mass beyond is 2φ(40)/40 ≈ e^{−803}; log p grows there at most like the largest
    /// |Gaussian exponent| (quadratically), like (ν+1) log|x| for a t or linearly for a Laplace, so the neglected part is
    /// below 1e-300 for any x that a double can hold.
    /// </summary>
    public const double Window = 40;

    /// <summary>q's own panels are 2σ long (40 of them): on each the rule integrates φ to far below 1e-16.</summary>
    public const double PanelSpan = 2;

    /// <summary>
    /// ∫ φ(z) log p(μ + σz) dz on the panels cut by both q's grid μ + σ(−40 + 2u) and the plan's break points that fall
    /// inside the window, each panel with the plan's Gauss–Legendre rule.
    /// </summary>
    public static T ExpectedLog<T, R, P>(T mu, T sigma, in P plan)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
    {
        T half = R.Of(0.5), sum = T.Zero;
        var panels = new QuadraturePanels<T, R, P>(mu, sigma, plan);
        while (panels.Next(plan, out T a, out T b))
        {
            T centre = half * (a + b), radius = half * (b - a), panel = T.Zero;
            for (int n = 0; n < plan.Order; n++)
            {
                T x = centre + radius * plan.Node(n), z = (x - mu) / sigma;
                T density = T.Exp(-half * z * z); // where it underflows log p may be −∞ in single precision: 0, not NaN
                if (density > T.Zero) panel += plan.Weight(n) * density * TailDensity.LogDensity<T, R, P>(plan, x);
            }
            sum += panel * radius;
        }
        return sum * R.Of(StandardNormal.InvSqrt2Pi) / sigma;
    }

    /// <summary>
    /// E_q[log p] with, on the same panels, <paramref name="slope"/> = E_q[∂ₓ log p(X)] and
    /// <paramref name="zSlope"/> = E_z[z ∂ₓ log p(μ + σz)] (the derivatives in μ and σ of E_q[log p], by x = μ + σz).
    /// The score jumps where a Laplace component peaks; that point is a break point, so every panel's integrand is smooth.
    /// </summary>
    public static T ExpectedLogWithGradient<T, R, P>(T mu, T sigma, in P plan, out T slope, out T zSlope)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
    {
        T half = R.Of(0.5), sum = T.Zero, sumSlope = T.Zero, sumZSlope = T.Zero;
        var panels = new QuadraturePanels<T, R, P>(mu, sigma, plan);
        while (panels.Next(plan, out T a, out T b))
        {
            T centre = half * (a + b), radius = half * (b - a), panel = T.Zero, panelSlope = T.Zero, panelZSlope = T.Zero;
            for (int n = 0; n < plan.Order; n++)
            {
                T x = centre + radius * plan.Node(n), z = (x - mu) / sigma;
                T density = T.Exp(-half * z * z);
                if (density > T.Zero)
                {
                    T w = plan.Weight(n) * density;
                    T log = TailDensity.LogDensityAndScore<T, R, P>(plan, x, out T score);
                    panel += w * log;
                    panelSlope += w * score;
                    panelZSlope += w * z * score;
                }
            }
            sum += panel * radius;
            sumSlope += panelSlope * radius;
            sumZSlope += panelZSlope * radius;
        }
        T scale = R.Of(StandardNormal.InvSqrt2Pi) / sigma;
        slope = sumSlope * scale;
        zSlope = sumZSlope * scale;
        return sum * scale;
    }

    /// <summary>KL(q||p) for q = N(μ, e^s) with its gradient in (μ, s): −H(q) − E_q[log p], H(q) = ½ log(2πe) + s, so
    /// ∂/∂μ = −E_q[∂ₓ log p] and ∂/∂s = −1 − σ E_z[z ∂ₓ log p(μ + σz)].</summary>
    public static T ReverseWithGradient<T, R, P>(T mu, T logSigma, in P plan, out T gradMu, out T gradLogSigma)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
    {
        T sigma = T.Exp(logSigma);
        T expected = ExpectedLogWithGradient<T, R, P>(mu, sigma, plan, out T slope, out T zSlope);
        gradMu = -slope;
        gradLogSigma = -T.One - sigma * zSlope;
        return -GaussianKl.Entropy<T, R>(sigma) - expected;
    }

    /// <summary>KL(q||p) = −H(q) − E_q[log p].</summary>
    public static T Reverse<T, R, P>(T mu, T sigma, in P plan)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
        => -GaussianKl.Entropy<T, R>(sigma) - ExpectedLog<T, R, P>(mu, sigma, plan);
}

/// <summary>
/// q's panels for <see cref="HeavyTailQuadrature"/>: the grid μ + σ(−40 + 2u), u = 0…40, cut by the plan's break points
/// that fall inside it, in increasing order; empty panels are skipped.
/// </summary>
public struct QuadraturePanels<T, R, P>
    where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where P : ITailPlan<T>
{
    readonly T mu, sigma;
    readonly int count;
    int next, u;
    T a;

    public QuadraturePanels(T mu, T sigma, in P plan)
    {
        this.mu = mu;
        this.sigma = sigma;
        a = mu - R.Of(HeavyTailQuadrature.Window) * sigma;
        // The first break point above the window's left end (binary search; the plan's list is sorted).
        int first = 0, last = plan.BreakpointCount;
        while (first < last)
        {
            int middle = (first + last) / 2;
            if (plan.Breakpoint(middle) <= a) first = middle + 1; else last = middle;
        }
        next = first;
        count = R.ToInt(R.Of(2 * HeavyTailQuadrature.Window / HeavyTailQuadrature.PanelSpan));
        u = 1;
    }

    /// <summary>The next panel [lo, hi] with lo &lt; hi; false when the window is done.</summary>
    public bool Next(in P plan, out T lo, out T hi)
    {
        while (u <= count)
        {
            T b = mu + R.Of(u * HeavyTailQuadrature.PanelSpan - HeavyTailQuadrature.Window) * sigma;
            if (next < plan.BreakpointCount && plan.Breakpoint(next) < b)
            {
                b = plan.Breakpoint(next);
                next++;
            }
            else u++;
            if (b > a)
            {
                lo = a;
                hi = b;
                a = b;
                return true;
            }
        }
        lo = T.Zero;
        hi = T.Zero;
        return false;
    }
}
