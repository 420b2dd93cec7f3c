namespace KlGpu.Cli;

/// <summary><c>klgpu landscape</c>: options → <see cref="LandscapeSettings"/> (or a slice's or a fixed σ's settings) → the job → a summary.</summary>
internal sealed class LandscapeCommand
{
    public const string DefaultMu = "-5:5:256";
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
    readonly Parameter<bool> linearColor = Parameter.Switch("log_color", "--linear-color",
        "Colour the maps linearly in the divergence instead of by its logarithm, e.g. --linear-color", inverted: true);
    readonly Parameter<bool> csv = Parameter.Switch("csv", "--csv",
        "Write landscape.csv, one line per grid point, also for grids above 512 × 512 points (up to that size it is always written; the .npy grids always hold every value), e.g. --csv");
    readonly Parameter<FitFamily> family = Parameter.Of("family", "--family", null, "FAMILY",
        "gaussian (a map over μ and σ), gaussian-fixed-sigma:S (a curve over μ at σ = S, both directions on one figure, restarts' end points marked; --sigma is then unused), mixture:K (a 2-D slice of a K-component q: --q, --vary, --x, --y) or student:NU (q = t_ν(μ, s) with ν fixed, a map over μ and the scale s on the --sigma axis), e.g. --family gaussian-fixed-sigma:1",
        "gaussian", FitFamily.Parse, f => f.Name);
    readonly Parameter<string?> q = Parameter.Text("q", "--q", "SPEC", "With --family mixture:K, the mixture q whose slice is mapped, e.g. --q \"0.5*N(-1,0.5) + 0.5*N(1,0.5)\"");
    readonly Parameter<string?> vary = Parameter.Text("vary", "--vary", "A,B", "With --family mixture:K, the two parameters of q that vary (weightK, meanK, stdK), e.g. --vary mean1,mean2");
    readonly Parameter<string?> x = Parameter.Text("x", "--x", "MIN:MAX:N", "With --family mixture:K, the range of the first varied parameter, e.g. --x -3:3:128");
    readonly Parameter<string?> y = Parameter.Text("y", "--y", "MIN:MAX:N", "With --family mixture:K, the range of the second varied parameter, e.g. --y -3:3:128");

    /// <summary>In the order of the help and of the manifest.</summary>
    public IReadOnlyList<Parameter> Parameters => [target, mu, sigma, logSigma, divergences, precision, accelerator, svg, linearColor, csv, family, q, vary, x, y];

    RunRecord<LandscapeSettings> Map => new(Parameters)
    {
        { target, s => s.Target }, { mu, s => s.Mu }, { sigma, s => s.Sigma }, { logSigma, s => s.Sigma.Geometric }, { divergences, s => s.Divergences },
        { precision, s => s.Precision }, { accelerator, s => s.Accelerator }, { svg, s => s.Svg }, { linearColor, s => !s.LogColor },
        { csv, s => s.Csv }, { family, s => s.Fit },
    };

