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

    static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
