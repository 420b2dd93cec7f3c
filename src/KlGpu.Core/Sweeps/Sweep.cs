using KlGpu.Families;
using System.Diagnostics;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Sharding;

namespace KlGpu.Sweeps;

/// <summary>What `klgpu sweep` runs.</summary>
public sealed record SweepSettings(
    TargetTemplate Template,
    string Parameter,
    GridAxis Values,
    DivergenceTemplate Divergence,
    FitFamily Family,
    int Restarts,
    /// <summary>Most steps per restart; null: each value's default (<see cref="BasinsSettings.StepsFor"/>, a mixture q's <see cref="ThetaBasinsSettings.DefaultSteps"/>).</summary>
    int? Steps,
    double LearningRate,
    ulong Seed,
    (double Min, double Max)? Mu,
    (double Min, double Max)? Sigma,
    Precision Precision,
    AcceleratorChoice Accelerator)
{
    /// <summary>The family as the Gaussian sweep fits it (a mixture q's sweep is <see cref="MixtureSweepJob"/>'s).</summary>
    public LocationScaleFamily LocationScale => Family as LocationScaleFamily
        ?? throw new InvalidOperationException($"{Family.Name} is swept by the mixture sweep");

    /// <summary>The components of each q: K for a mixture q, else 1.</summary>
    public int Components => (Family as MixtureFamily)?.Components ?? 1;
}

/// <summary>The basins at one parameter value.</summary>
public sealed record SweepPoint(double Parameter, Target Target, BasinReport Report);

public enum TransitionKind
{
    /// <summary>A minimum turns into a saddle as its Hessian's smallest eigenvalue crosses zero, and splits into two minima.</summary>
    Pitchfork,
    /// <summary>A minimum appears or disappears together with a saddle (the smallest eigenvalue reaches zero at the end of a branch).</summary>
    Fold,
    /// <summary>The global minimum moves from one basin to another (their values cross).</summary>
    Switch,
    /// <summary>A mixture q's minimum loses a component (a weight reaches zero or two components merge) and goes on as a smaller mixture.</summary>
    Collapse,
}

/// <summary>A transition of a Gaussian q located to <see cref="TransitionSearch{TPoint}.ParameterTolerance"/>: where, what, and the stationary point(s) involved there.</summary>
public sealed record Transition(double Parameter, TransitionKind Kind, string Description, double Mu, double Sigma, double? OtherMu = null, double? OtherSigma = null);

/// <summary>A piece of a branch the transition search traced by continuation: a minimum at one value and the stationary point
/// it becomes at the next (still a minimum, or a saddle past a pitchfork), each with its value.</summary>
public sealed record BranchSegment(double From, double MuFrom, double SigmaFrom, double ValueFrom, double To, double MuTo, double SigmaTo, double ValueTo,
    bool EndsMinimum);

public sealed record SweepResult(SweepSettings Settings, IReadOnlyList<SweepPoint> Points, IReadOnlyList<Transition> Transitions, double Seconds)
{
    /// <summary>The branches the transition search traced, piece by piece between neighbouring values.</summary>
    public IReadOnlyList<BranchSegment> Branches { get; init; } = [];
}

/// <summary>Runs the restarts at every parameter value, then locates the transitions between neighbours.</summary>
public static class SweepJob
{
    /// <summary>Restarts per value of a Gaussian q's sweep (a mixture q's: <see cref="MixtureSweepJob.DefaultRestarts"/>); the
    /// steps are <see cref="BasinsSettings.StepsFor"/> the value's divergence.</summary>
    public const int DefaultRestarts = 512;

    public static SweepResult Run(SweepSettings s, KlEngine engine, Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var (values, targets, basins) = Prepare(s);
        var points = new List<SweepPoint>();
        for (int i = 0; i < values.Length; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var run = BasinsJob.Compute(basins[i], engine, cancel: cancel);
            points.Add(new SweepPoint(values[i], targets[i], run.Report));
            progress?.Invoke(i + 1, values.Length);
        }
        return Transitions(s, points, clock.Elapsed.TotalSeconds, cancel);
    }

