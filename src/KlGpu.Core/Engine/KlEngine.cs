using ILGPU;
using ILGPU.Runtime;
using KlGpu.Accelerators;
using KlGpu.Families;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Engine;

/// <summary>The coordinates across u of restarts fitted to the d-dimensional two-mode target: Count = d − 1 of them per restart,
/// started uniformly in μ and log σ over the boxes from a counter-based stream of Seed; Count = 0 for a 1-D fit.</summary>
public readonly record struct AcrossStarts(int Count, ulong Seed, double MuMin, double MuMax, double LogSigmaMin, double LogSigmaMax)
{
    /// <summary>The KL across u: the same direction as along u, set by the engine from the divergence.</summary>
    public FIntegrand Divergence { get; init; }
}

/// <summary>One tile of a landscape: rows [FirstRow, FirstRow + Rows) of σ, every μ; each divergence's array is [row, μ].</summary>
public sealed record LandscapeTile(int FirstRow, int Rows, int Columns, IReadOnlyDictionary<Divergence, double[]> Values)
{
    public double[]? Forward => Values.GetValueOrDefault(Divergence.Forward);
    public double[]? Reverse => Values.GetValueOrDefault(Divergence.Reverse);
}

/// <summary>Where each restart ended (arrays by restart), and the recorded paths: path k belongs to restart
/// k·TrajectoryStride, and its iterate t is (Trajectories[2(k(MaxSteps+1) + t)], the next entry) in (μ, log σ);
/// after the restart stopped, its end point repeats.</summary>
public sealed class RestartOutcome(int restarts, int trajectories, int trajectoryStride, int maxSteps)
{
    /// <summary>For the d-dimensional target, per restart how far the coordinates across u ended from their optimum
    /// (0, 0): max |μ_i| and max |log σ_i| over i = 2…d; zero in 1-D.</summary>
    public double[] AcrossMaxMu { get; } = new double[restarts];
    public double[] AcrossMaxLogSigma { get; } = new double[restarts];
    public int TrajectoryStride { get; } = trajectoryStride;
    public double[] EndMu { get; } = new double[restarts];
    public double[] EndLogSigma { get; } = new double[restarts];
    public double[] Value { get; } = new double[restarts];
    public double[] GradientNorm { get; } = new double[restarts];
    public int[] Steps { get; } = new int[restarts];
    /// <summary>A <see cref="RestartStatus"/> code.</summary>
    public int[] Status { get; } = new int[restarts];
    public int TrajectoryCount { get; } = trajectories;
    public double[] Trajectories { get; } = new double[trajectories * (maxSteps + 1) * 2];
}

/// <summary>One launch's share of the restarts: its starts in <see cref="Mu"/> and <see cref="LogSigma"/>, which the kernel
/// overwrites with the end points, and the ends' value, gradient norm, steps and status.</summary>
sealed class RestartBatch(double[] startMu, double[] startLogSigma, int first, int count)
{
    public int First { get; } = first;
    public double[] Mu { get; } = startMu[first..(first + count)];
    public double[] LogSigma { get; } = startLogSigma[first..(first + count)];
    public double[] Value { get; } = new double[count];
    public double[] Norm { get; } = new double[count];
    public int[] Steps { get; } = new int[count];
    public int[] Status { get; } = new int[count];

    public void StoreIn(RestartOutcome result)
    {
        Mu.CopyTo(result.EndMu, First);
        LogSigma.CopyTo(result.EndLogSigma, First);
        Value.CopyTo(result.Value, First);
        Norm.CopyTo(result.GradientNorm, First);
        Steps.CopyTo(result.Steps, First);
        Status.CopyTo(result.Status, First);
    }
}

/// <summary>
/// The divergence engine: owns the ILGPU context and one accelerator, computes divergences between mixtures
/// and streams (μ, σ) landscapes in tiles. All numbers go through the kernels in the chosen precision.
/// </summary>
public sealed class KlEngine : IDisposable
{
    /// <summary>Numbers of optimizer state across u per launch (512 MB in double).</summary>
    public const long MaxAcrossState = 1L << 26;

    /// <summary>Grid points per launch: bounds device and host memory whatever the grid size.</summary>
    public const int DefaultTilePoints = 1 << 22;

