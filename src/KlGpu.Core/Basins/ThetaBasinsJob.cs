using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Families;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Plotting;
using KlGpu.Sharding;

namespace KlGpu.Basins;

/// <summary>The defaults of a θ family's restarts (<see cref="ThetaBasinsSettings{TQ}"/>).</summary>
public static class ThetaBasinsSettings
{
    /// <summary>Each restart integrates on panels (about a thousand nodes a step), so fewer than for a Gaussian q.</summary>
    public const int DefaultRestarts = 256, DefaultSteps = 1500;

    /// <summary>Restarts run in one launch, their θ and scratch held whole: this bounds that memory.</summary>
    public const int MaxRestarts = 1 << 20;

    /// <summary>End points closer than this (in the family's <see cref="ThetaFamily{TQ}.Distance"/>) are polished once.</summary>
    public const double DefaultClusterRadius = 1e-2;
}

/// <summary>What `klgpu basins --family mixture:K|flow:K` runs: restarts of a q with a parameter vector θ.</summary>
public sealed record ThetaBasinsSettings<TQ>(
    Target Target,
    Divergence Divergence,
    ThetaFamily<TQ> Family,
    int Restarts,
    int Steps,
    Optimizer Optimizer,
    double LearningRate,
    ulong Seed,
    double MeanMin,
    double MeanMax,
    double StdMin,
    double StdMax,
    double Tolerance,
    double ClusterRadius,
    Precision Precision,
    AcceleratorChoice Accelerator) where TQ : class
{
    /// <summary>
    /// θ of every start: number j of restart i is the family's <see cref="ThetaFamily.Start"/> of
    /// <see cref="CounterRandom.Uniform"/>(seed, n·i + j), so a start does not depend on how many others there are.
    /// </summary>
    public double[] Starts()
    {
        int n = Family.ParameterCount;
        var theta = new double[Restarts * n];
        for (int i = 0; i < Restarts; i++)
            for (int j = 0; j < n; j++)
                theta[i * n + j] = Family.Start(j, CounterRandom.Uniform(Seed, (ulong)((long)i * n + j)), MeanMin, MeanMax, StdMin, StdMax);
        return theta;
    }

    public OptimizerSettings<double> Kernel() => new()
    {
        Method = Optimizer switch { Optimizer.Sgd => OptimizerMethod.Sgd, Optimizer.Momentum => OptimizerMethod.Momentum, _ => OptimizerMethod.Adam },
        MaxSteps = Steps,
        LearningRate = LearningRate,
        Beta1 = BasinsSettings.Beta1,
        Beta2 = BasinsSettings.Beta2,
        Epsilon = BasinsSettings.Epsilon,
        Tolerance = Tolerance,
        TrajectoryStride = 1,
    };
}

/// <summary>What a polished end point of a θ fit is.</summary>
public enum ThetaKind
{
    /// <summary>No descent direction (flat directions, which change θ but not q to second order, allowed).</summary>
    Minimum,
    /// <summary>A stationary point with a descent direction.</summary>
    Saddle,
    /// <summary>A mixture q collapsed to fewer components (a weight near 0, or two components equal): reported as the smaller mixture it is.</summary>
    Degenerate,
}

/// <summary>A polished stationary point of a θ fit: q as the family holds it; <see cref="FlatDirections"/> counts the Hessian's
/// eigenvalues that are zero to its precision, where the family counts them.</summary>
public sealed record ThetaStationary<TQ>(TQ Q, double Value, double GradientNorm, double[] Eigenvalues, ThetaKind Kind, bool Polished, int FlatDirections = 0);

/// <summary>One distinct stationary point of a θ fit.</summary>
public sealed record ThetaBasin<TQ>(int Id, ThetaKind Kind, TQ Q, double Value, int Count, double Fraction, double[] HessianEigenvalues,
    int FlatDirections, double GradientNorm, bool Polished);

