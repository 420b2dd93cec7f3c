namespace KlGpu.Cli;

/// <summary><c>klgpu basins --family mixture:K</c>: the same options → <see cref="MixtureBasinsSettings"/> → <see cref="MixtureBasinsJob"/> → a table or JSON.</summary>
internal static class MixtureBasinsCommand
{
    public static int Run(CliContext context, ParseResult r, BasinsCommand o, MixtureFamily family, Target p, bool paths, BasinsCommand.RunOutput output)
    {
        var d = r.GetValue(o.Divergence);
        family.CheckRestarts(p, d, paths: false);
        if (!r.GetValue(o.Starts)!.Trim().Equals("random", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--starts: a {family.Name} q starts at random (a grid of starts spans the (μ, σ) plane of a Gaussian q)");
        if (r.Given(o.Start))
            throw new UsageException($"{o.Start.Option.Name}: a {family.Name} q starts at random (one start is a point of the (μ, σ) plane of a Gaussian q)");
        if (paths)
            throw new UsageException($"--trajectories/--animate: paths are drawn over the (μ, σ) plane of a Gaussian q; a {family.Name} q has none");
        var defaults = BasinsSettings.DefaultRanges(p.Marginal);
        var (muMin, muMax) = r.GetValue(o.Mu) ?? (defaults.MuMin, defaults.MuMax);
        var (sMin, sMax) = r.GetValue(o.Sigma) ?? (defaults.SigmaMin, defaults.SigmaMax);
        ParameterDomain.CheckQ(p, muMin, muMax, sMin, sMax, $"{o.Mu.Option.Name}, {o.Sigma.Option.Name}"); // the components' starts
        // A mixture q has its own defaults for the restarts, the steps and the cluster radius, and fewer restarts fit.
        int restarts = r.Given(o.Restarts)
            ? BasinsSpec.Count(r.GetValue(o.Restarts).ToString(CultureInfo.InvariantCulture), o.Restarts.Option.Name, 1, MixtureBasinsSettings.MaxRestarts)
            : MixtureBasinsSettings.DefaultRestarts;
        int steps = r.Given(o.Steps) ? r.GetValue(o.Steps) : MixtureBasinsSettings.DefaultSteps;
        double radius = r.Given(o.ClusterRadius) ? r.GetValue(o.ClusterRadius) : MixtureBasinsSettings.DefaultClusterRadius;
        var settings = new MixtureBasinsSettings(p, d, family.Components, restarts, steps, r.GetValue(o.Optimizer), r.GetValue(o.LearningRate),
            r.GetValue(o.Seed), muMin, muMax, sMin, sMax, r.GetValue(o.Tolerance), radius, r.GetValue(o.Precision), r.GetValue(o.Accelerator));
        string dir = CommonOptions.OutFolder(r, output.Dir); // a bad --out fails before any work
        context.Cancel.ThrowIfCancellationRequested();

        using var engine = KlEngine.Create(settings.Accelerator, settings.Precision);
        var run = MixtureBasinsJob.Compute(settings, engine, context.Cancel);
        bool html = r.GetValue(o.Html);
        var files = MixtureBasinsJob.Write(run, dir, output.Svg, context.Cancel, o.MixtureRecord.Of((settings, output.Svg, html)), html);
        if (output.Json) context.Out.Write(JsonFile.Serialize(MixtureBasinsJob.Summary(run)));
        else Table(context.Out, run, dir, files.Count);
        return Cli.Ok;
    }

    static void Table(TextWriter o, MixtureBasinsRun run, string dir, int files)
    {
        var s = run.Settings;
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"target p = {s.Target}");
        o.WriteLine(string.Create(c, $"{s.Divergence.Label()}, q = a mixture of {s.Components} Gaussians (logits, means, log stds); {run.Status.Length:N0} restarts × ≤ {s.Steps:N0} {s.Optimizer.ToString().ToLowerInvariant()} steps (lr {s.LearningRate:G6}) on {run.DeviceKind}, {s.Precision.ToString().ToLowerInvariant()} precision"));
        o.WriteLine(string.Create(c, $"time: restarts {run.OptimizeSeconds:0.000} s, polish {run.PolishSeconds:0.000} s; mean steps {run.Steps.Average():0.0}"));
        o.WriteLine();
        o.WriteLine($"{"basin",5}  {"kind",-10}  {s.Divergence.Label(),14}  {"restarts",8}  {"fraction",8}  {"weights",-22}  {"means",-24}  {"stds",-22}");
        foreach (var b in run.Basins)
        {
            string List(double[] v, string format) => string.Join(", ", v.Select(x => (Math.Abs(x) < 5e-7 ? 0 : x).ToString(format, c))); // no "-0.000000"
            o.WriteLine(string.Create(c, $"{"B" + b.Id,5}  {b.Kind.ToString().ToLowerInvariant(),-10}  {b.Value,14:G10}  {b.Count,8:N0}  {b.Fraction,8:P1}  {List(b.Q.Weights, "F6"),-22}  {List(b.Q.Means, "F6"),-24}  {List(b.Q.Stds, "F6"),-22}{(b.Polished ? "" : "  (not polished)")}"));
        }
        o.WriteLine();
        o.WriteLine(run.Summary());
        o.WriteLine($"wrote {files} files to {dir}");
    }
}
