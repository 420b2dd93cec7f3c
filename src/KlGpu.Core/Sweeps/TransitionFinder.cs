using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Numerics;

namespace KlGpu.Sweeps;

/// <summary>
/// Locates where the set of minima changes between neighbouring parameter values, by continuation of the stationary
/// points (Newton on the gradient at each new parameter, started from the point at the previous one) and bisection on
/// the parameter: on the sign of the smallest Hessian eigenvalue for a minimum that becomes a saddle (pitchfork), on
/// the existence of the branch for a minimum that appears or vanishes (fold), and on the difference of two branches'
/// values where the global minimum changes branch (switch).
/// </summary>
public sealed class TransitionFinder(SweepSettings settings, KlEngine cpu)
{
    /// <summary>Bisection stops when the bracket is this narrow (the issue asks for 1e-6).</summary>
    public const double ParameterTolerance = 1e-7;

    /// <summary>Points closer than this in (μ, log σ) are the same stationary point.</summary>
    const double Same = 1e-4;

    /// <summary>A continuation step may move the point this far at most; farther means Newton jumped to another branch.</summary>
    const double MaxJump = 0.5;

    readonly Dictionary<double, Target> targets = [];

    Target Target(double t)
    {
        if (!targets.TryGetValue(t, out var p)) targets[t] = p = settings.Template.At(settings.Parameter, t);
        return p;
    }

    BasinFinder.Stationary Newton(double t, double mu, double logSigma)
    {
        var p = Target(t);
        var divergence = settings.Divergence.At(settings.Parameter, t);
        var finder = new BasinFinder((m, s) => cpu.Gradient(p, divergence, m, s), settings.Family.SigmaFixed, BasinsSettings.DefaultClusterRadius);
        return finder.Polish(mu, logSigma);
    }

    static double Distance(double mu1, double s1, double mu2, double s2) => Math.Max(Math.Abs(mu1 - mu2), Math.Abs(s1 - s2));

    /// <summary>The continuation of a stationary point from one parameter to another, or null if Newton failed or jumped.</summary>
    BasinFinder.Stationary? Continue(double from, BasinFinder.Stationary point, double to)
    {
        // Small steps: each Newton start is close to the branch it follows.
        var current = point;
        const int steps = 8;
        for (int k = 1; k <= steps; k++)
        {
            double t = from + (to - from) * k / steps;
            var next = Newton(t, current.Mu, current.LogSigma);
            if (!next.Polished || Distance(next.Mu, next.LogSigma, current.Mu, current.LogSigma) > MaxJump) return null;
            current = next;
        }
        return current;
    }

    public IReadOnlyList<Transition> Find(IReadOnlyList<SweepPoint> points, CancellationToken cancel = default)
    {
        var found = new List<Transition>();
        var minima = points.Select(Minima).ToList(); // each point's polished minima, shared by the intervals on both sides
        for (int i = 0; i + 1 < points.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var (a, b) = (points[i], points[i + 1]);
            var (minA, minB) = (minima[i], minima[i + 1]);
            var explainedB = new HashSet<int>();
            var ends = new List<BasinFinder.Stationary?>();

            // Forward: what becomes of each minimum at a by b.
            foreach (var m in minA)
            {
                var end = Continue(a.Parameter, m, b.Parameter);
                ends.Add(end);
                int match = end is null ? -1 : minB.FindIndex(x => Distance(x.Mu, x.LogSigma, end.Mu, end.LogSigma) < Same);
                if (end is not null && end.Kind == StationaryKind.Minimum && match >= 0) { explainedB.Add(match); continue; }
                if (end is not null && end.Kind == StationaryKind.Saddle)
                {
                    var (t, at) = BisectStability(a.Parameter, m, b.Parameter);
                    found.Add(new Transition(t, TransitionKind.Pitchfork, "a minimum becomes a saddle and splits in two", at.Mu, Math.Exp(at.LogSigma)));
                    // Its offspring at b are explained: they continue back onto it.
                    for (int j = 0; j < minB.Count; j++)
                    {
                        var back = Continue(b.Parameter, minB[j], t);
                        if (back is not null && Distance(back.Mu, back.LogSigma, at.Mu, at.LogSigma) < 1e-2) explainedB.Add(j);
                    }
                    continue;
                }
                var (tf, last) = BisectExistence(a.Parameter, m, b.Parameter);
                found.Add(new Transition(tf, TransitionKind.Fold, "a minimum vanishes with a saddle", last.Mu, Math.Exp(last.LogSigma)));
            }
            // Backward: minima at b that no minimum at a continues to appeared in between.
            for (int j = 0; j < minB.Count; j++)
            {
                if (explainedB.Contains(j)) continue;
                var (tf, last) = BisectExistence(b.Parameter, minB[j], a.Parameter);
                found.Add(new Transition(tf, TransitionKind.Fold, "a minimum appears with a saddle", last.Mu, Math.Exp(last.LogSigma)));
            }
            if (Switch(a, b, minA, ends, minB) is { } sw) found.Add(sw);
        }
        return found.OrderBy(t => t.Parameter).ToList();
    }

