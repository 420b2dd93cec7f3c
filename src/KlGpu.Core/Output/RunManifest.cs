using System.Text.Json;
using System.Text.Json.Nodes;
using KlGpu.Accelerators;

namespace KlGpu.Output;

/// <summary>
/// A run's manifest.json: which tool, command and version wrote it and with which parameters (so it is a run file that
/// <c>klgpu run</c> replays), then what the run measured and wrote, field by field as the job gives them.
/// </summary>
public static class RunManifest
{
    /// <summary>The <c>"tool"</c> of every manifest klgpu writes; a manifest with another is not klgpu's.</summary>
    public const string Tool = "klgpu";

    /// <param name="measured">An object whose fields (device, timings, minima, files, …) follow the run's own.</param>
    public static JsonObject Of(string command, RunParameters? parameters, object measured)
    {
        var manifest = new JsonObject
        {
            ["tool"] = Tool,
            ["command"] = command,
            ["version"] = ComputeDevices.Version,
            ["parameters"] = parameters?.Values.DeepClone(),
        };
        foreach (var (key, value) in JsonSerializer.SerializeToNode(measured, JsonFile.Options)!.AsObject().ToList())
            manifest[key] = value?.DeepClone();
        return manifest;
    }
}
