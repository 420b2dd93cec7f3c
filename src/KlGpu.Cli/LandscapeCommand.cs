namespace KlGpu.Cli;

/// <summary><c>klgpu landscape</c>: options → <see cref="LandscapeSettings"/> (or a slice's or a fixed σ's settings) → the job → a summary.</summary>
internal sealed class LandscapeCommand
{
    /// <summary>An odd count, so that μ = 0, the centre of a target symmetric about 0 (the default one), is a grid point.</summary>
    public const string DefaultMu = "-5:5:257";
    public const string DefaultSigma = "0.05:5:256";
    public const string DefaultOut = "output/landscape";

    readonly Parameter<Target> target = CommonOptions.Target(required: false, heavyTails: true);
    readonly Parameter<GridAxis> mu = Parameter.Of("mu", "--mu", null, "MIN:MAX:N",
        "The μ axis of q = N(μ, σ) as MIN:MAX:N, both ends included, e.g. --mu -4:4:512", DefaultMu, (t, what) => RangeSpec.ParseAxis(t, what), a => Parameter.AxisText(a));
    readonly Parameter<GridAxis> sigma = Parameter.Of("sigma", "--sigma", null, "MIN:MAX:N",
        "The σ axis as MIN:MAX:N with MIN > 0, e.g. --sigma 0.1:4:512", DefaultSigma, (t, what) => RangeSpec.ParseAxis(t, what, positive: true), a => Parameter.AxisText(a));
    readonly Parameter<bool> logSigma = Parameter.Switch("log_sigma", "--log-sigma", "Space σ geometrically, evenly on a log scale, e.g. --log-sigma --sigma 0.01:10:512");
    readonly Parameter<IReadOnlyList<Divergence>> divergences = CommonOptions.Divergences(family: true, ksd: true).AlsoReads("divergence");
    readonly Parameter<Precision> precision = CommonOptions.Precision();
    readonly Parameter<AcceleratorChoice> accelerator = CommonOptions.Accelerator();
    readonly Parameter<bool> svg = CommonOptions.Svg();
    readonly Parameter<bool> html = CommonOptions.Html("each divergence's map to zoom and hover (μ, σ, the value), with q = N(μ, σ) drawn over p at the point under the pointer; a map over (μ, σ) only");
    readonly Parameter<bool> linearColor = Parameter.Switch("log_color", "--linear-color",
        "Colour the maps linearly in the divergence instead of by its logarithm, e.g. --linear-color", inverted: true);
    readonly Parameter<bool> csv = Parameter.Switch("csv", "--csv",
        "Write landscape.csv, one line per grid point, also for grids above 512 × 512 points (up to that size it is always written; the .npy grids always hold every value), e.g. --csv");
    readonly Parameter<FitFamily> family = Parameter.Of("family", "--family", null, "FAMILY",
        "gaussian (a map over μ and σ), gaussian-fixed-sigma:S (a curve over μ at σ = S, both directions on one figure, restarts' end points marked; --sigma is then unused), mixture:K (a 2-D slice of a K-component q: --q, --vary, --x, --y), flow:K (a 2-D slice through θ of a K-layer flow q: --q, --vary, --x, --y; forward and reverse KL) or student:NU (q = t_ν(μ, s) with ν fixed, a map over μ and the scale s on the --sigma axis), e.g. --family gaussian-fixed-sigma:1",
        "gaussian", FitFamily.Parse, f => f.Name);
    readonly Parameter<string?> q = Parameter.Text("q", "--q", "SPEC", "With --family mixture:K, the mixture q whose slice is mapped, e.g. --q \"0.5*N(-1,0.5) + 0.5*N(1,0.5)\"; with --family flow:K, the flow q, e.g. --q \"flow(0,2; S(0,2,0,0.5))\"");
    readonly Parameter<string?> vary = Parameter.Text("vary", "--vary", "A,B", "With --family mixture:K, the two parameters of q that vary (weightK, meanK, stdK), e.g. --vary mean1,mean2; with --family flow:K, two of θ (mu, log_sigma, alphaK, betaK, epsilonK, gammaK), e.g. --vary alpha1,gamma1");
    readonly Parameter<string?> x = Parameter.Text("x", "--x", "MIN:MAX:N", "With --family mixture:K, the range of the first varied parameter, e.g. --x -3:3:128");
    readonly Parameter<string?> y = Parameter.Text("y", "--y", "MIN:MAX:N", "With --family mixture:K, the range of the second varied parameter, e.g. --y -3:3:128");
    readonly ShardOptions shards = new();