    List<BasinFinder.Stationary> Minima(SweepPoint p) => p.Report.Basins
        .Where(b => b.Kind == StationaryKind.Minimum)
        .Select(b => Newton(p.Parameter, b.Mu, b.LogSigma))
        .Where(s => s.Polished && s.Kind == StationaryKind.Minimum)
        .ToList();

    /// <summary>Bisection on the sign of λ_min along the branch that starts as a minimum at <paramref name="good"/>.</summary>
    (double T, BasinFinder.Stationary At) BisectStability(double good, BasinFinder.Stationary point, double bad)
    {
        var known = point;
        while (Math.Abs(bad - good) > ParameterTolerance)
        {
            double mid = 0.5 * (good + bad);
            var next = Newton(mid, known.Mu, known.LogSigma);
            if (next.Polished && next.Eigenvalues[0] > 0 && Distance(next.Mu, next.LogSigma, known.Mu, known.LogSigma) < MaxJump) { good = mid; known = next; }
            else bad = mid;
        }
        return (0.5 * (good + bad), known);
    }

    /// <summary>Bisection on whether the minimum branch that exists at <paramref name="good"/> still exists (as a nearby minimum).</summary>
    (double T, BasinFinder.Stationary Last) BisectExistence(double good, BasinFinder.Stationary point, double bad)
    {
        var known = point;
        while (Math.Abs(bad - good) > ParameterTolerance)
        {
            double mid = 0.5 * (good + bad);
            var next = Newton(mid, known.Mu, known.LogSigma);
            bool exists = next.Polished && next.Kind == StationaryKind.Minimum
                && Distance(next.Mu, next.LogSigma, known.Mu, known.LogSigma) < Math.Max(1e-2, 4 * Math.Sqrt(Math.Abs(bad - good)));
            if (exists) { good = mid; known = next; }
            else bad = mid;
        }
        return (0.5 * (good + bad), known);
    }

    /// <summary>If the lowest minimum at b is not the continuation of the lowest at a, bisect on the two branches' value difference.
    /// <paramref name="endsA"/> are minA's continuations to b, as the forward pass found them.</summary>
    Transition? Switch(SweepPoint a, SweepPoint b, List<BasinFinder.Stationary> minA, List<BasinFinder.Stationary?> endsA,
        List<BasinFinder.Stationary> minB)
    {
        if (minA.Count < 2) return null;
        int best = minA.IndexOf(minA.MinBy(m => m.Value)!);
        var (bestA, bestAtB) = (minA[best], endsA[best]);
        if (minB.Count < 2 || bestAtB is null) return null;
        var bestB = minB.MinBy(m => m.Value)!;
        if (Distance(bestB.Mu, bestB.LogSigma, bestAtB.Mu, bestAtB.LogSigma) < Same) return null;
        // The new global minimum's branch, continued back to a.
        var rivalAtA = Continue(b.Parameter, bestB, a.Parameter);
        if (rivalAtA is null || rivalAtA.Kind != StationaryKind.Minimum) return null; // it appeared in between: the fold is the event
        // Symmetric twins have equal values: a mirror image taking over is no switch.
        if (Math.Abs(rivalAtA.Value - bestA.Value) < 1e-12 * Math.Max(1, Math.Abs(bestA.Value))) return null;
        double lo = a.Parameter, hi = b.Parameter;
        var (x, y) = (bestA, rivalAtA);
        while (Math.Abs(hi - lo) > ParameterTolerance)
        {
            double mid = 0.5 * (lo + hi);
            var x1 = Newton(mid, x.Mu, x.LogSigma);
            var y1 = Newton(mid, y.Mu, y.LogSigma);
            if (!x1.Polished || !y1.Polished) return null;
            if (x1.Value < y1.Value) { lo = mid; } else { hi = mid; }
            (x, y) = (x1, y1);
        }
        return new Transition(0.5 * (lo + hi), TransitionKind.Switch, "the global minimum moves to another basin",
            x.Mu, Math.Exp(x.LogSigma), y.Mu, Math.Exp(y.LogSigma));
    }
}
