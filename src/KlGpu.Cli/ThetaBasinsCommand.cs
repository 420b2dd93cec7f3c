using KlGpu.Sharding;

namespace KlGpu.Cli;

/// <summary><c>klgpu basins --family mixture:K|flow:K</c>: the same options → <see cref="ThetaBasinsSettings{TQ}"/> →
/// <see cref="ThetaBasinsJob"/> → a table or JSON, for any family whose q is a vector θ.</summary>
internal sealed class ThetaBasinsCommand(CliContext context, ParseResult r, BasinsCommand o, Target p, bool paths, BasinsCommand.RunOutput output,
    Shard? shard) : IThetaFamilyUse<int>
{
    public int Use<TQ>(ThetaFamily<TQ> family) where TQ : class
    {
        var d = r.GetValue(o.Divergence);
        try { family.CheckRestarts(p, d, paths); }
        catch (UnsupportedFitException e) when (e.Part == FitPart.Paths) { throw new UsageException($"--trajectories/--animate: {e.Message}"); }
        if (!r.GetValue(o.Starts)!.Trim().Equals("random", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--starts: a {family.Name} q starts at random (a grid of starts spans the (μ, σ) plane of a Gaussian q)");
        if (r.Given(o.Start))
            throw new UsageException($"{o.Start.Option.Name}: a {family.Name} q starts at random (one start is a point of the (μ, σ) plane of a Gaussian q)");
        if (paths)
            throw new UsageException($"--trajectories/--animate: paths are drawn over the (μ, σ) plane of a Gaussian q; a {family.Name} q has none");
        var defaults = BasinsSettings.DefaultRanges(p.Marginal);
        var (muMin, muMax) = r.GetValue(o.Mu) ?? (defaults.MuMin, defaults.MuMax);
        var (sMin, sMax) = r.GetValue(o.Sigma) ?? (defaults.SigmaMin, defaults.SigmaMax);
        // The starts' means and stds (a mixture's components, a flow's base) lie in the domain the values are answered for.
        ParameterDomain.CheckQ(p, muMin, muMax, sMin, sMax, $"{o.Mu.Option.Name}, {o.Sigma.Option.Name}");
        // A θ family has its own defaults for the restarts, the steps and the cluster radius, and fewer restarts fit.
        int restarts = r.Given(o.Restarts)
            ? BasinsSpec.Count(r.GetValue(o.Restarts).ToString(CultureInfo.InvariantCulture), o.Restarts.Option.Name, 1, ThetaBasinsSettings.MaxRestarts)
            : ThetaBasinsSettings.DefaultRestarts;
        int steps = r.Given(o.Steps) ? r.GetValue(o.Steps) : ThetaBasinsSettings.DefaultSteps;
        double radius = r.Given(o.ClusterRadius) ? r.GetValue(o.ClusterRadius) : ThetaBasinsSettings.DefaultClusterRadius;
        var settings = new ThetaBasinsSettings<TQ>(p, d, family, restarts, steps, r.GetValue(o.Optimizer), r.GetValue(o.LearningRate),
            r.GetValue(o.Seed), muMin, muMax, sMin, sMax, r.GetValue(o.Tolerance), radius, r.GetValue(o.Precision), r.GetValue(o.Accelerator));
        bool html = r.GetValue(o.Html);
        var parameters = o.ThetaRecord<TQ>().Of((settings, output.Svg, html));
        if (shard is not null)
            return ShardOptions.Run(context, r, shard, output.Dir, "basins", parameters, (part, own) =>
            {
                using var shardEngine = KlEngine.Create(settings.Accelerator, settings.Precision);
                return ThetaBasinsJob.ComputeShard(settings, shardEngine, shard, part, own, context.Cancel);
            });
        string dir = CommonOptions.OutFolder(r, output.Dir); // a bad --out fails before any work
        context.Cancel.ThrowIfCancellationRequested();

        ThetaBasinsRun<TQ> run;
        if (context.Merge is { } set)
        {
            ShardOptions.CheckMerge(set, parameters);
            run = ThetaBasinsJob.Merge(settings, set, context.Cancel);
        }
        else
        {
            using var engine = KlEngine.Create(settings.Accelerator, settings.Precision);
            run = ThetaBasinsJob.Compute(settings, engine, context.Cancel);
        }
        var files = ThetaBasinsJob.Write(run, dir, output.Svg, context.Cancel, parameters, html);
        if (output.Json) context.Out.Write(JsonFile.Serialize(ThetaBasinsJob.Summary(run)));
        else Table(context.Out, run, dir, files.Count);
        return Cli.Ok;
    }

    static void Table<TQ>(TextWriter o, ThetaBasinsRun<TQ> run, string dir, int files) where TQ : class
    {
        var s = run.Settings;
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"target p = {s.Target}");
        o.WriteLine(string.Create(c, $"{s.Divergence.Label()}, q = {s.Family.Describe} {s.Family.ParameterNote}; {run.Status.Length:N0} restarts × ≤ {s.Steps:N0} {s.Optimizer.ToString().ToLowerInvariant()} steps (lr {s.LearningRate:G6}) on {run.DeviceKind}, {s.Precision.ToString().ToLowerInvariant()} precision"));
        o.WriteLine(string.Create(c, $"time: restarts {run.OptimizeSeconds:0.000} s, polish {run.PolishSeconds:0.000} s; mean steps {run.Steps.Average():0.0}"));
        if (s.Family.TableNote is { } note) o.WriteLine(note);
        o.WriteLine();
        o.WriteLine(s.Family.TableHeader(s.Divergence.Label()));
        foreach (var b in run.Basins) o.WriteLine(s.Family.TableRow(b));
        o.WriteLine();
        o.WriteLine(run.Summary());
        o.WriteLine($"wrote {files} files to {dir}");
    }
}
