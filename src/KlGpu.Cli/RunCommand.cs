namespace KlGpu.Cli;

/// <summary><c>klgpu run FILE</c>: a study from a run file (or any manifest.json), as the command line it stands for.</summary>
internal static class RunCommand
{
    /// <summary>The commands a run file may name, each with its parameters (whose keys the file's parameters are).</summary>
    static readonly Dictionary<string, Func<IReadOnlyList<Parameter>>> Runnable = new()
    {
        ["landscape"] = () => new LandscapeCommand().Parameters,
        ["basins"] = () => new BasinsCommand().Parameters,
        ["sweep"] = () => new SweepCommand().Parameters,
        ["pressure"] = () => new PressureCommand().Parameters,
    };

    /// <summary>Commands whose runs a manifest records as another command's (its `invoked_as`), with the folder each writes to by default.</summary>
    static readonly Dictionary<string, (string Command, string DefaultOut)> RecordedAs = new()
    {
        ["sweep-alpha"] = ("sweep", SweepCommand.DefaultAlphaOut),
    };

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A run file: {\"command\": \"basins\", \"parameters\": {...}, \"out\": \"runs/x\"}; every manifest.json klgpu writes is one" };
        var outDir = new Option<string>("--out", "-o") { Description = "Write here instead of the run file's out (or the command's default), e.g. --out runs/again", HelpName = "DIR" };
        var force = CommonOptions.Force();
        var shards = new ShardOptions();
        var command = new Command("run", "Run a whole study from one JSON file, so it is reproducible and can be kept in version control; a manifest.json re-runs its run, e.g. klgpu run output/basins/manifest.json --out output/again")
        {
            file, outDir, force, shards.Shard, shards.Shards,
        };
        command.SetAction(r =>
        {
            var run = RunFile.Read(r.GetValue(file)!);
            // Where the command that wrote the manifest writes by default, if not the command run (sweep-alpha's manifest is a sweep's).
            string? defaultOut = null;
            if (run.InvokedAs is { } via)
                defaultOut = RecordedAs.TryGetValue(via, out var recorded) && recorded.Command == run.Command ? recorded.DefaultOut
                    : throw run.Error($"invoked_as: \"{via}\" is not recorded as a run of {run.Command} (valid: {string.Join(", ", RecordedAs.Select(x => $"{x.Key} as {x.Value.Command}"))})");
            // --shard here replaces a shard the file names; auto is resolved by the command it runs.
            string? shard = r.GetValue(shards.Shard);
            if (shard is not null) run = run with { Parameters = run.Parameters.Where(p => p.Key != RunParameters.ShardKey).ToList() };
            string[] args = [.. Arguments(run), .. (r.GetValue(outDir) ?? run.Out ?? defaultOut) is { } o ? new[] { "--out", o } : [], .. r.GetValue(force) ? new[] { "--force" } : [],
                .. shard is not null ? new[] { "--shard", shard } : [], .. r.GetValue(shards.Shards) is { } n ? new[] { "--shards", n.ToString(CultureInfo.InvariantCulture) } : []];
            var parse = Cli.Build(context).Parse(args, Cli.Parsing);
            if (parse.Errors.Count > 0) throw run.Error(parse.Errors[0].Message);
            return parse.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false });
        });
        return command;
    }

    /// <summary>The command line a run file stands for, without --out: each parameter as its option, by key.</summary>
    internal static IEnumerable<string> Arguments(RunFile run)
    {
        if (!Runnable.TryGetValue(run.Command, out var parametersOf))
            throw run.Error($"command: unknown command \"{run.Command}\" (valid: {string.Join(", ", Runnable.Keys)})");
        var all = parametersOf();
        var parameters = all.SelectMany(p => p.Aliases.Prepend(p.Key).Select(key => (key, p))).ToDictionary(x => x.key, x => x.p);
        yield return run.Command;
        foreach (var (key, value) in run.Parameters)
        {
            if (!parameters.TryGetValue(key, out var p))
                throw run.Error($"parameters.{key} is not a parameter of {run.Command} (valid: {string.Join(", ", all.Select(p => p.Key))})");
            foreach (string token in p.Tokens(value, run)) yield return token;
        }
    }
}
