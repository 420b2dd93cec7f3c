using KlGpu.Families;
using System.Diagnostics;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Numerics;

namespace KlGpu.Sweeps;

/// <summary>The basins of a mixture q at one parameter value.</summary>
public sealed record MixtureSweepPoint(double Parameter, Target Target, MixtureBasinsRun Run);

/// <summary>A transition of a mixture q's sweep: where, what, and the mixture(s) involved there (components in canonical order).</summary>
public sealed record MixtureTransition(double Parameter, TransitionKind Kind, string Description, GaussianMixture Q, GaussianMixture? Other = null);

public sealed record MixtureSweepResult(SweepSettings Settings, IReadOnlyList<MixtureSweepPoint> Points, IReadOnlyList<MixtureTransition> Transitions, double Seconds);

/// <summary>`klgpu sweep --family mixture:K`: a mixture q's restarts at every parameter value, then its transitions in the 3K − 1 parameters.</summary>
public static class MixtureSweepJob
{
    /// <summary>A mixture q's restarts cost about a thousand nodes a step each (<see cref="MixtureBasinsSettings.DefaultRestarts"/>), and a
    /// sweep runs them at every value: fewer by default.</summary>
    public const int DefaultRestarts = 64;

    /// <summary>Every value's settings, checked before any work: a value that makes the target or the divergence unusable is named.</summary>
    public static MixtureBasinsSettings[] Plan(SweepSettings s)
    {
        double[] values = s.Values.Values();
        var plan = new MixtureBasinsSettings[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            string at = $" (at {s.Parameter} = {values[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture)})";
            var p = s.Template.At(s.Parameter, values[i]);
            var divergence = s.Divergence.At(s.Parameter, values[i]);
            try { s.Family.CheckRestarts(p, divergence, paths: false); }
            catch (UnsupportedFitException e) { throw new UnsupportedFitException(e.Part, e.Message + at); }
            var d = BasinsSettings.DefaultRanges(p.Marginal);
            var (muMin, muMax) = s.Mu ?? (d.MuMin, d.MuMax);
            var (sMin, sMax) = s.Sigma ?? (d.SigmaMin, d.SigmaMax);
            plan[i] = new MixtureBasinsSettings(p, divergence, s.Components, s.Restarts, s.Steps ?? MixtureBasinsSettings.DefaultSteps, Optimizer.Adam, s.LearningRate, s.Seed,
                muMin, muMax, sMin, sMax, BasinsSettings.DefaultTolerance, MixtureBasinsSettings.DefaultClusterRadius, s.Precision, s.Accelerator);
        }
        return plan;
    }

    public static MixtureSweepResult Run(SweepSettings s, KlEngine engine, Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var plan = Plan(s);
        double[] values = s.Values.Values();
        var points = new List<MixtureSweepPoint>();
        for (int i = 0; i < plan.Length; i++)
        {
            cancel.ThrowIfCancellationRequested();
            points.Add(new MixtureSweepPoint(values[i], plan[i].Target, MixtureBasinsJob.Compute(plan[i], engine, cancel)));
            progress?.Invoke(i + 1, plan.Length);
        }
        var transitions = new MixtureTransitionFinder(s).Find(points, cancel);
        return new MixtureSweepResult(s, points, transitions, clock.Elapsed.TotalSeconds);
    }
}

/// <summary>
/// The transitions of a mixture q's sweep: <see cref="TransitionSearch{TPoint}"/> on the 3K − 1 numbers of
/// <see cref="MixturePolish"/> (relative logits, means, log stds), Newton being its plain <see cref="MixturePolish.Stationary"/>.
/// Only minima with K components are continued; a collapsed (degenerate) optimum is listed at its values but not followed.
/// A minimum that stops existing because it collapses (a weight towards zero, two components towards each other) is a
/// <see cref="TransitionKind.Collapse"/>, not a fold.
/// </summary>
public sealed class MixtureTransitionFinder(SweepSettings settings) : IStationaryPoints<MixtureStationary>
{
    readonly Dictionary<double, MixturePolish> polishers = [];

    MixturePolish At(double t)
    {
        if (!polishers.TryGetValue(t, out var polish))
        {
            var divergence = settings.Divergence.At(settings.Parameter, t);
            polishers[t] = polish = new MixturePolish(settings.Template.At(settings.Parameter, t).Marginal, divergence.Integrand, divergence.Order);
        }
        return polish;
    }

    public MixtureStationary Newton(double t, MixtureStationary start) => At(t).Stationary(start.Q);

    /// <summary>A component lighter than this counts in <see cref="Distance"/> in proportion to its weight.</summary>
    const double Light = 1e-2;

