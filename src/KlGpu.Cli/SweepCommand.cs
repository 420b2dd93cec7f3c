using KlGpu.Sweeps;

namespace KlGpu.Cli;

/// <summary><c>klgpu sweep</c>: a target template and a parameter range → basins at every value → the transitions between them.</summary>
internal sealed class SweepCommand
{
    public const string DefaultOut = "output/sweep";

    /// <summary>sweep-alpha's own folder, so that it does not replace a `sweep` run's files.</summary>
    public const string DefaultAlphaOut = "output/sweep-alpha";

    readonly Parameter<TargetTemplate> template = Parameter.Of("template", "--target-template", null, "SPEC",
        "The target with {name} placeholders; weights and the arguments of N(…), T(nu,mean,scale) and L(mean,scale) may be arithmetic in them, e.g. --target-template \"0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)\"",
        null, (t, _) => new TargetTemplate(t), t => t.Text, required: true);
    readonly Parameter<string?> param = Parameter.Of<string?>("param", "--param", null, "NAME=MIN:MAX:N",
        "The swept placeholder and its values as NAME=MIN:MAX:N, both ends included, e.g. --param d=0:8:161", null, (t, _) => t, t => t, required: true);
    readonly Parameter<DivergenceTemplate> divergence = Parameter.Of("divergence", "--divergence", "-d", "NAME",
        "One divergence with a gradient (forward, reverse, js, hellinger, tv, pearson, neyman, jeffreys, alpha:A, renyi:A), or an order swept instead of the target as alpha:{a} or renyi:{a}, e.g. --divergence alpha:{a} --param a=0:1:21",
        "reverse", (t, _) => new DivergenceTemplate(t), d => d.Text);
    readonly RunOptions run = new(mixtures: true, DefaultOut);

    /// <summary>In the order of the help and of the manifest.</summary>
    public IReadOnlyList<Parameter> Parameters => [template, param, divergence, .. run.Parameters];

    /// <summary>A sweep, from either command, as a run file of `sweep`.</summary>
    RunRecord<(SweepSettings Settings, bool Html)> Record => new(Parameters)
    {
        { template, x => x.Settings.Template }, { param, x => FormattableString.Invariant($"{x.Settings.Parameter}={x.Settings.Values.Min:R}:{x.Settings.Values.Max:R}:{x.Settings.Values.Count}") },
        { divergence, x => x.Settings.Divergence }, { run.Family, x => x.Settings.Family }, { run.Restarts, x => x.Settings.Restarts }, { run.Steps, x => x.Settings.Steps },
        { run.LearningRate, x => x.Settings.LearningRate }, { run.Seed, x => x.Settings.Seed }, { run.Mu, x => x.Settings.Mu }, { run.Sigma, x => x.Settings.Sigma },
        { run.Precision, x => x.Settings.Precision }, { run.Accelerator, x => x.Settings.Accelerator }, { run.Html, x => x.Html },
    };

    public static Command Create(CliContext context) => new SweepCommand().Build(context);

