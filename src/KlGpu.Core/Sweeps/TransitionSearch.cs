namespace KlGpu.Sweeps;

/// <summary>What continuation needs of a family's stationary points: Newton at a parameter value, and how far apart two points are.</summary>
public interface IStationaryPoints<TPoint> where TPoint : class
{
    /// <summary>Plain Newton on the gradient at parameter <paramref name="t"/> from <paramref name="start"/>: minima and saddles alike.</summary>
    TPoint Newton(double t, TPoint start);

    /// <summary>The largest coordinate difference; ∞ for points that cannot be compared (a mixture with fewer components).</summary>
    double Distance(TPoint a, TPoint b);

    bool Polished(TPoint p);
    bool IsMinimum(TPoint p);
    double SmallestEigenvalue(TPoint p);
    double Value(TPoint p);
}

/// <summary>A piece of a branch that continuation traced: the minimum <paramref name="Start"/> at <paramref name="From"/> and the
/// stationary point it continues to at the next value <paramref name="To"/> (a minimum, or a saddle past a pitchfork).</summary>
public sealed record BranchPiece<TPoint>(double From, TPoint Start, double To, TPoint End) where TPoint : class;

/// <summary>A transition located to <see cref="TransitionSearch{TPoint}.ParameterTolerance"/>, with the stationary point(s) involved there.</summary>
public sealed record Located<TPoint>(double Parameter, TransitionKind Kind, string Description, TPoint At, TPoint? Other = null) where TPoint : class;

/// <summary>
/// Locates where the set of minima changes between neighbouring parameter values, by continuation of the stationary
/// points (Newton on the gradient at each new parameter, started from the point at the previous one) and bisection on
/// the parameter: on the sign of the smallest Hessian eigenvalue for a minimum that becomes a saddle (pitchfork), on
/// the existence of the branch for a minimum that appears or vanishes (fold), and on the difference of two branches'
/// values where the global minimum changes branch (switch). The same search serves a Gaussian q and a mixture q.
/// </summary>
public sealed class TransitionSearch<TPoint>(IStationaryPoints<TPoint> space) where TPoint : class
{
    /// <summary>Bisection stops when the bracket is this narrow (the issue asks for 1e-6).</summary>
    public const double ParameterTolerance = 1e-7;

    /// <summary>The description of a fold found by following a minimum at the later value back (it appears as the parameter grows).</summary>
    public const string Appears = "a minimum appears with a saddle";

    /// <summary>Points closer than this are the same stationary point.</summary>
    const double Same = 1e-4;

    /// <summary>A continuation step may move the point this far at most; farther means Newton jumped to another branch.</summary>
    const double MaxJump = 0.5;

    /// <summary>Continuation halves its step down to this fraction of the way before it gives a branch up.</summary>
    const double FinestStep = 256;

    /// <summary>A bisection step longer than this in the parameter retries a lost branch in small steps.</summary>
    const double LongStep = 1e-3;

    /// <summary>
    /// The continuation of a stationary point from one parameter to another, or null if Newton failed or jumped even in
    /// steps of 1/<see cref="FinestStep"/> of the way. Steps start at an eighth of the way and halve where Newton fails: along a
    /// soft direction (a small eigenvalue) one eighth can be too far for Newton's start to lie near the branch.
    /// </summary>
    TPoint? Continue(double from, TPoint point, double to)
    {
        var current = point;
        double t = from, step = (to - from) / 8;
        while (t != to)
        {
            double next = Math.Abs(to - t) <= Math.Abs(step) * (1 + 1e-12) ? to : t + step;
            var found = space.Newton(next, current);
            if (space.Polished(found) && space.Distance(found, current) <= MaxJump) { (t, current) = (next, found); continue; }
            step /= 2;
            if (Math.Abs(step) < Math.Abs(to - from) / FinestStep) return null;
        }
        return current;
    }

    /// <summary>Each minimum's continuation to a neighbouring value, kept: <see cref="WithMissed"/> and the forward pass both need it.</summary>
    readonly Dictionary<TPoint, Dictionary<double, TPoint?>> continued = new(ReferenceEqualityComparer.Instance);

    TPoint? Continued(double from, TPoint point, double to)
    {
        if (!continued.TryGetValue(point, out var ends)) continued[point] = ends = [];
        if (!ends.TryGetValue(to, out var end)) ends[to] = end = Continue(from, point, to);
        return end;
    }

    /// <summary>The branches as <see cref="Find"/> traced them: each minimum at a value continued to the next value, where it
    /// reaches it (a branch that ends in between, at a fold, has no piece there).</summary>
    public IReadOnlyList<BranchPiece<TPoint>> Branches { get; private set; } = [];

