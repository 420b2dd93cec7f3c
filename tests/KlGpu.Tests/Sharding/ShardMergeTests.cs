using System.Text.Json.Nodes;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Families;
using KlGpu.Landscape;
using KlGpu.Output;
using KlGpu.Sharding;
using KlGpu.Specs;
using KlGpu.Sweeps;
using Xunit;
using TempFolder = KlGpu.Tests.Plotting.TempFolder;

namespace KlGpu.Tests.Sharding;

/// <summary>
/// A study run as 3 shards (in any order, one of them twice) and merged equals the study run whole: the grids byte for byte,
/// basins.json, restarts.csv and sweep.json byte for byte (they hold no timings). Tiny grids and few restarts keep it fast.
/// </summary>
public class ShardMergeTests
{
    /// <summary>Shard 0 last and again: order and repetition must not matter.</summary>
    static readonly int[] Order = [2, 0, 1, 0];

    static RunParameters Study(string command, string text) =>
        new([KeyValuePair.Create(command, (JsonNode?)JsonValue.Create(text))]);

    static string[] Names(string dir) => Directory.EnumerateFiles(dir).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order().ToArray()!;

    [Fact]
    public void LandscapeShardsMergeToTheWholeGrid()
    {
        using var whole = new TempFolder();
        using var sharded = new TempFolder();
        var settings = new LandscapeSettings(TargetSpec.Parse("0.5*N(-1.5,0.6) + 0.5*N(1,1)"), new GridAxis(-4, 4, 13), new GridAxis(0.1, 3, 10, Geometric: true),
            [Divergence.Forward, Divergence.Reverse, Divergence.TryParse("js")!], Precision.Double, AcceleratorKind.Cpu, whole.Path, Svg: false, LogColor: true);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        LandscapeJob.Run(settings, engine);

        var parameters = Study("landscape", "tiny");
        foreach (int i in Order)
        {
            var shard = new Shard(i, 3);
            LandscapeJob.ComputeShard(settings, engine, shard, shard.Dir(sharded.Path), parameters.WithShard(shard.ToString()));
            OutputFolder.ReleaseAll();
        }
        var merged = LandscapeJob.Merge(settings with { OutDir = sharded.Path }, ShardSet.Read(sharded.Path));
        OutputFolder.ReleaseAll();

        Assert.Equal(Names(whole.Path), Names(sharded.Path));
        foreach (string name in new[] { "forward.npy", "reverse.npy", "js.npy", "mu.npy", "sigma.npy", "landscape.csv" })
            Assert.Equal(File.ReadAllBytes(whole.File(name)), File.ReadAllBytes(sharded.File(name)));
        Assert.Equal(3, merged.Minima.Count);
    }

