namespace KlGpu.Tests.Output;

/// <summary>A fresh folder under /tmp for one test, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("klgpu-out-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Every name in the folder, hidden ones included, sorted; all but the lock file a klgpu run leaves (<see cref="KlGpu.Output.OutputFolder.LockName"/>).</summary>
    public string[] Names() =>
        Directory.EnumerateFileSystemEntries(Path).Select(p => System.IO.Path.GetFileName(p)!)
            .Where(n => n != KlGpu.Output.OutputFolder.LockName).Order(StringComparer.Ordinal).ToArray();

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
