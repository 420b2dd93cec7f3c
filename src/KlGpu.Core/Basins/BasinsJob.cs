using KlGpu.Families;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Sharding;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Plotting;
using KlGpu.Report;

namespace KlGpu.Basins;

/// <summary>What `klgpu basins` runs; built by the CLI from its options.</summary>
public sealed record BasinsSettings(
    Target Target,
    Divergence Divergence,
    LocationScaleFamily Family,
    int Restarts,
    int Steps,
    Optimizer Optimizer,
    double LearningRate,
    StartDesign Starts,
    double Tolerance,
    double ClusterRadius,
    int Trajectories,
    Precision Precision,
    AcceleratorChoice Accelerator)
{
    public const int DefaultRestarts = 4096;
    public const int DefaultSteps = 2000;

    /// <summary>
    /// Forward KL's default: from a narrow start its gradient in log σ is about V_p/σ² (hundreds), and Adam's second moment
    /// remembers that for thousands of steps (β2 = 0.999), so its steps stay small long after; with 2,000 steps about 16 %
    /// of the default restarts stopped short of the one minimum, with 5,000 every one converges.
    /// </summary>
    public const int DefaultForwardSteps = 5000;

    /// <summary>The default most steps for <paramref name="divergence"/>.</summary>
    public static int StepsFor(Divergence divergence) =>
        divergence.AsKl is { Kind: DivergenceKind.Forward } ? DefaultForwardSteps : DefaultSteps;
    public const double DefaultLearningRate = 0.05;
    public const double DefaultTolerance = 1e-6;
    public const double DefaultClusterRadius = 1e-3;
    public const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    /// <summary>Default start ranges for either kind of target.</summary>
    public static (double MuMin, double MuMax, double SigmaMin, double SigmaMax) DefaultRanges(Target p) =>
        p is HeavyTailedTarget heavy ? DefaultRanges(heavy.Mixture) : DefaultRanges(p.Marginal);

    /// <summary>
    /// Default start ranges from the target: μ over every component's ±3 stds, σ from a quarter of the narrowest
    /// component to twice p's standard deviation, so starts cover every mode and both narrow and broad fits.
    /// </summary>
    public static (double MuMin, double MuMax, double SigmaMin, double SigmaMax) DefaultRanges(GaussianMixture p)
    {
        double lo = Enumerable.Range(0, p.Count).Min(k => p.Means[k] - 3 * p.Stds[k]);
        double hi = Enumerable.Range(0, p.Count).Max(k => p.Means[k] + 3 * p.Stds[k]);
        return (lo, hi, p.Stds.Min() / 4, 2 * Math.Sqrt(p.Variance));
    }

    /// <summary>
    /// Default start ranges for a heavy-tailed target: μ over every component's mean ± 3 scales, σ from a quarter of the
    /// narrowest scale to twice the spread √(Σ π_k (s_k² + (m_k − m̄)²)), m̄ = Σ π_k m_k, taken with scales in place of
    /// variances so that it is finite for every ν (p's own variance is +∞ for a t with ν ≤ 2).
    /// </summary>
    public static (double MuMin, double MuMax, double SigmaMin, double SigmaMax) DefaultRanges(HeavyTailedMixture p)
    {
        double lo = Enumerable.Range(0, p.Count).Min(k => p.Means[k] - 3 * p.Scales[k]);
        double hi = Enumerable.Range(0, p.Count).Max(k => p.Means[k] + 3 * p.Scales[k]);
        double centre = Enumerable.Range(0, p.Count).Sum(k => p.Weights[k] * p.Means[k]);
        double spread = Math.Sqrt(Enumerable.Range(0, p.Count).Sum(k => p.Weights[k] * (p.Scales[k] * p.Scales[k] + Math.Pow(p.Means[k] - centre, 2))));
        return (lo, hi, p.Scales.Min() / 4, 2 * spread);
    }

    /// <summary>Recorded restarts are every stride-th. On a grid the stride (between half and all of the widest) steps
    /// the column by about the golden fraction of a row, so the paths scatter over the grid instead of lining up.</summary>
    public int TrajectoryStride(int restarts, int trajectories)
    {
        int widest = Math.Max(1, restarts / Math.Max(1, trajectories));
        if (!Starts.IsGrid || Starts.GridMu < 3) return widest;
        double goal = 0.618 * Starts.GridMu;
        return Enumerable.Range(Math.Max(1, widest / 2), widest - Math.Max(1, widest / 2) + 1)
            .OrderBy(s => Math.Abs(s % Starts.GridMu - goal)).ThenByDescending(s => s).First();
    }

    /// <summary>Across u the target is N(0, 1), so the coordinates there start in N(0, 1)'s default box
    /// (<see cref="DefaultRanges"/>: μ in [−3, 3], σ in [¼, 2]), from their own stream of the seed.</summary>
    public AcrossStarts AcrossStarts()
    {
        if (Target.Dimension == 1) return default;
        var box = DefaultRanges(GaussianMixture.Gaussian(0, 1));
        return new(Target.Dimension - 1, CounterRandom.Mix(Starts.Seed ^ 0xACD5_5EED_0000_0001UL),
            box.MuMin, box.MuMax, Math.Log(box.SigmaMin), Math.Log(box.SigmaMax));
    }

    public OptimizerSettings<double> Kernel(int trajectories) => new()
    {
        Method = Optimizer switch { Optimizer.Sgd => OptimizerMethod.Sgd, Optimizer.Momentum => OptimizerMethod.Momentum, _ => OptimizerMethod.Adam },
        MaxSteps = Steps,
        LearningRate = LearningRate,
        Beta1 = Beta1,
        Beta2 = Beta2,
        Epsilon = Epsilon,
        Tolerance = Tolerance,
        TrajectoryCount = trajectories,
        TrajectoryStride = TrajectoryStride(Starts.Count(Restarts), trajectories),
    };
}