    [Theory]
    [InlineData("random", 0)]
    [InlineData("grid", 6)] // a grid of starts records paths across the shards' ranges
    public void BasinsShardsMergeToTheWholeRun(string design, int paths)
    {
        using var whole = new TempFolder();
        using var sharded = new TempFolder();
        var p = TargetSpec.Parse("0.5*N(-2.75,1) + 0.5*N(2.75,1)");
        var starts = design == "grid" ? new StartDesign(-5, 5, 0.3, 3, 7, 7, 5) : new StartDesign(-5, 5, 0.3, 3, 7);
        var settings = new BasinsSettings(p, Divergence.Reverse, FitFamily.Gaussian, starts.Count(40), 400, Optimizer.Adam, 0.05, starts,
            BasinsSettings.DefaultTolerance, BasinsSettings.DefaultClusterRadius, paths, Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        var run = BasinsJob.Compute(settings, engine);
        var picture = BasinsJob.Picture(run, engine);
        BasinsJob.Write(run, picture, whole.Path, svg: false);

        var parameters = Study("basins", design);
        foreach (int i in Order)
        {
            var shard = new Shard(i, 3);
            BasinsJob.ComputeShard(settings, engine, shard, shard.Dir(sharded.Path), parameters.WithShard(shard.ToString()));
            OutputFolder.ReleaseAll();
        }
        var merged = BasinsJob.Merge(settings, ShardSet.Read(sharded.Path));
        BasinsJob.Write(merged, BasinsJob.Picture(merged, engine), sharded.Path, svg: false);
        OutputFolder.ReleaseAll();

        Assert.True(run.Report.Basins.Count >= 2, "the two modes make at least two basins");
        foreach (string name in new[] { "basins.json", "restarts.csv" })
            Assert.Equal(File.ReadAllText(whole.File(name)), File.ReadAllText(sharded.File(name)));
        Assert.Equal(run.Outcome.Trajectories, merged.Outcome.Trajectories);
        Assert.Equal(run.Outcome.TrajectoryStride, merged.Outcome.TrajectoryStride);
    }

    [Fact]
    public void SweepShardsMergeToTheWholeSweep()
    {
        using var whole = new TempFolder();
        using var sharded = new TempFolder();
        var settings = new SweepSettings(new TargetTemplate("0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)"), "d", new GridAxis(4, 6, 3), new DivergenceTemplate("reverse"),
            FitFamily.Gaussian, 16, 300, 0.05, 3, (-5, 5), null, Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        var result = SweepJob.Run(settings, engine);
        SweepOutput.Write(result, OutputFolder.Prepare(whole.Path));

        var parameters = Study("sweep", "tiny");
        foreach (int i in Order)
        {
            var shard = new Shard(i, 3);
            SweepJob.ComputeShard(settings, engine, shard, shard.Dir(sharded.Path), parameters.WithShard(shard.ToString()));
            OutputFolder.ReleaseAll();
        }
        var merged = SweepJob.Merge(settings, ShardSet.Read(sharded.Path));
        SweepOutput.Write(merged, OutputFolder.Prepare(sharded.Path));
        OutputFolder.ReleaseAll();

        Assert.Contains(result.Points, x => x.Report.Minima >= 2); // well apart, the modes are separate minima
        foreach (string name in new[] { "sweep.json", "sweep.csv" })
            Assert.Equal(File.ReadAllText(whole.File(name)), File.ReadAllText(sharded.File(name)));
    }

    /// <summary>A θ family's restarts split in contiguous ranges, each from the start it has in the whole run; clustering and
    /// polish in the merge.</summary>
    [Theory]
    [InlineData("mixture:2", 9, 300)]
    [InlineData("flow:0", 6, 300)] // flow:1 polishes its drifting ends for a minute; the split is the same
    public void ThetaBasinsShardsMergeToTheWholeRun(string family, int restarts, int steps)
    {
        switch (FitFamily.Parse(family, "family"))
        {
            case MixtureFamily m: ThetaBasins(m, restarts, steps); break;
            case FlowFamily f: ThetaBasins(f, restarts, steps); break;
        }
    }

    static void ThetaBasins<TQ>(ThetaFamily<TQ> family, int restarts, int steps) where TQ : class
    {
        using var whole = new TempFolder();
        using var sharded = new TempFolder();
        var settings = new ThetaBasinsSettings<TQ>(TargetSpec.Parse("0.3*N(-2,0.5) + 0.7*N(1.5,1)"), Divergence.Reverse, family, restarts, steps,
            Optimizer.Adam, 0.05, 5, -3, 3, 0.3, 2, BasinsSettings.DefaultTolerance, ThetaBasinsSettings.DefaultClusterRadius, Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        var run = ThetaBasinsJob.Compute(settings, engine);
        ThetaBasinsJob.Write(run, whole.Path, svg: false);

        var parameters = Study("basins", family.Name);
        foreach (int i in Order)
        {
            var shard = new Shard(i, 3);
            ThetaBasinsJob.ComputeShard(settings, engine, shard, shard.Dir(sharded.Path), parameters.WithShard(shard.ToString()));
            OutputFolder.ReleaseAll();
        }
        var merged = ThetaBasinsJob.Merge(settings, ShardSet.Read(sharded.Path));
        ThetaBasinsJob.Write(merged, sharded.Path, svg: false);
        OutputFolder.ReleaseAll();

        Assert.NotEmpty(run.Basins);
        Assert.Equal(run.End, merged.End);
        Assert.Equal(run.Status, merged.Status);
        foreach (string name in new[] { "basins.json", "restarts.csv" })
            Assert.Equal(File.ReadAllText(whole.File(name)), File.ReadAllText(sharded.File(name)));
    }

    [Fact]
    public void MixtureSweepShardsMergeToTheWholeSweep()
    {
        using var whole = new TempFolder();
        using var sharded = new TempFolder();
        var settings = new SweepSettings(new TargetTemplate("0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)"), "d", new GridAxis(2, 5, 3), new DivergenceTemplate("reverse"),
            new MixtureFamily(2), 4, 300, 0.05, 3, (-4, 4), null, Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        var result = MixtureSweepJob.Run(settings, engine);
        SweepOutput.Write(result, OutputFolder.Prepare(whole.Path));

        var parameters = Study("sweep", "mixture");
        foreach (int i in Order)
        {
            var shard = new Shard(i, 3);
            MixtureSweepJob.ComputeShard(settings, engine, shard, shard.Dir(sharded.Path), parameters.WithShard(shard.ToString()));
            OutputFolder.ReleaseAll();
        }
        var merged = MixtureSweepJob.Merge(settings, ShardSet.Read(sharded.Path));
        SweepOutput.Write(merged, OutputFolder.Prepare(sharded.Path));
        OutputFolder.ReleaseAll();

        Assert.All(result.Points, x => Assert.NotEmpty(x.Run.Basins));
        foreach (string name in new[] { "sweep.json", "sweep.csv" })
            Assert.Equal(File.ReadAllText(whole.File(name)), File.ReadAllText(sharded.File(name)));
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(7, 7)]
    [InlineData(1000, 9)]
    public void SharesCoverEveryItemExactlyOnce(int total, int count)
    {
        var interleaved = Enumerable.Range(0, count).SelectMany(i => new Shard(i, count).Interleaved(total)).Order();
        Assert.Equal(Enumerable.Range(0, total), interleaved);
        var contiguous = Enumerable.Range(0, count).SelectMany(i => new Shard(i, count).Contiguous(total) is var (first, n) ? Enumerable.Range(first, n) : []);
        Assert.Equal(Enumerable.Range(0, total), contiguous); // in order: each range starts where the previous ends
    }

    [Fact]
    public void TheHashCoversEverythingButTheShard()
    {
        var a = new RunParameters([KeyValuePair.Create("mu", (JsonNode?)"-1:1:3"), KeyValuePair.Create("seed", (JsonNode?)7)]);
        var b = new RunParameters([KeyValuePair.Create("mu", (JsonNode?)"-1:1:4"), KeyValuePair.Create("seed", (JsonNode?)7)]);
        Assert.Equal(a.SettingsHash(), a.WithShard("2/5").SettingsHash());
        Assert.Equal(a.SettingsHash(), a.WithShard("2/5").WithoutShard().SettingsHash());
        Assert.NotEqual(a.SettingsHash(), b.SettingsHash());
        Assert.Equal("2/5", a.WithShard("0/5").WithShard("2/5").Values["shard"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", a.SettingsHash());
    }

    /// <summary>Shards run on cuda:0 and cuda:1 (one process per GPU) are one study; a CPU and a GPU, whose last bits may
    /// differ, are not.</summary>
    [Fact]
    public void TheHashKeepsTheAcceleratorKindButNotTheDevice()
    {
        RunParameters On(string accelerator) =>
            new([KeyValuePair.Create("seed", (JsonNode?)7), KeyValuePair.Create(RunParameters.AcceleratorKey, (JsonNode?)accelerator)]);
        Assert.Equal(On("cuda:0").SettingsHash(), On("cuda:1").SettingsHash());
        Assert.Equal(On("cuda").SettingsHash(), On("cuda:3").WithShard("1/2").SettingsHash());
        Assert.NotEqual(On("cuda").SettingsHash(), On("cpu").SettingsHash());
        Assert.NotEqual(On("cpu").SettingsHash(), On("opencl").SettingsHash());
        Assert.Equal("cuda:1", On("cuda:1").Values[RunParameters.AcceleratorKey]!.GetValue<string>()); // the manifest keeps the device
    }
}

/// <summary><c>--shard</c> as text and from the scheduler's variables, with every refusal naming the option.</summary>
public class ShardParseTests
{
    static Func<string, string?> Env(params (string Name, string Value)[] set) => name => set.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("2/3", 2, 3)]
    [InlineData(" 7 / 8 ", 7, 8)]
    public void IndexOfCount(string text, int index, int count) => Assert.Equal(new Shard(index, count), Shard.Parse(text, null, Env()));

    [Fact]
    public void AutoFromSlurm() => Assert.Equal(new Shard(4, 5), Shard.Parse("auto", 5, Env(("SLURM_ARRAY_TASK_ID", "4"))));

    [Fact]
    public void AutoFromKubernetes() => Assert.Equal(new Shard(0, 2), Shard.Parse("auto", 2, Env(("JOB_COMPLETION_INDEX", "0"))));

    [Fact]
    public void NoShardIsTheWholeStudy() => Assert.Null(Shard.Parse(null, null, Env()));

    [Theory]
    [InlineData("3", null, "expected I/N")]
    [InlineData("a/b", null, "expected I/N")]
    [InlineData("-1/3", null, "expected I/N")]
    [InlineData("3/3", null, "0-based")]
    [InlineData("1/0", null, "from 1 to")]
    [InlineData("1/3", 3, "--shards: only with --shard auto")]
    [InlineData(null, 3, "--shards: only with --shard auto")]
    [InlineData("auto", null, "give the number of shards with --shards")]
    [InlineData("auto", 0, "--shards: expected a whole number")]
    public void MalformedShard(string? text, int? shards, string message)
    {
        var e = Assert.Throws<UsageException>(() => Shard.Parse(text, shards, Env(("SLURM_ARRAY_TASK_ID", "1"))));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("--shard", e.Message);
    }

    [Fact]
    public void AutoWithoutAVariableIsRefused() =>
        Assert.Contains("neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set", Assert.Throws<UsageException>(() => Shard.Parse("auto", 3, Env())).Message);

    [Fact]
    public void AutoWithBothVariablesIsRefused() =>
        Assert.Contains("both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set",
            Assert.Throws<UsageException>(() => Shard.Parse("auto", 3, Env(("SLURM_ARRAY_TASK_ID", "1"), ("JOB_COMPLETION_INDEX", "1")))).Message);

    [Theory]
    [InlineData("SLURM_ARRAY_TASK_ID", "3")]
    [InlineData("JOB_COMPLETION_INDEX", "9")]
    public void AutoIndexAtOrPastTheCountSaysItIsZeroBased(string variable, string value)
    {
        string message = Assert.Throws<UsageException>(() => Shard.Parse("auto", 3, Env((variable, value)))).Message;
        Assert.Contains("0-based", message);
        Assert.Contains("--array=0-2", message);
    }

    [Fact]
    public void AutoWithANonNumberIsRefused() =>
        Assert.Contains("not a 0-based index", Assert.Throws<UsageException>(() => Shard.Parse("auto", 3, Env(("SLURM_ARRAY_TASK_ID", "1-3")))).Message);
}
