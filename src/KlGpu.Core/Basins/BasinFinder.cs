using KlGpu.Engine;
using KlGpu.Kernels;

namespace KlGpu.Basins;

/// <summary>Value and gradient in (μ, log σ) at a batch of points, in double precision.</summary>
public delegate (double[] Value, double[] GradMu, double[] GradLogSigma) GradientField(double[] mu, double[] logSigma);

/// <summary>
/// Turns restart end points into basins: converged end points are clustered greedily within a radius in
/// (μ, log σ); each cluster's best end point is polished by Newton's method on the gradient (Hessian by central
/// differences of the analytic gradient), classified by the Hessian's eigenvalues, and clusters that polish to
/// the same point are merged.
/// </summary>
public sealed class BasinFinder(GradientField gradient, bool sigmaFixed, double radius)
{
    /// <summary>Newton stops below this gradient norm: locations are then good to about 1e-10/λ_min.</summary>
    public const double PolishTolerance = 1e-11;

    /// <summary>Polished points closer than this in (μ, log σ) are one stationary point.</summary>
    public const double MergeRadius = 1e-6;

    const int MaxNewtonSteps = 60;
    const double MaxStep = 1, MaxTravel = 4;
    const double DifferenceStep = 1e-5;

    /// <summary>An eigenvalue above −this (relative to the largest) counts as non-negative: flat directions are not descents.</summary>
    const double FlatEigenvalue = 1e-7;

    public BasinReport Find(RestartOutcome outcome)
    {
        int n = outcome.EndMu.Length;
        var converged = Enumerable.Range(0, n).Where(i => outcome.Status[i] == RestartStatus.Converged).ToArray();
        var clusters = Cluster(converged, outcome);

        var points = clusters.Select(c => Polish(outcome.EndMu[c.Best], outcome.EndLogSigma[c.Best])).ToList();
        // Merge clusters that polished to the same point (a radius smaller than the basin's spread splits it).
        var groups = new List<(Stationary Point, List<int> Members)>();
        for (int c = 0; c < clusters.Count; c++)
        {
            var p = points[c];
            int g = groups.FindIndex(x => x.Point.Polished && p.Polished
                && Math.Abs(x.Point.Mu - p.Mu) < MergeRadius && Math.Abs(x.Point.LogSigma - p.LogSigma) < MergeRadius);
            if (g < 0) groups.Add((p, [.. clusters[c].Members]));
            else groups[g].Members.AddRange(clusters[c].Members);
        }
        // By value; symmetric twins (equal to rounding) by μ, so the order is the same on every run.
        groups = groups.OrderBy(g => Math.Round(g.Point.Value, 10)).ThenBy(g => g.Point.Mu).ToList();

        var basinOf = new int[n];
        Array.Fill(basinOf, -1);
        var basins = new List<Basin>();
        for (int g = 0; g < groups.Count; g++)
        {
            var (p, members) = groups[g];
            foreach (int i in members) basinOf[i] = g;
            basins.Add(new Basin(g, p.Mu, Math.Exp(p.LogSigma), p.Value, members.Count, (double)members.Count / n,
                p.Kind, p.Eigenvalues, p.GradientNorm, p.Polished));
        }
        return new BasinReport(n, converged.Length,
            outcome.Status.Count(s => s == RestartStatus.StepLimit), outcome.Status.Count(s => s == RestartStatus.Diverged),
            basins, basinOf);
    }

    sealed record ClusterOf(int Best, List<int> Members);

    /// <summary>Greedy clustering: each point joins the first cluster whose seed is within the radius in both
    /// coordinates; a hash of radius-sized cells keeps it linear in the number of restarts.</summary>
    List<ClusterOf> Cluster(int[] indices, RestartOutcome o)
    {
        var clusters = new List<ClusterOf>();
        var seeds = new List<(double Mu, double S)>();
        var cells = new Dictionary<(long, long), List<int>>();
        (long, long) Cell(double mu, double s) => ((long)Math.Floor(mu / radius), (long)Math.Floor(s / radius));
        foreach (int i in indices)
        {
            double mu = o.EndMu[i], s = o.EndLogSigma[i];
            var (cx, cy) = Cell(mu, s);
            int found = -1;
            for (long dx = -1; dx <= 1 && found < 0; dx++)
                for (long dy = -1; dy <= 1 && found < 0; dy++)
                    if (cells.TryGetValue((cx + dx, cy + dy), out var list))
                        foreach (int c in list)
                            if (Math.Abs(seeds[c].Mu - mu) <= radius && Math.Abs(seeds[c].S - s) <= radius) { found = c; break; }
            if (found < 0)
            {
                found = clusters.Count;
                clusters.Add(new ClusterOf(i, []));
                seeds.Add((mu, s));
                if (!cells.TryGetValue((cx, cy), out var list)) cells[(cx, cy)] = list = [];
                list.Add(found);
            }
            var cluster = clusters[found];
            cluster.Members.Add(i);
            if (o.GradientNorm[i] < o.GradientNorm[cluster.Best]) clusters[found] = cluster with { Best = i };
        }
        return clusters;
    }

