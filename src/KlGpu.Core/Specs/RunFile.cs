using System.Text.Json;

namespace KlGpu.Specs;

/// <summary>
/// A study in one JSON file: <c>{"command": "basins", "parameters": {...}, "out": "runs/x"}</c>, where the parameters are
/// the command's options in snake_case (<c>learning_rate</c> for --lr, <c>divergences</c> as a list). Every manifest.json
/// a command writes has exactly this shape (plus what it measured, which is ignored), so a manifest re-runs its run.
/// A field that fits no option is an error naming the field.
/// </summary>
public static class RunFile
{
    /// <summary>Per command: parameter name → option. A null option means the field is recorded but set by another (ignored).</summary>
    static readonly Dictionary<string, Dictionary<string, string?>> Options = new()
    {
        ["landscape"] = new()
        {
            ["target"] = "--target", ["mu"] = "--mu", ["sigma"] = "--sigma", ["log_sigma"] = "--log-sigma", ["divergences"] = "--divergence",
            ["divergence"] = "--divergence", ["precision"] = "--precision", ["accelerator"] = "--accelerator", ["svg"] = "--svg",
            ["log_color"] = "--linear-color", ["family"] = "--family", ["q"] = "--q", ["vary"] = "--vary", ["x"] = "--x", ["y"] = "--y",
        },
        ["basins"] = new()
        {
            ["target"] = "--target", ["divergence"] = "--divergence", ["family"] = "--family", ["restarts"] = "--restarts", ["steps"] = "--steps",
            ["optimizer"] = "--optimizer", ["learning_rate"] = "--lr", ["seed"] = "--seed", ["starts"] = "--starts", ["mu"] = "--mu",
            ["sigma"] = "--sigma", ["tolerance"] = "--tolerance", ["cluster_radius"] = "--cluster-radius", ["trajectories"] = "--trajectories",
            ["precision"] = "--precision", ["accelerator"] = "--accelerator", ["svg"] = "--svg",
        },
        ["sweep"] = new()
        {
            ["template"] = "--target-template", ["param"] = "--param", ["divergence"] = "--divergence", ["family"] = "--family",
            ["restarts"] = "--restarts", ["steps"] = "--steps", ["learning_rate"] = "--lr", ["seed"] = "--seed", ["mu"] = "--mu",
            ["sigma"] = "--sigma", ["precision"] = "--precision", ["accelerator"] = "--accelerator",
        },
        ["pressure"] = new()
        {
            ["target"] = "--target", ["q"] = "--q", ["x"] = "--x", ["divergences"] = "--divergence", ["svg"] = "--svg",
        },
    };

    /// <summary>Top-level fields a manifest carries besides the run itself; read past.</summary>
    static readonly HashSet<string> Recorded = ["tool", "version", "device", "grid", "timings", "minima", "files", "result", "seconds"];

    /// <summary>The command line the run file stands for, with <paramref name="outOverride"/> (if given) as --out.</summary>
    public static string[] Arguments(string path, string? outOverride)
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
            string? command = null, outDir = null;
            JsonElement? parameters = null;
            foreach (var field in root.EnumerateObject())
            {
                switch (field.Name)
                {
                    case "command":
                        command = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : throw Error(path, "command must be a string");
                        break;
                    case "parameters":
                        parameters = field.Value.ValueKind == JsonValueKind.Object ? field.Value : throw Error(path, "parameters must be an object");
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
            if (command is null) throw Error(path, $"command is missing ({string.Join(", ", Options.Keys)})");
            if (!Options.TryGetValue(command, out var options))
                throw Error(path, $"command: unknown command {SpecText.Quote(command)} (valid: {string.Join(", ", Options.Keys)})");
            var args = new List<string> { command };
            if (parameters is { } ps)
                foreach (var p in ps.EnumerateObject())
                {
                    if (!options.TryGetValue(p.Name, out string? option))
                        throw Error(path, $"parameters.{p.Name} is not a parameter of {command} (valid: {string.Join(", ", options.Keys)})");
                    AddOption(args, path, command, p, option!);
                }
            if ((outOverride ?? outDir) is { } o) args.AddRange(["--out", o]);
            return [.. args];
        }
    }

    static void AddOption(List<string> args, string path, string command, JsonProperty p, string option)
    {
        var v = p.Value;
        switch (v.ValueKind)
        {
            case JsonValueKind.Null:
                return; // recorded as not given: the command's default
            case JsonValueKind.True or JsonValueKind.False:
                // log_color is recorded as what the figures use; the option says the opposite.
                bool on = v.GetBoolean() ^ (p.Name == "log_color");
                if (on) args.Add(option);
                return;
            case JsonValueKind.String:
                args.AddRange([option, v.GetString()!]);
                return;
            case JsonValueKind.Number:
                args.AddRange([option, v.GetRawText()]); // exactly as written: a 64-bit seed keeps every digit
                return;
            case JsonValueKind.Array when v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                args.AddRange([option, string.Join(",", v.EnumerateArray().Select(e => e.GetString()))]);
                return;
            default:
                throw Error(path, $"parameters.{p.Name} of {command}: expected a string, number, true/false or a list of strings, got {v.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    static UsageException Error(string path, string why) => new($"run file {SpecText.Quote(path)}: {why}");
}
