using KlGpu.Basins;

namespace KlGpu.Landscape;

/// <summary>A stationary point of a map, polished by Newton on the double-precision gradient: where, its value, its Hessian's
/// eigenvalues in (μ, log σ) and the gradient norm Newton stopped at.</summary>
public sealed record MapPoint(double Mu, double Sigma, double Value, StationaryKind Kind, double[] HessianEigenvalues, double GradientNorm);

/// <summary>
/// The local minima and saddles of one map inside its frame, each polished; <see cref="NotSearched"/> says why a map has
/// none searched (its divergence has no gradient), and <see cref="Candidates"/> how many grid points were polished.
/// </summary>
public sealed record MapStationaryPoints(IReadOnlyList<MapPoint> Minima, IReadOnlyList<MapPoint> Saddles, int Candidates, string? NotSearched = null)
{
    public static MapStationaryPoints Unsearched(string why) => new([], [], 0, why);
}

/// <summary>
/// Finds a map's local minima and saddles from its grid and polishes them with <see cref="BasinFinder.Polish"/>. The grid is
/// flooded from its lowest value up (a watershed over the 8 neighbours of each point): each grid minimum starts a basin,
/// and where two basins meet, the one with the higher bottom ends, at a grid saddle between the two. A basin's depth (the
/// height from its bottom to where it ends) ranks the candidates, so rounding noise in a flat region, which makes many
/// shallow basins, cannot crowd out a real one; at most <see cref="MaxMinima"/> bottoms and their meeting points are
/// polished. Newton converges to minima and saddles alike, so each polished point is classified by its own Hessian.
/// Cost: one sort of the grid (the figures' preview, at most 512² points) and a few hundred gradients per candidate.
/// </summary>
public static class StationarySearch
{
    /// <summary>The most grid minima polished per map (their meeting points as well).</summary>
    public const int MaxMinima = 16;

    /// <summary>
    /// The stationary points of the grid <paramref name="values"/> [row = σ index, column = μ index] at σ = <paramref name="sigma"/>[row],
    /// μ = <paramref name="mu"/>[column]; only points inside [μ₀, μ_last] × [σ₀, σ_last] are kept. Non-finite cells are walls.
    /// </summary>
    public static MapStationaryPoints Find(double[,] values, double[] mu, double[] sigma, GradientField gradient, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(gradient);
        var finder = new BasinFinder(gradient, sigmaFixed: false, BasinsSettings.DefaultClusterRadius);
        var (bottoms, meetings) = Watershed(values);
        var chosen = bottoms.OrderByDescending(b => b.Depth).ThenBy(b => b.Cell).Take(MaxMinima).ToList();
        int columns = values.GetLength(1);
        var found = new List<BasinFinder.Stationary>();
        int candidates = 0;
        void Polish(int cell, bool descend)
        {
            cancel.ThrowIfCancellationRequested();
            candidates++;
            var (m0, s0) = (mu[cell % columns], Math.Log(sigma[cell / columns]));
            if (descend) (m0, s0) = Descend(gradient, m0, s0);
            var p = finder.Polish(m0, s0);
            double s = Math.Exp(p.LogSigma);
            if (!p.Polished || !double.IsFinite(p.Value) || p.Mu < mu[0] || p.Mu > mu[^1] || s < sigma[0] || s > sigma[^1]) return;
            if (found.Any(f => Math.Abs(f.Mu - p.Mu) < BasinFinder.MergeRadius && Math.Abs(f.LogSigma - p.LogSigma) < BasinFinder.MergeRadius)) return;
            found.Add(p);
        }
        foreach (var b in chosen) Polish(b.Cell, descend: true);
        foreach (var b in chosen)
            if (meetings.TryGetValue(b.Cell, out int at)) Polish(at, descend: false);

        MapPoint Point(BasinFinder.Stationary p) => new(p.Mu, Math.Exp(p.LogSigma), p.Value, p.Kind, p.Eigenvalues, p.GradientNorm);
        // By value; mirror twins (equal to rounding) by μ, so the order is the same on every run.
        List<MapPoint> Of(StationaryKind kind) => found.Where(p => p.Kind == kind).Select(Point)
            .OrderBy(p => Math.Round(p.Value, 10)).ThenBy(p => p.Mu).ToList();
        return new MapStationaryPoints(Of(StationaryKind.Minimum), Of(StationaryKind.Saddle), candidates);
    }

