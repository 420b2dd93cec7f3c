using System.Text.Json;
using System.Text.Json.Nodes;

namespace KlGpu.Output;

/// <summary>
/// A run's settings in their one canonical form: the <c>"parameters"</c> object of manifest.json, which <c>klgpu run</c>
/// reads back. Keys are snake_case in the command's fixed order; values are strings, true/false, numbers (invariant,
/// shortest round-trip) or lists of strings; a parameter without a value (not given, or not used by this variant of
/// the command) is left out. The CLI builds it from the settings record and its parameter table.
/// </summary>
public sealed class RunParameters
{
    public RunParameters(IEnumerable<KeyValuePair<string, JsonNode?>> values)
    {
        Values = new JsonObject();
        foreach (var (key, value) in values)
            if (value is not null) Values.Add(key, value); // a key given twice throws: one value per key
    }

    /// <summary>The object as manifest.json holds it.</summary>
    public JsonObject Values { get; }

    /// <summary>The compact text of <see cref="Values"/>: the same settings give the same text, byte for byte.</summary>
    public string Canonical() => Values.ToJsonString(Compact);

    /// <summary>The key of a shard's <c>I/N</c>: a parameter of the shard's run, but not of the study it is part of.</summary>
    public const string ShardKey = "shard";

    /// <summary>The key of the accelerator (<c>cpu</c>, <c>cuda</c>, <c>cuda:K</c>, …).</summary>
    public const string AcceleratorKey = "accelerator";

    /// <summary>
    /// SHA-256 (lower-case hex) of the canonical text of every parameter but the shard, with the accelerator's kind but not its
    /// device index (<c>cuda:1</c> counts as <c>cuda</c>): the study's identity, the same in
    /// each of its shards and in their merge (the output folder is never a parameter). Shards whose hashes differ are of
    /// different studies and are never merged.
    /// </summary>
    public string SettingsHash()
    {
        var study = (JsonObject)Values.DeepClone();
        study.Remove(ShardKey);
        // Which CUDA device a shard ran on is the scheduler's choice, not the study's; the kind stays (results may differ in
        // the last bits between a CPU and a GPU).
        if (study[AcceleratorKey] is JsonValue device && device.TryGetValue<string>(out var text) && text.IndexOf(':') is var colon and >= 0)
            study[AcceleratorKey] = text[..colon];
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(study.ToJsonString(Compact))));
    }

    /// <summary>These settings as one shard's run: the same keys with <c>"shard": "I/N"</c> last.</summary>
    public RunParameters WithShard(string shard) =>
        new(Values.Where(v => v.Key != ShardKey).Select(v => KeyValuePair.Create(v.Key, v.Value?.DeepClone()))
            .Append(KeyValuePair.Create(ShardKey, (JsonNode?)JsonValue.Create(shard))));

    /// <summary>These settings without the shard: the study re-run whole (what a merge's manifest records).</summary>
    public RunParameters WithoutShard() =>
        new(Values.Where(v => v.Key != ShardKey).Select(v => KeyValuePair.Create(v.Key, v.Value?.DeepClone())));

    static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
