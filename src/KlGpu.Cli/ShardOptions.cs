using KlGpu.Sharding;

namespace KlGpu.Cli;

/// <summary>
/// <c>--shard I/N</c> and <c>--shard auto --shards N</c>, shared by the commands that split: which shard this process runs,
/// whether it is already done, and the check that a merge's settings are its shards'.
/// </summary>
internal sealed class ShardOptions
{
    public readonly Parameter<string?> Shard = Parameter.Text(RunParameters.ShardKey, "--shard", "I/N",
        "Run only shard I of N (0-based) of this study, into OUT/shards/I-of-N, for a job array; auto takes I from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX (with --shards N); a complete shard is skipped unless --force; klgpu merge OUT joins them, e.g. --shard 3/8");

    public readonly Option<int?> Shards = new("--shards")
    {
        Description = "With --shard auto, the number of shards N (a Kubernetes Indexed Job exports no count), e.g. --shard auto --shards 8",
        HelpName = "N",
    };

    /// <summary>The shard this process runs, or null for the whole study.</summary>
    public Shard? Resolve(ParseResult r) => Sharding.Shard.Parse(r.GetValue(Shard), r.GetValue(Shards), Environment.GetEnvironmentVariable);

    /// <summary>Refuses --shard (and a merge) for a variant of a command that is not split.</summary>
    public static void Refuse(CliContext context, Shard? shard, string what)
    {
        if (shard is not null || context.Merge is not null)
            throw new UsageException($"--shard: {what} is not split into shards; run it whole");
    }

    /// <summary>Runs this process's shard of a study into OUT/shards/I-of-N, unless it is already complete there: <paramref name="compute"/>
    /// takes the shard's folder and its parameters (the study's with the shard) and returns the files it wrote.</summary>
    public static int Run(CliContext context, ParseResult r, Shard shard, string outDir, string command, RunParameters parameters,
        Func<string, RunParameters, IReadOnlyList<OutputFileEntry>> compute)
    {
        var own = parameters.WithShard(shard.ToString());
        if (Done(context, r, shard, outDir, command, own)) return Cli.Ok;
        string part = Folder(r, shard, outDir);
        context.Cancel.ThrowIfCancellationRequested();
        Report(context, shard, part, compute(part, own));
        return Cli.Ok;
    }

    /// <summary>Whether the shard is already complete in its folder (same study, every file as written): then it says so and is skipped.</summary>
    public static bool Done(CliContext context, ParseResult r, Shard shard, string outDir, string command, RunParameters parameters)
    {
        string dir = shard.Dir(Path.GetFullPath(outDir));
        if (r.GetValue<bool>("--force") || !ShardSet.IsComplete(dir, shard, command, parameters.SettingsHash())) return false;
        context.Out.WriteLine($"shard {shard} is already complete in {dir}; skipped (--force redoes it)");
        return true;
    }

    /// <summary>The shard's folder, checked and claimed.</summary>
    public static string Folder(ParseResult r, Shard shard, string outDir) => CommonOptions.OutFolder(r, shard.Dir(outDir));

    public static void Report(CliContext context, Shard shard, string dir, IReadOnlyList<OutputFileEntry> files)
    {
        context.Out.WriteLine($"shard {shard}: wrote {files.Count} files to {dir}; when all {shard.Count} are done, klgpu merge {Path.GetDirectoryName(Path.GetDirectoryName(dir))}");
    }

    /// <summary>The settings a merge read back from the shards' manifest must be the shards' own, hash for hash.</summary>
    public static void CheckMerge(ShardSet set, RunParameters parameters)
    {
        if (parameters.SettingsHash() != set.SettingsHash)
            throw new UsageException($"merge: the shards' settings read back as another study (settings {parameters.SettingsHash()[..12]}, the shards' {set.SettingsHash[..12]}); re-run the shards with this version");
    }
}
