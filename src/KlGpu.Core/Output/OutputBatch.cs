using KlGpu.Landscape;
using ScottPlot;
using SkiaSharp;

namespace KlGpu.Output;

/// <summary>
/// The files of one run in one folder, written whole or not at all: each opens as an <see cref="AtomicFile"/>; Commit
/// renames them all into place, writes manifest.json last (listing every file with its role) and removes what an
/// earlier run's manifest listed and this run did not write. Disposing without Commit deletes every temporary file.
/// </summary>
public sealed class OutputBatch(string dir) : IDisposable
{
    public const string ManifestName = "manifest.json";

    readonly List<(AtomicFile File, OutputFileEntry Entry)> pending = [];

    public string Directory { get; } = dir;

    public AtomicFile Open(string name, string role)
    {
        var f = AtomicFile.Create(Path.Combine(Directory, name));
        pending.Add((f, new OutputFileEntry(name, role)));
        return f;
    }

    /// <summary>Draws a figure into a new file of the batch, as SVG for ".svg", otherwise PNG.</summary>
    /// <summary><paramref name="stem"/>.png, and with <paramref name="svg"/> also <paramref name="stem"/>.svg, of one drawing.</summary>
    public void Figures(Action<SKCanvas, PixelRect> draw, string stem, string role, int width, int height, bool svg)
    {
        Figure(draw, stem + ".png", role, width, height);
        if (svg) Figure(draw, stem + ".svg", role, width, height);
    }

    public void Figure(Action<SKCanvas, PixelRect> draw, string name, string role, int width, int height)
    {
        var file = Open(name, role);
        var rect = new PixelRect(0, width, height, 0);
        if (Path.GetExtension(name) == ".svg")
        {
            using var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), file.Stream);
            draw(canvas, rect);
            return;
        }
        using var surface = SKSurface.Create(new SKImageInfo(width, height)) ?? throw new InvalidOperationException($"cannot create a {width}×{height} image");
        draw(surface.Canvas, rect);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(file.Stream);
    }

    /// <summary>Commits every file, then the manifest built from the final file list; returns that list.</summary>
    public IReadOnlyList<OutputFileEntry> Commit(Func<IReadOnlyList<OutputFileEntry>, object> manifest)
    {
        foreach (var (file, _) in pending) file.Commit();
        var files = pending.Select(p => p.Entry).Append(new OutputFileEntry(ManifestName, "manifest")).ToList();
        string manifestPath = Path.Combine(Directory, ManifestName);
        var previous = PreviousFiles(manifestPath);
        JsonFile.Write(manifestPath, manifest(files));
        RemoveStale(previous, files);
        return files;
    }

    public void Dispose()
    {
        foreach (var (file, _) in pending) file.Dispose(); // deletes what was not committed
    }

    /// <summary>The plain file names an earlier run's manifest in this folder lists; none if there is no readable one.</summary>
    static IReadOnlyList<string> PreviousFiles(string manifestPath)
    {
        try
        {
            if (!File.Exists(manifestPath)) return [];
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifestPath));
            return doc.RootElement.GetProperty("files").EnumerateArray()
                .Select(f => f.GetProperty("path").GetString() ?? "")
                .Where(p => p.Length > 0 && Path.GetFileName(p) == p && p != ManifestName && !p.StartsWith('.'))
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException
            or InvalidOperationException or KeyNotFoundException)
        {
            return [];
        }
    }

    /// <summary>
    /// Deletes what an earlier run wrote here and this one did not (a figure of a divergence no longer asked for, an
    /// SVG without --svg), so the folder holds one run. Only files its manifest listed.
    /// </summary>
    void RemoveStale(IReadOnlyList<string> previous, IReadOnlyList<OutputFileEntry> current)
    {
        foreach (string name in previous.Except(current.Select(f => f.Path)))
        {
            try { File.Delete(Path.Combine(Directory, name)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }
}