    /// <summary>A polished stationary point.</summary>
    public sealed record Stationary(double Mu, double LogSigma, double Value, double GradientNorm, double[] Eigenvalues, StationaryKind Kind, bool Polished);

    /// <summary>
    /// Newton on ∇f = 0 with a backtracking step that must shrink ‖∇f‖: converges to minima and saddles alike.
    /// ‖∇f‖ also shrinks towards flat regions far away (q very broad, or narrow and far from p), where one value can
    /// cost a hundred thousand panels: a step moves at most <see cref="MaxStep"/> and the whole polish at most
    /// <see cref="MaxTravel"/> (in σ for μ, and in log σ); a point that needs more was not near a stationary point.
    /// </summary>
    public Stationary Polish(double mu, double logSigma)
    {
        var (value, g, h) = Local(mu, logSigma);
        double norm = Norm(g), mu0 = mu, logSigma0 = logSigma;
        for (int step = 0; step < MaxNewtonSteps && norm >= PolishTolerance; step++)
        {
            double[] delta = Solve(h, g);
            double sigma = Math.Exp(logSigma);
            double length = Math.Max(Math.Abs(delta[0]) / sigma, sigmaFixed ? 0 : Math.Abs(delta[1]));
            if (length > MaxStep) for (int i = 0; i < delta.Length; i++) delta[i] *= MaxStep / length;
            double travel = Math.Max(Math.Abs(mu - delta[0] - mu0) / Math.Exp(logSigma0), sigmaFixed ? 0 : Math.Abs(logSigma - delta[1] - logSigma0));
            if (!(travel <= MaxTravel)) break;
            bool improved = false;
            for (double t = 1; t > 1e-6; t *= 0.5)
            {
                double m1 = mu - t * delta[0], s1 = sigmaFixed ? logSigma : logSigma - t * delta[1];
                var (v1, g1) = At(m1, s1);
                if (Norm(g1) < norm)
                {
                    (mu, logSigma, value, norm) = (m1, s1, v1, Norm(g1));
                    improved = true;
                    break;
                }
            }
            if (!improved) break;
            (value, g, h) = Local(mu, logSigma);
            norm = Norm(g);
        }
        var eigen = Eigenvalues(h);
        var kind = eigen.Min() >= -FlatEigenvalue * Math.Max(1, eigen.Max(Math.Abs)) ? StationaryKind.Minimum : StationaryKind.Saddle;
        return new Stationary(mu, logSigma, value, norm, eigen, kind, norm < PolishTolerance);
    }

    (double Value, double[] Gradient) At(double mu, double logSigma)
    {
        var (v, gm, gs) = gradient([mu], [logSigma]);
        return (v[0], sigmaFixed ? [gm[0]] : [gm[0], gs[0]]);
    }

    /// <summary>Value, gradient and Hessian (central differences of the gradient, symmetrized) in one batch.</summary>
    (double Value, double[] Gradient, double[,] Hessian) Local(double mu, double logSigma)
    {
        const double d = DifferenceStep;
        double[] m = sigmaFixed ? [mu, mu + d, mu - d] : [mu, mu + d, mu - d, mu, mu];
        double[] s = sigmaFixed ? [logSigma, logSigma, logSigma] : [logSigma, logSigma, logSigma, logSigma + d, logSigma - d];
        var (v, gm, gs) = gradient(m, s);
        if (sigmaFixed) return (v[0], [gm[0]], new[,] { { (gm[1] - gm[2]) / (2 * d) } });
        double hmm = (gm[1] - gm[2]) / (2 * d), hss = (gs[3] - gs[4]) / (2 * d);
        double hms = 0.5 * ((gs[1] - gs[2]) + (gm[3] - gm[4])) / (2 * d);
        return (v[0], [gm[0], gs[0]], new[,] { { hmm, hms }, { hms, hss } });
    }

    static double Norm(double[] g) => Math.Sqrt(g.Sum(x => x * x));

    /// <summary>H⁻¹g for a 1×1 or symmetric 2×2 H; a singular H gives a gradient step instead.</summary>
    static double[] Solve(double[,] h, double[] g)
    {
        if (g.Length == 1) return [h[0, 0] != 0 ? g[0] / h[0, 0] : g[0]];
        double det = h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0];
        if (det == 0 || !double.IsFinite(det)) return [g[0], g[1]];
        return [(h[1, 1] * g[0] - h[0, 1] * g[1]) / det, (h[0, 0] * g[1] - h[1, 0] * g[0]) / det];
    }

    /// <summary>Eigenvalues of a 1×1 or symmetric 2×2 matrix, ascending.</summary>
    public static double[] Eigenvalues(double[,] h)
    {
        if (h.Length == 1) return [h[0, 0]];
        double mean = 0.5 * (h[0, 0] + h[1, 1]), half = 0.5 * (h[0, 0] - h[1, 1]);
        double r = Math.Sqrt(half * half + h[0, 1] * h[0, 1]);
        return [mean - r, mean + r];
    }
}
