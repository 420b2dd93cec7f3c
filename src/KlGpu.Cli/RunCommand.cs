using System.CommandLine;
using KlGpu.Specs;

namespace KlGpu.Cli;

/// <summary><c>klgpu run FILE</c>: a study from a run file (or any manifest.json), as the command line it stands for.</summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A run file: {\"command\": \"basins\", \"parameters\": {...}, \"out\": \"runs/x\"}; every manifest.json klgpu writes is one" };
        var outDir = new Option<string>("--out", "-o") { Description = "Write here instead of the run file's out (or the command's default), e.g. --out runs/again", HelpName = "DIR" };
        var force = CommonOptions.Force();
        var command = new Command("run", "Run a whole study from one JSON file, so it is reproducible and can be kept in version control; a manifest.json re-runs its run, e.g. klgpu run output/basins/manifest.json --out output/again")
        {
            file, outDir, force,
        };
        command.SetAction(r =>
        {
            string[] args = RunFile.Arguments(r.GetValue(file)!, r.GetValue(outDir));
            if (args[0] == "run") throw new UsageException("run file: a run file cannot run another run file");
            if (r.GetValue(force)) args = [.. args, "--force"];
            var parse = Cli.Build(context).Parse(args, Cli.Parsing);
            if (parse.Errors.Count > 0) throw new UsageException($"run file '{r.GetValue(file)}': {parse.Errors[0].Message}");
            return parse.Invoke(new System.CommandLine.InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false });
        });
        return command;
    }
}
