using System.Globalization;
using System.Text.Json;
using KlGpu.Accelerators;
using KlGpu.Output;

namespace KlGpu.Sharding;

/// <summary>What a shard's manifest records beside its run: which shard it is and the hash of the study's settings.</summary>
/// <param name="Seconds">What the shard's computing took, so a merge can say what the whole took.</param>
public sealed record ShardRecord(int Index, int Count, string SettingsHash, string DeviceKind, string DeviceName, double Seconds)
{
    public static ShardRecord Of(Shard shard, RunParameters parameters, string deviceKind, string deviceName, double seconds) =>
        new(shard.Index, shard.Count, parameters.SettingsHash(), deviceKind, deviceName, seconds);

    /// <summary>The key of this record in a shard's manifest.json.</summary>
    public const string Key = "shard";
}

/// <summary>One complete shard found in a study's folder: its manifest's command, settings hash and folder.</summary>
public sealed record ShardEntry(Shard Shard, string Dir, string Command, string SettingsHash, string ManifestPath, string DeviceKind, string DeviceName, double Seconds)
{
    /// <summary>A file of this shard's part.</summary>
    public string File(string name) => Path.Combine(Dir, name);
}

/// <summary>
/// The shards of one study in <c>OUT/shards/I-of-N/</c>, checked for a merge: all written by this version, of one command and
/// one settings hash, every index 0..N−1 present exactly once and complete (its manifest there, every file it lists still as
/// written). Every failure is a one-line <see cref="UsageException"/> (exit 2), raised before anything is written.
/// </summary>
public sealed class ShardSet
{
    public string OutDir { get; }
    public int Count { get; }
    public string Command { get; }
    public string SettingsHash { get; }

    /// <summary>Shard i at index i.</summary>
    public IReadOnlyList<ShardEntry> Shards { get; }

    ShardSet(string outDir, int count, string command, string hash, IReadOnlyList<ShardEntry> shards) =>
        (OutDir, Count, Command, SettingsHash, Shards) = (outDir, count, command, hash, shards);

    /// <summary>Whether <paramref name="dir"/> holds shard <paramref name="shard"/> of the study with <paramref name="hash"/>, complete:
    /// a later run of that shard skips it.</summary>
    public static bool IsComplete(string dir, Shard shard, string command, string hash) =>
        Inspect(dir) is { Problem: null } found && found.Shard == shard && found.Command == command && found.Hash == hash;

