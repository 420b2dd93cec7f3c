using KlGpu.Pressure;

namespace KlGpu.Cli;

/// <summary><c>klgpu pressure</c>: the pointwise pressure of each divergence on q(x), as curves, a figure and a CSV.</summary>
internal sealed class PressureCommand
{
    readonly Parameter<GaussianMixture> target = CommonOptions.OneDimensionalTarget("pressure");
    readonly Parameter<GaussianMixture> q = Parameter.Of("q", "--q", null, "SPEC", "The approximation q, a mixture of N(mean,std) terms only (no T(nu,mean,scale) or L(mean,scale) terms), e.g. --q \"N(2.5,0.8)\"",
        null, MixtureSpec.Parse, m => m.ToString(), required: true);
    readonly Parameter<IReadOnlyList<Divergence>> divergences = CommonOptions.Divergences(family: true, refuseKsd: "pressure");
    readonly Parameter<GridAxis?> x = Parameter.Of<GridAxis?>("x", "--x", null, "MIN:MAX:N",
        "The x axis as MIN:MAX:N (default: every component of p and q ± 4 stds, 801 points), e.g. --x -8:8:1601", null,
        (t, what) => RangeSpec.ParseAxis(t, what), a => a is null ? null : Parameter.AxisText(a));
    readonly Parameter<bool> svg = CommonOptions.Svg("the figure");

    /// <summary>In the order of the help and of the manifest.</summary>
    public IReadOnlyList<Parameter> Parameters => [target, q, divergences, x, svg];

    RunRecord<PressureSettings> Record => new(Parameters)
    {
        { target, s => s.Target }, { q, s => s.Q }, { divergences, s => s.Divergences }, { x, s => s.X }, { svg, s => s.Svg },
    };

    public static Command Create(CliContext context) => new PressureCommand().Build(context);

    Command Build(CliContext context)
    {
        var outDir = CommonOptions.Out("Output folder for pressure.png, pressure.csv and manifest.json, e.g. --out runs/pressure", "output/pressure");
        var command = new Command("pressure",
            "The pressure each divergence puts on q(x), its functional derivative (forward KL: -p/q; reverse KL: log(q/p) + 1), over x with p and q beneath, e.g. klgpu pressure --target \"0.5*N(-2,0.5) + 0.5*N(2,0.5)\" --q \"N(2,0.6)\"")
        {
            target, q, divergences, x, outDir, CommonOptions.Force(), svg,
        };
        command.SetAction(r =>
        {
            var (p, qq) = (r.GetValue(target)!, r.GetValue(q)!);
            ParameterDomain.CheckQ(p, qq, q.Option.Name);
            var s = new PressureSettings(p, qq, r.GetValue(x) ?? PressureJob.DefaultAxis(p, qq), r.GetValue(divergences)!, r.GetValue(svg));
            string dir = CommonOptions.OutFolder(r, r.GetValue(outDir)!);
            MachineBudget.ForTable($"a pressure curve of {s.X.Count:N0} points", s.X.Count, 2 * s.Divergences.Count + 3).Check(dir, r.GetValue<bool>("--force"));
            var files = PressureJob.Run(s.Target, s.Q, s.X, s.Divergences, dir, s.Svg, context.Cancel, Record.Of(s));
            context.Out.WriteLine($"p = {p}");
            context.Out.WriteLine($"q = {qq}");
            context.Out.WriteLine($"wrote {files.Count} files to {dir}");
            return Cli.Ok;
        });
        return command;
    }
}