    /// <summary>In the order of the help and of the manifest.</summary>
    public IReadOnlyList<Parameter> Parameters => [target, mu, sigma, logSigma, divergences, precision, accelerator, svg, html, linearColor, csv, family, q, vary, x, y, shards.Shard];

    RunRecord<LandscapeSettings> Map => new(Parameters)
    {
        { target, s => s.Target }, { mu, s => s.Mu }, { sigma, s => s.Sigma }, { logSigma, s => s.Sigma.Geometric }, { divergences, s => s.Divergences },
        { precision, s => s.Precision }, { accelerator, s => s.Accelerator }, { svg, s => s.Svg }, { html, s => s.Html },
        { linearColor, s => !s.LogColor }, { csv, s => s.Csv }, { family, s => s.Fit },
    };

    RunRecord<SliceSettings> Slice => new(Parameters)
    {
        { target, s => s.Target }, { divergences, s => s.Divergences }, { precision, s => s.Precision }, { accelerator, s => s.Accelerator },
        { svg, s => s.Svg }, { linearColor, s => !s.LogColor }, { family, s => s.Slice.Family }, { q, s => s.Slice.Plane.Q },
        { vary, s => $"{s.Slice.Plane.XName},{s.Slice.Plane.YName}" }, { x, s => Parameter.AxisText(s.Slice.Plane.X) }, { y, s => Parameter.AxisText(s.Slice.Plane.Y) },
    };

    RunRecord<FixedSigmaSettings> Curve => new(Parameters)
    {
        { target, s => s.Target }, { mu, s => s.Mu }, { divergences, s => s.Divergences }, { precision, s => s.Precision },
        { accelerator, s => s.Accelerator }, { svg, s => s.Svg }, { family, s => new FixedSigmaFamily(s.Sigma) },
    };

    public static Command Create(CliContext context) => new LandscapeCommand().Build(context);

