namespace KlGpu.Cli;

/// <summary><c>klgpu basins</c>: options → <see cref="BasinsSettings"/> (or <see cref="ThetaBasinsSettings{TQ}"/>) → the job → a table or JSON.</summary>
internal sealed class BasinsCommand
{
    public const string DefaultOut = "output/basins";

    public readonly Parameter<Target> Target = CommonOptions.Target(required: false, heavyTails: true);
    public readonly Parameter<Divergence> Divergence = Parameter.Of("divergence", "--divergence", "-d", "NAME",
        "The divergence every restart minimizes: forward = KL(p||q), reverse = KL(q||p), js, hellinger, tv, pearson, neyman, jeffreys, alpha:A or renyi:A, e.g. --divergence forward",
        "reverse", BasinsSpec.Divergence, d => d.Name());
    public readonly Parameter<FitFamily> Family = Parameter.Of("family", "--family", null, "FAMILY",
        "The model q: gaussian (μ and σ free), gaussian-fixed-sigma:S (μ only, σ = S), mixture:K (K ≤ 8 components: weights, means and stds; any divergence but ksd; default 256 restarts × 1500 steps), student:NU (q = t_ν(μ, s) with ν fixed, μ and the scale s free, on the --sigma axis; any divergence but ksd whose integral is finite) or flow:K (K ≤ 8 sinh–arcsinh layers on N(μ, σ), 2 + 4K numbers; flow:0 is N(μ, σ); forward or reverse KL; default 256 restarts × 1500 steps; see docs/flow.md), e.g. --family mixture:2",
        "gaussian", FitFamily.Parse, f => f.Name);
    public readonly Parameter<int> Restarts = Parameter.Count("restarts", "--restarts", "N", $"Number of optimizer restarts (ignored for grid starts); a mixture:K q makes {ThetaBasinsSettings.DefaultRestarts} unless given, and so does a flow:K q, e.g. --restarts 100000",
        BasinsSettings.DefaultRestarts.ToString(CultureInfo.InvariantCulture), 1, BasinsSpec.MaxRestarts);
    public readonly Parameter<int> Steps = Parameter.Count("steps", "--steps", "T", $"Most optimizer steps per restart; a restart stops earlier once its gradient norm is below --tolerance; a mixture:K q takes at most {ThetaBasinsSettings.DefaultSteps} unless given, and so does a flow:K q, forward KL {BasinsSettings.DefaultForwardSteps}, e.g. --steps 5000",
        BasinsSettings.DefaultSteps.ToString(CultureInfo.InvariantCulture), 1, MaxSteps);
    public readonly Parameter<Optimizer> Optimizer = Parameter.Of("optimizer", "--optimizer", null, "NAME",
        "Update rule: adam (β1 0.9, β2 0.999, ε 1e-8), sgd (plain gradient descent) or momentum (heavy ball, β 0.9), e.g. --optimizer momentum",
        "adam", BasinsSpec.Optimizer, o => o.ToString().ToLowerInvariant());
    public readonly Parameter<double> LearningRate = Parameter.Positive("learning_rate", "--lr", "X", "Learning rate, in units of (μ, log σ) per step, e.g. --lr 0.02", "0.05");
    public readonly Parameter<ulong> Seed = Parameter.Of("seed", "--seed", null, "K",
        "Seed of the random starts: the same seed gives the same starts and results on every run and device, e.g. --seed 7", "1", BasinsSpec.Seed, v => v);
    public readonly Parameter<string?> Starts = Parameter.Text("starts", "--starts", "DESIGN",
        "random (μ uniform, σ log-uniform) or grid:NMUxNSIGMA (a grid of starts; also draws the basin-of-attraction map), e.g. --starts grid:64x48", "random");
    public readonly Parameter<(double Mu, double Sigma)?> Start = Parameter.Of<(double Mu, double Sigma)?>("start", "--start", null, "MU,SIGMA",
        "Run one restart from this point (σ > 0; the scale s for student:NU; with σ fixed only μ counts) instead of random or grid starts; not with --restarts, --starts, --mu or --sigma, e.g. --start 2.75,1",
        null, (t, what) => BasinsSpec.Point(t, what), v => v is { } x ? FormattableString.Invariant($"{x.Mu:R},{x.Sigma:R}") : null);
    public readonly Parameter<(double Min, double Max)?> Mu = Interval("mu", "--mu",
        "Start range of μ as MIN:MAX (default: every target component's mean ± 3 stds), e.g. --mu -6:6", positive: false);
    public readonly Parameter<(double Min, double Max)?> Sigma = Interval("sigma", "--sigma",
        "Start range of σ as MIN:MAX, MIN > 0 (default: a quarter of the narrowest component to twice p's std), e.g. --sigma 0.1:10", positive: true);
    public readonly Parameter<double> Tolerance = Parameter.Positive("tolerance", "--tolerance", "X",
        "A restart has converged when its gradient norm in (μ, log σ) falls below this, e.g. --tolerance 1e-8", "1e-6");
    public readonly Parameter<double> ClusterRadius = Parameter.Positive("cluster_radius", "--cluster-radius", "X",
        string.Create(CultureInfo.InvariantCulture, $"End points closer than this in both μ and log σ form one cluster before polishing; for a mixture:K q, closer than this in every weight, mean and log std, {ThetaBasinsSettings.DefaultClusterRadius:G} unless given (for a flow:K q: laws closer than this in z, docs/flow.md, also {ThetaBasinsSettings.DefaultClusterRadius:G}), e.g. --cluster-radius 1e-2"), "1e-3");
    public readonly Parameter<int> Trajectories = Parameter.Count("trajectories", "--trajectories", "K",
        "Record every step of the first K restarts and draw them over the landscape, e.g. --trajectories 20", "0", 0, 1 << 16);
    public readonly Parameter<Precision> Precision = CommonOptions.Precision();
    public readonly Parameter<AcceleratorChoice> Accelerator = CommonOptions.Accelerator();
    public readonly Parameter<bool> Svg = CommonOptions.Svg();
    public readonly Parameter<bool> Html = CommonOptions.Html("the landscape with every basin and saddle to hover (value, fraction, count, Hessian eigenvalues), the recorded paths to toggle, each basin's q over p; for a mixture or flow q, its basins as a table beside each basin's q over p");
    public readonly Parameter<bool> Animate = Parameter.Switch("animate", "--animate",
        "Also write basins.gif: the recorded restarts (--trajectories, 24 if not given) moving over the landscape, and their fitted densities over p, e.g. --animate");