    RunRecord<MixtureSliceSettings> Slice => new(Parameters)
    {
        { target, s => s.Target }, { divergences, s => s.Divergences }, { precision, s => s.Precision }, { accelerator, s => s.Accelerator },
        { svg, s => s.Svg }, { linearColor, s => !s.LogColor }, { family, s => new MixtureFamily(s.Slice.Q.Count) }, { q, s => s.Slice.Q.ToString() },
        { vary, s => $"{s.Slice.X.Parameter},{s.Slice.Y.Parameter}" }, { x, s => Parameter.AxisText(s.Slice.X.Axis) }, { y, s => Parameter.AxisText(s.Slice.Y.Axis) },
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
            target, mu, sigma, logSigma, divergences, precision, accelerator, outDir, CommonOptions.Force(), svg, linearColor, csv, family, q, vary, x, y,
        };
        command.SetAction(r =>
        {
            var fam = r.GetValue(family);
            // A mixture q is mapped by slices, a fixed σ by a curve; every other family by a (μ, scale) map.
            if (fam is not LocationScaleFamily { FixedScale: null } && r.GetValue(csv))
                throw new UsageException($"{csv.Option.Name}: only for a map over (μ, σ); a slice or a curve writes its own table");
            if (fam is MixtureFamily mixture) return RunSlice(context, r, mixture.Components, r.GetValue(outDir)!);
            foreach (var o in new[] { q, vary, x, y })
                if (r.Given(o)) throw new UsageException($"{o.Option.Name}: only with --family mixture:K (slices of a mixture q)");
            if (fam is FixedSigmaFamily fixedSigma) return RunCurve(context, r, fixedSigma.Sigma, r.GetValue(outDir)!);
            var settings = new LandscapeSettings(r.GetValue(target), r.GetValue(mu), r.GetValue(sigma) with { Geometric = r.GetValue(logSigma) },
                r.GetValue(divergences), r.GetValue(precision), r.GetValue(accelerator), r.GetValue(outDir)!, r.GetValue(svg), !r.GetValue(linearColor),
                (LocationScaleFamily)fam, r.GetValue(csv));
            settings.Fit.CheckMap(settings.Target, settings.Divergences);
            ParameterDomain.CheckQ(settings.Target, settings.Mu.Min, settings.Mu.Max, settings.Sigma.Min, settings.Sigma.Max, "--mu, --sigma",
                settings.Fit.ScaleName == "σ" ? "σ" : "the scale");
            ParameterDomain.CheckKsd(settings.Divergences, settings.Sigma.Min, "--sigma");
            string dir = CommonOptions.OutFolder(r, settings.OutDir); // a bad --out fails before any work
            LandscapeJob.Budget(settings).Check(dir, r.GetValue<bool>("--force"));
            context.Cancel.ThrowIfCancellationRequested();
            using var engine = KlEngine.Create(settings.Accelerator, settings.Precision);
            var result = LandscapeJob.Run(settings, engine, context.Cancel, Map.Of(settings));
            Summarise(context.Out, settings, result);
            return Cli.Ok;
        });
        return command;
    }

    /// <summary>A slice and a curve take a Gaussian-mixture target: a heavy-tailed one is refused as the target's parser refuses it.</summary>
    Target GaussianTarget(ParseResult r) =>
        r.GetValue(target) is { HeavyTails: not null } p ? TargetSpec.Parse(p.ToString(), target.Option.Name) : r.GetValue(target);

    int RunSlice(CliContext context, ParseResult r, int components, string outDir)
    {
        var slice = SliceSpec.Parse(components, r.GetValue(q), r.GetValue(vary), r.GetValue(x), r.GetValue(y),
            new(family.Option.Name, q.Option.Name, vary.Option.Name, x.Option.Name, y.Option.Name));
        DivergenceList.RefuseKsd(r.GetValue(divergences), "a mixture slice");
        if ((long)slice.X.Axis.Count * slice.Y.Axis.Count > MixtureSliceJob.MaxPoints)
            throw new UsageException($"--x, --y: {slice.X.Axis.Count} × {slice.Y.Axis.Count} points are more than a slice holds ({MixtureSliceJob.MaxPoints:N0}); ask for fewer");
        var settings = new MixtureSliceSettings(GaussianTarget(r), slice, r.GetValue(divergences), r.GetValue(precision), r.GetValue(accelerator),
            outDir, r.GetValue(svg), !r.GetValue(linearColor));
        string dir = CommonOptions.OutFolder(r, settings.OutDir); // a bad --out fails before any work
        context.Cancel.ThrowIfCancellationRequested();
        using var engine = KlEngine.Create(settings.Accelerator, settings.Precision);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var files = MixtureSliceJob.Run(settings, engine, context.Cancel, Slice.Of(settings));
        context.Out.WriteLine($"target p = {settings.Target}");
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"q = {slice.Q}, {slice.X.Parameter} × {slice.Y.Parameter} over {slice.X.Axis.Count} × {slice.Y.Axis.Count} points, on {engine.DeviceKind} ({engine.DeviceName}), {clock.Elapsed.TotalSeconds:0.000} s"));
        context.Out.WriteLine($"wrote {files.Count} files to {dir}:");
        foreach (var f in files) context.Out.WriteLine($"  {f.Path,-20} {f.Role}");
        return Cli.Ok;
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
        context.Out.WriteLine($"wrote {files.Count} files to {dir}:");
        foreach (var f in files) context.Out.WriteLine($"  {f.Path,-20} {f.Role}");
        return Cli.Ok;
    }

    static void Summarise(TextWriter o, LandscapeSettings s, LandscapeResult r)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"target p = {s.Target}");
        if (s.Fit.ScaleName != "σ") o.WriteLine($"q = {s.Fit.Describe}; the --sigma axis is the scale {s.Fit.ScaleName}");
        o.WriteLine(string.Create(c, $"grid: {s.Mu.Count} μ × {s.Sigma.Count} σ = {r.GridPoints:N0} points in {r.Tiles} tile(s), on {r.DeviceKind} ({r.DeviceName}), {s.Precision.ToString().ToLowerInvariant()} precision"));
        o.WriteLine(string.Create(c, $"time: compute {r.ComputeSeconds:0.000} s, write {r.WriteSeconds:0.000} s, total {r.TotalSeconds:0.000} s"));
        foreach (var (d, m) in r.Minima)
            o.WriteLine(double.IsPositiveInfinity(m.Value)
                ? $"{d.Name(),-8} {d.Label()} = inf at every grid point"
                : string.Create(c, $"{d.Name(),-8} minimum {d.Label()} = {m.Value:G8}{d.Unit} at μ = {m.Mu:G6}, {s.Fit.ScaleName} = {m.Sigma:G6}"));
        o.WriteLine($"wrote {r.Files.Count} files to {r.OutDir}:");
        foreach (var f in r.Files) o.WriteLine($"  {f.Path,-20} {f.Role}");
    }
}