    /// <summary>The transitions between neighbours of <paramref name="values"/> (each with its polished minima), in parameter order.</summary>
    public IReadOnlyList<Located<TPoint>> Find(IReadOnlyList<(double Parameter, List<TPoint> Minima)> values, CancellationToken cancel = default)
    {
        values = WithMissed(values, cancel);
        // WithMissed continued every minimum to both neighbours: the pieces are those continuations, read back.
        Branches = values.Take(values.Count - 1).SelectMany((v, i) => v.Minima
            .Select(m => (m, end: Continued(v.Parameter, m, values[i + 1].Parameter)))
            .Where(x => x.end is not null)
            .Select(x => new BranchPiece<TPoint>(v.Parameter, x.m, values[i + 1].Parameter, x.end!))).ToList();
        var found = new List<Located<TPoint>>();
        for (int i = 0; i + 1 < values.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var ((a, minA), (b, minB)) = (values[i], values[i + 1]);
            var explainedB = new HashSet<int>();
            var ends = new List<TPoint?>();

            // Forward: what becomes of each minimum at a by b.
            foreach (var m in minA)
            {
                var end = Continued(a, m, b);
                ends.Add(end);
                int match = end is null ? -1 : minB.FindIndex(x => space.Distance(x, end) < Same);
                if (end is not null && space.IsMinimum(end) && match >= 0) { explainedB.Add(match); continue; }
                if (end is not null && !space.IsMinimum(end))
                {
                    var (t, at) = BisectStability(a, m, b);
                    // Its offspring at b, if any, are explained: they continue back onto it (supercritical). With none, two
                    // saddles closed in on it (subcritical), and the minima at b came from folds, which the backward pass finds.
                    int offspring = 0;
                    for (int j = 0; j < minB.Count; j++)
                    {
                        var back = Continue(b, minB[j], t);
                        if (back is not null && space.Distance(back, at) < 1e-2) { explainedB.Add(j); offspring++; }
                    }
                    found.Add(new(t, TransitionKind.Pitchfork, offspring > 0
                        ? "a minimum becomes a saddle and splits in two"
                        : "a minimum becomes a saddle as two saddles merge into it (subcritical)", at));
                    continue;
                }
                var (tf, last) = BisectExistence(a, m, b);
                found.Add(new(tf, TransitionKind.Fold, "a minimum vanishes with a saddle", last));
            }
            // Backward: minima at b that no minimum at a continues to appeared in between.
            for (int j = 0; j < minB.Count; j++)
            {
                if (explainedB.Contains(j)) continue;
                var (tf, last) = BisectExistence(b, minB[j], a);
                found.Add(new(tf, TransitionKind.Fold, Appears, last));
            }
            if (Switch(a, b, minA, ends, minB) is { } sw) found.Add(sw);
        }
        return found.OrderBy(t => t.Parameter).ToList();
    }

    /// <summary>
    /// Each value's minima with those the restarts missed there but a neighbour's minimum continues to (a small basin is easily
    /// missed): without them, a branch followed back to a value where it was missed would end there, a transition that is not one.
    /// Every minimum, found or added, is continued to both neighbours once.
    /// </summary>
    List<(double Parameter, List<TPoint> Minima)> WithMissed(IReadOnlyList<(double Parameter, List<TPoint> Minima)> values, CancellationToken cancel)
    {
        var all = values.Select(v => (v.Parameter, Minima: new List<TPoint>(v.Minima))).ToList();
        var pending = new Queue<(int Value, TPoint Point)>(all.SelectMany((v, i) => v.Minima.Select(m => (i, m))));
        while (pending.TryDequeue(out var item))
        {
            cancel.ThrowIfCancellationRequested();
            foreach (int j in new[] { item.Value - 1, item.Value + 1 })
            {
                if (j < 0 || j >= all.Count) continue;
                var end = Continued(all[item.Value].Parameter, item.Point, all[j].Parameter);
                if (end is null || !space.IsMinimum(end) || all[j].Minima.Any(m => space.Distance(m, end) < Same)) continue;
                all[j].Minima.Add(end);
                pending.Enqueue((j, end));
            }
        }
        return all;
    }

    /// <summary>Bisection on the sign of λ_min along the branch that starts as a minimum at <paramref name="good"/>.</summary>
    (double T, TPoint At) BisectStability(double good, TPoint point, double bad)
    {
        var known = point;
        while (Math.Abs(bad - good) > ParameterTolerance)
        {
            double mid = 0.5 * (good + bad);
            var next = space.Newton(mid, known);
            if (space.Polished(next) && space.SmallestEigenvalue(next) > 0 && space.Distance(next, known) < MaxJump) { good = mid; known = next; }
            else bad = mid;
        }
        return (0.5 * (good + bad), known);
    }