    public readonly ShardOptions Shards = new();

    public const int MaxSteps = 10_000_000;

    /// <summary>In the order of the help and of the manifest.</summary>
    public IReadOnlyList<Parameter> Parameters => [Target, Divergence, Family, Restarts, Steps, Optimizer, LearningRate, Seed, Starts, Start, Mu, Sigma,
        Tolerance, ClusterRadius, Trajectories, Precision, Accelerator, Svg, Html, Animate, Shards.Shard];

    /// <summary>A run's settings and the switches of what it draws: a manifest re-runs to the same files, basins.gif included.
    /// One start records the point alone (its restart count, design and ranges follow from it).</summary>
    RunRecord<(BasinsSettings Settings, bool Svg, bool Animate, bool Html)> Record => new(Parameters)
    {
        { Target, x => x.Settings.Target }, { Divergence, x => x.Settings.Divergence }, { Family, x => x.Settings.Family },
        { Restarts, x => x.Settings.Restarts, x => !x.Settings.Starts.IsPoint }, { Steps, x => x.Settings.Steps }, { Optimizer, x => x.Settings.Optimizer },
        { LearningRate, x => x.Settings.LearningRate }, { Seed, x => x.Settings.Starts.Seed },
        { Starts, x => x.Settings.Starts.IsPoint ? null : x.Settings.Starts.IsGrid ? $"grid:{x.Settings.Starts.GridMu}x{x.Settings.Starts.GridSigma}" : "random" },
        { Start, x => x.Settings.Starts.Point },
        { Mu, x => x.Settings.Starts.IsPoint ? null : (x.Settings.Starts.MuMin, x.Settings.Starts.MuMax) },
        { Sigma, x => x.Settings.Starts.IsPoint ? null : (x.Settings.Starts.SigmaMin, x.Settings.Starts.SigmaMax) },
        { Tolerance, x => x.Settings.Tolerance }, { ClusterRadius, x => x.Settings.ClusterRadius }, { Trajectories, x => x.Settings.Trajectories },
        { Precision, x => x.Settings.Precision }, { Accelerator, x => x.Settings.Accelerator }, { Svg, x => x.Svg },
        { Html, x => x.Html }, { Animate, x => x.Animate },
    };