    /// <summary>The values, their targets and the basins run at each; every instance is checked before any work.</summary>
    static (double[] Values, Target[] Targets, BasinsSettings[] Basins) Prepare(SweepSettings s)
    {
        double[] values = s.Values.Values();
        var targets = values.Select(v => s.Template.At(s.Parameter, v)).ToArray();
        var divergences = values.Select(v => s.Divergence.At(s.Parameter, v)).ToArray();
        var basins = new BasinsSettings[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var p = targets[i];
            var d = BasinsSettings.DefaultRanges(p);
            var (muMin, muMax) = s.Mu ?? (d.MuMin, d.MuMax);
            var (sMin, sMax) = s.Sigma ?? (d.SigmaMin, d.SigmaMax);
            basins[i] = new BasinsSettings(p, divergences[i], s.LocationScale, s.Restarts, s.Steps ?? BasinsSettings.StepsFor(divergences[i]), Optimizer.Adam, s.LearningRate,
                new StartDesign(muMin, muMax, sMin, sMax, s.Seed), BasinsSettings.DefaultTolerance, BasinsSettings.DefaultClusterRadius, 0,
                s.Precision, s.Accelerator);
            CheckRestarts(basins[i], s.Parameter, values[i]);
        }
        return (values, targets, basins);
    }

    static SweepResult Transitions(SweepSettings s, List<SweepPoint> points, double seconds, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        using var cpu = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        var finder = new TransitionFinder(s, cpu);
        var transitions = finder.Find(points, cancel);
        return new SweepResult(s, points, transitions, seconds + clock.Elapsed.TotalSeconds) { Branches = finder.Branches };
    }

    /// <summary>The file of one value's restarts in a shard.</summary>
    static string ValueFile(int i) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"value-{i}.npy");

    /// <summary>
    /// One shard of a sweep: the restarts at the values with <c>i % N == I</c>, each value's as a <see cref="RestartPart"/>
    /// (value-i.npy), with a manifest; the basins and transitions are found in <see cref="Merge"/>.
    /// </summary>
    public static IReadOnlyList<OutputFileEntry> ComputeShard(SweepSettings s, KlEngine engine, Shard shard, string dir, RunParameters parameters,
        Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var (values, _, basins) = Prepare(s);
        shard.CheckItems(values.Length, "values");
        int[] mine = shard.Interleaved(values.Length);
        var outcomes = new List<(int Value, RestartOutcome Outcome)>();
        foreach (int i in mine)
        {
            cancel.ThrowIfCancellationRequested();
            var (mu, logScale) = basins[i].Starts.Generate(basins[i].Restarts, basins[i].Family);
            outcomes.Add((i, engine.Restarts(basins[i].Target, basins[i].Family, basins[i].Divergence, basins[i].Kernel(0), mu, logScale,
                cancel: cancel, across: basins[i].AcrossStarts())));
            progress?.Invoke(outcomes.Count, mine.Length);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        using var batch = new OutputBatch(OutputFolder.Prepare(dir));
        foreach (var (i, o) in outcomes) RestartPart.Write(batch.Open(ValueFile(i), "part:restarts").Stream, o, 0, o.EndMu.Length);
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => RunManifest.Of("sweep", parameters, new
        {
            Shard = ShardRecord.Of(shard, parameters, engine.DeviceKind, engine.DeviceName, seconds),
            Files = files,
        }));
    }

    /// <summary>The sweep from its shards: each value's restarts read back, then its basins (clustering, polish, Hessians) and
    /// the transitions found as in <see cref="Run"/>.</summary>
    public static SweepResult Merge(SweepSettings s, ShardSet shards, CancellationToken cancel = default)
    {
        var (values, targets, basins) = Prepare(s);
        var points = new List<SweepPoint>();
        using var cpu = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        for (int i = 0; i < values.Length; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var b = basins[i];
            var (mu, logScale) = b.Starts.Generate(b.Restarts, b.Family);
            var outcome = new RestartOutcome(mu.Length, 0, 1, b.Steps);
            using (var reader = new NpyReader(shards.Shards[i % shards.Count].File(ValueFile(i)))) RestartPart.Read(reader, 0, outcome, 0, mu.Length);
            var run = BasinsJob.Find(b, mu, logScale, outcome, "", "", 0, cpu);
            points.Add(new SweepPoint(values[i], targets[i], run.Report));
        }
        return Transitions(s, points, shards.Device.Seconds, cancel);
    }

    /// <summary>What the family's restarts refuse at one value (forward KL against a t with ν ≤ 2, …), refused before any work
    /// with the parameter value that makes it so.</summary>
    static void CheckRestarts(BasinsSettings basins, string parameter, double value)
    {
        try
        {
            basins.Family.CheckRestarts(basins.Target, basins.Divergence, paths: false);
        }
        catch (UnsupportedFitException e)
        {
            throw new UnsupportedFitException(e.Part, $"{e.Message} (at {parameter} = {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})");
        }
    }
}
