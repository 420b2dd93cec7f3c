using System.CommandLine;
using System.Globalization;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Output;
using KlGpu.Specs;

namespace KlGpu.Cli;

/// <summary><c>klgpu basins</c>: options → <see cref="BasinsSettings"/> → <see cref="BasinsJob"/> → a table or JSON.</summary>
internal static class BasinsCommand
{
    public const string DefaultOut = "output/basins";

    public static Command Create(CliContext context)
    {
        var target = CommonOptions.Target(required: false);
        var divergence = new Option<string>("--divergence", "-d")
        {
            Description = "The divergence every restart minimizes: forward = KL(p||q), reverse = KL(q||p), js, hellinger, tv, pearson, neyman, jeffreys, alpha:A or renyi:A, e.g. --divergence forward",
            DefaultValueFactory = _ => "reverse",
            HelpName = "NAME",
        };
        var family = new Option<string>("--family")
        {
            Description = "The model q: gaussian (μ and σ free), gaussian-fixed-sigma:S (μ only, σ = S), mixture:K (K ≤ 8 components: weights, means and stds; forward or reverse KL; default 256 restarts × 1500 steps) or student:NU (q = t_ν(μ, s) with ν fixed, μ and the scale s free, on the --sigma axis; forward or reverse KL), e.g. --family mixture:2",
            DefaultValueFactory = _ => "gaussian",
            HelpName = "FAMILY",
        };
        var restarts = Text("--restarts", "N", $"Number of optimizer restarts (ignored for grid starts), e.g. --restarts 100000", BasinsSettings.DefaultRestarts.ToString(CultureInfo.InvariantCulture));
        var steps = Text("--steps", "T", "Most optimizer steps per restart; a restart stops earlier once its gradient norm is below --tolerance, e.g. --steps 5000", BasinsSettings.DefaultSteps.ToString(CultureInfo.InvariantCulture));
        var optimizer = Text("--optimizer", "NAME", "Update rule: adam (β1 0.9, β2 0.999, ε 1e-8), sgd (plain gradient descent) or momentum (heavy ball, β 0.9), e.g. --optimizer momentum", "adam");
        var lr = Text("--lr", "X", "Learning rate, in units of (μ, log σ) per step, e.g. --lr 0.02", "0.05");
        var seed = Text("--seed", "K", "Seed of the random starts: the same seed gives the same starts and results on every run and device, e.g. --seed 7", "1");
        var starts = Text("--starts", "DESIGN", "random (μ uniform, σ log-uniform) or grid:NMUxNSIGMA (a grid of starts; also draws the basin-of-attraction map), e.g. --starts grid:64x48", "random");
        var mu = new Option<string>("--mu") { Description = "Start range of μ as MIN:MAX (default: every target component's mean ± 3 stds), e.g. --mu -6:6", HelpName = "MIN:MAX" };
        var sigma = new Option<string>("--sigma") { Description = "Start range of σ as MIN:MAX, MIN > 0 (default: a quarter of the narrowest component to twice p's std), e.g. --sigma 0.1:10", HelpName = "MIN:MAX" };
        var tolerance = Text("--tolerance", "X", "A restart has converged when its gradient norm in (μ, log σ) falls below this, e.g. --tolerance 1e-8",
            "1e-6");
        var radius = Text("--cluster-radius", "X", "End points closer than this in both μ and log σ form one cluster before polishing, e.g. --cluster-radius 1e-2",
            "1e-3");
        var trajectories = Text("--trajectories", "K", "Record every step of the first K restarts and draw them over the landscape, e.g. --trajectories 20", "0");
        var precision = CommonOptions.Precision();
        var accelerator = CommonOptions.Accelerator();
        var json = new Option<bool>("--json") { Description = "Print one JSON object: restarts, converged, and basins (mu, sigma, value, fraction, count, kind, hessian_eigenvalues), e.g. --json" };
        var outDir = new Option<string>("--out", "-o")
        {
            Description = "Output folder for figures, restarts.csv, basins.json and manifest.json, e.g. --out runs/two-modes",
            DefaultValueFactory = _ => DefaultOut,
            HelpName = "DIR",
        };
        var svg = new Option<bool>("--svg") { Description = "Also write every figure as SVG, e.g. --svg" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress line on the terminal, e.g. --quiet" };
        var animate = new Option<bool>("--animate") { Description = "Also write basins.gif: the recorded restarts (--trajectories, 24 if not given) moving over the landscape, and their fitted densities over p, e.g. --animate" };

        var command = new Command("basins",
            "Run many optimizer restarts of q = N(μ, σ) in parallel and count the distinct optima they reach, e.g. klgpu basins --target \"0.5*N(-2.75,1) + 0.5*N(2.75,1)\" --divergence reverse --restarts 10000")
        {
            target, divergence, family, restarts, steps, optimizer, lr, seed, starts, mu, sigma, tolerance, radius, trajectories,
            precision, accelerator, json, outDir, CommonOptions.Force(), svg, quiet, animate,
        };
        command.SetAction(r =>
        {
            var p = CommonOptions.ParseTarget(r, target, heavyTails: true);
            var fam = StudentFamilySpec.Parse(r.GetValue(family)) is { } nu ? FitFamily.Student(nu) : FitFamily.Parse(r.GetValue(family));
            if (p.HeavyTails is not null) BasinsJob.RequireHeavyTailFamily(fam);
            if (fam.IsMixture)
                return MixtureBasinsCommand.Run(context, r, fam, p, new(divergence, restarts, steps, optimizer, lr, seed, starts, mu, sigma,
                    tolerance, radius, trajectories, precision, accelerator, json, outDir, svg, animate));
            fam.CheckTarget(p);
            var (gridMu, gridSigma) = BasinsSpec.Starts(r.GetValue(starts), fam);
            var defaults = p.HeavyTails is { } heavy ? BasinsSettings.DefaultRanges(heavy) : BasinsSettings.DefaultRanges(p.Marginal);
            var (muMin, muMax) = r.GetValue(mu) is { } m ? BasinsSpec.Interval(m, "--mu") : (defaults.MuMin, defaults.MuMax);
            var (sMin, sMax) = r.GetValue(sigma) is { } s ? BasinsSpec.Interval(s, "--sigma", positive: true) : (defaults.SigmaMin, defaults.SigmaMax);
            int stepCount = BasinsSpec.Count(r.GetValue(steps), "--steps", 1, 10_000_000);
            int restartCount = gridMu > 0 ? gridMu * gridSigma : BasinsSpec.Count(r.GetValue(restarts), "--restarts", 1, BasinsSpec.MaxRestarts);
            int paths = BasinsSpec.Count(r.GetValue(trajectories), "--trajectories", 0, Math.Min(restartCount, 1 << 16));
            bool animated = r.GetValue(animate);
            if (animated && paths == 0) paths = Math.Min(24, restartCount);
            if (animated && r.GetValue(family)?.Trim().StartsWith("gaussian-fixed-sigma", StringComparison.OrdinalIgnoreCase) == true)
                throw new UsageException("--animate: animations draw paths over the (μ, σ) plane; with σ fixed there is no plane (use --family gaussian)");
            if ((long)paths * (stepCount + 1) > BasinsSpec.MaxTrajectoryPoints)
                throw new UsageException($"--trajectories: {paths} paths of {stepCount + 1} points are too many to record; ask for fewer paths or steps");
            var settings = new BasinsSettings(
                p,
                BasinsSpec.Divergence(r.GetValue(divergence), p),
                fam,
                restartCount,
                stepCount,
                BasinsSpec.Optimizer(r.GetValue(optimizer)),
                BasinsSpec.Positive(r.GetValue(lr), "--lr"),
                new StartDesign(muMin, muMax, sMin, sMax, BasinsSpec.Seed(r.GetValue(seed)), gridMu, gridSigma),
                BasinsSpec.Positive(r.GetValue(tolerance), "--tolerance"),
                BasinsSpec.Positive(r.GetValue(radius), "--cluster-radius"),
                paths,
                CommonOptions.ParsePrecision(r, precision),
                CommonOptions.ParseAccelerator(r, accelerator));
            if (fam.StudentNu is not null) BasinsJob.RequireStudentSupport(settings);
            else if (p.HeavyTails is not null) BasinsJob.RequireHeavyTailSupport(settings);
            string dir = CommonOptions.OutFolder(r, r.GetValue(outDir)!); // a bad --out fails before any work
            context.Cancel.ThrowIfCancellationRequested();

            using var engine = KlEngine.Create(settings.Accelerator, settings.Precision);
            var progress = Progress.ForTerminal(context.Error, settings.Restarts, quiet: r.GetValue(quiet));
            var run = BasinsJob.Compute(settings, engine, progress.Report, context.Cancel);
            progress.Finish();
            var files = BasinsJob.Write(run, dir, r.GetValue(svg), engine, context.Cancel, animated);
            if (r.GetValue(json)) context.Out.Write(JsonFile.Serialize(BasinsJob.Summary(run)));
            else Table(context.Out, run, dir, files);
            return Cli.Ok;
        });
        return command;
    }

    static Option<string> Text(string name, string helpName, string description, string defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        HelpName = helpName,
    };

    static void Table(TextWriter o, BasinsRun run, string dir, IReadOnlyList<OutputFileEntry> files)
    {
        var s = run.Settings;
        var rep = run.Report;
        var c = CultureInfo.InvariantCulture;
        o.WriteLine($"target p = {s.Target}");
        o.WriteLine(string.Create(c, $"{s.Divergence.Label()}, q = {(s.Family.FixedSigma is { } f ? $"N(μ, {f:G6}) with σ fixed" : s.Family.StudentNu is { } nu ? $"t_ν(μ, s) with ν = {nu:G6} fixed (the σ column is s)" : "N(μ, σ)")}; {rep.Restarts:N0} restarts × ≤ {s.Steps:N0} {s.Optimizer.ToString().ToLowerInvariant()} steps (lr {s.LearningRate:G6}) on {run.DeviceKind}, {s.Precision.ToString().ToLowerInvariant()} precision"));
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
