namespace KlGpu.Cli;

/// <summary><c>klgpu basins --family flow:K</c>: the same options → <see cref="FlowBasinsSettings"/> → <see cref="FlowBasinsJob"/> → a table or JSON.</summary>
internal static class FlowBasinsCommand
{
    public static int Run(CliContext context, ParseResult r, BasinsCommand o, FlowFamily family, Target p, bool paths, BasinsCommand.RunOutput output)
    {
        var d = r.GetValue(o.Divergence);
        try { family.CheckRestarts(p, d, paths); }
        catch (UnsupportedFitException e) when (e.Part == FitPart.Paths) { throw new UsageException($"--trajectories/--animate: {e.Message}"); }
        if (!r.GetValue(o.Starts)!.Trim().Equals("random", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--starts: a {family.Name} q starts at random (a grid of starts spans the (μ, σ) plane of a Gaussian q)");
        if (r.Given(o.Start))
            throw new UsageException($"{o.Start.Option.Name}: a {family.Name} q starts at random (one start is a point of the (μ, σ) plane of a Gaussian q)");
        var defaults = BasinsSettings.DefaultRanges(p.Marginal);
        var (muMin, muMax) = r.GetValue(o.Mu) ?? (defaults.MuMin, defaults.MuMax);
        var (sMin, sMax) = r.GetValue(o.Sigma) ?? (defaults.SigmaMin, defaults.SigmaMax);
        // A flow q has its own defaults for the restarts, the steps and the cluster radius, as a mixture q has.
        int restarts = r.Given(o.Restarts)
            ? BasinsSpec.Count(r.GetValue(o.Restarts).ToString(CultureInfo.InvariantCulture), o.Restarts.Option.Name, 1, FlowBasinsSettings.MaxRestarts)
            : FlowBasinsSettings.DefaultRestarts;
        int steps = r.Given(o.Steps) ? r.GetValue(o.Steps) : FlowBasinsSettings.DefaultSteps;
        double radius = r.Given(o.ClusterRadius) ? r.GetValue(o.ClusterRadius) : FlowBasinsSettings.DefaultClusterRadius;
        var settings = new FlowBasinsSettings(p, d, family.Layers, restarts, steps, r.GetValue(o.Optimizer), r.GetValue(o.LearningRate),
            r.GetValue(o.Seed), muMin, muMax, sMin, sMax, r.GetValue(o.Tolerance), radius, r.GetValue(o.Precision), r.GetValue(o.Accelerator));
        string dir = CommonOptions.OutFolder(r, output.Dir); // a bad --out fails before any work
        context.Cancel.ThrowIfCancellationRequested();

        using var engine = KlEngine.Create(settings.Accelerator, settings.Precision);
        var run = FlowBasinsJob.Compute(settings, engine, context.Cancel);
        bool html = r.GetValue(o.Html);
        var files = FlowBasinsJob.Write(run, dir, output.Svg, context.Cancel, o.FlowRecord.Of((settings, output.Svg, html)), html);
        if (output.Json) context.Out.Write(JsonFile.Serialize(FlowBasinsJob.Summary(run)));
        else Table(context.Out, run, dir, files.Count);
        return Cli.Ok;
    }

    static void Table(TextWriter o, FlowBasinsRun run, string dir, int files)
    {
        var s = run.Settings;
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"target p = {s.Target}");
        o.WriteLine(string.Create(c, $"{s.Divergence.Label()}, q = {new FlowFamily(s.Layers).Describe} (θ = μ, log σ, then α, β, ε, γ per layer); {run.Status.Length:N0} restarts × ≤ {s.Steps:N0} {s.Optimizer.ToString().ToLowerInvariant()} steps (lr {s.LearningRate:G6}) on {run.DeviceKind}, {s.Precision.ToString().ToLowerInvariant()} precision"));
        o.WriteLine(string.Create(c, $"time: restarts {run.OptimizeSeconds:0.000} s, polish {run.PolishSeconds:0.000} s; mean steps {run.Steps.Average():0.0}"));
        o.WriteLine("basins are merged by q itself (T_b⁻¹∘T_a against the identity), so θ that describe one q are one basin; T(−1), T(0), T(1) are q's quantiles at 15.9%, 50%, 84.1%");
        o.WriteLine();
        o.WriteLine($"{"basin",5}  {"kind",-8}  {s.Divergence.Label(),14}  {"restarts",8}  {"fraction",8}  {"T(−1), T(0), T(1)",-32}  {"flat",4}  θ");
        foreach (var b in run.Basins)
        {
            string List(double[] v, string format) => string.Join(", ", v.Select(x => (Math.Abs(x) < 5e-7 ? 0 : x).ToString(format, c))); // no "-0.000000"
            o.WriteLine(string.Create(c, $"{"B" + b.Id,5}  {(b.Polished ? b.Kind.ToString().ToLowerInvariant() : "-"),-8}  {b.Value,14:G10}  {b.Count,8:N0}  {b.Fraction,8:P1}  {List(b.Quantiles, "F6"),-32}  {b.FlatDirections,4}  {List(b.Theta, "F4")}{(b.Polished ? "" : "  (not polished)")}"));
        }
        o.WriteLine();
        o.WriteLine(run.Summary());
        o.WriteLine($"wrote {files} files to {dir}");
    }
}