    Command Build(CliContext context)
    {
        var command = new Command("sweep",
            "Run the restarts at every value of a target parameter (or a divergence's order) and locate where the minima change (pitchfork, fold) and where the global minimum switches, e.g. klgpu sweep --target-template \"0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)\" --param d=0:8:81")
        {
            template, param, divergence,
        };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var (t, d) = (r.GetValue(template), r.GetValue(divergence));
            var (name, axis) = SweepSpec.Param(r.GetValue(param), t, d, param.Option.Name, template.Option.Name, divergence.Option.Name);
            return run.Execute(context, r, t, d, name, axis, template.Option.Name, Record.Of, invokedAs: null);
        });
        return command;
    }

    /// <summary><c>klgpu sweep-alpha</c>: the sweep of a fixed target over the order of the α (or Rényi) divergence, written as a run of `sweep`.</summary>
    public static Command CreateAlpha(CliContext context)
    {
        var target = CommonOptions.Target(required: true);
        var alpha = new Option<string>("--alpha")
        {
            Description = "The orders as MIN:MAX:N, both ends included; α = 0 is KL(q||p) and α = 1 is KL(p||q), e.g. --alpha 0:1:41",
            Required = true,
            HelpName = "MIN:MAX:N",
        };
        var family = new Option<string>("--divergence", "-d")
        {
            Description = "alpha (Amari, any real α) or renyi (α > 0), e.g. --divergence renyi",
            DefaultValueFactory = _ => "alpha",
            HelpName = "NAME",
        };
        var run = new RunOptions(mixtures: false, DefaultAlphaOut);
        var command = new Command("sweep-alpha",
            "Run the restarts at every order α of the α-divergence between reverse KL (α = 0) and forward KL (α = 1) and locate where mode-seeking begins, e.g. klgpu sweep-alpha --target \"0.5*N(-3,1) + 0.5*N(3,1)\" --alpha 0:1:21")
        {
            target, alpha, family,
        };
        run.AddTo(command);
        command.SetAction(r =>
        {
            string kind = (r.GetValue(family) ?? "").Trim().ToLowerInvariant();
            if (kind is not ("alpha" or "renyi"))
                throw new UsageException($"--divergence: sweep-alpha sweeps the order of alpha or renyi, not \"{kind}\"");
            var t = new TargetTemplate(r.GetValue(target).ToString());
            var d = new DivergenceTemplate(kind + ":{alpha}");
            var (name, axis) = SweepSpec.Param("alpha=" + r.GetValue(alpha), t, d, alpha.Name, target.Option.Name, family.Name);
            return run.Execute(context, r, t, d, name, axis, target.Option.Name, new SweepCommand().Record.Of, invokedAs: "sweep-alpha");
        });
        return command;
    }

    /// <summary>The options both sweeps share, and the run itself.</summary>
    /// <remarks>A mixture q has only the KLs' gradient, so only `sweep` offers it: `sweep-alpha` sweeps the α-divergence's order.</remarks>
    sealed class RunOptions(bool mixtures, string defaultOut)
    {
        public readonly Parameter<FitFamily> Family = Parameter.Of("family", "--family", null, "FAMILY",
            mixtures
                ? "gaussian, gaussian-fixed-sigma:S or mixture:K (any divergence but ksd; its transitions are followed in the 3K − 1 mixture parameters), e.g. --family mixture:2"
                : "gaussian or gaussian-fixed-sigma:S, e.g. --family gaussian-fixed-sigma:1",
            "gaussian", FitFamily.Parse, f => f.Name);
        public readonly Parameter<int?> Restarts = Parameter.Of<int?>("restarts", "--restarts", null, "N",
            $"Restarts at every parameter value (default {SweepJob.DefaultRestarts}" + (mixtures ? $", or {MixtureSweepJob.DefaultRestarts} for a mixture q)" : ")") + ", e.g. --restarts 4096",
            null, (t, what) => BasinsSpec.Count(t, what, 1, BasinsSpec.MaxRestarts), v => v);
        public readonly Parameter<int?> Steps = Parameter.Of<int?>("steps", "--steps", null, "T",
            $"Most Adam steps per restart (default {BasinsSettings.DefaultSteps}, {BasinsSettings.DefaultForwardSteps} for forward KL" + (mixtures ? $", {ThetaBasinsSettings.DefaultSteps} for a mixture q)" : ")") + ", e.g. --steps 5000",
            null, (t, what) => BasinsSpec.Count(t, what, 1, BasinsCommand.MaxSteps), v => v);
        public readonly Parameter<double> LearningRate = Parameter.Positive("learning_rate", "--lr", "X", "Adam's learning rate, e.g. --lr 0.02", "0.05");
        public readonly Parameter<ulong> Seed = Parameter.Of("seed", "--seed", null, "K", "Seed of the starts (the same at every value), e.g. --seed 7", "1", BasinsSpec.Seed, v => v);
        public readonly Parameter<(double Min, double Max)?> Mu = Interval("mu", "--mu", "Start range of μ as MIN:MAX (default: from each value's target), e.g. --mu -6:6", positive: false);
        public readonly Parameter<(double Min, double Max)?> Sigma = Interval("sigma", "--sigma", "Start range of σ as MIN:MAX (default: from each value's target), e.g. --sigma 0.1:10", positive: true);
        public readonly Parameter<Precision> Precision = CommonOptions.Precision();
        public readonly Parameter<AcceleratorChoice> Accelerator = CommonOptions.Accelerator();
        public readonly Parameter<bool> Html = CommonOptions.Html("a slider over the values that shows each value's stationary points and their q over p, beside the bifurcation diagram");
        public readonly ShardOptions Shards = new();
        readonly Option<bool> json = new("--json") { Description = "Print one JSON object: values (each with its basins) and transitions (param, kind = pitchfork|fold|switch, the points involved), e.g. --json" };
        readonly Option<string> outDir = CommonOptions.Out("Output folder for sweep.json, sweep.csv, the bifurcation figure and manifest.json, e.g. --out runs/sweep", defaultOut);
        readonly Option<bool> quiet = new("--quiet") { Description = "No progress line on the terminal, e.g. --quiet" };

        public IReadOnlyList<Parameter> Parameters => [Family, Restarts, Steps, LearningRate, Seed, Mu, Sigma, Precision, Accelerator, Html, Shards.Shard];

        static Parameter<(double Min, double Max)?> Interval(string key, string name, string description, bool positive) =>
            Parameter.Of<(double Min, double Max)?>(key, name, null, "MIN:MAX", description, null, (t, what) => BasinsSpec.Interval(t, what, positive),
                v => v is { } i ? Parameter.IntervalText(i) : null);

        public void AddTo(Command command)
        {
            foreach (var o in new Option[] { Family, Restarts, Steps, LearningRate, Seed, Mu, Sigma, Precision, Accelerator, Html, json, outDir, CommonOptions.Force(), quiet, Shards.Shard, Shards.Shards })
                command.Options.Add(o);
        }

        /// <param name="invokedAs">The command run where it is not `sweep` (sweep-alpha): the manifest says so, and `run` writes to its folder.</param>
        public int Execute(CliContext context, ParseResult r, TargetTemplate t, DivergenceTemplate d, string name, GridAxis axis, string targetOption,
            Func<(SweepSettings Settings, bool Html), RunParameters> record, string? invokedAs)
        {
            var fit = r.GetValue(Family);
            var shard = Shards.Resolve(r);
            if (fit is StudentFamily or FlowFamily)
                throw new UsageException($"{Family.Option.Name}: a sweep fits gaussian, gaussian-fixed-sigma:S or mixture:K; {fit.Name} has no sweep yet");
            bool mixture = fit is MixtureFamily;
            // A mixture q has its own default restarts and steps, and fewer restarts fit.
            int restarts = r.GetValue(Restarts) is { } given
                ? BasinsSpec.Count(given.ToString(CultureInfo.InvariantCulture), Restarts.Option.Name, 1, mixture ? ThetaBasinsSettings.MaxRestarts : BasinsSpec.MaxRestarts)
                : mixture ? MixtureSweepJob.DefaultRestarts : SweepJob.DefaultRestarts;
            var settings = new SweepSettings(t, name, axis, d, fit, restarts,
                r.GetValue(Steps),
                r.GetValue(LearningRate), r.GetValue(Seed), r.GetValue(Mu), r.GetValue(Sigma), r.GetValue(Precision), r.GetValue(Accelerator));
            // Each value keeps its basins, and each restart batch its starts and ends.
            new MachineBudget($"a sweep over {axis.Count:N0} values", MachineBudget.Times(axis.Count, 4096) + MachineBudget.Times(settings.Restarts, 512),
                MachineBudget.Times(axis.Count, 2048)).Check(null, force: true);
            foreach (double v in axis.Values()) // an invalid value fails before any work, naming it
            {
                var p = t.At(name, v);
                try { settings.Family.CheckMap(p, []); }
                catch (UnsupportedFitException e)
                {
                    throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{targetOption}: {e.Message} (at {name} = {v:R})"));
                }
                d.At(name, v);
                d.CheckTarget(p, targetOption);
                // The starts (each value's own where not given; σ fixed where the family fixes it) lie in the domain.
                var starts = BasinsSettings.DefaultRanges(p);
                var (muMin, muMax) = settings.Mu ?? (starts.MuMin, starts.MuMax);
                var (sMin, sMax) = settings.Sigma ?? (starts.SigmaMin, starts.SigmaMax);
                double? fixedSigma = fit.FixedScale;
                ParameterDomain.CheckQ(p, muMin, muMax, fixedSigma ?? sMin, fixedSigma ?? sMax, string.Create(CultureInfo.InvariantCulture,
                    $"{Mu.Option.Name}, {(fixedSigma is null ? Sigma.Option.Name : Family.Option.Name)} (at {name} = {v:R})"));
            }
            if (mixture) MixtureSweepJob.Plan(settings);
            bool html = r.GetValue(Html);
            var parameters = record((settings, html));
            if (shard is not null)
                return ShardOptions.Run(context, r, shard, r.GetValue(outDir)!, "sweep", parameters, (part, own) =>
                {
                    using var shardEngine = KlEngine.Create(settings.Accelerator, settings.Precision);
                    var shardProgress = Progress.ForTerminal(context.Error, shard.Interleaved(axis.Count).Length, quiet: r.GetValue(quiet), noun: "values");
                    var written = mixture
                        ? MixtureSweepJob.ComputeShard(settings, shardEngine, shard, part, own, (done, _) => shardProgress.Report(done), context.Cancel)
                        : SweepJob.ComputeShard(settings, shardEngine, shard, part, own, (done, _) => shardProgress.Report(done), context.Cancel);
                    shardProgress.Finish();
                    return written;
                });
            string dir = CommonOptions.OutFolder(r, r.GetValue(outDir)!);
            context.Cancel.ThrowIfCancellationRequested();
            if (context.Merge is { } set)
            {
                ShardOptions.CheckMerge(set, parameters);
                if (mixture)
                {
                    var mergedMixtures = MixtureSweepJob.Merge(settings, set, context.Cancel);
                    var mixtureFiles = SweepOutput.Write(mergedMixtures, dir, context.Cancel, parameters, html);
                    if (r.GetValue(json)) context.Out.Write(JsonFile.Serialize(SweepOutput.Summary(mergedMixtures)));
                    else Table(context.Out, mergedMixtures, dir, mixtureFiles.Count);
                    return Cli.Ok;
                }
                var merged = SweepJob.Merge(settings, set, context.Cancel);
                var mergedFiles = SweepOutput.Write(merged, dir, context.Cancel, parameters, html, invokedAs);
                if (r.GetValue(json)) context.Out.Write(JsonFile.Serialize(SweepOutput.Summary(merged)));
                else Table(context.Out, merged, dir, mergedFiles.Count);
                return Cli.Ok;
            }

            using var engine = KlEngine.Create(settings.Accelerator, settings.Precision);
            var progress = Progress.ForTerminal(context.Error, axis.Count, quiet: r.GetValue(quiet), noun: "values");
            if (mixture)
            {
                var mixtures = MixtureSweepJob.Run(settings, engine, (done, _) => progress.Report(done), context.Cancel);
                progress.Finish();
                var written = SweepOutput.Write(mixtures, dir, context.Cancel, parameters, html);
                if (r.GetValue(json)) context.Out.Write(JsonFile.Serialize(SweepOutput.Summary(mixtures)));
                else Table(context.Out, mixtures, dir, written.Count);
                return Cli.Ok;
            }
            var result = SweepJob.Run(settings, engine, (done, _) => progress.Report(done), context.Cancel);
            progress.Finish();
            var files = SweepOutput.Write(result, dir, context.Cancel, parameters, html, invokedAs);
            if (r.GetValue(json)) context.Out.Write(JsonFile.Serialize(SweepOutput.Summary(result)));
            else Table(context.Out, result, dir, files.Count);
            return Cli.Ok;
        }
    }

    /// <summary>A symmetric point's μ of 1e-15 is printed as 0, not "-0".</summary>
    static double Shown(double v) => Math.Abs(v) < 1e-9 ? 0 : v;

    static void Table(TextWriter o, SweepResult r, string dir, int files)
    {
        var c = CultureInfo.InvariantCulture;
        var s = r.Settings;
        o.WriteLine($"target p = {s.Template.Text}, {(s.Divergence.Fixed is null ? "the order " : "")}{s.Parameter} from {s.Values.Min.ToString("G6", c)} to {s.Values.Max.ToString("G6", c)} in {s.Values.Count} values");
        o.WriteLine(string.Create(c, $"{s.Divergence.Label()}{(s.Divergence.Fixed is null ? $" with α = {s.Parameter}" : "")}, q = {s.Family.Describe}; {s.Restarts:N0} restarts per value; {r.Seconds:0.0} s"));
        o.WriteLine();
        o.WriteLine("rows: the first value, each value where the number of minima changes, and the last; every value's basins are in sweep.csv and sweep.json");
        o.WriteLine($"{s.Parameter,12}  minima  minimum locations (μ, σ)");
        int? previous = null;
        foreach (var p in r.Points)
        {
            int n = p.Report.Minima;
            if (previous == n && p != r.Points[^1]) continue; // one line per stretch with the same count, and the last
            previous = n;
            var where = p.Report.Basins.Where(b => b.Kind == StationaryKind.Minimum).OrderBy(b => b.Mu)
                .Select(b => string.Create(c, $"({Shown(b.Mu):0.####}, {b.Sigma:0.####})"));
            o.WriteLine(string.Create(c, $"{p.Parameter,12:G6}  {n,6}  {string.Join(" ", where)}"));
        }
        o.WriteLine();
        if (r.Transitions.Count == 0) o.WriteLine("no transitions in this range");
        foreach (var t in r.Transitions)
        {
            string At(double mu, double sigma) => string.Create(c, $"μ = {Shown(mu):0.#####}, σ = {sigma:0.#####}");
            // A switch names both basins: the one the global minimum leaves and the one it moves to.
            string where = t is { OtherMu: { } mu, OtherSigma: { } sigma } ? $"from {At(t.Mu, t.Sigma)} to {At(mu, sigma)}" : At(t.Mu, t.Sigma);
            o.WriteLine(string.Create(c, $"{t.Kind.ToString().ToLowerInvariant(),-9} at {s.Parameter} = {t.Parameter:F7}: {t.Description} ({where})"));
        }
        o.WriteLine($"wrote {files} files to {dir}");
    }

    /// <summary>A mixture as "w (0.25, 0.75) μ (-3.13, 0.883) σ (0.957, 1.95)".</summary>
    static string Show(GaussianMixture q)
    {
        string List(double[] v) => string.Join(", ", v.Select(x => Shown(x).ToString("G4", CultureInfo.InvariantCulture)));
        return $"w ({List(q.Weights)}) μ ({List(q.Means)}) σ ({List(q.Stds)})";
    }

    static void Table(TextWriter o, MixtureSweepResult r, string dir, int files)
    {
        var c = CultureInfo.InvariantCulture;
        var s = r.Settings;
        o.WriteLine($"target p = {s.Template.Text}, {s.Parameter} from {s.Values.Min.ToString("G6", c)} to {s.Values.Max.ToString("G6", c)} in {s.Values.Count} values");
        o.WriteLine(string.Create(c, $"{s.Divergence.Label()}, q = a mixture of {s.Components} Gaussians; {s.Restarts:N0} restarts per value; {r.Seconds:0.0} s"));
        o.WriteLine();
        o.WriteLine("rows: the first value, each value where the counts change, and the last; every value's basins are in sweep.csv and sweep.json");
        o.WriteLine($"{s.Parameter,12}  minima  minima (weights, means, stds); collapsed optima are listed, not followed");
        string? previous = null;
        foreach (var p in r.Points)
        {
            int degenerate = p.Run.Basins.Count(b => b.Kind == ThetaKind.Degenerate);
            string counts = $"{p.Run.Minima,6}" + (degenerate > 0 ? $" (+{degenerate} collapsed)" : "");
            if (previous == counts && p != r.Points[^1]) continue; // one line per stretch with the same counts, and the last
            previous = counts;
            var minima = p.Run.Basins.Where(b => b.Kind != ThetaKind.Saddle).Select(b => (b.Kind == ThetaKind.Degenerate ? "collapsed " : "") + Show(b.Q));
            o.WriteLine(string.Create(c, $"{p.Parameter,12:G6}  {counts}  {string.Join("; ", minima)}"));
        }
        o.WriteLine();
        if (r.Transitions.Count == 0) o.WriteLine("no transitions in this range");
        foreach (var t in r.Transitions)
            o.WriteLine(string.Create(c, $"{t.Kind.ToString().ToLowerInvariant(),-9} at {s.Parameter} = {t.Parameter:F7}: {t.Description} ({(t.Other is { } to ? $"from q: {Show(t.Q)} to q: {Show(to)}" : $"q: {Show(t.Q)}")})"));
        o.WriteLine($"wrote {files} files to {dir}");
    }
}
