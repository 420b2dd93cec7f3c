using KlGpu.Families;
using System.Diagnostics;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Landscape;
using KlGpu.Sharding;

namespace KlGpu.Sweeps;

/// <summary>The basins of a mixture q at one parameter value.</summary>
public sealed record MixtureSweepPoint(double Parameter, Target Target, ThetaBasinsRun<GaussianMixture> Run);

/// <summary>A transition of a mixture q's sweep: where, what, and the mixture(s) involved there (components in canonical order).</summary>
public sealed record MixtureTransition(double Parameter, TransitionKind Kind, string Description, GaussianMixture Q, GaussianMixture? Other = null);

public sealed record MixtureSweepResult(SweepSettings Settings, IReadOnlyList<MixtureSweepPoint> Points, IReadOnlyList<MixtureTransition> Transitions, double Seconds)
{
    /// <summary>The stationary points joined across neighbouring values by <see cref="MixtureBranches"/>' rule (no continuation traces them).</summary>
    public IReadOnlyList<MixtureLink> Links { get; init; } = [];
}

/// <summary>`klgpu sweep --family mixture:K`: a mixture q's restarts at every parameter value, then its transitions in the 3K − 1 parameters.</summary>
public static class MixtureSweepJob
{
    /// <summary>A mixture q's restarts cost about a thousand nodes a step each (<see cref="ThetaBasinsSettings.DefaultRestarts"/>), and a
    /// sweep runs them at every value: fewer by default.</summary>
    public const int DefaultRestarts = 64;

    /// <summary>Every value's settings, checked before any work: a value that makes the target or the divergence unusable is named.</summary>
    public static ThetaBasinsSettings<GaussianMixture>[] Plan(SweepSettings s)
    {
        double[] values = s.Values.Values();
        var plan = new ThetaBasinsSettings<GaussianMixture>[values.Length];
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
            plan[i] = new ThetaBasinsSettings<GaussianMixture>(p, divergence, new MixtureFamily(s.Components), s.Restarts, s.Steps ?? ThetaBasinsSettings.DefaultSteps, Optimizer.Adam, s.LearningRate, s.Seed,
                muMin, muMax, sMin, sMax, BasinsSettings.DefaultTolerance, ThetaBasinsSettings.DefaultClusterRadius, s.Precision, s.Accelerator);
        }
        return plan;
    }

    public static MixtureSweepResult Run(SweepSettings s, KlEngine engine, Action<int, int>? progress = null, CancellationToken cancel = default) =>
        Sweep(s, (i, basins) =>
        {
            var run = ThetaBasinsJob.Compute(basins, engine, cancel);
            progress?.Invoke(i + 1, s.Values.Count);
            return run;
        }, 0, cancel);

    /// <summary>Every value's basins by <paramref name="basinsAt"/>, in order, then the transitions; <paramref name="earlier"/> is
    /// the seconds spent before (the shards').</summary>
    static MixtureSweepResult Sweep(SweepSettings s, Func<int, ThetaBasinsSettings<GaussianMixture>, ThetaBasinsRun<GaussianMixture>> basinsAt,
        double earlier, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var plan = Plan(s);
        double[] values = s.Values.Values();
        var points = new List<MixtureSweepPoint>();
        for (int i = 0; i < plan.Length; i++)
        {
            cancel.ThrowIfCancellationRequested();
            points.Add(new MixtureSweepPoint(values[i], plan[i].Target, basinsAt(i, plan[i])));
        }
        var transitions = new MixtureTransitionFinder(s).Find(points, cancel);
        return new MixtureSweepResult(s, points, transitions, earlier + clock.Elapsed.TotalSeconds) { Links = MixtureBranches.Join(points) };
    }

    /// <summary>The file of one value's restarts in a shard.</summary>
    static string ValueFile(int i) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"value-{i}.npy");

    /// <summary>
    /// One shard of a mixture q's sweep: the restarts at the values with <c>i % N == I</c>, each value's as a
    /// <see cref="ThetaRestartPart"/> (value-i.npy), with a manifest; the basins and transitions are found in <see cref="Merge"/>.
    /// </summary>
    public static IReadOnlyList<OutputFileEntry> ComputeShard(SweepSettings s, KlEngine engine, Shard shard, string dir, RunParameters parameters,
        Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var plan = Plan(s);
        shard.CheckItems(plan.Length, "values");
        int[] mine = shard.Interleaved(plan.Length);
        var parts = new List<(int Value, ThetaRestarts Restarts)>();
        foreach (int i in mine)
        {
            cancel.ThrowIfCancellationRequested();
            parts.Add((i, ThetaBasinsJob.Restarts(plan[i], engine, plan[i].Starts())));
            progress?.Invoke(parts.Count, mine.Length);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        using var batch = new OutputBatch(OutputFolder.Prepare(dir));
        foreach (var (i, restarts) in parts)
            ThetaRestartPart.Write(batch.Open(ValueFile(i), "part:restarts").Stream, restarts, plan[i].Family.ParameterCount);
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => RunManifest.Of("sweep", parameters, new
        {
            Shard = ShardRecord.Of(shard, parameters, engine.DeviceKind, engine.DeviceName, seconds),
            Files = files,
        }));
    }

    /// <summary>The sweep from its shards: each value's restarts read back, then its basins (clustering, polish, Hessians) and
    /// the transitions found as in <see cref="Run"/>.</summary>
    public static MixtureSweepResult Merge(SweepSettings s, ShardSet shards, CancellationToken cancel = default) =>
        Sweep(s, (i, basins) =>
        {
            int n = basins.Family.ParameterCount;
            var restarts = ThetaRestarts.Empty(basins.Restarts, n);
            using (var reader = new NpyReader(shards.Shards[i % shards.Count].File(ValueFile(i))))
                ThetaRestartPart.Read(reader, n, restarts, 0, basins.Restarts);
            return ThetaBasinsJob.Find(basins, basins.Starts(), restarts, "", "", 0, cancel);
        }, shards.Device.Seconds, cancel);
}

