using System.Text.Json;

namespace KlGpu.Specs;

/// <summary>
/// A study in one JSON file: <c>{"command": "basins", "parameters": {...}, "out": "runs/x"}</c>, where the parameters are
/// the command's settings in their canonical form (<see cref="Output.RunParameters"/>). Every manifest.json a command
/// writes has exactly this shape (plus <c>"tool": "klgpu"</c> and what it measured, which is read past), so a manifest
/// re-runs its run. Which parameters a command has is the CLI's to say; this reads the file and checks its shape.
/// </summary>
/// <param name="Out">The output folder, resolved against the run file's folder when relative; null when not given.</param>
/// <param name="InvokedAs">The command the user ran where a manifest records its run as another's (<c>sweep-alpha</c>, whose runs are
/// sweeps): without an <see cref="Out"/>, the run writes to that command's default folder.</param>
public sealed record RunFile(string Path, string Command, IReadOnlyList<(string Key, JsonElement Value)> Parameters, string? Out, string? InvokedAs = null)
{
    /// <summary>Top-level fields a manifest carries besides the run itself; read past.</summary>
    static readonly HashSet<string> Recorded = ["tool", "version", "device", "grid", "timings", "minima", "files", "result", "seconds", "shard"];

    public static RunFile Read(string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"run file {SpecText.Quote(path)}: cannot read it ({e.Message})");
        }
        catch (JsonException e)
        {
            throw new UsageException($"run file {SpecText.Quote(path)}: not valid JSON ({e.Message})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Error(path, "the file must hold one JSON object");
            string? command = null, outDir = null, invokedAs = null;
            var parameters = new List<(string, JsonElement)>();
            foreach (var field in Fields(path, root, ""))
            {
                switch (field.Name)
                {
                    case "tool":
                        if (field.Value.ValueKind != JsonValueKind.String || field.Value.GetString() != Output.RunManifest.Tool)
                            throw Error(path, $"written by {field.Value.GetRawText()}, not klgpu; klgpu runs only its own run files and manifests");
                        break;
                    case "command":
                        command = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : throw Error(path, "command must be a string");
                        break;
                    case "parameters":
                        if (field.Value.ValueKind != JsonValueKind.Object) throw Error(path, "parameters must be an object");
                        parameters.AddRange(Fields(path, field.Value, "parameters.").Select(p => (p.Name, p.Value.Clone())));
                        break;
                    case "invoked_as":
                        invokedAs = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : throw Error(path, "invoked_as must be a string");
                        break;
                    case "out":
                        outDir = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : throw Error(path, "out must be a string");
                        break;
                    default:
                        if (!Recorded.Contains(field.Name))
                            throw Error(path, $"unknown field {SpecText.Quote(field.Name)} (valid: command, parameters, out)");
                        break;
                }
            }
            if (command is null) throw Error(path, "command is missing");
            // A relative out is the run file's neighbour, wherever klgpu is started from.
            string? folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (outDir is not null && folder is not null && !System.IO.Path.IsPathRooted(outDir)) outDir = System.IO.Path.Combine(folder, outDir);
            return new RunFile(path, command, parameters, outDir, invokedAs);
        }
    }

    /// <summary>A one-line error about this file.</summary>
    public UsageException Error(string why) => Error(Path, why);

    static UsageException Error(string path, string why) => new($"run file {SpecText.Quote(path)}: {why}");

    /// <summary>The object's fields, refusing a name given twice (JSON allows it; which value is meant would be a guess).</summary>
    static IEnumerable<JsonProperty> Fields(string path, JsonElement o, string prefix)
    {
        var seen = new HashSet<string>();
        foreach (var p in o.EnumerateObject())
        {
            if (!seen.Add(p.Name)) throw Error(path, $"{prefix}{p.Name} is given twice");
            yield return p;
        }
    }
}
