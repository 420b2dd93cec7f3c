using System.CommandLine;
using System.Globalization;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Output;
using KlGpu.Specs;

namespace KlGpu.Cli;

/// <summary><c>klgpu landscape</c>: options → <see cref="LandscapeSettings"/> → <see cref="LandscapeJob.Run"/> → a summary.</summary>
internal static class LandscapeCommand
{
    public const string DefaultMu = "-5:5:256";
    public const string DefaultSigma = "0.05:5:256";
    public const string DefaultOut = "output/landscape";

    public static Command Create(CliContext context)
    {
        var target = CommonOptions.Target(required: false);
        var mu = new Option<string>("--mu")
        {
            Description = "The μ axis of q = N(μ, σ) as MIN:MAX:N, both ends included, e.g. --mu -4:4:512",
            DefaultValueFactory = _ => DefaultMu,
            HelpName = "MIN:MAX:N",
        };
        var sigma = new Option<string>("--sigma")
        {
            Description = "The σ axis as MIN:MAX:N with MIN > 0, e.g. --sigma 0.1:4:512",
            DefaultValueFactory = _ => DefaultSigma,
            HelpName = "MIN:MAX:N",
        };
        var logSigma = new Option<bool>("--log-sigma") { Description = "Space σ geometrically, evenly on a log scale, e.g. --log-sigma --sigma 0.01:10:512" };
        var divergence = CommonOptions.Divergence(family: true, ksd: true);
        var precision = CommonOptions.Precision();
        var accelerator = CommonOptions.Accelerator();
        var outDir = new Option<string>("--out", "-o")
        {
            Description = "Output folder, created if needed: new, empty or an earlier klgpu run's (whose files are replaced), e.g. --out runs/bimodal",
            DefaultValueFactory = _ => DefaultOut,
            HelpName = "DIR",
        };
        var svg = new Option<bool>("--svg") { Description = "Also write every figure as SVG, e.g. --svg" };
        var linearColor = new Option<bool>("--linear-color") { Description = "Colour the maps linearly in the divergence instead of by its logarithm, e.g. --linear-color" };
        var family = new Option<string>("--family")
        {
            Description = "gaussian (a map over μ and σ), gaussian-fixed-sigma:S (a curve over μ at σ = S, both directions on one figure, restarts' end points marked; --sigma is then unused), mixture:K (a 2-D slice of a K-component q: --q, --vary, --x, --y) or student:NU (q = t_ν(μ, s) with ν fixed, a map over μ and the scale s on the --sigma axis), e.g. --family gaussian-fixed-sigma:1",
            DefaultValueFactory = _ => "gaussian",
            HelpName = "FAMILY",
        };
        var q = new Option<string>("--q") { Description = "With --family mixture:K, the mixture q whose slice is mapped, e.g. --q \"0.5*N(-1,0.5) + 0.5*N(1,0.5)\"", HelpName = "SPEC" };
        var vary = new Option<string>("--vary") { Description = "With --family mixture:K, the two parameters of q that vary (weightK, meanK, stdK), e.g. --vary mean1,mean2", HelpName = "A,B" };
        var x = new Option<string>("--x") { Description = "With --family mixture:K, the range of the first varied parameter, e.g. --x -3:3:128", HelpName = "MIN:MAX:N" };
        var y = new Option<string>("--y") { Description = "With --family mixture:K, the range of the second varied parameter, e.g. --y -3:3:128", HelpName = "MIN:MAX:N" };

        var command = new Command("landscape",
            "Map KL(p||q) and KL(q||p), or any --divergence of the family, over a (μ, σ) grid of Gaussians q and write .npy grids, a CSV table, figures and a manifest, e.g. klgpu landscape --target \"0.5*N(-2,1) + 0.5*N(2,1)\" --mu -5:5:512 --sigma 0.1:4:512")
        {
            target, mu, sigma, logSigma, divergence, precision, accelerator, outDir, CommonOptions.Force(), svg, linearColor, family, q, vary, x, y,
        };
        command.SetAction(r =>
        {
            double? studentNu = StudentFamilySpec.Parse(r.GetValue(family));
            var fam = studentNu is null ? KlGpu.Basins.FitFamily.Parse(r.GetValue(family)) : KlGpu.Basins.FitFamily.Gaussian;
            if (fam.IsMixture)
                return Slice(context, r, fam.Components, target, q, vary, x, y, divergence, precision, accelerator, outDir, svg, linearColor);
            foreach (var o in new[] { q, vary, x, y })
                if (r.GetResult(o) is not null) throw new UsageException($"{o.Name}: only with --family mixture:K (slices of a mixture q)");
            if (fam.FixedSigma is { } fixedSigma)
                return FixedSigma(context, r, fixedSigma, target, mu, divergence, precision, accelerator, outDir, svg);
            bool geometric = r.GetValue(logSigma);
            var settings = new LandscapeSettings(
                CommonOptions.ParseTarget(r, target, heavyTails: true),
                RangeSpec.ParseAxis(r.GetValue(mu), "--mu"),
                RangeSpec.ParseAxis(r.GetValue(sigma), "--sigma", positive: true, geometric: geometric),
                CommonOptions.ParseDivergences(r, divergence),
                CommonOptions.ParsePrecision(r, precision),
                CommonOptions.ParseAccelerator(r, accelerator),
                r.GetValue(outDir)!,
                r.GetValue(svg),
                !r.GetValue(linearColor),
                studentNu);
            if (settings.Target.HeavyTails is not null || studentNu is not null) KlEngine.RequireHeavyTailSupport(1, settings.Divergences);
            if (studentNu is not null && settings.Target.IsTwoModes)
                throw new UsageException($"--family: student:NU takes a 1-D target; {settings.Target} is {settings.Target.Dimension}-dimensional");
            string dir = CommonOptions.OutFolder(r, settings.OutDir); // a bad --out fails before any work
            LandscapeJob.Budget(settings).Check(dir, r.GetValue<bool>("--force"));
            context.Cancel.ThrowIfCancellationRequested();
            using var engine = KlEngine.Create(settings.Accelerator, settings.Precision);
            var result = LandscapeJob.Run(settings, engine, context.Cancel);
            Summarise(context.Out, settings, result);
            return Cli.Ok;
        });
        return command;
    }

