namespace KlGpu.Numerics;

/// <summary>
/// Everything a kernel needs to compute E_{N(μ,σ)}[log f] for a Gaussian mixture f, prepared once per
/// mixture on the host in double precision.
///
/// log f = ℓ_owner(x) + r(x). The line is cut at the breakpoints of the upper envelope of the
/// log-quadratics ℓ_k; on each interval one component owns it. The owner part integrates in closed form
/// against a Gaussian (truncated moments), however wide q is; the remainder r is bounded by log K, analytic
/// on each interval, and negligible away from where components compete, so it is integrated on a fixed set
/// of Gauss–Legendre panels bisected until r is resolved. A panel wider than q is subdivided per point.
/// This is why broad q over narrow components (σ/s in the thousands) needs no more work than any other case.
/// </summary>
public sealed class LogMixturePlan
{
    /// <summary>Gauss–Legendre order of every panel.</summary>
    public const int PanelOrder = 16;

    /// <summary>
    /// Moments Σ_i WR_i t_i^j, j ≤ MomentOrder, of each cluster. On a cluster no longer than σ, q's density is
    /// exp(A t + B t²) up to a factor, and its Taylor series against these moments reproduces the node sum
    /// to below 1e-17 relative with one exp per cluster instead of one per node.
    /// </summary>
    public const int MomentOrder = 20;

    /// <summary>Raw moments per cluster: two beyond <see cref="MomentOrder"/>, for the sums weighted by u and u² that gradients need.</summary>
    const int RawMoments = MomentOrder + 3;

    /// <summary>Entries of <see cref="ClusterSeries"/> per cluster: three per series term.</summary>
    public const int SeriesStride = 3 * (MomentOrder + 1);

    /// <summary>r below this is dropped everywhere: far under the 1e-10 absolute accuracy the engine promises.</summary>
    const double NegligibleRemainder = 1e-17;

    /// <summary>Bisection stops when halving changes ∫r and ∫r·x on a panel by less than this per unit length.</summary>
    const double PanelTolerance = 1e-15;

    const double Epsilon = 2.220446049250313e-16;

    const int MaxDepth = 40;

    /// <summary>A bound on work and memory whatever the mixture; never reached by the cases we test.</summary>
    const int MaxPanels = 4096;

    public GaussianMixture Mixture { get; }
    public double[] Offsets { get; }
    public double[] Means { get; }
    public double[] Precisions { get; }

    /// <summary>Sorted envelope breakpoints; interval j is (Breakpoints[j−1], Breakpoints[j]).</summary>
    public double[] Breakpoints { get; }
    /// <summary>Owner component of each of the Breakpoints.Length + 1 intervals.</summary>
    public int[] IntervalOwners { get; }

    public double[] PanelStarts { get; }
    public double[] PanelEnds { get; }
    public int[] PanelOwners { get; }
    /// <summary>Panel p's nodes are [p·PanelOrder, (p+1)·PanelOrder).</summary>
    public double[] NodeX { get; }
    /// <summary>Quadrature weight times r at each node: Σ_i NodeWeightedRemainder[i]·g(NodeX[i]) ≈ ∫ r g.</summary>
    public double[] NodeWeightedRemainder { get; }
    public GaussLegendreRule Rule { get; }

    /// <summary>
    /// The remainder's panels regrouped into clusters, level by level. Level 0 is the panels; on level ℓ ≥ 1 no
    /// cluster is longer than 2·LevelScales[ℓ]. A q with σ ≥ 2·scale uses that level, so each cluster is one
    /// Taylor-moment sum: a broad q sums a few clusters instead of every panel, and a q narrower than a panel
    /// sums parts of it instead of evaluating r node by node. Level ℓ's clusters are [LevelStarts[ℓ], LevelStarts[ℓ+1]).
    /// </summary>
    public double[] LevelScales { get; }
    public int[] LevelStarts { get; }
    public double[] ClusterStarts { get; }
    public double[] ClusterEnds { get; }
    /// <summary>
    /// Cluster c's moments μ_j = Σ_i WR_i t_i^j / j! in its coordinate t ∈ [−1, 1], laid out for the kernels' series
    /// (no division, one contiguous read per term): entry c·SeriesStride + 3j + k holds μ_j, (j+1)μ_{j+1} and
    /// (j+1)(j+2)μ_{j+2} for k = 0, 1, 2.
    /// </summary>
    public double[] ClusterSeries { get; }
    /// <summary>Σ_i |WR_i| over each cluster: bounds its contribution, so kernels skip clusters q cannot see.</summary>
    public double[] ClusterMass { get; }