    /// <summary>
    /// The minimum branch through <paramref name="known"/> (at <paramref name="from"/>) at <paramref name="to"/>, or null where it
    /// does not reach. Near a fold the branch moves like the square root of the distance to it, so one Newton step may go far;
    /// a move as long as <see cref="MaxJump"/> is accepted only if small steps (<see cref="Continue"/>) follow the same branch there.
    /// Where Newton finds no stationary point at all, the branch has ended, unless the step is long (<see cref="LongStep"/>).
    /// </summary>
    TPoint? Follow(double from, TPoint known, double to)
    {
        double reach = Math.Max(1e-2, 4 * Math.Sqrt(Math.Abs(to - from)));
        var next = space.Newton(to, known);
        // Past a fold Newton finds nothing, and small steps would cost the most there: they are tried only while the step
        // is long, where a soft direction can defeat one Newton start (a q near collapse).
        bool lost = !space.Polished(next), jumped = !lost && space.Distance(next, known) >= MaxJump;
        if (lost && Math.Abs(to - from) < LongStep) return null;
        if (lost || jumped) next = Continue(from, known, to);
        return next is not null && space.IsMinimum(next) && space.Distance(next, known) < reach ? next : null;
    }

    /// <summary>Bisection on whether the minimum branch that exists at <paramref name="good"/> still exists (as a nearby minimum).</summary>
    (double T, TPoint Last) BisectExistence(double good, TPoint point, double bad)
    {
        var known = point;
        while (Math.Abs(bad - good) > ParameterTolerance)
        {
            double mid = 0.5 * (good + bad);
            var next = Follow(good, known, mid);
            if (next is not null) { good = mid; known = next; }
            else bad = mid;
        }
        return (0.5 * (good + bad), known);
    }

    /// <summary>If the lowest minimum at b is not the continuation of the lowest at a, bisect on the two branches' value difference.
    /// <paramref name="endsA"/> are minA's continuations to b, as the forward pass found them.</summary>
    Located<TPoint>? Switch(double a, double b, List<TPoint> minA, List<TPoint?> endsA, List<TPoint> minB)
    {
        if (minA.Count == 0) return null;
        int best = minA.IndexOf(minA.MinBy(space.Value)!);
        var (bestA, bestAtB) = (minA[best], endsA[best]);
        if (minB.Count < 2 || bestAtB is null) return null;
        var bestB = minB.MinBy(space.Value)!;
        if (space.Distance(bestB, bestAtB) < Same) return null;
        // The new global minimum's branch, continued back to a.
        var rivalAtA = Continue(b, bestB, a);
        if (rivalAtA is null || !space.IsMinimum(rivalAtA)) return Overtaken(a, b, bestAtB, bestB);
        // Symmetric twins have equal values: a mirror image taking over is no switch.
        double va = space.Value(bestA);
        if (Math.Abs(space.Value(rivalAtA) - va) < 1e-12 * Math.Max(1, Math.Abs(va))) return null;
        double lo = a, hi = b;
        var (x, y) = (bestA, rivalAtA);
        while (Math.Abs(hi - lo) > ParameterTolerance)
        {
            double mid = 0.5 * (lo + hi);
            var x1 = space.Newton(mid, x);
            var y1 = space.Newton(mid, y);
            if (!space.Polished(x1) || !space.Polished(y1)) return null;
            if (space.Value(x1) < space.Value(y1)) lo = mid;
            else hi = mid;
            (x, y) = (x1, y1);
        }
        return new(0.5 * (lo + hi), TransitionKind.Switch, "the global minimum moves to another basin", x, y);
    }

    /// <summary>The global minimum at b is a branch that appeared (at a fold) after a: bisect, from b down, on whether that branch
    /// exists and lies below the old global minimum's. Where it is born below it, the switch is at the fold.</summary>
    Located<TPoint>? Overtaken(double a, double b, TPoint old, TPoint rival)
    {
        double lo = a, hi = b;
        var (x, y) = (old, rival);
        while (Math.Abs(hi - lo) > ParameterTolerance)
        {
            double mid = 0.5 * (lo + hi);
            var x1 = Continue(hi, x, mid);
            if (x1 is null) return null;
            var y1 = Follow(hi, y, mid);
            bool below = y1 is not null && space.Value(y1) < space.Value(x1);
            if (below) { hi = mid; (x, y) = (x1, y1!); }
            else lo = mid;
        }
        return new(0.5 * (lo + hi), TransitionKind.Switch, "the global minimum moves to a basin that appeared since the last value", x, y);
    }
}
