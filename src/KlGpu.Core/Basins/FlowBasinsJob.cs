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

/// <summary>What `klgpu basins --family flow:K` runs: restarts of a K-layer flow q.</summary>
public sealed record FlowBasinsSettings(
    Target Target,
    Divergence Divergence,
    int Layers,
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

    /// <summary>Restarts run in one launch, their θ and scratch held whole: this bounds that memory.</summary>
    public const int MaxRestarts = 1 << 20;

    /// <summary>End points closer than this as laws (in z, <see cref="FlowPolish.Distance"/>) are polished once.</summary>
    public const double DefaultClusterRadius = 1e-2;

    /// <summary>Layer parameters start uniform in ±these: α and β in ±1, ε and γ in ±½, around the identity layer.</summary>
    public const double ShiftRange = 1, LogScaleRange = 1, SkewRange = 0.5, LogTailRange = 0.5;

    /// <summary>
    /// θ of every start (2 + 4K numbers each): μ uniform in the mean range, σ log-uniform in the std range, each layer's α, β, ε, γ
    /// uniform in its range; number j of restart i is <see cref="CounterRandom.Uniform"/>(seed, (2 + 4K)·i + j), so a start does not
    /// depend on how many others there are, and flow:0 starts where the same seed's mixture:1 would.
    /// </summary>
    public double[] Starts()
    {
        int n = SinhArcsinhFlow.Parameters(Layers);
        double[] range = [ShiftRange, LogScaleRange, SkewRange, LogTailRange];
        var theta = new double[Restarts * n];
        for (int i = 0; i < Restarts; i++)
            for (int j = 0; j < n; j++)
            {
                double u = CounterRandom.Uniform(Seed, (ulong)((long)i * n + j));
                theta[i * n + j] = j == 0 ? MeanMin + u * (MeanMax - MeanMin)
                    : j == 1 ? Math.Log(StdMin) + u * (Math.Log(StdMax) - Math.Log(StdMin))
                    : range[(j - 2) % SinhArcsinhFlow.ParametersPerLayer] * (2 * u - 1);
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

/// <summary>One distinct stationary point of a flow fit: a representative θ, and q's quantiles T(−1), T(0), T(1).</summary>
public sealed record FlowBasin(int Id, FlowKind Kind, double[] Theta, double Value, int Count, double Fraction, double[] HessianEigenvalues,
    int FlatDirections, double GradientNorm, bool Polished)
{
    /// <summary>x = T(z) at z = −1, 0, 1: the quantiles of q at Φ(−1), ½, Φ(1), whatever θ stands for q.</summary>
    public double[] Quantiles => [SinhArcsinhFlow.Map(Theta, -1), SinhArcsinhFlow.Map(Theta, 0), SinhArcsinhFlow.Map(Theta, 1)];
}

/// <summary>A run's restarts (end points as θ), their outcome and basins, with timings.</summary>
public sealed record FlowBasinsRun(
    FlowBasinsSettings Settings,
    double[] Start,
    double[] End,
    double[] Value,
    double[] GradientNorm,
    int[] Steps,
    int[] Status,
    int[] BasinOfRestart,
    IReadOnlyList<FlowBasin> Basins,
    string DeviceKind,
    string DeviceName,
    double OptimizeSeconds,
    double PolishSeconds)
{
    public int Converged => Status.Count(s => s == RestartStatus.Converged);
    public int StepLimited => Status.Count(s => s == RestartStatus.StepLimit);
    public int Diverged => Status.Count(s => s == RestartStatus.Diverged);
    /// <summary>Polished minima: stationary points with no descent direction.</summary>
    public int Minima => Basins.Count(b => b.Polished && b.Kind == FlowKind.Minimum);

    public string Summary()
    {
        int saddles = Basins.Count(b => b.Polished && b.Kind == FlowKind.Saddle), open = Basins.Count(b => !b.Polished);
        var parts = new List<string> { $"{Minima} {(Minima == 1 ? "minimum" : "minima")}" };
        if (saddles > 0) parts.Add($"{saddles} saddle {(saddles == 1 ? "point" : "points")}");
        if (open > 0)
            parts.Add($"{open} {(open == 1 ? "end point" : "end points")} with no zero gradient near (an optimum at infinity in θ, or more steps needed)");
        string restarts = $"{Converged} of {Status.Length} restarts converged";
        if (StepLimited > 0) restarts += $", {StepLimited} reached the step limit and were polished from there";
        if (Diverged > 0) restarts += $", {Diverged} diverged";
        return string.Join("; ", [string.Join(", ", parts), restarts]);
    }
}

/// <summary>
/// Restarts of a flow q on an engine, then on the host in double: end points clustered by the distance between their maps T
/// (<see cref="FlowPolish.Distance"/>), each cluster's best end point polished (<see cref="FlowPolish"/>), polished points
/// whose maps coincide merged, ordered by value. Since T is q's quantile function composed with Φ, two θ describe the same q
/// exactly when their T agree: every symmetry of the layers' parameters (an identity layer's free input affine, absorbed by
/// the base; any other reparameterization) is merged by comparing T, never θ.
/// </summary>
public static class FlowBasinsJob
{
    /// <summary>Polished points closer than this as laws (in z) are one optimum.</summary>
    public const double MergeRadius = 1e-5;

    public static FlowBasinsRun Compute(FlowBasinsSettings s, KlEngine engine, CancellationToken cancel = default)
    {
        int n = SinhArcsinhFlow.Parameters(s.Layers);
        double[] start = s.Starts(), end = (double[])start.Clone();
        var clock = Stopwatch.StartNew();
        var (value, norm, steps, status) = engine.FlowOptimize(s.Target.Marginal, s.Layers, s.Divergence, s.Kernel(), end);
        double optimize = clock.Elapsed.TotalSeconds;
        cancel.ThrowIfCancellationRequested();

        clock.Restart();
        var polish = new FlowPolish(s.Target.Marginal, s.Divergence.Integrand);
        double[] End(int i) => end[(i * n)..((i + 1) * n)];
        var clusters = new List<(int Best, List<int> Members)>();
        foreach (int i in Enumerable.Range(0, s.Restarts).Where(i => status[i] != RestartStatus.Diverged && double.IsFinite(value[i])).OrderBy(i => value[i]))
        {
            int c = clusters.FindIndex(x => FlowPolish.Distance(End(x.Best), End(i)) < s.ClusterRadius);
            if (c < 0) clusters.Add((i, [i]));
            else clusters[c].Members.Add(i);
        }
        var groups = new List<(FlowStationary Point, List<int> Members)>();
        foreach (var (best, members) in clusters)
        {
            cancel.ThrowIfCancellationRequested();
            var point = polish.Polish(End(best));
            int g = groups.FindIndex(x => x.Point.Polished && point.Polished && x.Point.Kind == point.Kind
                && FlowPolish.Distance(x.Point.Theta, point.Theta) < MergeRadius);
            if (g < 0) groups.Add((point, [.. members]));
            else groups[g].Members.AddRange(members);
        }
        groups = groups.OrderBy(g => g.Point.Polished ? 0 : 1).ThenBy(g => Math.Round(g.Point.Value, 10))
            .ThenBy(g => SinhArcsinhFlow.Map(g.Point.Theta, 0)).ToList();
        var basinOf = Enumerable.Repeat(-1, s.Restarts).ToArray();
        var basins = new List<FlowBasin>();
        for (int g = 0; g < groups.Count; g++)
        {
            var (p, members) = groups[g];
            foreach (int i in members) basinOf[i] = g;
            basins.Add(new FlowBasin(g, p.Kind, p.Theta, p.Value, members.Count, (double)members.Count / s.Restarts, p.Eigenvalues, p.FlatDirections,
                p.GradientNorm, p.Polished));
        }
        return new FlowBasinsRun(s, start, end, value, norm, steps, status, basinOf, basins, engine.DeviceKind, engine.DeviceName,
            optimize, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The object `--json` prints and basins.json holds.</summary>
    public static object Summary(FlowBasinsRun run) => new
    {
        Target = run.Settings.Target.ToString(),
        Divergence = run.Settings.Divergence.Name(),
        Family = $"flow:{run.Settings.Layers}",
        Parameters = ParameterNames(run.Settings.Layers),
        Restarts = run.Status.Length,
        Converged = run.Converged,
        StepLimited = run.StepLimited,
        Diverged = run.Diverged,
        Minima = run.Minima,
        Basins = run.Basins.Select(b => new
        {
            b.Id,
            Kind = b.Kind.ToString().ToLowerInvariant(),
            b.Theta,
            Quantiles = b.Quantiles,
            b.Value,
            b.Fraction,
            b.Count,
            b.HessianEigenvalues,
            b.FlatDirections,
            b.GradientNorm,
            b.Polished,
        }).ToArray(),
    };

    /// <summary>θ's names: mu, log_sigma, then alpha1, beta1, epsilon1, gamma1, …</summary>
    public static string[] ParameterNames(int layers) =>
        [.. new[] { "mu", "log_sigma" }, .. Enumerable.Range(1, layers).SelectMany(k => new[] { $"alpha{k}", $"beta{k}", $"epsilon{k}", $"gamma{k}" })];

    /// <summary>basins.json, restarts.csv, densities.png (.svg) and manifest.json, committed together.</summary>
    public static IReadOnlyList<OutputFileEntry> Write(FlowBasinsRun run, string dir, bool svg, CancellationToken cancel = default, RunParameters? parameters = null,
        bool html = false)
    {
        dir = OutputFolder.Prepare(dir);
        var s = run.Settings;
        using var batch = new OutputBatch(dir);
        WriteRestarts(batch.Open("restarts.csv", "table:restarts"), run);
        batch.Open("basins.json", "basins").Stream.Write(new UTF8Encoding(false).GetBytes(JsonFile.Serialize(Summary(run))));
        var o = FigureOptions.Default;
        var plot = FlowDensityFigure.ForRun(s.Target, s.Divergence, s.Layers, run.Basins);
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

    static void WriteRestarts(AtomicFile file, FlowBasinsRun run)
    {
        int n = SinhArcsinhFlow.Parameters(run.Settings.Layers);
        var c = CultureInfo.InvariantCulture;
        var names = ParameterNames(run.Settings.Layers);
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