    readonly Context context;
    readonly IBackend backend;
    /// <summary>What is prepared once per target: its plan and, when forward KL asks, its moments (the entropy is a kernel launch).</summary>
    sealed class Prepared(GaussianMixture mixture, LogMixturePlan plan)
    {
        public GaussianMixture Mixture { get; } = mixture;
        public LogMixturePlan Plan { get; } = plan;
        public TargetMoments<double>? Moments { get; set; }
    }

    /// <summary>The most recently used targets, newest last: a sweep or a bisection makes a new target at every step,
    /// and a plan holds megabytes, so only a few are kept.</summary>
    readonly List<Prepared> prepared = [];
    const int PlanCacheSize = 4;

    public string DeviceKind { get; }
    public string DeviceName { get; }
    public Precision Precision { get; }
    public int TilePoints { get; }

    KlEngine(Context context, Device device, Precision precision, CpuExecution cpu, int tilePoints)
    {
        this.context = context;
        TilePoints = tilePoints;
        Precision = precision;
        var accelerator = device.CreateAccelerator(context);
        bool parallelCpu = device.AcceleratorType == AcceleratorType.CPU && cpu == CpuExecution.Parallel;
        DeviceKind = device.AcceleratorType switch
        {
            AcceleratorType.Cuda => "cuda",
            AcceleratorType.OpenCL => "opencl",
            _ => parallelCpu ? "cpu" : "cpu-ilgpu",
        };
        DeviceName = device.AcceleratorType == AcceleratorType.CPU
            ? $"CPU, {Environment.ProcessorCount} cores ({(parallelCpu ? "kernel bodies in Parallel.For" : "ILGPU CPU accelerator")})"
            : device.Name;
        backend = precision == Precision.Double
            ? new Backend<double, F64>(accelerator, parallelCpu)
            : new Backend<float, F32>(accelerator, parallelCpu);
    }