    /// <summary>A θ family (a mixture or a flow q) records no start design or paths: it starts at random and draws none.</summary>
    public RunRecord<(ThetaBasinsSettings<TQ> Settings, bool Svg, bool Html)> ThetaRecord<TQ>() where TQ : class => new(Parameters)
    {
        { Target, x => x.Settings.Target }, { Divergence, x => x.Settings.Divergence }, { Family, x => x.Settings.Family },
        { Restarts, x => x.Settings.Restarts }, { Steps, x => x.Settings.Steps }, { Optimizer, x => x.Settings.Optimizer },
        { LearningRate, x => x.Settings.LearningRate }, { Seed, x => x.Settings.Seed },
        { Mu, x => (x.Settings.MeanMin, x.Settings.MeanMax) }, { Sigma, x => (x.Settings.StdMin, x.Settings.StdMax) },
        { Tolerance, x => x.Settings.Tolerance }, { ClusterRadius, x => x.Settings.ClusterRadius },
        { Precision, x => x.Settings.Precision }, { Accelerator, x => x.Settings.Accelerator }, { Svg, x => x.Svg }, { Html, x => x.Html },
    };

    /// <summary>MIN:MAX, or null for the default from the target.</summary>
    static Parameter<(double Min, double Max)?> Interval(string key, string name, string description, bool positive) =>
        Parameter.Of<(double Min, double Max)?>(key, name, null, "MIN:MAX", description, null, (t, what) => BasinsSpec.Interval(t, what, positive),
            v => v is { } i ? Parameter.IntervalText(i) : null);

    public static Command Create(CliContext context) => new BasinsCommand().Build(context);