    public static ShardSet Read(string outDir)
    {
        string root = Path.Combine(outDir, Shard.Folder);
        if (!Directory.Exists(outDir)) throw new UsageException($"merge: {Quote(outDir)} does not exist");
        var folders = Directory.Exists(root)
            ? new DirectoryInfo(root).EnumerateDirectories().Select(d => (d, Shard.FromName(d.Name))).Where(x => x.Item2 is not null)
                .Select(x => (Dir: x.d.FullName, Name: x.d.Name, Shard: x.Item2!)).OrderBy(x => x.Shard.Count).ThenBy(x => x.Shard.Index).ToList()
            : [];
        if (folders.Count == 0)
            throw new UsageException($"merge: {Quote(outDir)} holds no shards (no {Shard.Folder}/I-of-N folders); run the study with --shard I/N --out {outDir} first");
        var counts = folders.Select(f => f.Shard.Count).Distinct().ToList();
        if (counts.Count > 1)
            throw new UsageException($"merge: {Quote(root)} holds shards of {string.Join(" and of ", counts)}; one study is split one way, so keep one set");
        int n = counts[0];

        var complete = new List<ShardEntry>();
        foreach (var (dir, name, folderShard) in folders)
        {
            var found = Inspect(dir);
            if (found.Version is { } v && v != ComputeDevices.Version)
                throw new UsageException($"merge: {Shard.Folder}/{name} was written by klgpu {v}, and this is {ComputeDevices.Version}; re-run that shard with this version (--force), or merge with the version that wrote it");
            if (found.Problem is not null) continue; // incomplete: counted as missing below
            if (found.Shard!.Count != n)
                throw new UsageException($"merge: {Shard.Folder}/{name} holds shard {found.Shard} by its manifest, not one of {n}; keep one set");
            complete.Add(new ShardEntry(found.Shard, dir, found.Command!, found.Hash!, Path.Combine(dir, OutputBatch.ManifestName),
                found.DeviceKind ?? "", found.DeviceName ?? "", found.Seconds));
        }

        var studies = complete.GroupBy(e => (e.Command, e.SettingsHash)).ToList();
        if (studies.Count > 1)
        {
            var a = studies[0].First();
            var b = studies[1].First();
            throw new UsageException($"merge: the shards hold different settings: {Rel(a)} ({a.Command}, settings {a.SettingsHash[..12]}) and {Rel(b)} ({b.Command}, settings {b.SettingsHash[..12]}); re-run the odd ones with the study's options (--force), or keep each study in its own --out");
        }
        foreach (var twice in complete.GroupBy(e => e.Shard.Index).Where(g => g.Count() > 1))
            throw new UsageException($"merge: shard {twice.Key} of {n} is there twice ({string.Join(" and ", twice.Select(Rel))}); remove the copy");

        var missing = Enumerable.Range(0, n).Except(complete.Select(e => e.Shard.Index)).ToList();
        if (missing.Count > 0)
        {
            string list = string.Join(",", missing.Select(i => i.ToString(CultureInfo.InvariantCulture)));
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"merge: {missing.Count} of {n} shards are missing or incomplete in {Quote(root)}: re-run them, e.g. sbatch --array={list} (Slurm), or --shard I/{n} for each I in {list}; nothing was written"));
        }
        var first = complete[0];
        return new ShardSet(outDir, n, first.Command, first.SettingsHash, complete.OrderBy(e => e.Shard.Index).ToList());
    }

    /// <summary>Shard 0's manifest: the study's command and parameters, as a run file.</summary>
    public string ManifestPath => Shards[0].ManifestPath;

    static string Rel(ShardEntry e) => Path.Combine(Shard.Folder, Path.GetFileName(e.Dir));

    /// <summary>The device of shard 0 (a merge names one) and the seconds of all shards together.</summary>
    public (string Kind, string Name, double Seconds) Device => (Shards[0].DeviceKind, Shards[0].DeviceName, Shards.Sum(s => s.Seconds));

    static string Quote(string s) => Specs.SpecText.Quote(s);

    /// <summary>What a folder's manifest says of the shard in it, and why it is not a complete shard (null when it is).</summary>
    sealed record Found(string? Problem, string? Version = null, Shard? Shard = null, string? Command = null, string? Hash = null,
        string? DeviceKind = null, string? DeviceName = null, double Seconds = 0);

    static Found Inspect(string dir)
    {
        string path = Path.Combine(dir, OutputBatch.ManifestName);
        try
        {
            if (!File.Exists(path)) return new("no manifest");
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !Text(root, "tool", out var tool) || tool != RunManifest.Tool) return new("not klgpu's");
            Text(root, "version", out var version);
            if (!Text(root, "command", out var command) || !root.TryGetProperty(ShardRecord.Key, out var s) || s.ValueKind != JsonValueKind.Object
                || !s.TryGetProperty("index", out var i) || !i.TryGetInt32(out int index) || !s.TryGetProperty("count", out var c) || !c.TryGetInt32(out int count)
                || !Text(s, "settings_hash", out var hash) || count < 1 || index < 0 || index >= count)
                return new("not a shard's manifest", version);
            var listed = OutputManifest.Read(path);
            if (listed is null || listed.Files.Where(f => f.Path != OutputBatch.ManifestName).Any(f => !OutputManifest.Verified(dir, f)))
                return new("a file is missing or changed", version);
            Text(s, "device_kind", out var kind);
            Text(s, "device_name", out var device);
            double seconds = s.TryGetProperty("seconds", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : 0;
            return new(null, version, new Shard(index, count), command, hash, kind, device, seconds);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return new("unreadable");
        }
    }

    static bool Text(JsonElement o, string name, out string value)
    {
        value = o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        return value.Length > 0;
    }
}