    /// <summary><see cref="MixturePolish.Distance"/> with a light component's mean and log std counted in proportion to its weight
    /// (below <see cref="Light"/>): a component on its way to weight 0 may move far, as it narrows, without q moving.</summary>
    public double Distance(MixtureStationary a, MixtureStationary b)
    {
        var (p, q) = (a.Q, b.Q);
        if (p.Count != q.Count) return double.PositiveInfinity;
        double d = 0;
        for (int k = 0; k < p.Count; k++)
        {
            double count = Math.Min(1, Math.Min(p.Weights[k], q.Weights[k]) / Light);
            d = Math.Max(d, Math.Max(Math.Abs(p.Weights[k] - q.Weights[k]),
                count * Math.Max(Math.Abs(p.Means[k] - q.Means[k]), Math.Abs(Math.Log(p.Stds[k] / q.Stds[k])))));
        }
        return d;
    }

    public bool Polished(MixtureStationary p) => p.Polished;
    public bool IsMinimum(MixtureStationary p) => p.Kind == MixtureKind.Minimum;
    public double SmallestEigenvalue(MixtureStationary p) => p.Eigenvalues[0];
    public double Value(MixtureStationary p) => p.Value;

    /// <summary>Where a branch ends with a weight this small, or two components this close (<see cref="MixturePolish.NearestPair"/>),
    /// it may end in a collapse rather than at a saddle.</summary>
    const double CollapseWeight = 1e-2, CollapsePair = 0.25;

    /// <summary>A branch that Newton lost at <paramref name="t"/> ends in a collapse if its q is nearly a smaller mixture (a light
    /// weight, or two alike components) and that smaller mixture, polished, is as good (to 1e-4 + 1e-3 relative): a fold ends at
    /// a saddle of its own value instead.</summary>
    bool Collapsing(double t, MixtureStationary end)
    {
        var q = end.Q;
        if (!(q.Weights.Min() < CollapseWeight || MixturePolish.NearestPair(q).Distance < CollapsePair)) return false;
        var smaller = MixturePolish.Collapse(q);
        if (smaller is null) return false;
        var polished = At(t).Polish(smaller);
        return polished.Polished && Math.Abs(polished.Value - end.Value) <= 1e-4 + 1e-3 * Math.Abs(end.Value);
    }

    public IReadOnlyList<MixtureTransition> Find(IReadOnlyList<MixtureSweepPoint> points, CancellationToken cancel = default) =>
        Find(points.Select(p => (p.Parameter, p.Run.Basins.Where(b => b.Kind == MixtureKind.Minimum).Select(b => b.Q).ToList())).ToList(), cancel);

    /// <summary>The transitions between neighbouring values, given each value's minima with K components (as restarts found them).</summary>
    public IReadOnlyList<MixtureTransition> Find(IReadOnlyList<(double Parameter, List<GaussianMixture> Minima)> minima, CancellationToken cancel = default)
    {
        var values = minima.Select(p => (p.Parameter, p.Minima
            .Select(q => At(p.Parameter).Stationary(q))
            .Where(m => m.Polished && m.Kind == MixtureKind.Minimum)
            .Aggregate(new List<MixtureStationary>(), (distinct, m) =>
            {
                // Where the landscape is nearly flat (a q close to collapse) two basins can polish to one point.
                if (!distinct.Any(x => Distance(x, m) < 1e-4)) distinct.Add(m);
                return distinct;
            }))).ToList();
        return new TransitionSearch<MixtureStationary>(this).Find(values, cancel).Select(t =>
            t.Kind == TransitionKind.Fold && Collapsing(t.Parameter, t.At)
                ? new MixtureTransition(t.Parameter, TransitionKind.Collapse, Collapse(t.At.Q, t.Description == TransitionSearch<MixtureStationary>.Appears), t.At.Q)
                : new MixtureTransition(t.Parameter, t.Kind, t.Description, t.At.Q, t.Other?.Q)).ToList();
    }

    /// <summary>A collapse is located where Newton stops following the branch, which is not where the weight (or the distance)
    /// is 0: the description says how far it got.</summary>
    static string Collapse(GaussianMixture q, bool appears)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        double weight = q.Weights.Min();
        string how = weight < 1e-4
            ? string.Create(c, $"its lightest weight is {weight:G2} here")
            : string.Create(c, $"its nearest two components are {MixturePolish.NearestPair(q).Distance:G2} apart here");
        return (appears ? "a minimum appears from a collapsed q" : "a minimum collapses to fewer components") + $" ({how}, where Newton stops following it)";
    }
}