/// <summary>A run's restarts (end points as θ), their outcome and basins, with timings.</summary>
public sealed record ThetaBasinsRun<TQ>(
    ThetaBasinsSettings<TQ> Settings,
    double[] Start,
    double[] End,
    double[] Value,
    double[] GradientNorm,
    int[] Steps,
    int[] Status,
    int[] BasinOfRestart,
    IReadOnlyList<ThetaBasin<TQ>> Basins,
    string DeviceKind,
    string DeviceName,
    double OptimizeSeconds,
    double PolishSeconds) where TQ : class
{
    public ThetaFamily<TQ> Family => Settings.Family;
    public int Converged => Status.Count(s => s == RestartStatus.Converged);
    public int StepLimited => Status.Count(s => s == RestartStatus.StepLimit);
    public int Diverged => Status.Count(s => s == RestartStatus.Diverged);
    public int Minima => Basins.Count(Family.IsMinimum);

    /// <summary>"2 minima, 1 degenerate optimum; 240 of 256 restarts converged, 16 reached the step limit and were polished from there".</summary>
    public string Summary()
    {
        string restarts = $"{Converged} of {Status.Length} restarts converged";
        if (StepLimited > 0) restarts += $", {StepLimited} reached the step limit and were polished from there";
        if (Diverged > 0) restarts += $", {Diverged} diverged";
        int unassigned = BasinOfRestart.Count(b => b < 0) - Diverged;
        if (unassigned > 0) restarts += $", {unassigned} did not polish to a stationary point";
        return string.Join("; ", [string.Join(", ", Family.Findings(Basins, Minima)), restarts]);
    }
}

/// <summary>Where restarts ended: θ (n numbers each), value, gradient norm, steps and status, as the kernel left them.</summary>
public sealed record ThetaRestarts(double[] End, double[] Value, double[] GradientNorm, int[] Steps, int[] Status)
{
    public static ThetaRestarts Empty(int restarts, int n) => new(new double[restarts * n], new double[restarts], new double[restarts], new int[restarts], new int[restarts]);
}

/// <summary>basins.json and --json: a flow lists θ's names, a mixture does not.</summary>
public sealed record ThetaBasinsSummary(string Target, string Divergence, string Family,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Parameters,
    int Restarts, int Converged, int StepLimited, int Diverged, int Minima, object[] Basins);

/// <summary>
/// Restarts of a θ family on an engine, then on the host in double: each end point read as q (<see cref="ThetaFamily{TQ}.EndPoint"/>),
/// clustered greedily by value within the cluster radius (<see cref="ThetaFamily{TQ}.Distance"/>), each cluster's best end point
/// polished, polished points that the family calls the same q merged (so the symmetries of θ, a mixture's K! orderings or a
/// flow's reparameterizations, give one basin), ordered by value.
/// </summary>
public static class ThetaBasinsJob
{
    public static ThetaBasinsRun<TQ> Compute<TQ>(ThetaBasinsSettings<TQ> s, KlEngine engine, CancellationToken cancel = default) where TQ : class
    {
        double[] start = s.Starts();
        var clock = Stopwatch.StartNew();
        var restarts = Restarts(s, engine, start);
        double optimize = clock.Elapsed.TotalSeconds;
        cancel.ThrowIfCancellationRequested();
        return Find(s, start, restarts, engine.DeviceKind, engine.DeviceName, optimize, cancel);
    }

    /// <summary>The restarts from <paramref name="start"/> (some or all of the run's), on the engine.</summary>
    public static ThetaRestarts Restarts<TQ>(ThetaBasinsSettings<TQ> s, KlEngine engine, double[] start) where TQ : class
    {
        double[] end = (double[])start.Clone();
        var (value, norm, steps, status) = engine.Restarts(s.Target.Marginal, s.Family, s.Divergence, s.Kernel(), end);
        return new ThetaRestarts(end, value, norm, steps, status);
    }