    public ArrayComponents Components => new(Offsets, Means, Precisions);

    public LogMixturePlan(GaussianMixture mixture)
    {
        Mixture = mixture;
        var merged = MergeIdentical(mixture);
        Offsets = merged.Select(c => Math.Log(c.Weight) - Math.Log(c.Std) - Normal.LogSqrt2Pi).ToArray();
        Means = merged.Select(c => c.Mean).ToArray();
        Precisions = merged.Select(c => 1 / (c.Std * c.Std)).ToArray();
        Rule = new GaussLegendreRule(PanelOrder);

        (Breakpoints, IntervalOwners) = Envelope();

        var panels = new List<(double A, double B, int Owner)>();
        for (int j = 0; j <= Breakpoints.Length; j++)
        {
            int owner = IntervalOwners[j];
            double a = j == 0 ? OuterEnd(owner, Breakpoints.Length > 0 ? Breakpoints[0] : Means[owner], -1) : Breakpoints[j - 1];
            double b = j == Breakpoints.Length ? OuterEnd(owner, Breakpoints.Length > 0 ? Breakpoints[^1] : Means[owner], +1) : Breakpoints[j];
            if (b > a)
                foreach (var (u, v) in Graded(a, b, j))
                    Bisect(u, v, owner, 0, panels);
        }
        PanelStarts = panels.Select(p => p.A).ToArray();
        PanelEnds = panels.Select(p => p.B).ToArray();
        PanelOwners = panels.Select(p => p.Owner).ToArray();
        NodeX = new double[panels.Count * PanelOrder];
        NodeWeightedRemainder = new double[panels.Count * PanelOrder];
        for (int p = 0; p < panels.Count; p++)
        {
            double c = 0.5 * (PanelStarts[p] + PanelEnds[p]), h = 0.5 * (PanelEnds[p] - PanelStarts[p]);
            for (int i = 0; i < PanelOrder; i++)
            {
                double x = c + h * Rule.Nodes[i];
                NodeX[p * PanelOrder + i] = x;
                NodeWeightedRemainder[p * PanelOrder + i] = h * Rule.Weights[i] * Remainder(PanelOwners[p], x);
            }
        }

        var levels = Levels();
        LevelScales = levels.Select(l => l.Scale).ToArray();
        var flat = levels.SelectMany(l => l.Clusters).ToList();
        LevelStarts = new int[levels.Count + 1];
        for (int l = 0; l < levels.Count; l++) LevelStarts[l + 1] = LevelStarts[l] + levels[l].Clusters.Count;
        ClusterStarts = flat.Select(c => c.Start).ToArray();
        ClusterEnds = flat.Select(c => c.End).ToArray();
        ClusterSeries = flat.SelectMany(c => Series(c.Moments)).ToArray();
        ClusterMass = flat.Select(c => c.Mass).ToArray();
    }