    static int Slice(CliContext context, ParseResult r, int components, Option<string> target, Option<string> q, Option<string> vary,
        Option<string> x, Option<string> y, Option<string> divergence, Option<string> precision, Option<string> accelerator,
        Option<string> outDir, Option<bool> svg, Option<bool> linearColor)
    {
        var slice = SliceSpec.Parse(components, r.GetValue(q), r.GetValue(vary), r.GetValue(x), r.GetValue(y));
        DivergenceList.RefuseKsd(CommonOptions.ParseDivergences(r, divergence), "a mixture slice");
        if ((long)slice.X.Axis.Count * slice.Y.Axis.Count > MixtureSliceJob.MaxPoints)
            throw new UsageException($"--x, --y: {slice.X.Axis.Count} × {slice.Y.Axis.Count} points are more than a slice holds ({MixtureSliceJob.MaxPoints:N0}); ask for fewer");
        var settings = new MixtureSliceSettings(CommonOptions.ParseTarget(r, target), slice, CommonOptions.ParseDivergences(r, divergence),
            CommonOptions.ParsePrecision(r, precision), CommonOptions.ParseAccelerator(r, accelerator), r.GetValue(outDir)!,
            r.GetValue(svg), !r.GetValue(linearColor));
        string dir = CommonOptions.OutFolder(r, settings.OutDir); // a bad --out fails before any work
        context.Cancel.ThrowIfCancellationRequested();
        using var engine = KlEngine.Create(settings.Accelerator, settings.Precision);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var files = MixtureSliceJob.Run(settings, engine, context.Cancel);
        context.Out.WriteLine($"target p = {settings.Target}");
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"q = {slice.Q}, {slice.X.Parameter} × {slice.Y.Parameter} over {slice.X.Axis.Count} × {slice.Y.Axis.Count} points, on {engine.DeviceKind} ({engine.DeviceName}), {clock.Elapsed.TotalSeconds:0.000} s"));
        context.Out.WriteLine($"wrote {files.Count} files to {dir}:");
        foreach (var f in files) context.Out.WriteLine($"  {f.Path,-20} {f.Role}");
        return Cli.Ok;
    }

    static int FixedSigma(CliContext context, ParseResult r, double sigma, Option<string> target, Option<string> mu, Option<string> divergence,
        Option<string> precision, Option<string> accelerator, Option<string> outDir, Option<bool> svg)
    {
        var p = CommonOptions.ParseOneDimensionalTarget(r, target, "the fixed-σ curve");
        var axis = RangeSpec.ParseAxis(r.GetValue(mu), "--mu");
        var divergences = CommonOptions.ParseDivergences(r, divergence);
        DivergenceList.RefuseKsd(divergences, "the fixed-σ curve");
        MachineBudget.ForTable($"a curve of {axis.Count:N0} points", axis.Count, divergences.Count + 1).Check(null, force: true);
        var prec = CommonOptions.ParsePrecision(r, precision);
        var kind = CommonOptions.ParseAccelerator(r, accelerator);
        string dir = CommonOptions.OutFolder(r, r.GetValue(outDir)!);
        context.Cancel.ThrowIfCancellationRequested();
        using var engine = KlEngine.Create(kind, prec);
        var files = FixedSigmaJob.Run(p, axis, sigma, divergences, dir, r.GetValue(svg), engine, prec, kind, context.Cancel);
        context.Out.WriteLine($"target p = {p}");
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"q = N(μ, {sigma:G6}) with σ fixed, {axis.Count} values of μ, on {engine.DeviceKind} ({engine.DeviceName})"));
        context.Out.WriteLine($"wrote {files.Count} files to {dir}:");
        foreach (var f in files) context.Out.WriteLine($"  {f.Path,-20} {f.Role}");
        return Cli.Ok;
    }

    static void Summarise(TextWriter o, LandscapeSettings s, LandscapeResult r)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"target p = {s.Target}");
        if (s.StudentNu is { } nu) o.WriteLine(string.Create(c, $"q = t_ν(μ, s) with ν = {nu:R} fixed; the --sigma axis is the scale s"));
        o.WriteLine(string.Create(c, $"grid: {s.Mu.Count} μ × {s.Sigma.Count} σ = {r.GridPoints:N0} points in {r.Tiles} tile(s), on {r.DeviceKind} ({r.DeviceName}), {s.Precision.ToString().ToLowerInvariant()} precision"));
        o.WriteLine(string.Create(c, $"time: compute {r.ComputeSeconds:0.000} s, write {r.WriteSeconds:0.000} s, total {r.TotalSeconds:0.000} s"));
        foreach (var (d, m) in r.Minima)
            o.WriteLine(double.IsPositiveInfinity(m.Value)
                ? $"{d.Name(),-8} {d.Label()} = inf at every grid point"
                : string.Create(c, $"{d.Name(),-8} minimum {d.Label()} = {m.Value:G8}{d.Unit} at μ = {m.Mu:G6}, {(s.StudentNu is null ? "σ" : "s")} = {m.Sigma:G6}"));
        o.WriteLine($"wrote {r.Files.Count} files to {r.OutDir}:");
        foreach (var f in r.Files) o.WriteLine($"  {f.Path,-20} {f.Role}");
    }
}