    /// <summary>
    /// One shard's restarts (a contiguous range of the run's, each from exactly the start it has in the whole run) written as a
    /// <see cref="ThetaRestartPart"/> with a manifest into <paramref name="dir"/>; <see cref="Merge"/> joins the shards.
    /// </summary>
    public static IReadOnlyList<OutputFileEntry> ComputeShard<TQ>(ThetaBasinsSettings<TQ> s, KlEngine engine, Shard shard, string dir,
        RunParameters parameters, CancellationToken cancel = default) where TQ : class
    {
        int n = s.Family.ParameterCount;
        shard.CheckItems(s.Restarts, "restarts");
        var (first, count) = shard.Contiguous(s.Restarts);
        var clock = Stopwatch.StartNew();
        var part = Restarts(s, engine, s.Starts()[(first * n)..((first + count) * n)]);
        double seconds = clock.Elapsed.TotalSeconds;
        cancel.ThrowIfCancellationRequested();
        using var batch = new OutputBatch(OutputFolder.Prepare(dir));
        ThetaRestartPart.Write(batch.Open(ThetaRestartPart.FileName, "part:restarts").Stream, part, n);
        return batch.Commit(files => RunManifest.Of("basins", parameters, new
        {
            Shard = ShardRecord.Of(shard, parameters, engine.DeviceKind, engine.DeviceName, seconds),
            Files = files,
        }));
    }

    /// <summary>The run of the whole study from its shards' restarts: the same end points, then clustering and polish as in
    /// <see cref="Compute"/>, so the basins are those of the unsharded run.</summary>
    public static ThetaBasinsRun<TQ> Merge<TQ>(ThetaBasinsSettings<TQ> s, ShardSet shards, CancellationToken cancel = default) where TQ : class
    {
        int n = s.Family.ParameterCount;
        var all = ThetaRestarts.Empty(s.Restarts, n);
        foreach (var entry in shards.Shards)
        {
            cancel.ThrowIfCancellationRequested();
            var (first, count) = entry.Shard.Contiguous(s.Restarts);
            using var reader = new NpyReader(entry.File(ThetaRestartPart.FileName));
            ThetaRestartPart.Read(reader, n, all, first, count);
        }
        var (kind, name, seconds) = shards.Device;
        return Find(s, s.Starts(), all, kind, name, seconds, cancel);
    }

