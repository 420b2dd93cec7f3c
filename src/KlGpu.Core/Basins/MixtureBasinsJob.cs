using System.Diagnostics;
using System.Globalization;
using System.Text;
using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Plotting;

namespace KlGpu.Basins;

/// <summary>What `klgpu basins --family mixture:K` runs: restarts of a K-component mixture q.</summary>
public sealed record MixtureBasinsSettings(
    Target Target,
    Divergence Divergence,
    int Components,
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
    AcceleratorChoice Accelerator)
{
    /// <summary>Each restart integrates on panels (about a thousand nodes a step), so fewer than for a Gaussian q.</summary>
    public const int DefaultRestarts = 256, DefaultSteps = 1500;

    /// <summary>Restarts run in one launch, their θ and scratch (15K numbers each) held whole: this bounds that memory.</summary>
    public const int MaxRestarts = 1 << 20;

    /// <summary>End points closer than this (weights, means, log stds, after canonical ordering) are polished once.</summary>
    public const double DefaultClusterRadius = 1e-2;

    /// <summary>Logits start uniform in ±this: weights within a factor e² of each other.</summary>
    public const double LogitRange = 1;


    /// <summary>
    /// θ of every start (3K numbers each): logits uniform in ±<see cref="LogitRange"/>, means uniform in the mean range,
    /// stds log-uniform in the std range; number j of restart i is <see cref="CounterRandom.Uniform"/>(seed, 3K·i + j), so
    /// a start does not depend on how many others there are.
    /// </summary>
    public double[] Starts()
    {
        int k = Components, n = MixtureFit.ParametersPerComponent * k;
        var theta = new double[Restarts * n];
        for (int i = 0; i < Restarts; i++)
            for (int j = 0; j < n; j++)
            {
                double u = CounterRandom.Uniform(Seed, (ulong)((long)i * n + j));
                theta[i * n + j] = j < k ? LogitRange * (2 * u - 1)
                    : j < 2 * k ? MeanMin + u * (MeanMax - MeanMin)
                    : Math.Log(StdMin) + u * (Math.Log(StdMax) - Math.Log(StdMin));
            }
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

/// <summary>One distinct optimum of a mixture fit; q in canonical order (components sorted by mean).</summary>
public sealed record MixtureBasin(int Id, MixtureKind Kind, GaussianMixture Q, double Value, int Count, double Fraction,
    double[] HessianEigenvalues, double GradientNorm, bool Polished);

/// <summary>A run's restarts (end points as θ, 3K numbers each), their outcome and basins, with timings.</summary>
public sealed record MixtureBasinsRun(
    MixtureBasinsSettings Settings,
    double[] Start,
    double[] End,
    double[] Value,
    double[] GradientNorm,
    int[] Steps,
    int[] Status,
    int[] BasinOfRestart,
    IReadOnlyList<MixtureBasin> Basins,
    string DeviceKind,
    string DeviceName,
    double OptimizeSeconds,
    double PolishSeconds)
{
    public int Converged => Status.Count(s => s == RestartStatus.Converged);
    public int StepLimited => Status.Count(s => s == RestartStatus.StepLimit);
    public int Diverged => Status.Count(s => s == RestartStatus.Diverged);
    public int Minima => Basins.Count(b => b.Kind == MixtureKind.Minimum);

    /// <summary>"2 minima, 1 degenerate optimum; 240 of 256 restarts converged (16 polished from the step limit)".</summary>
    public string Summary()
    {
        int degenerate = Basins.Count(b => b.Kind == MixtureKind.Degenerate), saddles = Basins.Count(b => b.Kind == MixtureKind.Saddle);
        var parts = new List<string> { $"{Minima} {(Minima == 1 ? "minimum" : "minima")}" };
        if (degenerate > 0) parts.Add($"{degenerate} degenerate {(degenerate == 1 ? "optimum" : "optima")} (q collapsed to fewer components)");
        if (saddles > 0) parts.Add($"{saddles} saddle {(saddles == 1 ? "point" : "points")}");
        string restarts = $"{Converged} of {Status.Length} restarts converged";
        if (StepLimited > 0) restarts += $", {StepLimited} reached the step limit and were polished from there";
        if (Diverged > 0) restarts += $", {Diverged} diverged";
        int unassigned = BasinOfRestart.Count(b => b < 0) - Diverged;
        if (unassigned > 0) restarts += $", {unassigned} did not polish to a stationary point";
        return string.Join("; ", [string.Join(", ", parts), restarts]);
    }
}

/// <summary>
/// Restarts of a mixture q on an engine, then on the host in double: end points put in canonical order (components by
/// mean) and clustered, each cluster's best end point polished (<see cref="MixturePolish"/>), polished points that coincide
/// merged (so the K! orderings of one optimum are one basin, and a collapse reached as a vanishing weight or as two equal
/// components is one degenerate basin), ordered by value. Mirror images differ in their means and stay two basins.
/// </summary>
public static class MixtureBasinsJob
{
    /// <summary>Polished points closer than this (canonical weights, means, log stds) are one optimum.</summary>
    public const double MergeRadius = 1e-6;

    public static MixtureBasinsRun Compute(MixtureBasinsSettings s, KlEngine engine, CancellationToken cancel = default)
    {
        int k = s.Components, n = MixtureFit.ParametersPerComponent * k;
        double[] start = s.Starts(), end = (double[])start.Clone();
        var clock = Stopwatch.StartNew();
        var (value, norm, steps, status) = engine.MixtureOptimize(s.Target.Marginal, k, s.Divergence, s.Kernel(), end);
        double optimize = clock.Elapsed.TotalSeconds;
        cancel.ThrowIfCancellationRequested();

        clock.Restart();
        var polish = new MixturePolish(s.Target.Marginal, s.Divergence.Integrand, s.Divergence.Order);
        var ends = new GaussianMixture?[s.Restarts];
        for (int i = 0; i < s.Restarts; i++)
            if (status[i] != RestartStatus.Diverged) ends[i] = EndPoint(end[(i * n)..((i + 1) * n)], k);
        // Greedy clusters in canonical coordinates; the best end point of each is polished.
        var clusters = new List<(int Best, List<int> Members)>();
        foreach (int i in Enumerable.Range(0, s.Restarts).Where(i => ends[i] is not null).OrderBy(i => value[i]))
        {
            int c = clusters.FindIndex(x => MixturePolish.Distance(ends[x.Best]!, ends[i]!) < s.ClusterRadius);
            if (c < 0) clusters.Add((i, [i]));
            else clusters[c].Members.Add(i);
        }
        // Each cluster's polish is independent (tens of Newton steps on the polish's panels): they run side by side, and
        // are merged in the clusters' order, so the result does not depend on which finishes first.
        var points = clusters.AsParallel().AsOrdered().WithCancellation(cancel).Select(c => polish.Polish(ends[c.Best]!)).ToArray();
        var groups = new List<(MixtureStationary Point, List<int> Members)>();
        foreach (var ((_, members), point) in clusters.Zip(points))
        {
            int g = groups.FindIndex(x => x.Point.Polished && point.Polished && x.Point.Kind == point.Kind && Same(x.Point, point));
            if (g < 0) groups.Add((point, [.. members]));
            else groups[g].Members.AddRange(members);
        }
        // By value; twins equal to rounding (mirror images) by their first mean, so the order is the same on every run.
        groups = groups.OrderBy(g => g.Point.Polished ? 0 : 1).ThenBy(g => Math.Round(g.Point.Value, 10)).ThenBy(g => g.Point.Q.Means[0]).ToList();
        var basinOf = Enumerable.Repeat(-1, s.Restarts).ToArray();
        var basins = new List<MixtureBasin>();
        for (int g = 0; g < groups.Count; g++)
        {
            var (p, members) = groups[g];
            foreach (int i in members) basinOf[i] = g;
            basins.Add(new MixtureBasin(g, p.Kind, p.Q, p.Value, members.Count, (double)members.Count / s.Restarts, p.Eigenvalues, p.GradientNorm, p.Polished));
        }
        return new MixtureBasinsRun(s, start, end, value, norm, steps, status, basinOf, basins, engine.DeviceKind, engine.DeviceName,
            optimize, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Within <see cref="MergeRadius"/>; or, where the landscape is so flat near a collapse that polish leaves points 1e-4
    /// apart, within 1e-2 and equal in value to 1e-12 (mirror twins, equal in value, are much farther apart).</summary>
    static bool Same(MixtureStationary a, MixtureStationary b)
    {
        double d = MixturePolish.Distance(a.Q, b.Q);
        return d < MergeRadius || (d < 1e-2 && Math.Abs(a.Value - b.Value) <= 1e-12 * Math.Max(1, Math.Abs(a.Value)));
    }

    /// <summary>The canonical mixture of an end point; a weight that underflowed is kept at the smallest positive double, so the
    /// collapse is still seen.</summary>
    static GaussianMixture EndPoint(double[] theta, int count)
    {
        double top = theta.Take(count).Max();
        return MixturePolish.Canonical(MixtureFit.Mixture(theta.Select((v, j) => j < count ? Math.Max(v, top - 700) : v).ToArray()));
    }

    /// <summary>The object `--json` prints and basins.json holds.</summary>
    public static object Summary(MixtureBasinsRun run) => new
    {
        Target = run.Settings.Target.ToString(),
        Divergence = run.Settings.Divergence.Name(),
        Family = $"mixture:{run.Settings.Components}",
        Restarts = run.Status.Length,
        Converged = run.Converged,
        StepLimited = run.StepLimited,
        Diverged = run.Diverged,
        Minima = run.Minima,
        Basins = run.Basins.Select(b => new
        {
            b.Id,
            Kind = b.Kind.ToString().ToLowerInvariant(),
            Weights = b.Q.Weights,
            Means = b.Q.Means,
            Stds = b.Q.Stds,
            b.Value,
            b.Fraction,
            b.Count,
            b.HessianEigenvalues,
            b.GradientNorm,
            b.Polished,
        }).ToArray(),
    };

    /// <summary>basins.json, restarts.csv, densities.png (.svg) and manifest.json, committed together.</summary>
    public static IReadOnlyList<OutputFileEntry> Write(MixtureBasinsRun run, string dir, bool svg, CancellationToken cancel = default, RunParameters? parameters = null)
    {
        dir = OutputFolder.Prepare(dir);
        var s = run.Settings;
        using var batch = new OutputBatch(dir);
        WriteRestarts(batch.Open("restarts.csv", "table:restarts"), run);
        batch.Open("basins.json", "basins").Stream.Write(new UTF8Encoding(false).GetBytes(JsonFile.Serialize(Summary(run))));
        var o = FigureOptions.Default;
        var plot = MixtureDensityFigure.ForRun(s.Target, s.Divergence, s.Components, run.Basins);
        batch.Figures((c, r) => plot.Render(c, r), "densities", "figure:densities", o.Width, o.Height, svg);
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => RunManifest.Of("basins", parameters, new
        {
            Device = new { Kind = run.DeviceKind, Name = run.DeviceName },
            Timings = new { run.OptimizeSeconds, run.PolishSeconds },
            Result = new { run.Minima, Summary = run.Summary(), Note = "landscape and basin-map figures are drawn for a Gaussian q only" },
            Files = files,
        }));
    }

    static void WriteRestarts(AtomicFile file, MixtureBasinsRun run)
    {
        int k = run.Settings.Components, n = MixtureFit.ParametersPerComponent * k;
        var c = CultureInfo.InvariantCulture;
        using var w = new StreamWriter(file.Stream, new UTF8Encoding(false), leaveOpen: true);
        string Columns(string prefix) => string.Join(",", new[] { "logit", "mean", "log_std" }.SelectMany(name => Enumerable.Range(1, k).Select(j => $"{prefix}{name}{j}")));
        w.WriteLine($"restart,{Columns("start_")},{Columns("end_")},value,gradient_norm,steps,status,basin");
        for (int i = 0; i < run.Status.Length; i++)
        {
            string status = run.Status[i] switch { RestartStatus.Converged => "converged", RestartStatus.StepLimit => "step-limit", _ => "diverged" };
            bool finite = run.Status[i] != RestartStatus.Diverged;
            string Numbers(double[] a) => string.Join(",", Enumerable.Range(0, n).Select(j => finite || a == run.Start ? a[i * n + j].ToString("R", c) : ""));
            w.WriteLine($"{i},{Numbers(run.Start)},{Numbers(run.End)},{(finite ? run.Value[i].ToString("R", c) : "")},{(finite ? run.GradientNorm[i].ToString("R", c) : "")},{run.Steps[i]},{status},{run.BasinOfRestart[i]}");
        }
    }
}