    Command Build(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object: restarts, converged, and basins (mu, sigma, value, fraction, count, kind, hessian_eigenvalues), e.g. --json" };
        var outDir = CommonOptions.Out("Output folder for figures, restarts.csv, basins.json and manifest.json, e.g. --out runs/two-modes", DefaultOut);
        var quiet = new Option<bool>("--quiet") { Description = "No progress line on the terminal, e.g. --quiet" };

        var command = new Command("basins",
            "Run many optimizer restarts of q = N(μ, σ) in parallel and count the distinct optima they reach, e.g. klgpu basins --target \"0.5*N(-2.75,1) + 0.5*N(2.75,1)\" --divergence reverse --restarts 10000")
        {
            Target, Divergence, Family, Restarts, Steps, Optimizer, LearningRate, Seed, Starts, Start, Mu, Sigma, Tolerance, ClusterRadius, Trajectories,
            Precision, Accelerator, json, outDir, CommonOptions.Force(), Svg, Html, quiet, Animate, Shards.Shard, Shards.Shards,
        };
        command.SetAction(r =>
        {
            var p = r.GetValue(Target);
            var fam = r.GetValue(Family);
            fam.CheckMap(p, []);
            var output = new RunOutput(r.GetValue(json), r.GetValue(outDir)!, r.GetValue(Svg));
            var shard = Shards.Resolve(r);
            // A mixture or flow q has its own parameter space θ and restarts; every other family descends (μ, log scale).
            if (fam is ThetaFamily theta)
                return theta.Apply(new ThetaBasinsCommand(context, r, this, p, r.GetValue(Animate) || r.GetValue(Trajectories) != 0, output, shard));
            bool animated = r.GetValue(Animate);
            var settings = Bind(r, p, (LocationScaleFamily)fam, animated);
            bool html = r.GetValue(Html);
            var parameters = Record.Of((settings, output.Svg, animated, html));
            if (shard is not null)
                return ShardOptions.Run(context, r, shard, output.Dir, "basins", parameters, (part, own) =>
                {
                    using var shardEngine = KlEngine.Create(settings.Accelerator, settings.Precision);
                    var shardProgress = Progress.ForTerminal(context.Error, shard.Contiguous(settings.Starts.Count(settings.Restarts)).Count, quiet: r.GetValue(quiet));
                    var written = BasinsJob.ComputeShard(settings, shardEngine, shard, part, own, shardProgress.Report, context.Cancel);
                    shardProgress.Finish();
                    return written;
                });
            string dir = CommonOptions.OutFolder(r, output.Dir); // a bad --out fails before any work
            context.Cancel.ThrowIfCancellationRequested();

            BasinsRun run;
            BasinsPicture picture;
            if (context.Merge is { } set)
            {
                ShardOptions.CheckMerge(set, parameters);
                run = BasinsJob.Merge(settings, set, context.Cancel);
                // The map under the basins is only a picture: drawn wherever the merge runs, in the study's precision.
                using var drawing = KlEngine.Create(AcceleratorKind.Auto, settings.Precision);
                picture = BasinsJob.Picture(run, drawing);
            }
            else
            {
                using var engine = KlEngine.Create(settings.Accelerator, settings.Precision);
                var progress = Progress.ForTerminal(context.Error, settings.Restarts, quiet: r.GetValue(quiet));
                run = BasinsJob.Compute(settings, engine, progress.Report, context.Cancel);
                progress.Finish();
                picture = BasinsJob.Picture(run, engine);
            }
            var files = BasinsJob.Write(run, picture, dir, output.Svg, context.Cancel, animated, parameters, html);
            if (output.Json) context.Out.Write(JsonFile.Serialize(BasinsJob.Summary(run)));
            else Table(context.Out, run, dir, files);
            return Cli.Ok;
        });
        return command;
    }

    /// <summary>The settings of a Gaussian, fixed-σ or Student-t q, with the rules that tie one option to another (an
    /// animation records 24 paths when none are asked for).</summary>
    BasinsSettings Bind(ParseResult r, Target p, LocationScaleFamily fam, bool animate)
    {
        var (gridMu, gridSigma) = BasinsSpec.Starts(r.GetValue(Starts), fam, Starts.Option.Name);
        var start = r.GetValue(Start);
        if (start is not null)
            foreach (var other in new Parameter[] { Restarts, Starts, Mu, Sigma }.Where(r.Given))
                throw new UsageException($"{Start.Option.Name}: one start is one restart from that point; leave out {other.Option.Name}");
        var defaults = BasinsSettings.DefaultRanges(p);
        var (muMin, muMax) = r.GetValue(Mu) ?? (defaults.MuMin, defaults.MuMax);
        var (sMin, sMax) = r.GetValue(Sigma) ?? (defaults.SigmaMin, defaults.SigmaMax);
        string scaleName = fam.ScaleName == "σ" ? "σ" : "the scale";
        if (start is { } at) // the figures' frame holds the start
        {
            ParameterDomain.CheckQ(p, at.Mu, at.Mu, fam.FixedScale ?? at.Sigma, fam.FixedScale ?? at.Sigma, Start.Option.Name, scaleName);
            (muMin, muMax, sMin, sMax) = (Math.Min(muMin, at.Mu), Math.Max(muMax, at.Mu), Math.Min(sMin, at.Sigma), Math.Max(sMax, at.Sigma));
        }
        // The starts (σ fixed where the family fixes it) lie in the domain the values are answered for.
        ParameterDomain.CheckQ(p, muMin, muMax, fam.FixedScale ?? sMin, fam.FixedScale ?? sMax,
            fam.FixedScale is null ? $"{Mu.Option.Name}, {Sigma.Option.Name}" : $"{Mu.Option.Name}, {Family.Option.Name}", scaleName);
        int steps = r.Given(Steps) ? r.GetValue(Steps) : BasinsSettings.StepsFor(r.GetValue(Divergence));
        int restarts = gridMu > 0 ? gridMu * gridSigma : start is not null ? 1 : r.GetValue(Restarts);
        int paths = r.GetValue(Trajectories);
        if (paths > restarts) // a path is one restart's
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{Trajectories.Option.Name}: at most {restarts:N0} is supported, got {paths}"));
        if (animate && paths == 0) paths = Math.Min(24, restarts);
        if (animate && fam.FixedScale is not null)
            throw new UsageException("--animate: animations draw paths over the (μ, σ) plane; with σ fixed there is no plane (use --family gaussian)");
        if ((long)paths * (steps + 1) > BasinsSpec.MaxTrajectoryPoints)
            throw new UsageException($"{Trajectories.Option.Name}: {paths} paths of {steps + 1} points are too many to record; ask for fewer paths or steps");
        var settings = new BasinsSettings(p, BasinsSpec.Across(r.GetValue(Divergence), p, Divergence.Option.Name), fam, restarts, steps,
            r.GetValue(Optimizer), r.GetValue(LearningRate), new StartDesign(muMin, muMax, sMin, sMax, r.GetValue(Seed), gridMu, gridSigma, start),
            r.GetValue(Tolerance), r.GetValue(ClusterRadius), paths, r.GetValue(Precision), r.GetValue(Accelerator));
        fam.CheckRestarts(p, settings.Divergence, paths > 0);
        return settings;
    }