    /// <summary>
    /// Level 0: the panels themselves. Levels 1…: for scales doubling from the finest, panels longer than twice
    /// the scale are split into equal parts with their own nodes, and shorter ones are merged greedily, so every
    /// cluster is at most twice the scale long; the last level is a single cluster. The finest scale splits the
    /// longest panel into at most 2⁹ parts and keeps the level under <see cref="MaxFineClusters"/>.
    /// </summary>
    List<(double Scale, List<(double Start, double End, double[] Moments, double Mass)> Clusters)> Levels()
    {
        int n = PanelStarts.Length;
        var panels = Enumerable.Range(0, n)
            .Select(p => (PanelStarts[p], PanelEnds[p], Moments(p * PanelOrder, (p + 1) * PanelOrder, PanelStarts[p], PanelEnds[p]), Mass(p * PanelOrder, (p + 1) * PanelOrder)))
            .ToList();
        var levels = new List<(double, List<(double, double, double[], double)>)> { (0.0, panels) };
        if (n == 0) return levels;
        double longest = Enumerable.Range(0, n).Max(p => PanelEnds[p] - PanelStarts[p]);
        double total = Enumerable.Range(0, n).Sum(p => PanelEnds[p] - PanelStarts[p]);
        double scale = Math.Max(longest / 1024, total / (2.0 * MaxFineClusters));
        while (true)
        {
            var level = new List<(double, double, double[], double)>();
            int first = -1;
            void Flush(int endPanel)
            {
                if (first < 0) return;
                level.Add((PanelStarts[first], PanelEnds[endPanel], Moments(first * PanelOrder, (endPanel + 1) * PanelOrder, PanelStarts[first], PanelEnds[endPanel]),
                    Mass(first * PanelOrder, (endPanel + 1) * PanelOrder)));
                first = -1;
            }
            for (int p = 0; p < n; p++)
            {
                double length = PanelEnds[p] - PanelStarts[p];
                if (first >= 0 && PanelEnds[p] - PanelStarts[first] > 2 * scale) Flush(p - 1);
                if (length <= 2 * scale)
                {
                    if (first < 0) first = p;
                    continue;
                }
                int parts = (int)Math.Ceiling(length / (2 * scale));
                for (int i = 0; i < parts; i++)
                {
                    double a = PanelStarts[p] + length * i / parts, b = i + 1 == parts ? PanelEnds[p] : PanelStarts[p] + length * (i + 1) / parts;
                    var (moments, mass) = SplitMoments(PanelOwners[p], a, b);
                    level.Add((a, b, moments, mass));
                }
            }
            Flush(n - 1);
            levels.Add((scale, level));
            if (level.Count == 1) return levels;
            scale *= 2;
        }
    }

    /// <summary>A fine level never holds more clusters than this (bounds memory whatever the mixture).</summary>
    const int MaxFineClusters = 16384;

    /// <summary>The kernels' layout of one cluster's raw moments; see <see cref="ClusterSeries"/>.</summary>
    static double[] Series(double[] raw)
    {
        var series = new double[SeriesStride];
        for (int j = 0; j <= MomentOrder; j++)
        {
            series[3 * j] = raw[j];
            series[3 * j + 1] = (j + 1) * raw[j + 1];
            series[3 * j + 2] = (j + 1) * (j + 2) * raw[j + 2];
        }
        return series;
    }

    double Mass(int from, int to)
    {
        double mass = 0;
        for (int i = from; i < to; i++) mass += Math.Abs(NodeWeightedRemainder[i]);
        return mass;
    }

    /// <summary>Σ WR_i t_i^j / j! over stored nodes [from, to), t in the coordinate of [a, b].</summary>
    double[] Moments(int from, int to, double a, double b)
    {
        var moments = new double[RawMoments];
        for (int i = from; i < to; i++) AddMoments(moments, NodeX[i], NodeWeightedRemainder[i], a, b);
        return moments;
    }

    /// <summary>Moments of a part of a panel, on its own Gauss–Legendre nodes.</summary>
    (double[] Moments, double Mass) SplitMoments(int owner, double a, double b)
    {
        var moments = new double[RawMoments];
        double c = 0.5 * (a + b), h = 0.5 * (b - a), mass = 0;
        for (int i = 0; i < PanelOrder; i++)
        {
            double x = c + h * Rule.Nodes[i], wr = h * Rule.Weights[i] * Remainder(owner, x);
            AddMoments(moments, x, wr, a, b);
            mass += Math.Abs(wr);
        }
        return (moments, mass);
    }

    static void AddMoments(double[] moments, double x, double weightedRemainder, double a, double b)
    {
        double t = (x - 0.5 * (a + b)) / (0.5 * (b - a)), term = weightedRemainder;
        for (int j = 0; j < RawMoments; j++)
        {
            moments[j] += term;
            term *= t / (j + 1);
        }
    }