/// <summary>Starts, end points and basins of one run, with timings.</summary>
public sealed record BasinsRun(
    BasinsSettings Settings,
    double[] StartMu,
    double[] StartLogSigma,
    RestartOutcome Outcome,
    BasinReport Report,
    string DeviceKind,
    string DeviceName,
    double OptimizeSeconds,
    double PolishSeconds)
{
    /// <summary>Recorded paths as (μ, σ) arrays, each cut where its restart stopped; path k is restart k·TrajectoryStride.</summary>
    public IReadOnlyList<(double[] Mu, double[] Sigma)> Paths()
    {
        var o = Outcome;
        int stride = Settings.Steps + 1;
        return Enumerable.Range(0, o.TrajectoryCount).Select(k =>
        {
            int length = Math.Min(o.Steps[k * o.TrajectoryStride], Settings.Steps) + 1;
            var mu = new double[length];
            var sigma = new double[length];
            for (int t = 0; t < length; t++)
            {
                mu[t] = o.Trajectories[2 * (k * stride + t)];
                sigma[t] = Math.Exp(o.Trajectories[2 * (k * stride + t) + 1]);
            }
            return (mu, sigma);
        }).ToList();
    }
}

/// <summary>The landscape under the basins (<see cref="BasinsJob.Picture"/>): a map over (μ, scale), or for a fixed scale the curve over μ.</summary>
public sealed record BasinsPicture(DivergenceMap? Map, double[]? CurveMu, double[]? CurveValues);

/// <summary>
/// Runs the restarts on an engine, finds the basins (polishing on the CPU in double precision), and writes a
/// run's files: the restarts as CSV, the basins as JSON, the figures and the manifest, each committed only
/// after everything is computed and rendered.
/// </summary>
public static class BasinsJob
{

    public static BasinsRun Compute(BasinsSettings s, KlEngine engine, Action<int>? progress = null, CancellationToken cancel = default,
        int batch = 1 << 16)
    {
        var (mu, logScale) = s.Starts.Generate(s.Restarts, s.Family);
        var clock = Stopwatch.StartNew();
        var outcome = Restarts(s, engine, mu, logScale, progress, cancel, batch);
        double optimize = clock.Elapsed.TotalSeconds;
        cancel.ThrowIfCancellationRequested();
        return Find(s, mu, logScale, outcome, engine.DeviceKind, engine.DeviceName, optimize, engine);
    }

    /// <summary>The restarts from the starts, all or only <paramref name="part"/> of them (a shard's), each by its global index.</summary>
    static RestartOutcome Restarts(BasinsSettings s, KlEngine engine, double[] mu, double[] logScale, Action<int>? progress, CancellationToken cancel,
        int batch = 1 << 16, (int First, int Count)? part = null) =>
        engine.Restarts(s.Target, s.Family, s.Divergence, s.Kernel(Math.Min(s.Trajectories, mu.Length)), mu, logScale, batch, progress, cancel,
            s.AcrossStarts(), part);

