using KlGpu.Landscape;
using ScottPlot;
using SkiaSharp;

namespace KlGpu.Output;

/// <summary>
/// The files of one run in one folder, written whole or not at all: each opens as an <see cref="AtomicFile"/>; Commit
/// swaps them all into place as one set with manifest.json last (listing every file with its role and SHA-256) and
/// removes what an earlier klgpu run's manifest listed and this run did not write. Disposing without Commit deletes
/// every temporary file and releases the folder's claim (<see cref="OutputFolder"/>).
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

    /// <summary>
    /// Puts every file and then the manifest (built from the final file list, with each file's SHA-256) in place as one
    /// set, and returns that list. Nothing is replaced until every file is written; old files are moved to backups first
    /// and restored if any step fails, and a journal lets the next run restore them if this process dies mid-way. Then
    /// the files an earlier klgpu run wrote here and this one did not are removed, if they are still as klgpu wrote them.
    /// </summary>
    public IReadOnlyList<OutputFileEntry> Commit(Func<IReadOnlyList<OutputFileEntry>, object> manifest)
    {
        lock (CommitGate)
        {
            var sealedFiles = pending.Select(p => (p.File, Entry: p.Entry with { Sha256 = p.File.Seal() })).ToList();
            var files = sealedFiles.Select(p => p.Entry).Append(new OutputFileEntry(ManifestName, "manifest")).ToList();
            var manifestFile = AtomicFile.Create(Path.Combine(Directory, ManifestName));
            pending.Add((manifestFile, files[^1]));
            manifestFile.Stream.Write(new System.Text.UTF8Encoding(false).GetBytes(JsonFile.Serialize(manifest(files))));
            sealedFiles.Add((manifestFile, files[^1] with { Sha256 = manifestFile.Seal() }));

            var previous = OutputManifest.Read(Path.Combine(Directory, ManifestName));
            if (!OutputFolder.IsForced(Directory)) RefuseToReplaceOthers(previous, files);
            Swap(sealedFiles);
            RemoveStale(previous, files);
            return files;
        }
    }

    /// <summary>
    /// A file this run would replace must be one klgpu wrote: listed, with its SHA-256 unchanged, by the manifest already
    /// here. Anything else (a user's forward.npy beside a planted manifest, a listed file the user has since edited) is
    /// refused before anything is replaced, unless the run was told --force.
    /// </summary>
    void RefuseToReplaceOthers(OutputManifest? previous, IReadOnlyList<OutputFileEntry> files)
    {
        if (previous is null) return; // no klgpu manifest: OutputFolder.Prepare let the run in only into an empty folder or with --force
        foreach (var entry in files)
        {
            if (entry.Path == ManifestName || !File.Exists(Path.Combine(Directory, entry.Path))) continue;
            if (!previous.Files.Any(f => f.Path == entry.Path && OutputManifest.Verified(Directory, f)))
                throw new UsageException($"--out: \"{Directory}\" holds {entry.Path}, which klgpu did not write (or which was changed since); "
                    + "nothing was replaced; name another folder, or --force to write over it");
        }
    }

    /// <summary>Held while a set of files is swapped in, so a forced exit (a second Ctrl-C, SIGTERM) waits for the swap to end.</summary>
    public static readonly object CommitGate = new();

    /// <summary>Test hook: called before each file is moved into place; throwing from it simulates a failure part-way.</summary>
    internal static Action<string>? BeforePlacing { get; set; }

    void Swap(List<(AtomicFile File, OutputFileEntry Entry)> set)
    {
        string tag = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        var steps = new List<CommitJournal.Step>();
        foreach (var (_, entry) in set)
        {
            string target = Path.Combine(Directory, entry.Path);
            if (System.IO.Directory.Exists(target))
                throw new IOException($"cannot write {entry.Path} in \"{Directory}\": a folder of that name is in the way; nothing was replaced");
            bool old = File.Exists(target) || new FileInfo(target).LinkTarget is not null;
            steps.Add(new CommitJournal.Step(entry.Path, old ? $".{entry.Path}.bak-{tag}" : null, entry.Sha256!));
        }
        CommitJournal.Write(Directory, steps);
        int placed = 0;
        try
        {
            for (; placed < steps.Count; placed++)
            {
                var step = steps[placed];
                BeforePlacing?.Invoke(step.File);
                string target = Path.Combine(Directory, step.File);
                if (step.Backup is { } backup) File.Move(target, Path.Combine(Directory, backup));
                File.Move(set[placed].File.TempPath, target);
                set[placed].File.MarkCommitted();
            }
        }
        catch
        {
            for (int k = Math.Min(placed, steps.Count - 1); k >= 0; k--) CommitJournal.Undo(Directory, steps[k]);
            CommitJournal.Delete(Directory);
            throw;
        }
        CommitJournal.Delete(Directory); // the commit point: from here the new set stands
        foreach (var step in steps)
            if (step.Backup is { } backup) TryDelete(Path.Combine(Directory, backup));
    }

    public void Dispose()
    {
        foreach (var (file, _) in pending) file.Dispose(); // deletes what was not committed
        OutputFolder.Release(Directory);
    }

    /// <summary>
    /// Deletes what an earlier run wrote here and this one did not (a figure of a divergence no longer asked for, an
    /// SVG without --svg), so the folder holds one run: only files its manifest lists that are still as klgpu wrote them.
    /// </summary>
    void RemoveStale(OutputManifest? previous, IReadOnlyList<OutputFileEntry> current)
    {
        if (previous is null) return;
        var now = current.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in previous.Files)
            if (!now.Contains(entry.Path) && OutputManifest.Verified(Directory, entry))
                TryDelete(Path.Combine(Directory, entry.Path));
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
