using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;

namespace KlGpu.Tests.MixtureBasins;

/// <summary>
/// Every f-divergence between two 1-D Gaussian mixtures by adaptive Gauss–Kronrod (1e-14 relative) of its defining
/// integral, written from the densities directly: JS ½p log(p/m) + ½q log(q/m), Hellinger ½(√p − √q)², TV ½|p − q|,
/// Pearson (p − q)²/q, Neyman (p − q)²/p, Jeffreys (p − q) log(p/q), and I = ∫ p^α q^{1−α} for α, (1 − I)/(α(1 − α)),
/// and Rényi, log I/(α − 1). The domain covers ±40 stds of every component and of every pair p_j^β q_k^{1−β} with a
/// positive precision (β = 2 Pearson, −1 Neyman, α), split at each mean, pair centre and ±1, ±3, ±10 stds; for TV also at
/// every crossing p = q, found on a fine scan and bisected. Nothing here is shared with the engine's panels or integrands.
/// +∞ where the tails' exponent β/S_p² + (1 − β)/S_q² is not positive.
/// </summary>
public static class FDivergenceReference
{
    public static double Value(Divergence d, GaussianMixture p, GaussianMixture q)
    {
        double beta = d.Kind switch { DivergenceKind.Pearson => 2, DivergenceKind.Neyman => -1, _ => d.Order };
        bool power = d.Kind is DivergenceKind.Pearson or DivergenceKind.Neyman or DivergenceKind.Alpha or DivergenceKind.Renyi;
        if (power && beta / (p.Stds.Max() * p.Stds.Max()) + (1 - beta) / (q.Stds.Max() * q.Stds.Max()) <= 0) return double.PositiveInfinity;

        var centres = new List<(double Mean, double Std)>();
        for (int j = 0; j < p.Count; j++) centres.Add((p.Means[j], p.Stds[j]));
        for (int k = 0; k < q.Count; k++) centres.Add((q.Means[k], q.Stds[k]));
        if (power)
            for (int j = 0; j < p.Count; j++)
                for (int k = 0; k < q.Count; k++)
                {
                    double a = beta / (p.Stds[j] * p.Stds[j]), b = (1 - beta) / (q.Stds[k] * q.Stds[k]);
                    if (a + b > 1e-9 * (Math.Abs(a) + Math.Abs(b))) centres.Add(((a * p.Means[j] + b * q.Means[k]) / (a + b), 1 / Math.Sqrt(a + b)));
                }
        double lo = centres.Min(c => c.Mean - 40 * c.Std), hi = centres.Max(c => c.Mean + 40 * c.Std);
        var breaks = new SortedSet<double> { lo, hi };
        foreach (var (mean, std) in centres)
            foreach (double t in new double[] { -10, -3, -1, 0, 1, 3, 10 })
                breaks.Add(mean + t * std);
        if (d.Kind == DivergenceKind.TotalVariation)
            foreach (double x in Crossings(p, q, lo, hi)) breaks.Add(x);

        Func<double, double> f = d.Kind switch
        {
            DivergenceKind.JensenShannon => x =>
            {
                double lp = p.LogDensity(x), lq = q.LogDensity(x), lm = Math.Log(0.5 * (Math.Exp(lp) + Math.Exp(lq)));
                if (!double.IsFinite(lm)) return 0;
                return 0.5 * (Math.Exp(lp) * (lp - lm) + Math.Exp(lq) * (lq - lm));
            },
            DivergenceKind.Hellinger => x => 0.5 * Math.Pow(Math.Sqrt(Math.Exp(p.LogDensity(x))) - Math.Sqrt(Math.Exp(q.LogDensity(x))), 2),
            DivergenceKind.TotalVariation => x => 0.5 * Math.Abs(Math.Exp(p.LogDensity(x)) - Math.Exp(q.LogDensity(x))),
            DivergenceKind.Pearson => x => { double a = Math.Exp(p.LogDensity(x)), b = Math.Exp(q.LogDensity(x)); return b == 0 ? 0 : (a - b) * (a - b) / b; },
            DivergenceKind.Neyman => x => { double a = Math.Exp(p.LogDensity(x)), b = Math.Exp(q.LogDensity(x)); return a == 0 ? 0 : (a - b) * (a - b) / a; },
            DivergenceKind.Jeffreys => x => (Math.Exp(p.LogDensity(x)) - Math.Exp(q.LogDensity(x))) * (p.LogDensity(x) - q.LogDensity(x)),
            DivergenceKind.Alpha or DivergenceKind.Renyi => x => Math.Exp(beta * p.LogDensity(x) + (1 - beta) * q.LogDensity(x)),
            _ => throw new ArgumentException(d.Name()),
        };
        var r = GaussKronrod.G10K21.Integrate(f, breaks.Where(x => x >= lo && x <= hi).ToArray(), 1e-14, 1e-16, 40_000);
        if (!r.Converged) throw new InvalidOperationException($"reference for {d.Name()} did not converge: {r.Value:R} ± {r.Error:E2}");
        return d.Kind switch
        {
            DivergenceKind.Alpha => (1 - r.Value) / (d.Order * (1 - d.Order)),
            DivergenceKind.Renyi => Math.Log(r.Value) / (d.Order - 1),
            _ => r.Value,
        };
    }

    /// <summary>The points where p = q: sign changes of log p − log q on a scan of 20,000 steps, bisected to rounding.</summary>
    static IEnumerable<double> Crossings(GaussianMixture p, GaussianMixture q, double lo, double hi)
    {
        double Gap(double x) => p.LogDensity(x) - q.LogDensity(x);
        const int scan = 20_000;
        double u = lo, gu = Gap(lo);
        for (int i = 1; i <= scan; i++)
        {
            double v = lo + (hi - lo) * i / scan, gv = Gap(v);
            if (gu < 0 != gv < 0 && double.IsFinite(gu) && double.IsFinite(gv))
            {
                double a = u, b = v;
                for (int k = 0; k < 200 && b - a > 0; k++)
                {
                    double m = 0.5 * (a + b);
                    if (m <= a || m >= b) break;
                    if (Gap(m) < 0 == gu < 0) a = m; else b = m;
                }
                yield return 0.5 * (a + b);
            }
            (u, gu) = (v, gv);
        }
    }
}