/// <summary>
/// The transitions of a mixture q's sweep: <see cref="TransitionSearch{TPoint}"/> on the 3K − 1 numbers of
/// <see cref="MixturePolish"/> (relative logits, means, log stds), Newton being its plain <see cref="MixturePolish.Stationary"/>.
/// Only minima with K components are continued; a collapsed (degenerate) optimum is listed at its values but not followed.
/// A minimum that stops existing because it collapses (a weight towards zero, two components towards each other) is a
/// <see cref="TransitionKind.Collapse"/>, not a fold.
/// </summary>
public sealed class MixtureTransitionFinder(SweepSettings settings) : IStationaryPoints<ThetaStationary<GaussianMixture>>
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

    public ThetaStationary<GaussianMixture> Newton(double t, ThetaStationary<GaussianMixture> start) => At(t).Stationary(start.Q);

    /// <summary>A component lighter than this counts in <see cref="Distance"/> in proportion to its weight.</summary>
    const double Light = 1e-2;

    /// <summary><see cref="MixturePolish.Distance"/> with a light component's mean and log std counted in proportion to its weight
    /// (below <see cref="Light"/>): a component on its way to weight 0 may move far, as it narrows, without q moving.</summary>
    public double Distance(ThetaStationary<GaussianMixture> a, ThetaStationary<GaussianMixture> b)
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

    public bool Polished(ThetaStationary<GaussianMixture> p) => p.Polished;
    public bool IsMinimum(ThetaStationary<GaussianMixture> p) => p.Kind == ThetaKind.Minimum;
    public double SmallestEigenvalue(ThetaStationary<GaussianMixture> p) => p.Eigenvalues[0];
    public double Value(ThetaStationary<GaussianMixture> p) => p.Value;

    /// <summary>Where a branch ends with a weight this small, or two components this close (<see cref="MixturePolish.NearestPair"/>),
    /// it may end in a collapse rather than at a saddle.</summary>
    const double CollapseWeight = 1e-2, CollapsePair = 0.25;

    /// <summary>A branch that Newton lost at <paramref name="t"/> ends in a collapse if its q is nearly a smaller mixture (a light
    /// weight, or two alike components) and that smaller mixture, polished, is as good (to 1e-4 + 1e-3 relative): a fold ends at
    /// a saddle of its own value instead.</summary>
    bool Collapsing(double t, ThetaStationary<GaussianMixture> end)
    {
        var q = end.Q;
        if (!(q.Weights.Min() < CollapseWeight || MixturePolish.NearestPair(q).Distance < CollapsePair)) return false;
        var smaller = MixturePolish.Collapse(q);
        if (smaller is null) return false;
        var polished = At(t).Polish(smaller);
        return polished.Polished && Math.Abs(polished.Value - end.Value) <= 1e-4 + 1e-3 * Math.Abs(end.Value);
    }

    public IReadOnlyList<MixtureTransition> Find(IReadOnlyList<MixtureSweepPoint> points, CancellationToken cancel = default) =>
        Find(points.Select(p => (p.Parameter, p.Run.Basins.Where(b => b.Kind == ThetaKind.Minimum).Select(b => b.Q).ToList())).ToList(), cancel);

    /// <summary>The transitions between neighbouring values, given each value's minima with K components (as restarts found them).</summary>
    public IReadOnlyList<MixtureTransition> Find(IReadOnlyList<(double Parameter, List<GaussianMixture> Minima)> minima, CancellationToken cancel = default)
    {
        var values = minima.Select(p => (p.Parameter, p.Minima
            .Select(q => At(p.Parameter).Stationary(q))
            .Where(m => m.Polished && m.Kind == ThetaKind.Minimum)
            .Aggregate(new List<ThetaStationary<GaussianMixture>>(), (distinct, m) =>
            {
                // Where the landscape is nearly flat (a q close to collapse) two basins can polish to one point.
                if (!distinct.Any(x => Distance(x, m) < 1e-4)) distinct.Add(m);
                return distinct;
            }))).ToList();
        return new TransitionSearch<ThetaStationary<GaussianMixture>>(this).Find(values, cancel).Select(t =>
            t.Kind == TransitionKind.Fold && Collapsing(t.Parameter, t.At)
                ? new MixtureTransition(t.Parameter, TransitionKind.Collapse, Collapse(t.At.Q, t.Description == TransitionSearch<ThetaStationary<GaussianMixture>>.Appears), t.At.Q)
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