    public double Component(int k, double x) => LogMixture.Component<double, F64, ArrayComponents>(Components, k, x);
    public double Remainder(int owner, double x) => LogMixture.Remainder<double, F64, ArrayComponents>(Components, owner, x);

    static List<(double Weight, double Mean, double Std)> MergeIdentical(GaussianMixture m)
    {
        var list = new List<(double Weight, double Mean, double Std)>();
        for (int k = 0; k < m.Count; k++)
        {
            int same = list.FindIndex(c => c.Mean == m.Means[k] && c.Std == m.Stds[k]);
            if (same < 0) list.Add((m.Weights[k], m.Means[k], m.Stds[k]));
            else list[same] = (list[same].Weight + m.Weights[k], list[same].Mean, list[same].Std);
        }
        return list;
    }

    int ArgMax(double x)
    {
        int best = 0;
        for (int k = 1; k < Offsets.Length; k++)
            if (Component(k, x) > Component(best, x)) best = k;
        return best;
    }

    /// <summary>Every pairwise crossing is a candidate; the owner between candidates is constant.</summary>
    (double[] Breakpoints, int[] Owners) Envelope()
    {
        var candidates = new List<double>();
        int n = Offsets.Length;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                candidates.AddRange(Crossings(i, j));
        candidates.Sort();
        if (candidates.Count == 0) return ([], [ArgMax(Means[0])]);

        var points = new List<double>();
        var owners = new List<int> { ArgMax(candidates[0] - 1 - Math.Abs(candidates[0])) };
        for (int c = 0; c < candidates.Count; c++)
        {
            double right = c + 1 < candidates.Count ? 0.5 * (candidates[c] + candidates[c + 1]) : candidates[c] + 1 + Math.Abs(candidates[c]);
            if (c + 1 < candidates.Count && candidates[c + 1] == candidates[c]) continue;
            int owner = ArgMax(right);
            if (owner != owners[^1]) { points.Add(candidates[c]); owners.Add(owner); }
        }
        return (points.ToArray(), owners.ToArray());
    }

    /// <summary>Real roots of ℓ_i(x) = ℓ_j(x), a quadratic (linear when the stds are equal).</summary>
    IEnumerable<double> Crossings(int i, int j)
    {
        double ti = Precisions[i], tj = Precisions[j], mi = Means[i], mj = Means[j];
        double a = -0.5 * (ti - tj);
        double b = ti * mi - tj * mj;
        double c = Offsets[i] - Offsets[j] - 0.5 * ti * mi * mi + 0.5 * tj * mj * mj;
        if (Math.Abs(a) <= 1e-14 * Math.Max(ti, tj))
        {
            if (b != 0) yield return -c / b;
            yield break;
        }
        double disc = b * b - 4 * a * c;
        if (disc < 0) yield break;
        double q = -0.5 * (b + Math.CopySign(Math.Sqrt(disc), b));
        if (q != 0) yield return c / q;
        yield return q / a;
    }

    /// <summary>
    /// Interval j cut at distances w·2ⁿ (n ≤ 6) from each of its breakpoints, w the width over which the owner changes there
    /// (1/|ℓ_left′ − ℓ_right′|). r falls from log 2 to nothing within a few w of a breakpoint; on an interval much longer
    /// than w (a narrow component beside a far one: 1e-14 against 7e-7) no node of the first panel saw that fall and the
    /// bisection took the panel as resolved, losing 1e-6 of the entropy.
    /// </summary>
    IEnumerable<(double A, double B)> Graded(double a, double b, int j)
    {
        var cuts = new List<double> { a, b };
        void From(double end, int breakpoint, int direction)
        {
            double t = Breakpoints[breakpoint];
            int l = IntervalOwners[breakpoint], r = IntervalOwners[breakpoint + 1];
            double w = 1 / Math.Abs(Precisions[l] * (Means[l] - t) - Precisions[r] * (Means[r] - t));
            // An interval within a few hundred w has nodes close enough to its ends: nothing to do (the usual case).
            if (!(w > 0 && double.IsFinite(w)) || b - a < 1024 * w) return;
            // Past 64 w the neighbour's share of r is below e^{−64}; what lies beyond is the bisection's as before.
            for (double d = w; d < 0.5 * (b - a) && d <= 64 * w; d *= 2) cuts.Add(end + direction * d);
        }
        if (j > 0) From(a, j - 1, +1);
        if (j < Breakpoints.Length) From(b, j, -1);
        cuts.Sort();
        for (int i = 0; i + 1 < cuts.Count; i++)
            if (cuts[i + 1] > cuts[i]) yield return (cuts[i], cuts[i + 1]);
    }

