using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KlGpu.Output;

/// <summary>
/// Objects as indented JSON (run manifests, summaries): snake_case property names, enums as
/// their lower-case member names, as the command line spells them (<c>"opencl"</c>, <c>"double"</c>), NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity" (JSON
/// has no such numbers, and a manifest must never fail to write), a final newline.
/// </summary>
public static class JsonFile
{
    /// <summary>Read-only; copy it (<c>new JsonSerializerOptions(JsonFile.Options)</c>) to vary it.</summary>
    public static JsonSerializerOptions Options { get; } = MakeOptions();

    static JsonSerializerOptions MakeOptions()
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            // Specs are full of '+'; the default encoder would write \u002B. Output is UTF-8 JSON, never embedded in HTML.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Converters = { new JsonStringEnumConverter(new LowerCase()) },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options) + "\n";

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> through <see cref="AtomicFile"/>.</summary>
    public static void Write<T>(string path, T value) =>
        AtomicFile.WriteAllBytes(path, new UTF8Encoding(false).GetBytes(Serialize(value)));

    /// <summary>The rule of <see cref="Specs.Choice"/>: the member name in lower case.</summary>
    sealed class LowerCase : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }

    public static T? Read<T>(string path) => JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options);
}