    public static KlEngine Create(AcceleratorChoice accelerator = default, Precision precision = Precision.Double,
        CpuExecution cpu = CpuExecution.Parallel, int tilePoints = DefaultTilePoints)
    {
        if (tilePoints < 1) throw new ArgumentOutOfRangeException(nameof(tilePoints));
        var context = ComputeDevices.CreateContext();
        try
        {
            return new KlEngine(context, ComputeDevices.Select(context, accelerator), precision, cpu, tilePoints);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public LogMixturePlan Plan(GaussianMixture f) => Prepare(f).Plan;

    Prepared Prepare(GaussianMixture f)
    {
        int i = prepared.FindIndex(x => ReferenceEquals(x.Mixture, f));
        var entry = i >= 0 ? prepared[i] : new Prepared(f, new LogMixturePlan(f));
        if (i >= 0) prepared.RemoveAt(i);
        prepared.Add(entry);
        if (prepared.Count > PlanCacheSize) prepared.RemoveAt(0);
        return entry;
    }

    /// <summary>E_{N(μ_i, σ_i)}[log f] for each i.</summary>
    public double[] ExpectedLog(GaussianMixture f, double[] mu, double[] sigma) => backend.ExpectedLog(Plan(f), mu, sigma);

    /// <summary>Σ_k w_k E_{N(m_k, s_k)}[log f] = E_g[log f] for a mixture g, one kernel thread per component.</summary>
    public double CrossExpectation(GaussianMixture g, GaussianMixture f)
    {
        double[] e = ExpectedLog(f, g.Means, g.Stds);
        double s = 0;
        for (int k = 0; k < g.Count; k++) s += g.Weights[k] * e[k];
        return s;
    }

    /// <summary>H(f) = −E_f[log f].</summary>
    public double Entropy(GaussianMixture f) => -CrossExpectation(f, f);

    /// <summary>KL(p||q) = E_p[log p] − E_p[log q].</summary>
    public double Forward(GaussianMixture p, GaussianMixture q) => CrossExpectation(p, p) - CrossExpectation(p, q);

    /// <summary>KL(q||p) = E_q[log q] − E_q[log p].</summary>
    public double Reverse(GaussianMixture p, GaussianMixture q) => CrossExpectation(q, q) - CrossExpectation(q, p);

    /// <summary>
    /// Any divergence of the family between mixtures p and q. The KLs (and α, Rényi at their KL orders) go to the KL
    /// code; a Gaussian q runs the f-divergence kernel in the engine's precision; a mixture q runs the same quadrature
    /// and integrand on the host in double.
    /// </summary>
    public double Evaluate(GaussianMixture p, GaussianMixture q, Divergence divergence)
    {
        if (divergence.AsKl is { } kl) return kl.Kind == DivergenceKind.Forward ? Forward(p, q) : Reverse(p, q);
        if (divergence.Kernel is { } imq)
        {
            if (q.Count > 1) throw new UnsupportedFitException(FitPart.Family, $"{divergence.Name()} takes a single Gaussian q, not a mixture of {q.Count}");
            double[] ksd = new double[1];
            backend.GaussianKsd(Plan(p), [q.Means[0]], [q.Stds[0]], imq.C, imq.Beta, ksd);
            return ksd[0];
        }
        if (q.Count > 1) return FDivergenceQuadrature.Divergence(divergence.Integrand, divergence.Order, p, q);
        double[] value = new double[1];
        backend.GaussianFDivergence(Plan(p), [q.Means[0]], [q.Stds[0]], divergence.Integrand, divergence.Order, value);
        return value[0];
    }

    /// <summary>A divergence over a 2-D slice through a θ family's q (<see cref="ThetaSlice"/>): values [y, x]. The family
    /// refuses what it cannot map before any work.</summary>
    public double[] Slice(GaussianMixture p, ThetaSlice slice, Divergence divergence)
    {
        slice.Family.CheckMap(p, [divergence]);
        return slice.Values(this, p, divergence);
    }

    /// <summary>The mixture slice's launch: every point's q on the f-divergence panels.</summary>
    internal double[] MixtureSlice(GaussianMixture p, MixtureSlice slice, Divergence divergence)
    {
        if (divergence.Kernel is not null) throw new UnsupportedFitException(FitPart.Divergence, $"{divergence.Name()} maps Gaussian q only; a mixture slice has no KSD yet");
        var q = slice.Q;
        double[] baseQ = [.. q.Weights, .. q.Means, .. q.Stds];
        var output = new double[slice.X.Axis.Count * slice.Y.Axis.Count];
        backend.MixtureSlice(Plan(p), baseQ, slice.X.Parameter.Code(q.Count), slice.Y.Parameter.Code(q.Count), slice.X.Axis.Values(),
            slice.Y.Axis.Values(), divergence.Integrand, divergence.Order, output);
        return output;
    }

    /// <summary>
    /// Optimizer restarts of a θ family's q (a mixture's components, a flow's layers), one per start: <paramref name="theta"/>
    /// holds the family's <see cref="ThetaFamily.ParameterCount"/> numbers per restart and receives the end points. The family
    /// refuses what it cannot fit (<see cref="FitFamily.CheckRestarts"/>) before any work.
    /// </summary>
    public (double[] Value, double[] GradientNorm, int[] Steps, int[] Status) Restarts(GaussianMixture p, ThetaFamily q, Divergence divergence,
        OptimizerSettings<double> settings, double[] theta)
    {
        var objective = q.Objective(Plan(p), divergence);
        int n = theta.Length / objective.Size;
        if (n * objective.Size != theta.Length) throw new ArgumentException("theta is not a whole number of restarts");
        var result = (new double[n], new double[n], new int[n], new int[n]);
        if (n > 0) backend.ThetaRestarts(objective, settings, theta, result.Item1, result.Item2, result.Item3, result.Item4);
        return result;
    }

    /// <summary>Value and gradient of a θ family's q at each θ (<see cref="ThetaFamily.ParameterCount"/> numbers each), in the
    /// engine's precision, on the restarts' kernel objective; NaN outside θ's domain.</summary>
    public (double[] Value, double[] Gradient) Gradient(GaussianMixture p, ThetaFamily q, Divergence divergence, double[] theta)
    {
        var objective = q.Objective(Plan(p), divergence);
        int n = theta.Length / objective.Size;
        if (n * objective.Size != theta.Length) throw new ArgumentException("theta is not a whole number of points");
        var (value, gradient) = (new double[n], new double[theta.Length]);
        if (n > 0) backend.ThetaGradient(objective, theta, gradient, value);
        return (value, gradient);
    }

    /// <summary>p's mean, variance and entropy, computed once per cached target.</summary>
    public TargetMoments<double> Moments(GaussianMixture p)
    {
        var entry = Prepare(p);
        return entry.Moments ??= new TargetMoments<double> { Mean = p.Mean, Variance = p.Variance, Entropy = Entropy(p) };
    }

    /// <summary>
    /// The (μ, scale) map of each divergence for a location–scale q, tile by tile (rows of the scale), handed to
    /// <paramref name="onTile"/> in order. Memory stays bounded by <see cref="TilePoints"/>. <paramref name="rows"/> picks
    /// scale rows by index (a shard's), in the order given; a tile's FirstRow then counts in that list.
    /// </summary>
    public void Landscape(Target p, LocationScaleFamily q, GridAxis mu, GridAxis scale, IReadOnlyCollection<Divergence> divergences,
        Action<LandscapeTile> onTile, CancellationToken cancel = default, IReadOnlyList<int>? rows = null)
    {
        q.CheckMap(p, divergences);
        q.Landscape(this, p, mu, scale, divergences, onTile, cancel, rows);
    }

    /// <summary>One divergence between p and q's member at (μ, scale), in the engine's precision.</summary>
    public double Evaluate(Target p, LocationScaleFamily q, double mu, double scale, Divergence divergence)
    {
        double value = 0;
        Landscape(p, q, new GridAxis(mu, mu, 1), new GridAxis(scale, scale, 1), [divergence], tile => value = tile.Values[divergence][0]);
        return value;
    }

    /// <summary>Value and gradient in (μ, log scale) of the divergence between p and q's member at each (μ_i, e^{s_i}), in the
    /// engine's precision; across u a d-dimensional target adds only a fixed minimum, so this is the law along u.</summary>
    public (double[] Value, double[] GradMu, double[] GradLogScale) Gradient(Target p, LocationScaleFamily q, Divergence divergence,
        double[] mu, double[] logScale)
    {
        if (mu.Length != logScale.Length) throw new ArgumentException("mu and logScale differ in length");
        q.CheckMap(p, [divergence]);
        if (mu.Length == 0) return ([], [], []);
        return backend.Gradient(q.Objective(this, p, divergence), mu, logScale);
    }

    /// <summary>
    /// One optimizer restart of q in (μ, log scale) per start, in launches of at most <paramref name="batch"/> restarts,
    /// reporting the number finished after each. The divergence and whether the scale is held come from
    /// <paramref name="divergence"/> and <paramref name="q"/>; <c>settings.TrajectoryCount</c> restarts record their paths.
    /// <paramref name="part"/> runs only the restarts [First, First + Count) (a shard's), each exactly as in the whole run (it
    /// keeps its global index); the outcome's other entries stay zero.
    /// </summary>
    public RestartOutcome Restarts(Target p, LocationScaleFamily q, Divergence divergence, OptimizerSettings<double> settings,
        double[] startMu, double[] startLogScale, int batch = 1 << 16, Action<int>? progress = null, CancellationToken cancel = default,
        AcrossStarts across = default, (int First, int Count)? part = null)
    {
        q.CheckRestarts(p, divergence, settings.TrajectoryCount > 0);
        if (across.Count > 0 && divergence.AsKl is null) throw new ArgumentException("across u only the KLs split into a sum over coordinates");
        settings = settings with { FixSigma = q.FixedScale is null ? 0 : 1 };
        return Restarts(q.Objective(this, p, divergence), settings, startMu, startLogScale, batch, progress, cancel,
            across with { Divergence = divergence.Integrand }, part);
    }

    /// <summary>
    /// Runs one restart of <paramref name="objective"/> per start, in launches of at most <paramref name="batch"/> restarts,
    /// reporting the number finished after each. <c>settings.TrajectoryCount</c> restarts record their paths, every
    /// <c>settings.TrajectoryStride</c>-th (by default as far apart as they fit).
    /// </summary>
    RestartOutcome Restarts(FitObjective objective, OptimizerSettings<double> settings, double[] startMu, double[] startLogScale, int batch,
        Action<int>? progress, CancellationToken cancel, AcrossStarts across = default, (int First, int Count)? part = null)
    {
        // The state across u is 6(d − 1) numbers per restart on the device: launches stay under MaxAcrossState of them.
        if (across.Count > 0) batch = (int)Math.Clamp(MaxAcrossState / ((long)across.Count * AcrossU<double>.Slots), 1, batch);
        int n = startMu.Length;
        if (startLogScale.Length != n) throw new ArgumentException("start arrays differ in length");
        if (settings.TrajectoryCount > n) throw new ArgumentException("more trajectories than restarts");
        settings = settings with { TrajectoryStride = PathStride(settings, n) };
        var result = new RestartOutcome(n, settings.TrajectoryCount, settings.TrajectoryStride, settings.MaxSteps);
        var (from, to) = part is { } range ? (range.First, range.First + range.Count) : (0, n);
        if (from < 0 || to > n || from > to) throw new ArgumentOutOfRangeException(nameof(part), "the part lies outside the starts");
        for (int first = from; first < to; first += batch)
        {
            cancel.ThrowIfCancellationRequested();
            var b = new RestartBatch(startMu, startLogScale, first, Math.Min(batch, to - first));
            // Every batch sees the whole path buffer: the recorded restarts are spread over all of them.
            double[] deviation = new double[across.Count > 0 ? 2 * b.Mu.Length : 0];
            backend.Optimize(objective, settings, across, b.First, b.Mu, b.LogSigma, b.Value, b.Norm, b.Steps, b.Status, result.Trajectories,
                deviation);
            for (int i = 0; i < deviation.Length / 2; i++)
            {
                result.AcrossMaxMu[b.First + i] = deviation[2 * i];
                result.AcrossMaxLogSigma[b.First + i] = deviation[2 * i + 1];
            }
            b.StoreIn(result);
            progress?.Invoke(first - from + b.Mu.Length);
        }
        return result;
    }

    /// <summary>Every how many restarts one records its path: the settings' stride if it spreads the paths over the
    /// <paramref name="restarts"/>, else as far apart as they fit. A merge of shards reads the paths back by it.</summary>
    public static int PathStride(OptimizerSettings<double> settings, int restarts)
    {
        int widest = Math.Max(1, restarts / Math.Max(1, settings.TrajectoryCount));
        return settings.TrajectoryStride is > 0 and var s && s <= widest ? s : widest;
    }

    /// <summary>q = N(μ, σ) against a Gaussian mixture; only forward KL reads p's moments.</summary>
    internal FitObjective Objective(GaussianMixture p, Divergence divergence)
    {
        var moments = divergence.Integrand == FIntegrand.ForwardKl ? Moments(p) : default;
        return new GaussianObjective(Plan(p), moments, divergence.Integrand, divergence.Order);
    }

    /// <summary>q = N(μ, σ) against a heavy-tailed mixture: the two KLs.</summary>
    internal FitObjective Objective(HeavyTailedMixture p, Divergence divergence)
    {
        var prepared = PrepareTails(p);
        return new HeavyTailObjective(prepared.Plan, prepared.Moments, divergence.Integrand);
    }

    /// <summary>q = N(μ, σ) against a Gaussian mixture: the two KLs from the family's map kernel, every other divergence from
    /// its own kernel, one launch each per tile.</summary>
    internal void GaussianLandscape(GaussianMixture p, GridAxis mu, GridAxis sigma, IReadOnlyCollection<Divergence> divergences,
        Action<LandscapeTile> onTile, CancellationToken cancel = default, IReadOnlyList<int>? rows = null)
    {
        var outputs = KlOutputsOf(divergences);
        var plan = Plan(p);
        var kl = Objective(p, (outputs & KlOutputs.Forward) != 0 ? Divergence.Forward : Divergence.Reverse);
        double[] muValues = mu.Values();
        ByTiles(mu, sigma, rows, onTile, cancel, (sigmaRows, points) =>
        {
            var values = KlValues(divergences, outputs, points, (forward, reverse) => backend.KlMap(kl, muValues, sigmaRows, outputs, forward, reverse));
            foreach (var d in divergences)
            {
                if (d.AsKl is not null) continue;
                var v = new double[points];
                if (d.Kernel is { } imq) backend.GaussianKsd(plan, muValues, sigmaRows, imq.C, imq.Beta, v);
                else backend.GaussianFDivergence(plan, muValues, sigmaRows, d.Integrand, d.Order, v);
                values[d] = v;
            }
            return values;
        });
    }

    /// <summary>The two KLs (as asked for in <paramref name="divergences"/>) of any location–scale family over the grid, tile by
    /// tile, from its objective; that objective must carry what forward KL reads when it is asked for.</summary>
    internal void KlMap(FitObjective objective, GridAxis mu, GridAxis scale, IReadOnlyCollection<Divergence> divergences,
        Action<LandscapeTile> onTile, CancellationToken cancel, IReadOnlyList<int>? rows = null)
    {
        var outputs = KlOutputsOf(divergences);
        double[] muValues = mu.Values();
        ByTiles(mu, scale, rows, onTile, cancel, (scaleRows, points) => KlValues(divergences, outputs, points,
            (forward, reverse) => backend.KlMap(objective, muValues, scaleRows, outputs, forward, reverse)));
    }

    /// <summary>The KLs among the divergences (α and Rényi at their KL orders included).</summary>
    static KlOutputs KlOutputsOf(IEnumerable<Divergence> divergences)
    {
        var outputs = KlOutputs.None;
        foreach (var d in divergences)
            if (d.AsKl is { } kl) outputs |= kl == Divergence.Forward ? KlOutputs.Forward : KlOutputs.Reverse;
        return outputs;
    }

    /// <summary>Splits the grid's rows into tiles of at most <see cref="TilePoints"/> points; <paramref name="tile"/> maps one
    /// tile's row values (and its point count) to each divergence's values there, handed on in order. <paramref name="picked"/>
    /// takes only those rows of the axis; each value is still the axis's own <see cref="GridAxis.At"/>, so a shard's row is
    /// bit for bit the row of the whole grid.</summary>
    void ByTiles(GridAxis columns, GridAxis rows, IReadOnlyList<int>? picked, Action<LandscapeTile> onTile, CancellationToken cancel,
        Func<double[], int, Dictionary<Divergence, double[]>> tile)
    {
        int total = picked?.Count ?? rows.Count;
        int rowsPerTile = Math.Clamp(TilePoints / columns.Count, 1, Math.Max(1, total));
        for (int first = 0; first < total; first += rowsPerTile)
        {
            cancel.ThrowIfCancellationRequested();
            int count = Math.Min(rowsPerTile, total - first);
            double[] rowValues = Enumerable.Range(first, count).Select(k => rows.At(picked is null ? k : picked[k])).ToArray();
            onTile(new LandscapeTile(first, count, columns.Count, tile(rowValues, count * columns.Count)));
        }
    }

    /// <summary>The KLs of <paramref name="divergences"/> over one tile from one backend call that fills the outputs in
    /// <paramref name="outputs"/> (none when it is empty).</summary>
    static Dictionary<Divergence, double[]> KlValues(IReadOnlyCollection<Divergence> divergences, KlOutputs outputs, int points,
        Action<double[], double[]> fill)
    {
        var forward = (outputs & KlOutputs.Forward) != 0 ? new double[points] : [];
        var reverse = (outputs & KlOutputs.Reverse) != 0 ? new double[points] : [];
        if (outputs != KlOutputs.None) fill(forward, reverse);
        var values = new Dictionary<Divergence, double[]>();
        foreach (var d in divergences)
            if (d.AsKl is { } kl) values[d] = kl == Divergence.Forward ? forward : reverse;
        return values;
    }

    /// <summary>The most recent heavy-tailed target, its plan and its moments (H(p) is one host quadrature in double).</summary>
    (HeavyTailedMixture Mixture, HeavyTailPlan Plan, TargetMoments<double> Moments)? preparedTails;

    public HeavyTailPlan Plan(HeavyTailedMixture p) => PrepareTails(p).Plan;

    /// <summary>p's mean (0 where it has none: the variance is then +∞ and forward KL is +∞ whatever μ), variance and entropy.</summary>
    public TargetMoments<double> Moments(HeavyTailedMixture p) => PrepareTails(p).Moments;

    /// <summary>The plan and moments of p, kept for the most recent target.</summary>
    (HeavyTailedMixture Mixture, HeavyTailPlan Plan, TargetMoments<double> Moments) PrepareTails(HeavyTailedMixture p)
    {
        if (preparedTails is { } c && ReferenceEquals(c.Mixture, p)) return c;
        var plan = new HeavyTailPlan(p);
        preparedTails = (p, plan, new TargetMoments<double> { Mean = p.Mean ?? 0, Variance = p.Variance, Entropy = plan.Entropy() });
        return preparedTails.Value;
    }

    /// <summary>p as a heavy-tailed mixture (a Gaussian target as Normal components), prepared: what a Student-t q is fitted to.</summary>
    internal (HeavyTailedMixture Mixture, HeavyTailPlan Plan, TargetMoments<double> Moments) Tails(Target p) => PrepareTails(p.AsHeavyTailed);

    public void Dispose()
    {
        backend.Dispose();
        context.Dispose();
    }
}