    /// <summary>Walks outwards from a finite end until r is negligible (it decays in both tails).</summary>
    double OuterEnd(int owner, double from, int direction)
    {
        double scale = Precisions.Select(t => 1 / Math.Sqrt(t)).Min();
        double step = scale;
        double x = from + direction * step;
        for (int i = 0; i < 200 && Remainder(owner, x) > NegligibleRemainder; i++)
        {
            step *= 1.5;
            x += direction * step;
        }
        return x;
    }

    void Bisect(double a, double b, int owner, int depth, List<(double, double, int)> panels)
    {
        double m = 0.5 * (a + b);
        var (whole, wholeX, noise) = Moments(a, b, owner, m, b - a);
        var (left, leftX, _) = Moments(a, m, owner, m, b - a);
        var (right, rightX, _) = Moments(m, b, owner, m, b - a);
        // r is a small difference of log-components of size |ℓ|, so it carries rounding of about ε|ℓ|;
        // refining below that noise would only chase rounding.
        double tol = Math.Max(PanelTolerance * (b - a), noise);
        bool resolved = Math.Abs(whole - left - right) <= tol && Math.Abs(wholeX - leftX - rightX) <= tol;
        if (resolved || depth >= MaxDepth || panels.Count >= MaxPanels)
        {
            if (MaxRemainder(a, b, owner) > NegligibleRemainder) panels.Add((a, b, owner));
            return;
        }
        Bisect(a, m, owner, depth + 1, panels);
        Bisect(m, b, owner, depth + 1, panels);
    }

    /// <summary>
    /// ∫ r and ∫ r·(x − centre)/length over [a, b] (the parent's coordinate, so halves add up to the whole),
    /// and 64 times the rounding noise of ∫ r, from <see cref="RemainderNoise"/>.
    /// </summary>
    (double R, double RU, double Noise) Moments(double a, double b, int owner, double centre, double length)
    {
        double c = 0.5 * (a + b), h = 0.5 * (b - a), s = 0, su = 0, noise = 0;
        for (int i = 0; i < PanelOrder; i++)
        {
            double x = c + h * Rule.Nodes[i];
            double r = Rule.Weights[i] * Remainder(owner, x);
            s += r;
            su += r * (x - centre) / length;
            noise += Rule.Weights[i] * RemainderNoise(owner, x);
        }
        return (s * h, su * h, 64 * noise * h);
    }

    /// <summary>
    /// Rounding error of r at x: each exp(d_k) carries ε times the size of the terms that make up d_k.
    /// Refining panels below this would only chase rounding (it matters for near-identical components far out).
    /// </summary>
    double RemainderNoise(int owner, double x)
    {
        double noise = 0;
        for (int k = 0; k < Offsets.Length; k++)
        {
            if (k == owner) continue;
            double dk = x - Means[k];
            double size = Math.Abs(Offsets[k] - Offsets[owner]) + Math.Abs(0.5 * (Precisions[k] - Precisions[owner]) * dk * dk)
                        + Math.Abs(0.5 * Precisions[owner] * (Means[owner] - Means[k]) * (2 * x - Means[k] - Means[owner]));
            noise += Math.Exp(LogMixture.Difference<double, F64, ArrayComponents>(Components, k, owner, x)) * Epsilon * (1 + size);
        }
        return noise;
    }

    double MaxRemainder(double a, double b, int owner)
    {
        double max = Math.Max(Remainder(owner, a), Remainder(owner, b));
        double c = 0.5 * (a + b), h = 0.5 * (b - a);
        for (int i = 0; i < PanelOrder; i++) max = Math.Max(max, Remainder(owner, c + h * Rule.Nodes[i]));
        return max;
    }
}
