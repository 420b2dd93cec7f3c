using KlGpu.Sharding;

namespace KlGpu.Cli;

/// <summary>
/// <c>klgpu merge OUT</c>: joins the shards in OUT/shards into the study's usual outputs in OUT. The study's command is replayed
/// from shard 0's manifest (its parameters without the shard) with the shards handed over, so the merge binds and checks the
/// settings exactly as the unsharded run does and writes through the same writers.
/// </summary>
internal static class MergeCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("OUT") { Description = "The study's output folder: the --out its shards were run with (they are in OUT/shards/I-of-N)" };
        var force = CommonOptions.Force();
        var command = new Command("merge",
            "Join the shards of a study (run with --shard I/N or --shard auto --shards N) into its usual outputs, as if it had run whole; lists missing shards as --array=3,7 and writes nothing if any is missing, e.g. klgpu merge runs/big")
        {
            folder, force,
        };
        command.SetAction(r =>
        {
            string outDir = r.GetValue(folder)!;
            var set = ShardSet.Read(outDir);
            var run = RunFile.Read(set.ManifestPath);
            var study = run with { Parameters = run.Parameters.Where(p => p.Key != RunParameters.ShardKey).ToList() };
            string[] args = [.. RunCommand.Arguments(study), "--out", outDir, .. r.GetValue(force) ? new[] { "--force" } : []];
            var parse = Cli.Build(context with { Merge = set }).Parse(args, Cli.Parsing);
            if (parse.Errors.Count > 0) throw run.Error(parse.Errors[0].Message);
            int code = parse.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false });
            if (code == Cli.Ok) context.Out.WriteLine($"merged {set.Count} shards of {set.Command} from {Path.Combine(outDir, Shard.Folder)}");
            return code;
        });
        return command;
    }
}