    /// <summary>Clusters and polishes the restarts' ends into basins, on the CPU in double precision (on <paramref name="engine"/>
    /// when it is exactly that): the same for a run and for a merge of its shards.</summary>
    internal static BasinsRun Find(BasinsSettings s, double[] mu, double[] logScale, RestartOutcome outcome, string deviceKind, string deviceName,
        double optimizeSeconds, KlEngine? engine)
    {
        var clock = Stopwatch.StartNew();
        bool reuse = engine is { DeviceKind: "cpu", Precision: Precision.Double };
        using var cpu = reuse ? null : KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        var polishEngine = cpu ?? engine!;
        // Across u the problem is strictly convex with its minimum at (0, 0) (Hessian diag(1, 2) in both directions), and a
        // converged restart is within the tolerance of it there: clustering and polishing along u is clustering in all 2d numbers.
        var finder = new BasinFinder((m, ls) => polishEngine.Gradient(s.Target, s.Family, s.Divergence, m, ls), s.Family.FixedScale is not null,
            s.ClusterRadius);
        var report = finder.Find(outcome);
        return new BasinsRun(s, mu, logScale, outcome, report, deviceKind, deviceName, optimizeSeconds, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// One shard's restarts (a contiguous range of the run's, each from exactly the start it has in the whole run) written as
    /// <see cref="RestartPart"/> files with a manifest into <paramref name="dir"/>; <see cref="Merge"/> joins the shards.
    /// </summary>
    public static IReadOnlyList<OutputFileEntry> ComputeShard(BasinsSettings s, KlEngine engine, Shard shard, string dir, RunParameters parameters,
        Action<int>? progress = null, CancellationToken cancel = default)
    {
        var (mu, logScale) = s.Starts.Generate(s.Restarts, s.Family);
        shard.CheckItems(mu.Length, "restarts");
        var part = shard.Contiguous(mu.Length);
        var clock = Stopwatch.StartNew();
        var outcome = Restarts(s, engine, mu, logScale, progress, cancel, part: part);
        double seconds = clock.Elapsed.TotalSeconds;
        cancel.ThrowIfCancellationRequested();
        using var batch = new OutputBatch(OutputFolder.Prepare(dir));
        RestartPart.Write(batch.Open(RestartPart.FileName, "part:restarts").Stream, outcome, part.First, part.Count);
        if (outcome.TrajectoryCount > 0)
            RestartPart.WritePaths(batch.Open(RestartPart.PathsName, "part:paths").Stream, outcome,
                RestartPart.Paths(outcome.TrajectoryCount, outcome.TrajectoryStride, part.First, part.Count));
        return batch.Commit(files => RunManifest.Of("basins", parameters, new
        {
            Shard = ShardRecord.Of(shard, parameters, engine.DeviceKind, engine.DeviceName, seconds),
            Files = files,
        }));
    }

    /// <summary>The run of the whole study from its shards' restarts: the same outcome, then clustering and polish as in
    /// <see cref="Compute"/>, so the basins are those of the unsharded run.</summary>
    public static BasinsRun Merge(BasinsSettings s, ShardSet shards, CancellationToken cancel = default)
    {
        var (mu, logScale) = s.Starts.Generate(s.Restarts, s.Family);
        var kernel = s.Kernel(Math.Min(s.Trajectories, mu.Length));
        var outcome = new RestartOutcome(mu.Length, kernel.TrajectoryCount, KlEngine.PathStride(kernel, mu.Length), kernel.MaxSteps);
        foreach (var entry in shards.Shards)
        {
            cancel.ThrowIfCancellationRequested();
            var part = entry.Shard.Contiguous(mu.Length);
            using (var reader = new NpyReader(entry.File(RestartPart.FileName))) RestartPart.Read(reader, 0, outcome, part.First, part.Count);
            if (outcome.TrajectoryCount > 0)
            {
                using var paths = new NpyReader(entry.File(RestartPart.PathsName));
                RestartPart.ReadPaths(paths, outcome, RestartPart.Paths(outcome.TrajectoryCount, outcome.TrajectoryStride, part.First, part.Count));
            }
        }
        var (kind, name, seconds) = shards.Device;
        return Find(s, mu, logScale, outcome, kind, name, seconds, null);
    }

    /// <summary>What the basins figure draws under the basins: the map for a free scale, the curve over μ for a fixed one. Only
    /// a run that is drawn needs it (a sweep's or a curve's runs are not), so it is its own step between Compute and Write.</summary>
    public static BasinsPicture Picture(BasinsRun run, KlEngine engine)
    {
        var s = run.Settings;
        if (s.Family.FixedScale is not { } fixedSigma) return new BasinsPicture(Map(s, run.Report.Basins, engine), null, null);
        double[] mu = new GridAxis(s.Starts.MuMin, s.Starts.MuMax, 801).Values();
        double[] logSigma = mu.Select(_ => Math.Log(fixedSigma)).ToArray();
        return new BasinsPicture(null, mu, engine.Gradient(s.Target, s.Family, s.Divergence, mu, logSigma).Value);
    }

    /// <summary>The object `--json` prints and basins.json holds.</summary>
    public static object Summary(BasinsRun run) => new
    {
        Target = run.Settings.Target.ToString(),
        Divergence = run.Settings.Divergence.Name(),
        Family = run.Settings.Family.Name,
        Dimension = run.Settings.Target.Dimension,
        AcrossU = AcrossSummary(run),
        Restarts = run.Report.Restarts,
        Converged = run.Report.Converged,
        NotConverged = run.Report.Restarts - run.Report.Converged,
        Diverged = run.Report.Diverged,
        Minima = run.Report.Minima,
        Basins = run.Report.Basins.Select(b => new
        {
            b.Id,
            b.Mu,
            b.Sigma,
            b.Value,
            b.Fraction,
            b.Count,
            Kind = b.Kind,
            b.HessianEigenvalues,
            b.GradientNorm,
            b.Polished,
        }).ToArray(),
    };

    /// <summary>For the d-dimensional target: where the coordinates across u end (their closed-form optimum and Hessian,
    /// and how far the converged restarts stopped from it); null in 1-D, so 1-D output is unchanged.</summary>
    static object? AcrossSummary(BasinsRun run)
    {
        if (run.Settings.Target.Dimension == 1) return null;
        return new
        {
            Optimum = "mu_i = 0, sigma_i = 1 for i = 2..d",
            HessianEigenvalues = new[] { 1.0, 2.0 },
            MaxAbsMu = Converged(run).Select(i => run.Outcome.AcrossMaxMu[i]).DefaultIfEmpty().Max(),
            MaxAbsLogSigma = Converged(run).Select(i => run.Outcome.AcrossMaxLogSigma[i]).DefaultIfEmpty().Max(),
        };
    }

    static IEnumerable<int> Converged(BasinsRun run) =>
        Enumerable.Range(0, run.Outcome.Status.Length).Where(i => run.Outcome.Status[i] == RestartStatus.Converged);

    /// <summary>The farthest any converged restart stopped from the optimum across u, in μ or log σ (0 in 1-D).</summary>
    public static double AcrossDeviation(BasinsRun run) => Converged(run)
        .Select(i => Math.Max(run.Outcome.AcrossMaxMu[i], run.Outcome.AcrossMaxLogSigma[i])).DefaultIfEmpty().Max();

    /// <summary>Writes every file of a run into <paramref name="dir"/>; returns the files with their roles.</summary>
    public static IReadOnlyList<OutputFileEntry> Write(BasinsRun run, BasinsPicture picture, string dir, bool svg, CancellationToken cancel = default,
        bool animate = false, RunParameters? parameters = null, bool html = false)
    {
        dir = OutputFolder.Prepare(dir);
        var s = run.Settings;
        using var batch = new OutputBatch(dir);
        WriteRestarts(batch.Open("restarts.csv", "table:restarts"), run);
        batch.Open("basins.json", "basins").Stream.Write(new UTF8Encoding(false).GetBytes(JsonFile.Serialize(Summary(run))));

        var options = FigureOptions.For(s.Family);
        var paths = run.Paths();
        var map = picture.Map;
        foreach (string ext in svg ? [".png", ".svg"] : new[] { ".png" })
        {
            cancel.ThrowIfCancellationRequested();
            ScottPlot.Plot basinsPlot;
            if (s.Family.FixedScale is { } fixedSigma)
                basinsPlot = BasinFigure.Curve(s.Target, s.Divergence.Label(), fixedSigma, picture.CurveMu!, picture.CurveValues!, run.Report.Basins,
                    paths.Select(p => p.Mu).ToList());
            else basinsPlot = BasinFigure.Landscape(map!, s.Target, run.Report.Basins, paths, options);
            batch.Figure((c, r) => basinsPlot.Render(c, r), "basins" + ext, "figure:basins", options.Width + BasinFigure.LegendWidth, options.Height);

            var densities = DensityFigure.ForRun(s.Target, s.Divergence, run.Report.Basins, s.Family);
            batch.Figure((c, r) => densities.Render(c, r), "densities" + ext, "figure:densities", options.Width * densities.Subplots.Count, options.Height);
            if (s.Starts.IsGrid)
            {
                var plot = BasinFigure.BasinMap(s.Starts, run.Report.BasinOfRestart, run.Report.Basins, s.Target, s.Divergence.Label());
                batch.Figure((c, r) => plot.Render(c, r), "basin-map" + ext, "figure:basin-map", options.Width, options.Height);
            }
        }
        if (animate && map is not null && paths.Count > 0)
        {
            cancel.ThrowIfCancellationRequested();
            batch.Open("basins.gif", "animation").Stream.Write(BasinAnimation.Gif(map, s.Target, paths, run.Report.Basins));
        }
        if (html)
        {
            cancel.ThrowIfCancellationRequested();
            batch.Open(ReportPage.FileName, ReportPage.Role).Stream.Write(ReportPage.Html(
                $"Basins of {s.Divergence.Label()}, q = {s.Family.Describe}, p = {s.Target}", ReportData.Basins(run, picture)));
        }
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => Manifest(run, parameters, files));
    }

    /// <summary>The landscape under the basins: the start ranges widened to include every basin, 256² points, σ log-spaced.</summary>
    static DivergenceMap Map(BasinsSettings s, IReadOnlyList<Basin> basins, KlEngine engine)
    {
        const int n = 256;
        var b = s.Starts;
        double muMin = basins.Select(x => x.Mu).Append(b.MuMin).Min(), muMax = basins.Select(x => x.Mu).Append(b.MuMax).Max();
        double sMin = basins.Select(x => x.Sigma / 1.2).Append(b.SigmaMin).Min(), sMax = basins.Select(x => x.Sigma * 1.2).Append(b.SigmaMax).Max();
        double margin = 0.02 * (muMax - muMin);
        var mu = new GridAxis(muMin - margin, muMax + margin, n);
        var sigma = new GridAxis(sMin, sMax, n, Geometric: true);
        var values = new double[n, n];
        GridMinimum? best = null;
        void OnTile(LandscapeTile tile)
        {
            double[] v = tile.Values[s.Divergence];
            for (int r = 0; r < tile.Rows; r++)
                for (int c = 0; c < tile.Columns; c++)
                {
                    double x = v[r * tile.Columns + c];
                    values[tile.FirstRow + r, c] = x;
                    if (best is null || x < best.Value) best = new GridMinimum(mu.At(c), sigma.At(tile.FirstRow + r), x);
                }
        }
        engine.Landscape(s.Target, s.Family, mu, sigma, [s.Divergence], OnTile);
        return new DivergenceMap(s.Divergence, mu, sigma, values, best!);
    }

    static void WriteRestarts(AtomicFile file, BasinsRun run)
    {
        var o = run.Outcome;
        using var w = new StreamWriter(file.Stream, new UTF8Encoding(false), leaveOpen: true);
        bool across = run.Settings.Target.Dimension > 1;
        w.WriteLine("restart,start_mu,start_sigma,end_mu,end_sigma,value,gradient_norm,steps,status,basin" + (across ? ",across_max_abs_mu,across_max_abs_log_sigma" : ""));
        for (int i = 0; i < o.EndMu.Length; i++)
        {
            string status = o.Status[i] switch { RestartStatus.Converged => "converged", RestartStatus.StepLimit => "step-limit", _ => "diverged" };
            bool finite = o.Status[i] != RestartStatus.Diverged;
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{i},{run.StartMu[i]:R},{Math.Exp(run.StartLogSigma[i]):R},{(finite ? o.EndMu[i].ToString("R", CultureInfo.InvariantCulture) : "")},{(finite ? Math.Exp(o.EndLogSigma[i]).ToString("R", CultureInfo.InvariantCulture) : "")},{(finite ? o.Value[i].ToString("R", CultureInfo.InvariantCulture) : "")},{(finite ? o.GradientNorm[i].ToString("R", CultureInfo.InvariantCulture) : "")},{o.Steps[i]},{status},{run.Report.BasinOfRestart[i]}{(across ? string.Create(CultureInfo.InvariantCulture, $",{o.AcrossMaxMu[i]:R},{o.AcrossMaxLogSigma[i]:R}") : "")}"));
        }
    }

    static object Manifest(BasinsRun run, RunParameters? parameters, IReadOnlyList<OutputFileEntry> files) => RunManifest.Of("basins", parameters, new
    {
        Device = new { Kind = run.DeviceKind, Name = run.DeviceName },
        Timings = new { run.OptimizeSeconds, run.PolishSeconds },
        Result = Summary(run),
        Files = files,
    });
}