    Command Build(CliContext context)
    {
        var outDir = CommonOptions.Out("Output folder, created if needed: new, empty or an earlier klgpu run's (whose files are replaced), e.g. --out runs/bimodal", DefaultOut);
        var command = new Command("landscape",
            "Map KL(p||q) and KL(q||p), or any --divergence of the family, over a (μ, σ) grid of Gaussians q and write .npy grids, a CSV table, figures and a manifest, e.g. klgpu landscape --target \"0.5*N(-2,1) + 0.5*N(2,1)\" --mu -5:5:512 --sigma 0.1:4:512")
        {
            target, mu, sigma, logSigma, divergences, precision, accelerator, outDir, CommonOptions.Force(), svg, html, linearColor, csv, family, q, vary, x, y,
            shards.Shard, shards.Shards,
        };
        command.SetAction(r =>
        {
            var fam = r.GetValue(family);
            var shard = shards.Resolve(r);
            if (fam is not LocationScaleFamily { FixedScale: null }) ShardOptions.Refuse(context, shard, "a slice or a fixed-σ curve");
            // A mixture q is mapped by slices, a fixed σ by a curve; every other family by a (μ, scale) map.
            if (fam is not LocationScaleFamily { FixedScale: null } && r.GetValue(csv))
                throw new UsageException($"{csv.Option.Name}: only for a map over (μ, σ); a slice or a curve writes its own table");
            if (fam is not LocationScaleFamily { FixedScale: null } && r.GetValue(html))
                throw new UsageException($"{html.Option.Name}: only for a map over (μ, σ), not yet for a slice or a curve");
            if (fam is MixtureFamily mixture) return RunSlice(context, r, mixture.Components, r.GetValue(outDir)!);
            if (fam is FlowFamily flow) return RunFlowSlice(context, r, flow, r.GetValue(outDir)!);
            foreach (var o in new[] { q, vary, x, y })
                if (r.Given(o)) throw new UsageException($"{o.Option.Name}: only with --family mixture:K (slices of a mixture q)");
            if (fam is FixedSigmaFamily fixedSigma) return RunCurve(context, r, fixedSigma.Sigma, r.GetValue(outDir)!);
            var settings = new LandscapeSettings(r.GetValue(target), r.GetValue(mu), r.GetValue(sigma) with { Geometric = r.GetValue(logSigma) },
                r.GetValue(divergences), r.GetValue(precision), r.GetValue(accelerator), r.GetValue(outDir)!, r.GetValue(svg), !r.GetValue(linearColor),
                (LocationScaleFamily)fam, r.GetValue(csv), r.GetValue(html));
            settings.Fit.CheckMap(settings.Target, settings.Divergences);
            ParameterDomain.CheckQ(settings.Target, settings.Mu.Min, settings.Mu.Max, settings.Sigma.Min, settings.Sigma.Max, "--mu, --sigma",
                settings.Fit.ScaleName == "σ" ? "σ" : "the scale");
            ParameterDomain.CheckKsd(settings.Divergences, settings.Sigma.Min, "--sigma");
            var parameters = Map.Of(settings);
            if (shard is not null)
                return ShardOptions.Run(context, r, shard, settings.OutDir, "landscape", parameters, (part, own) =>
                {
                    using var shardEngine = KlEngine.Create(settings.Accelerator, settings.Precision);
                    return LandscapeJob.ComputeShard(settings, shardEngine, shard, part, own, context.Cancel);
                });
            string dir = CommonOptions.OutFolder(r, settings.OutDir); // a bad --out fails before any work
            LandscapeJob.Budget(settings).Check(dir, r.GetValue<bool>("--force"));
            context.Cancel.ThrowIfCancellationRequested();
            if (context.Merge is { } set)
            {
                ShardOptions.CheckMerge(set, parameters);
                Summarise(context.Out, settings, LandscapeJob.Merge(settings, set, context.Cancel, parameters));
                return Cli.Ok;
            }
            using var engine = KlEngine.Create(settings.Accelerator, settings.Precision);
            var result = LandscapeJob.Run(settings, engine, context.Cancel, parameters);
            Summarise(context.Out, settings, result);
            return Cli.Ok;
        });
        return command;
    }

    /// <summary>A slice and a curve take a Gaussian-mixture target: a heavy-tailed one is refused as the target's parser refuses it.</summary>
    Target GaussianTarget(ParseResult r) =>
        r.GetValue(target) is HeavyTailedTarget p ? TargetSpec.Parse(p.ToString(), target.Option.Name) : r.GetValue(target);

    int RunSlice(CliContext context, ParseResult r, int components, string outDir)
    {
        var slice = SliceSpec.Parse(components, r.GetValue(q), r.GetValue(vary), r.GetValue(x), r.GetValue(y),
            new(family.Option.Name, q.Option.Name, vary.Option.Name, x.Option.Name, y.Option.Name));
        DivergenceList.RefuseKsd(r.GetValue(divergences), "a mixture slice");
        if ((long)slice.X.Axis.Count * slice.Y.Axis.Count > MixtureSlice.MaxPoints)
            throw new UsageException($"--x, --y: {slice.X.Axis.Count} × {slice.Y.Axis.Count} points are more than a slice holds ({MixtureSlice.MaxPoints:N0}); ask for fewer");
        ParameterDomain.CheckSlice(GaussianTarget(r), slice, q.Option.Name, x.Option.Name, y.Option.Name);
        return Sliced(context, r, slice, outDir);
    }

