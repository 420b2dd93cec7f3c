using System.Text.Json;
using KlGpu.Landscape;

namespace KlGpu.Output;

/// <summary>
/// What an earlier run's manifest.json says it wrote: read only to decide which of its files a new run in the same folder
/// may remove. A manifest counts only if it says <c>"tool": "klgpu"</c>, and a file it lists is removed only if it is
/// still exactly what klgpu wrote (<see cref="Verified"/>), so a planted or foreign manifest deletes nothing.
/// </summary>
public sealed record OutputManifest(IReadOnlyList<OutputFileEntry> Files)
{
    /// <summary>The kinds of file klgpu writes; a listed name of any other kind is never removed.</summary>
    static readonly HashSet<string> Extensions = [".npy", ".png", ".svg", ".csv", ".json", ".gif", ".html"];

    /// <summary>The manifest at <paramref name="path"/>, or null when there is none or it is not klgpu's.</summary>
    public static OutputManifest? Read(string path)
    {
        try
        {
            if (!File.Exists(path)) return null;
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tool", out var tool) || tool.ValueKind != JsonValueKind.String
                || tool.GetString() != RunManifest.Tool || !root.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
                return null;
            var entries = new List<OutputFileEntry>();
            foreach (var f in files.EnumerateArray())
            {
                if (f.ValueKind != JsonValueKind.Object || !f.TryGetProperty("path", out var p) || p.ValueKind != JsonValueKind.String) continue;
                string? sha = f.TryGetProperty("sha256", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
                string role = f.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() ?? "" : "";
                entries.Add(new OutputFileEntry(p.GetString()!, role) { Sha256 = sha });
            }
            return new OutputManifest(entries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="entry"/> names a file in <paramref name="dir"/> that klgpu wrote and nobody has changed since:
    /// a plain name (no folder part, not hidden) of a kind klgpu writes, a regular file (not a link), whose SHA-256 is the
    /// one recorded. Manifests written before hashes were recorded verify nothing.
    /// </summary>
    public static bool Verified(string dir, OutputFileEntry entry)
    {
        string name = entry.Path;
        if (entry.Sha256 is not { Length: 64 } sha || name.Length == 0 || Path.GetFileName(name) != name || name.StartsWith('.')
            || name == OutputBatch.ManifestName || !Extensions.Contains(Path.GetExtension(name).ToLowerInvariant()))
            return false;
        var file = new FileInfo(Path.Combine(dir, name));
        try
        {
            return file.Exists && file.LinkTarget is null && AtomicFile.Sha256Of(file.FullName) == sha;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