    /// <summary>The basins of a run's restarts: end points clustered, polished, merged and ordered on the host in double.</summary>
    public static ThetaBasinsRun<TQ> Find<TQ>(ThetaBasinsSettings<TQ> s, double[] start, ThetaRestarts restarts, string deviceKind, string deviceName,
        double optimize, CancellationToken cancel = default) where TQ : class
    {
        var family = s.Family;
        int n = family.ParameterCount;
        var (end, value, norm, steps, status) = restarts;
        var clock = Stopwatch.StartNew();
        var polish = family.Polish(s.Target.Marginal, s.Divergence);
        var ends = new TQ?[s.Restarts];
        for (int i = 0; i < s.Restarts; i++)
            if (status[i] != RestartStatus.Diverged) ends[i] = family.EndPoint(end[(i * n)..((i + 1) * n)], value[i]);
        var clusters = new List<(int Best, List<int> Members)>();
        foreach (int i in Enumerable.Range(0, s.Restarts).Where(i => ends[i] is not null).OrderBy(i => value[i]))
        {
            int c = clusters.FindIndex(x => family.Distance(ends[x.Best]!, ends[i]!) < s.ClusterRadius);
            if (c < 0) clusters.Add((i, [i]));
            else clusters[c].Members.Add(i);
        }
        // Each cluster's polish is independent (tens of Newton steps on the polish's panels): they run side by side, and
        // are merged in the clusters' order, so the result does not depend on which finishes first.
        var points = clusters.AsParallel().AsOrdered().WithCancellation(cancel).Select(c => polish(ends[c.Best]!)).ToArray();
        var groups = new List<(ThetaStationary<TQ> Point, List<int> Members)>();
        foreach (var ((_, members), point) in clusters.Zip(points))
        {
            int g = groups.FindIndex(x => x.Point.Polished && point.Polished && x.Point.Kind == point.Kind && family.Same(x.Point, point));
            if (g < 0) groups.Add((point, [.. members]));
            else groups[g].Members.AddRange(members);
        }
        // By value; twins equal to rounding (mirror images) by where q sits, so the order is the same on every run.
        groups = groups.OrderBy(g => g.Point.Polished ? 0 : 1).ThenBy(g => Math.Round(g.Point.Value, 10)).ThenBy(g => family.Location(g.Point.Q)).ToList();
        var basinOf = Enumerable.Repeat(-1, s.Restarts).ToArray();
        var basins = new List<ThetaBasin<TQ>>();
        for (int g = 0; g < groups.Count; g++)
        {
            var (p, members) = groups[g];
            foreach (int i in members) basinOf[i] = g;
            basins.Add(new ThetaBasin<TQ>(g, p.Kind, p.Q, p.Value, members.Count, (double)members.Count / s.Restarts, p.Eigenvalues, p.FlatDirections,
                p.GradientNorm, p.Polished));
        }
        return new ThetaBasinsRun<TQ>(s, start, end, value, norm, steps, status, basinOf, basins, deviceKind, deviceName,
            optimize, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The object `--json` prints and basins.json holds.</summary>
    public static ThetaBasinsSummary Summary<TQ>(ThetaBasinsRun<TQ> run) where TQ : class => new(
        run.Settings.Target.ToString(), run.Settings.Divergence.Name(), run.Family.Name,
        run.Family.ListsParameters ? run.Family.ParameterNames : null,
        run.Status.Length, run.Converged, run.StepLimited, run.Diverged, run.Minima,
        [.. run.Basins.Select(run.Family.Json)]);

    /// <summary>basins.json, restarts.csv, densities.png (.svg) and manifest.json, committed together.</summary>
    public static IReadOnlyList<OutputFileEntry> Write<TQ>(ThetaBasinsRun<TQ> run, string dir, bool svg, CancellationToken cancel = default,
        RunParameters? parameters = null, bool html = false) where TQ : class
    {
        dir = OutputFolder.Prepare(dir);
        var s = run.Settings;
        using var batch = new OutputBatch(dir);
        WriteRestarts(batch.Open("restarts.csv", "table:restarts"), run);
        batch.Open("basins.json", "basins").Stream.Write(new UTF8Encoding(false).GetBytes(JsonFile.Serialize(Summary(run))));
        var o = FigureOptions.Default;
        var plot = ThetaDensityFigure.ForRun(s.Target, s.Divergence, s.Family, run.Basins);
        batch.Figures((c, r) => plot.Render(c, r), "densities", "figure:densities", o.Width, o.Height, svg);
        if (html) Report.ThetaBasinsReport.Write(batch, Report.ThetaBasinsReport.Of(run));
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => RunManifest.Of("basins", parameters, new
        {
            Device = new { Kind = run.DeviceKind, Name = run.DeviceName },
            Timings = new { run.OptimizeSeconds, run.PolishSeconds },
            Result = new { run.Minima, Summary = run.Summary(), Note = "landscape and basin-map figures are drawn for a Gaussian q only" },
            Files = files,
        }));
    }

    static void WriteRestarts<TQ>(AtomicFile file, ThetaBasinsRun<TQ> run) where TQ : class
    {
        int n = run.Family.ParameterCount;
        var c = CultureInfo.InvariantCulture;
        var names = run.Family.ParameterNames;
        using var w = new StreamWriter(file.Stream, new UTF8Encoding(false), leaveOpen: true);
        w.WriteLine($"restart,{string.Join(",", names.Select(x => "start_" + x))},{string.Join(",", names.Select(x => "end_" + x))},value,gradient_norm,steps,status,basin");
        for (int i = 0; i < run.Status.Length; i++)
        {
            string status = run.Status[i] switch { RestartStatus.Converged => "converged", RestartStatus.StepLimit => "step-limit", _ => "diverged" };
            bool finite = run.Status[i] != RestartStatus.Diverged;
            string Numbers(double[] a) => string.Join(",", Enumerable.Range(0, n).Select(j => finite || a == run.Start ? a[i * n + j].ToString("R", c) : ""));
            w.WriteLine($"{i},{Numbers(run.Start)},{Numbers(run.End)},{(finite ? run.Value[i].ToString("R", c) : "")},{(finite ? run.GradientNorm[i].ToString("R", c) : "")},{run.Steps[i]},{status},{run.BasinOfRestart[i]}");
        }
    }
}