    /// <summary>Runs a slice on its own engine and says what it did: p, q and the plane, the device and the time, the files.</summary>
    int Sliced(CliContext context, ParseResult r, ThetaSlice slice, string outDir)
    {
        var s = new SliceSettings(GaussianTarget(r), slice, r.GetValue(divergences), r.GetValue(precision), r.GetValue(accelerator),
            outDir, r.GetValue(svg), !r.GetValue(linearColor));
        string dir = CommonOptions.OutFolder(r, outDir); // a bad --out fails before any work
        context.Cancel.ThrowIfCancellationRequested();
        using var engine = KlEngine.Create(s.Accelerator, s.Precision);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var files = SliceJob.Run(s, engine, context.Cancel, Slice.Of(s));
        var plane = slice.Plane;
        context.Out.WriteLine($"target p = {s.Target}");
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"q = {plane.Q}, {plane.XName} × {plane.YName} over {plane.X.Count} × {plane.Y.Count} points, on {engine.DeviceKind} ({engine.DeviceName}), {clock.Elapsed.TotalSeconds:0.000} s"));
        Wrote(context.Out, dir, files);
        return Cli.Ok;
    }

    /// <summary>A slice through θ of a flow q (docs/flow.md): --q a flow with K layers, --vary two of θ's names.</summary>
    int RunFlowSlice(CliContext context, ParseResult r, FlowFamily fit, string outDir)
    {
        string qText = r.GetValue(q) ?? throw new UsageException($"{q.Option.Name}: a flow slice needs the flow q it passes through, e.g. --q \"flow(0,2; S(0,2,0,0.5))\"");
        var flow = FlowSpec.Parse(qText, q.Option.Name);
        if (flow.Layers != fit.Layers)
            throw new UsageException($"{q.Option.Name}: {flow} has {flow.Layers} layers; --family {fit.Name} asks for {fit.Layers}");
        var names = fit.ParameterNames.ToArray();
        string[] pair = (r.GetValue(vary) ?? throw new UsageException($"{vary.Option.Name}: name the two parameters of θ that vary ({string.Join(", ", names)})"))
            .Split(',', StringSplitOptions.TrimEntries);
        int Index(string name) => Array.IndexOf(names, name) is var i and >= 0 ? i
            : throw new UsageException($"{vary.Option.Name}: unknown parameter \"{name}\" of {fit.Name} (valid: {string.Join(", ", names)})");
        if (pair.Length != 2 || pair[0] == pair[1])
            throw new UsageException($"{vary.Option.Name}: name two different parameters of θ, e.g. --vary {names[0]},{names[1]}");
        int ix = Index(pair[0]), iy = Index(pair[1]);
        var ax = RangeSpec.ParseAxis(r.GetValue(x) ?? throw new UsageException($"{x.Option.Name}: give the range of {pair[0]}, e.g. --x -3:3:64"), $"{x.Option.Name} ({pair[0]})");
        var ay = RangeSpec.ParseAxis(r.GetValue(y) ?? throw new UsageException($"{y.Option.Name}: give the range of {pair[1]}, e.g. --y -1:1:64"), $"{y.Option.Name} ({pair[1]})");
        if ((long)ax.Count * ay.Count > FlowSlice.MaxPoints)
            throw new UsageException($"--x, --y: {ax.Count} × {ay.Count} points are more than a flow slice holds ({FlowSlice.MaxPoints:N0}); ask for fewer");
        try { fit.CheckMap(GaussianTarget(r), r.GetValue(divergences)); }
        catch (UnsupportedFitException e) { throw new UsageException($"{(e.Part == FitPart.Divergence ? divergences.Option.Name : family.Option.Name)}: {e.Message}"); }
        return Sliced(context, r, new FlowSlice(flow, ix, ax, iy, ay), outDir);
    }

    int RunCurve(CliContext context, ParseResult r, double fixedSigma, string outDir)
    {
        var s = new FixedSigmaSettings(CommonOptions.OneDimensional(GaussianTarget(r), "the fixed-σ curve"), r.GetValue(mu), fixedSigma,
            r.GetValue(divergences), r.GetValue(precision), r.GetValue(accelerator), r.GetValue(svg));
        DivergenceList.RefuseKsd(s.Divergences, "the fixed-σ curve");
        ParameterDomain.CheckQ(s.Target, s.Mu.Min, s.Mu.Max, fixedSigma, fixedSigma, "--mu, --family");
        MachineBudget.ForTable($"a curve of {s.Mu.Count:N0} points", s.Mu.Count, s.Divergences.Count + 1).Check(null, force: true);
        string dir = CommonOptions.OutFolder(r, outDir);
        context.Cancel.ThrowIfCancellationRequested();
        using var engine = KlEngine.Create(s.Accelerator, s.Precision);
        var files = FixedSigmaJob.Run(s.Target, s.Mu, s.Sigma, s.Divergences, dir, s.Svg, engine, s.Precision, s.Accelerator, context.Cancel, Curve.Of(s));
        context.Out.WriteLine($"target p = {s.Target}");
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"q = N(μ, {fixedSigma:G6}) with σ fixed, {s.Mu.Count} values of μ, on {engine.DeviceKind} ({engine.DeviceName})"));
        Wrote(context.Out, dir, files);
        return Cli.Ok;
    }

    static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";

    static void Summarise(TextWriter o, LandscapeSettings s, LandscapeResult r)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"target p = {s.Target}");
        if (s.Fit.ScaleName != "σ") o.WriteLine($"q = {s.Fit.Describe}; the --sigma axis is the scale {s.Fit.ScaleName}");
        o.WriteLine(string.Create(c, $"grid: {s.Mu.Count} μ × {s.Sigma.Count} σ = {r.GridPoints:N0} points in {r.Tiles} tile(s), on {r.DeviceKind} ({r.DeviceName}), {s.Precision.ToString().ToLowerInvariant()} precision"));
        o.WriteLine(string.Create(c, $"time: compute {r.ComputeSeconds:0.000} s, stationary points {r.PolishSeconds:0.000} s, write {r.WriteSeconds:0.000} s, total {r.TotalSeconds:0.000} s"));
        foreach (var (d, m) in r.Minima)
            o.WriteLine(double.IsPositiveInfinity(m.Value)
                ? $"{d.Name(),-8} {d.Label()} = inf at every grid point"
                : string.Create(c, $"{d.Name(),-8} minimum {d.Label()} = {m.Value:G8}{d.Unit} at μ = {m.Mu:G6}, {s.Fit.ScaleName} = {m.Sigma:G6}"));
        o.WriteLine($"stationary points, polished (also in {LandscapeJob.PointsName}):");
        foreach (var (d, st) in r.Stationary)
        {
            if (st.NotSearched is { } why)
            {
                o.WriteLine($"  {d.Name(),-8} not searched: {why}");
                continue;
            }
            string Points(IReadOnlyList<MapPoint> points) => string.Join(", ", points.Select(p => string.Create(c, $"{p.Value:G8} at ({(Math.Abs(p.Mu) < 1e-9 ? 0 : p.Mu):G6}, {p.Sigma:G6})")));
            o.WriteLine($"  {d.Name(),-8} {Count(st.Minima.Count, "local minimum", "local minima")}{(st.Minima.Count > 0 ? ": " + Points(st.Minima) : "")}");
            if (st.Saddles.Count > 0) o.WriteLine($"  {"",-8} {Count(st.Saddles.Count, "saddle", "saddles")}: {Points(st.Saddles)}");
        }
        Wrote(o, r.OutDir, r.Files, width: 22);
    }

    /// <summary>The files a run wrote, one line each with its role.</summary>
    static void Wrote(TextWriter o, string dir, IReadOnlyList<OutputFileEntry> files, int width = 20)
    {
        o.WriteLine($"wrote {files.Count} files to {dir}:");
        foreach (var f in files) o.WriteLine($"  {f.Path.PadRight(width)} {f.Role}");
    }
}