    /// <summary>
    /// Saddle-free Newton on the value (the Hessian's eigenvalues taken by size, a backtracking step that must lower the value),
    /// from a grid minimum towards the minimum of its basin: on a coarse grid the bottom point can lie nearer a saddle, to which
    /// plain Newton on the gradient would go. Steps move at most one σ in μ and one unit in log σ; it stops when the value no
    /// longer falls, after which <see cref="BasinFinder.Polish"/> converges.
    /// </summary>
    internal static (double Mu, double LogSigma) Descend(GradientField gradient, double mu, double logSigma)
    {
        const double d = 1e-5;
        for (int step = 0; step < MaxDescentSteps; step++)
        {
            var (v, gm, gs) = gradient([mu, mu + d, mu - d, mu, mu], [logSigma, logSigma, logSigma, logSigma + d, logSigma - d]);
            if (!double.IsFinite(v[0])) break;
            double[] g = [gm[0], gs[0]];
            if (Math.Sqrt(g[0] * g[0] + g[1] * g[1]) < BasinFinder.PolishTolerance) break;
            double hmm = (gm[1] - gm[2]) / (2 * d), hss = (gs[3] - gs[4]) / (2 * d), hms = 0.5 * ((gs[1] - gs[2]) + (gm[3] - gm[4])) / (2 * d);
            // |H|⁻¹g through H's eigenvectors; a tiny or non-finite eigenvalue is floored, so the step stays a descent.
            double mean = 0.5 * (hmm + hss), half = 0.5 * (hmm - hss), r = Math.Sqrt(half * half + hms * hms);
            double[] lambda = [mean - r, mean + r];
            double angle = 0.5 * Math.Atan2(2 * hms, hmm - hss);
            double[][] vectors = [[-Math.Sin(angle), Math.Cos(angle)], [Math.Cos(angle), Math.Sin(angle)]]; // for mean − r, mean + r
            double floor = 1e-6 * Math.Max(1, Math.Max(Math.Abs(lambda[0]), Math.Abs(lambda[1])));
            double[] delta = [0, 0];
            for (int e = 0; e < 2; e++)
            {
                double a = Math.Abs(lambda[e]);
                if (!(a >= floor)) a = floor;
                double c = (vectors[e][0] * g[0] + vectors[e][1] * g[1]) / a;
                delta[0] += c * vectors[e][0];
                delta[1] += c * vectors[e][1];
            }
            double length = Math.Max(Math.Abs(delta[0]) / Math.Exp(logSigma), Math.Abs(delta[1]));
            if (!double.IsFinite(length)) break;
            if (length > 1) { delta[0] /= length; delta[1] /= length; }
            bool lower = false;
            for (double t = 1; t > 1e-6; t *= 0.5)
            {
                double m1 = mu - t * delta[0], s1 = logSigma - t * delta[1];
                if (gradient([m1], [s1]).Value[0] < v[0]) { (mu, logSigma, lower) = (m1, s1, true); break; }
            }
            if (!lower) break;
        }
        return (mu, logSigma);
    }

    const int MaxDescentSteps = 50;

    /// <summary>A grid minimum (a cell index, row-major) and its basin's depth: +∞ for a basin that never ends.</summary>
    internal sealed record Bottom(int Cell, double Depth);

    /// <summary>
    /// Every basin's bottom with its depth, and for each basin that ends the cell where it meets a lower one. Equal values are
    /// taken in cell order, so a flat run is one basin.
    /// </summary>
    internal static (List<Bottom> Bottoms, Dictionary<int, int> Meetings) Watershed(double[,] values)
    {
        int rows = values.GetLength(0), columns = values.GetLength(1), n = rows * columns;
        var order = Enumerable.Range(0, n).Where(i => double.IsFinite(values[i / columns, i % columns]))
            .OrderBy(i => values[i / columns, i % columns]).ThenBy(i => i).ToArray();
        var parent = new int[n];
        Array.Fill(parent, -1); // -1: not flooded yet
        var bottomOf = new Dictionary<int, int>(); // root → its basin's bottom cell
        var depth = new Dictionary<int, double>();
        var meetings = new Dictionary<int, int>();
        int Root(int i)
        {
            while (parent[i] != i) i = parent[i] = parent[parent[i]];
            return i;
        }
        double V(int i) => values[i / columns, i % columns];
        var roots = new List<int>(8);
        foreach (int cell in order)
        {
            int r0 = cell / columns, c0 = cell % columns;
            roots.Clear();
            for (int dr = -1; dr <= 1; dr++)
                for (int dc = -1; dc <= 1; dc++)
                {
                    int r = r0 + dr, c = c0 + dc;
                    if ((dr == 0 && dc == 0) || r < 0 || r >= rows || c < 0 || c >= columns) continue;
                    int j = r * columns + c;
                    if (parent[j] < 0) continue;
                    int root = Root(j);
                    if (!roots.Contains(root)) roots.Add(root);
                }
            parent[cell] = cell;
            if (roots.Count == 0)
            {
                bottomOf[cell] = cell;
                continue;
            }
            // The basin with the lowest bottom goes on; the others end here.
            int keep = roots.MinBy(r => (V(bottomOf[r]), bottomOf[r]));
            foreach (int r in roots)
            {
                if (r == keep) continue;
                depth[bottomOf[r]] = V(cell) - V(bottomOf[r]);
                meetings[bottomOf[r]] = cell;
                parent[r] = keep;
                bottomOf.Remove(r);
            }
            parent[cell] = keep;
        }
        var bottoms = new List<Bottom>();
        foreach (var (_, b) in bottomOf) bottoms.Add(new Bottom(b, double.PositiveInfinity));
        foreach (var (b, d) in depth) bottoms.Add(new Bottom(b, d));
        return (bottoms, meetings);
    }
}