    /// <summary>What the run prints and where it writes: the options that are not the study's parameters (but for --svg).</summary>
    public sealed record RunOutput(bool Json, string Dir, bool Svg);

    static void Table(TextWriter o, BasinsRun run, string dir, IReadOnlyList<OutputFileEntry> files)
    {
        var s = run.Settings;
        var rep = run.Report;
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"target p = {s.Target}");
        o.WriteLine(string.Create(c, $"{s.Divergence.Label()}, q = {s.Family.Describe}{(s.Family.ScaleName == "σ" ? "" : $" (the σ column is {s.Family.ScaleName})")}; {rep.Restarts:N0} {(rep.Restarts == 1 ? "restart" : "restarts")} × ≤ {s.Steps:N0} {s.Optimizer.ToString().ToLowerInvariant()} steps (lr {s.LearningRate:G6}) on {run.DeviceKind}, {s.Precision.ToString().ToLowerInvariant()} precision"));
        if (s.Target.Dimension > 1)
        {
            string across = rep.Converged == 0 ? ""
                : string.Create(c, $", and across u every converged restart is within {BasinsJob.AcrossDeviation(run):G2} of its optimum μ_i = 0, σ_i = 1");
            o.WriteLine(string.Create(c, $"q = N(μ, diag σ²) in {s.Target.Dimension} dimensions, {2 * s.Target.Dimension:N0} numbers per restart; the table is along u{across}"));
        }
        o.WriteLine(string.Create(c, $"time: restarts {run.OptimizeSeconds:0.000} s, polish {run.PolishSeconds:0.000} s; mean steps {run.Outcome.Steps.Average():0.0}"));
        o.WriteLine();
        o.WriteLine($"{"basin",5}  {"kind",-7}  {"μ",12}  {"σ",12}  {s.Divergence.Label(),14}  {"restarts",9}  {"fraction",8}  hessian eigenvalues");
        foreach (var b in rep.Basins)
            o.WriteLine(string.Create(c, $"{"B" + b.Id,5}  {b.Kind.ToString().ToLowerInvariant(),-7}  {b.Mu,12:F8}  {b.Sigma,12:F8}  {b.Value,14:G10}  {b.Count,9:N0}  {b.Fraction,8:P1}  {string.Join(", ", b.HessianEigenvalues.Select(e => e.ToString("G4", c)))}{(b.Polished ? "" : "  (not polished)")}"));
        o.WriteLine();
        o.WriteLine(rep.Summary());
        o.WriteLine($"wrote {files.Count} files to {dir}");
    }
}
