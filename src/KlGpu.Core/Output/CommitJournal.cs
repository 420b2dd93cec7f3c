using System.Text.Json;

namespace KlGpu.Output;

/// <summary>
/// The record of a commit in progress (<c>.klgpu-commit.json</c>): for each file of the new set, its name, the backup name
/// its old version was moved to (null if there was none) and the new content's SHA-256. It exists only while
/// <see cref="OutputBatch.Commit"/> swaps files; if the process dies in between, the next claim of the folder
/// (<see cref="OutputFolder.Prepare"/>) reads it and puts the old set back, so a folder always holds one run's files.
/// </summary>
public static class CommitJournal
{
    public const string Name = ".klgpu-commit.json";

    public sealed record Step(string File, string? Backup, string Sha256);

    public static void Write(string dir, IReadOnlyList<Step> steps)
    {
        string path = Path.Combine(dir, Name), temp = path + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(steps, JsonFile.Options));
        File.Move(temp, path, overwrite: true);
    }

    public static void Delete(string dir) => File.Delete(Path.Combine(dir, Name));

    /// <summary>Undoes a commit that a killed run left half done: the old files return, the new ones it placed go. Call under the folder's lock.</summary>
    public static void Recover(string dir)
    {
        string path = Path.Combine(dir, Name);
        File.Delete(path + ".tmp");
        if (!File.Exists(path)) return;
        Step[] steps;
        try
        {
            steps = JsonSerializer.Deserialize<Step[]>(File.ReadAllBytes(path), JsonFile.Options) ?? [];
        }
        catch (JsonException)
        {
            steps = []; // torn before its rename cannot happen; a hand-edited one is not ours to act on
        }
        foreach (var step in steps.Reverse())
            Undo(dir, step);
        File.Delete(path);
    }

    /// <summary>Puts one file back as it was before the commit; names that are not plain file names are ignored.</summary>
    internal static void Undo(string dir, Step step)
    {
        if (Path.GetFileName(step.File) != step.File || (step.Backup is { } b && Path.GetFileName(b) != b)) return;
        string target = Path.Combine(dir, step.File);
        if (step.Backup is { } backup && File.Exists(Path.Combine(dir, backup)))
            File.Move(Path.Combine(dir, backup), target, overwrite: true);
        else if (step.Backup is null && File.Exists(target) && AtomicFile.Sha256Of(target) == step.Sha256)
            File.Delete(target);
    }
}
