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
    /// <param name="invokedAs">The command the user ran where its run is recorded as another's (sweep-alpha as a sweep), so that
    /// <c>klgpu run</c> writes where that command would by default.</param>
    public static JsonObject Of(string command, RunParameters? parameters, object measured, string? invokedAs = null)
    {
        var manifest = new JsonObject
        {
            ["tool"] = Tool,
            ["command"] = command,
        };
        if (invokedAs is not null) manifest["invoked_as"] = invokedAs;
        manifest["version"] = ComputeDevices.Version;
        manifest["parameters"] = parameters?.Values.DeepClone();
        foreach (var (key, value) in JsonSerializer.SerializeToNode(measured, JsonFile.Options)!.AsObject().ToList())
            manifest[key] = value?.DeepClone();
        return manifest;
    }
}
