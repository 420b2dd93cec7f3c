using KlGpu.Numerics;
using KlGpu.Numerics.Reference;

namespace KlGpu.Tests.Divergences;

/// <summary>
/// KSD²(N(μ, σ), p) with the IMQ kernel computed without the engine's code: the Stein kernel u_p written out term by term,
/// the score from the mixture's parameters, and adaptive Gauss–Kronrod. Two independent routes:
/// a nested 2-D integral of q(x) q(y) u_p(x, y) for any mixture p, and, for a Gaussian p, where the score difference
/// δ = s_p − s_q is linear, the rotated form E_v[(δ(μ)² + b²σ²(1 − v²)/2) k(σ√2 v)] (the (x + y)/√2 direction integrated
/// by hand), a 1-D integral.
/// </summary>
public static class KsdReference
{
    static readonly GaussKronrod Rule = GaussKronrod.G10K21;

    /// <summary>s_p(x) = Σ π_k φ_k (m_k − x)/s_k² / Σ π_k φ_k, with the densities scaled by the largest exponent.</summary>
    public static double Score(GaussianMixture p, double x)
    {
        var logs = Enumerable.Range(0, p.Count).Select(k => Math.Log(p.Weights[k]) - Math.Log(p.Stds[k]) - 0.5 * Math.Pow((x - p.Means[k]) / p.Stds[k], 2)).ToArray();
        double top = logs.Max(), num = 0, den = 0;
        for (int k = 0; k < p.Count; k++)
        {
            double w = Math.Exp(logs[k] - top);
            num += w * (p.Means[k] - x) / (p.Stds[k] * p.Stds[k]);
            den += w;
        }
        return num / den;
    }

    /// <summary>u_p(x, y) = s(x)s(y)k + s(x)∂_y k + s(y)∂_x k + ∂_x∂_y k for k = (c² + r²)^β, r = x − y.</summary>
    public static double SteinKernel(double sx, double sy, double r, double c, double beta)
    {
        double a = c * c + r * r;
        double k = Math.Pow(a, beta);
        double dx = 2 * beta * r * Math.Pow(a, beta - 1);           // ∂_x k
        double dy = -dx;                                             // ∂_y k
        double dxy = -2 * beta * Math.Pow(a, beta - 1) - 4 * beta * (beta - 1) * r * r * Math.Pow(a, beta - 2);
        return sx * sy * k + sx * dy + sy * dx + dxy;
    }

    /// <summary>Break points: q's window ±14σ in steps of σ, and each component's mean ± 0, 1, 3, 6 stds inside it.</summary>
    static List<double> Breaks(GaussianMixture p, double mu, double sigma, double? extra = null)
    {
        double lo = mu - 14 * sigma, hi = mu + 14 * sigma;
        var points = new List<double>();
        for (int i = -14; i <= 14; i++) points.Add(mu + i * sigma);
        for (int k = 0; k < p.Count; k++)
            foreach (double j in new[] { -6.0, -3, -1, 0, 1, 3, 6 })
                points.Add(p.Means[k] + j * p.Stds[k]);
        if (extra is { } e) points.Add(e);
        return points.Where(t => t >= lo && t <= hi).Distinct().Order().ToList();
    }

    /// <summary>∫∫ q(x) q(y) u_p(x, y) dx dy by nested adaptive Gauss–Kronrod, each inner integral broken at y = x.</summary>
    public static double Squared(GaussianMixture p, double mu, double sigma, double c, double beta)
    {
        double Q(double t) => Math.Exp(Normal.LogPdf(t, mu, sigma));
        var outerBreaks = Breaks(p, mu, sigma);
        double Outer(double x)
        {
            double qx = Q(x), sx = Score(p, x);
            var r = Rule.Integrate(y => Q(y) * SteinKernel(sx, Score(p, y), x - y, c, beta), Breaks(p, mu, sigma, x),
                relTol: 1e-13, absTol: 1e-300, maxIntervals: 4000);
            return qx * r.Value;
        }
        var result = Rule.Integrate(Outer, outerBreaks, relTol: 1e-12, absTol: 1e-300, maxIntervals: 4000);
        return result.Value;
    }

    /// <summary>For p = N(m, s): δ(x) = δ₀ + b(x − μ) with b = 1/σ² − 1/s², and KSD² = E_v[(δ₀² + b²σ²(1 − v²)/2) k(σ√2 v)].</summary>
    public static double SquaredGaussian(double m, double s, double mu, double sigma, double c, double beta)
    {
        double d0 = (m - mu) / (s * s), b = 1 / (sigma * sigma) - 1 / (s * s);
        double F(double v) => Math.Exp(-0.5 * v * v) / Math.Sqrt(2 * Math.PI)
            * (d0 * d0 + 0.5 * b * b * sigma * sigma * (1 - v * v)) * Math.Pow(c * c + 2 * sigma * sigma * v * v, beta);
        // The kernel's scale in v is c/(σ√2): break there and at its multiples, and at v's own scale.
        double h = c / (sigma * Math.Sqrt(2));
        var breaks = new List<double> { -40, 0, 40 };
        for (double t = h; t < 40; t *= 2) { breaks.Add(t); breaks.Add(-t); }
        for (int i = 1; i < 40; i++) { breaks.Add(i); breaks.Add(-i); }
        var r = Rule.Integrate(F, breaks.Distinct().Order().ToList(), relTol: 1e-15, absTol: 1e-300, maxIntervals: 20000);
        return r.Value;
    }
}
