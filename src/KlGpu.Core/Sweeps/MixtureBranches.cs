using KlGpu.Basins;
using KlGpu.Numerics;

namespace KlGpu.Sweeps;

/// <summary>
/// One join of a mixture sweep: basin <paramref name="BasinFrom"/> at <paramref name="From"/> continues as basin
/// <paramref name="BasinTo"/> at the next value <paramref name="To"/> (indices into each value's basins), at relative L²
/// distance <paramref name="Distance"/>; <paramref name="Components"/> pairs their components (index at From, index at To).
/// </summary>
public sealed record MixtureLink(double From, int BasinFrom, double To, int BasinTo, double Distance, IReadOnlyList<(int From, int To)> Components);

/// <summary>
/// A mixture q's sweep has no continuation (its transitions are located, its branches not traced), so its figure joins the
/// stationary points of neighbouring values by a stated rule: two points are joined when each is the other's nearest law
/// (<see cref="MixtureDistance.RelativeL2"/>, which no relabelling of components changes), clearly (the runner-up is at least
/// <see cref="Margin"/> times as far) and within <see cref="MaxDistance"/>. A basin that appears or disappears between two
/// values then starts or ends a line instead of being tied to an unrelated one, and a symmetric q is not tied to one of two
/// mirror-image qs, which are equally near it. The joined points' components are paired by the permutation that moves them least.
/// </summary>
public static class MixtureBranches
{
    /// <summary>Points whose laws are farther apart than this are not joined (0: the same law; about 0.71: no overlap).</summary>
    public const double MaxDistance = 0.3;

    /// <summary>A nearest law counts only if the next nearest is at least this many times as far.</summary>
    public const double Margin = 1.25;

    public static IReadOnlyList<MixtureLink> Join(IReadOnlyList<MixtureSweepPoint> points, double maxDistance = MaxDistance)
    {
        ArgumentNullException.ThrowIfNull(points);
        var links = new List<MixtureLink>();
        for (int i = 0; i + 1 < points.Count; i++)
        {
            var (a, b) = (points[i].Run.Basins, points[i + 1].Run.Basins);
            var d = new double[a.Count, b.Count];
            for (int j = 0; j < a.Count; j++)
                for (int k = 0; k < b.Count; k++) d[j, k] = MixtureDistance.RelativeL2(a[j].Q, b[k].Q);
            for (int j = 0; j < a.Count; j++)
            {
                var (k, near) = Nearest(Enumerable.Range(0, b.Count).Select(x => d[j, x]));
                if (k < 0 || d[j, k] > maxDistance || !near) continue;
                var (back, nearBack) = Nearest(Enumerable.Range(0, a.Count).Select(x => d[x, k]));
                if (back != j || !nearBack) continue;
                links.Add(new MixtureLink(points[i].Parameter, j, points[i + 1].Parameter, k, d[j, k], PairComponents(a[j].Q, b[k].Q)));
            }
        }
        return links;
    }

    /// <summary>The index of the smallest distance (−1 if none), and whether the runner-up is clearly farther.</summary>
    static (int Index, bool Clear) Nearest(IEnumerable<double> distances)
    {
        var sorted = distances.Select((v, i) => (v, i)).OrderBy(x => x.v).Take(2).ToArray();
        if (sorted.Length == 0) return (-1, false);
        return (sorted[0].i, sorted.Length == 1 || sorted[1].v >= Margin * sorted[0].v && sorted[1].v > sorted[0].v);
    }

    /// <summary>The pairing of a's components with b's (as many pairs as the smaller has components) that minimises the summed
    /// moves Σ |Δ mean| / s + |Δ log std| + |Δ weight|, s the pair's larger std; every injection is tried (K ≤ 8).</summary>
    public static IReadOnlyList<(int From, int To)> PairComponents(GaussianMixture a, GaussianMixture b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        bool swap = a.Count > b.Count;
        var (small, large) = swap ? (b, a) : (a, b);
        double Cost(int i, int j) => Math.Abs(small.Means[i] - large.Means[j]) / Math.Max(small.Stds[i], large.Stds[j])
            + Math.Abs(Math.Log(small.Stds[i] / large.Stds[j])) + Math.Abs(small.Weights[i] - large.Weights[j]);
        int[] best = [], current = new int[small.Count];
        double bestCost = double.PositiveInfinity;
        var used = new bool[large.Count];
        void Search(int i, double cost)
        {
            if (cost >= bestCost) return;
            if (i == small.Count) { bestCost = cost; best = (int[])current.Clone(); return; }
            for (int j = 0; j < large.Count; j++)
            {
                if (used[j]) continue;
                used[j] = true;
                current[i] = j;
                Search(i + 1, cost + Cost(i, j));
                used[j] = false;
            }
        }
        Search(0, 0);
        return best.Select((j, i) => swap ? (j, i) : (i, j)).OrderBy(p => p.Item1).ToList();
    }
}
