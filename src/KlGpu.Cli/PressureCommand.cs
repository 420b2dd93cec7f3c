using System.CommandLine;
using KlGpu.Output;
using KlGpu.Pressure;
using KlGpu.Specs;

namespace KlGpu.Cli;

/// <summary><c>klgpu pressure</c>: the pointwise pressure of each divergence on q(x), as curves, a figure and a CSV.</summary>
internal static class PressureCommand
{
    public static Command Create(CliContext context)
    {
        var target = CommonOptions.Target(required: true, oneDimensional: true);
        var q = new Option<string>("--q") { Description = "The approximation q, a mixture in the same language, e.g. --q \"N(2.5,0.8)\"", Required = true, HelpName = "SPEC" };
        var divergence = CommonOptions.Divergence(family: true);
        var x = new Option<string>("--x") { Description = "The x axis as MIN:MAX:N (default: every component of p and q ± 4 stds, 801 points), e.g. --x -8:8:1601", HelpName = "MIN:MAX:N" };
        var outDir = new Option<string>("--out", "-o") { Description = "Output folder for pressure.png, pressure.csv and manifest.json, e.g. --out runs/pressure", DefaultValueFactory = _ => "output/pressure", HelpName = "DIR" };
        var svg = new Option<bool>("--svg") { Description = "Also write the figure as SVG, e.g. --svg" };
        var command = new Command("pressure",
            "The pressure each divergence puts on q(x), its functional derivative (forward KL: -p/q; reverse KL: log(q/p) + 1), over x with p and q beneath, e.g. klgpu pressure --target \"0.5*N(-2,0.5) + 0.5*N(2,0.5)\" --q \"N(2,0.6)\"")
        {
            target, q, divergence, x, outDir, CommonOptions.Force(), svg,
        };
        command.SetAction(r =>
        {
            var p = CommonOptions.ParseOneDimensionalTarget(r, target, "pressure");
            var qq = CommonOptions.ParseMixture(r, q, "--q");
            var divergences = CommonOptions.ParseDivergences(r, divergence);
            DivergenceList.RefuseKsd(divergences, "pressure");
            var axis = r.GetValue(x) is { } text ? RangeSpec.ParseAxis(text, "--x") : PressureJob.DefaultAxis(p, qq);
            string dir = CommonOptions.OutFolder(r, r.GetValue(outDir)!);
            MachineBudget.ForTable($"a pressure curve of {axis.Count:N0} points", axis.Count, 2 * divergences.Count + 3).Check(dir, r.GetValue<bool>("--force"));
            var files = PressureJob.Run(p, qq, axis, divergences, dir, r.GetValue(svg), context.Cancel);
            context.Out.WriteLine($"p = {p}");
            context.Out.WriteLine($"q = {qq}");
            context.Out.WriteLine($"wrote {files.Count} files to {dir}");
            return Cli.Ok;
        });
        return command;
    }
}
