using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace KlGpu.Bench;

/// <param name="Grid">Points per axis of the landscape (the issue's 1024).</param>
/// <param name="BasinsRestarts">Restarts of the Gaussian basins run, for klgpu and its peer alike (the issue's 20,000).</param>
/// <param name="MixtureRestarts">Restarts of the mixture:2 basins run (the issue's 4,096); the peer runs
/// <paramref name="PeerMixtureRestarts"/> and is scaled to this count.</param>
/// <param name="Klgpu">The klgpu to time; null: this very program, as it was started.</param>
public sealed record ProcessBenchSettings(int Grid = 1024, int BasinsRestarts = 20_000, int BasinsSteps = 1000, int MixtureRestarts = 4096,
    int PeerMixtureRestarts = 256, int PeerMixtureSteps = 1500, string? Klgpu = null, string? PeerDirectory = null,
    string Python = "/usr/bin/python3", bool RunPeer = true);

/// <summary>One whole process: wall seconds from start to exit, and the split its manifest records (null where it records none).</summary>
public sealed record ProcessFigure(string Name, double Wall, double? Compute, double? Write);

/// <summary>
/// klgpu as a user runs it: each command started as a child process, figures and files included, timed from start to
/// exit beside the numpy peer started the same way in the same run. The split comes from the run's manifest.json
/// (landscape: compute and write seconds; basins: restarts and polish seconds), the rest of the wall time being start-up,
/// the engine and its kernels, and, for basins, the picture and the files. Start-up alone is timed as <c>klgpu eval</c>
/// of one Gaussian q. The peers' own printed compute time is shown beside their whole process.
/// </summary>
public static class ProcessBenchmark
{
    public const string ThreeModes = "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)";
    public const string TwoModes = "0.5*N(-2.75,1) + 0.5*N(2.75,1)";
    const string TwoModesJson = "{\"w\":[0.5,0.5],\"m\":[-2.75,2.75],\"s\":[1,1]}";

    public static void Run(ProcessBenchSettings s, TextWriter log)
    {
        var (file, prefix) = KlgpuCommand(s.Klgpu);
        string? peers = s.RunPeer ? s.PeerDirectory ?? LandscapeBenchmark.FindPeers() : null;
        log.WriteLine($"whole processes: {string.Join(' ', [file, .. prefix])}; {Environment.ProcessorCount} cores; "
                      + (peers is null ? s.RunPeer ? "peers: ../shared/peers not found" : "peers: not run (--no-peer)" : $"peers: {s.Python} {peers}"));
        log.WriteLine($"{"",-56} {"whole s",8} {"compute",8} {"write",8} {"rest",8}");

        Klgpu(log, file, prefix, "start-up (eval of one Gaussian q)", ["eval", "--target", "N(0,1)", "--q", "N(0.5,2)"], null);

        string g = s.Grid.ToString(CultureInfo.InvariantCulture);
        var landscape = Klgpu(log, file, prefix, $"landscape {s.Grid}² forward+reverse",
            ["landscape", "--target", ThreeModes, "--mu", $"-5:5:{g}", "--sigma", $"0.05:5:{g}"], "out");
        if (peers is not null && landscape is not null)
            Peer(log, s, landscape, $"peer_numpy.py --grid {g} --scheme trapz", Path.Combine(peers, "peer_numpy.py"),
                ["--grid", g, "--scheme", "trapz", "--out"], scale: 1, output: true);

        string r = s.BasinsRestarts.ToString(CultureInfo.InvariantCulture), steps = s.BasinsSteps.ToString(CultureInfo.InvariantCulture);
        var basins = Klgpu(log, file, prefix, $"basins {s.BasinsRestarts:N0} × ≤{s.BasinsSteps:N0} Adam",
            ["basins", "--target", TwoModes, "--restarts", r, "--steps", steps, "--mu", "-6:6", "--sigma", "0.1:10"], "out");
        if (peers is not null && basins is not null)
            Peer(log, s, basins, $"peer_restarts_numpy.py --restarts {r} --steps {steps}", Path.Combine(peers, "peer_restarts_numpy.py"),
                ["--restarts", r, "--steps", steps, "--p", TwoModesJson], scale: 1, output: false);

        var mixture = Klgpu(log, file, prefix, $"basins mixture:2 {s.MixtureRestarts:N0} restarts",
            ["basins", "--target", ThreeModes, "--family", "mixture:2", "--restarts", s.MixtureRestarts.ToString(CultureInfo.InvariantCulture)], "out");
        if (peers is not null && mixture is not null)
        {
            int n = Math.Min(s.PeerMixtureRestarts, s.MixtureRestarts);
            Peer(log, s, mixture, $"peer_mixture_numpy.py --restarts {n} --steps {s.PeerMixtureSteps} (×{(double)s.MixtureRestarts / n:G4})",
                Path.Combine(peers, "peer_mixture_numpy.py"),
                ["--restarts", n.ToString(CultureInfo.InvariantCulture), "--steps", s.PeerMixtureSteps.ToString(CultureInfo.InvariantCulture)],
                scale: (double)s.MixtureRestarts / n, output: false);
        }
    }

    /// <summary>This program as it was started: its apphost, or dotnet with its entry assembly.</summary>
    static (string File, string[] Prefix) KlgpuCommand(string? given)
    {
        if (given is not null)
            return given.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", [given]) : (given, []);
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        string entry = System.Reflection.Assembly.GetEntryAssembly()?.Location ?? "";
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && entry.Length > 0 ? (process, [entry]) : (process, []);
    }

    /// <summary>Times one klgpu command and prints its row; null (and a line saying why) where it failed.</summary>
    static ProcessFigure? Klgpu(TextWriter log, string file, string[] prefix, string name, string[] arguments, string? outOption)
    {
        try
        {
            var figure = Klgpu(file, prefix, name, arguments, outOption);
            Row(log, figure);
            return figure;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or System.Text.Json.JsonException)
        {
            log.WriteLine($"{name}: could not run ({e.Message})");
            return null;
        }
    }

    /// <summary>Runs klgpu with these arguments (and <c>--out</c> a fresh folder when <paramref name="outOption"/> is set), reads the split from its manifest.</summary>
    static ProcessFigure Klgpu(string file, string[] prefix, string name, string[] arguments, string? outOption)
    {
        string? dir = outOption is null ? null : Directory.CreateTempSubdirectory("klgpu-bench-").FullName;
        try
        {
            string[] all = dir is null ? [.. prefix, .. arguments] : [.. prefix, .. arguments, "--" + outOption, dir];
            var (wall, _) = Time(file, all);
            if (dir is null) return new ProcessFigure(name, wall, null, null);
            var timings = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")))?["timings"];
            double? Field(string key) => timings?[key]?.GetValue<double>();
            double? compute = Field("compute_seconds") ?? Field("optimize_seconds") + Field("polish_seconds");
            return new ProcessFigure(name, wall, compute, Field("write_seconds"));
        }
        finally
        {
            if (dir is not null) Directory.Delete(dir, recursive: true);
        }
    }

    static void Peer(TextWriter log, ProcessBenchSettings s, ProcessFigure ours, string name, string script, string[] arguments, double scale, bool output)
    {
        string? dir = output ? Directory.CreateTempSubdirectory("klgpu-bench-peer-").FullName : null;
        try
        {
            var (wall, stdout) = Time(s.Python, [script, .. arguments, .. dir is null ? Array.Empty<string>() : [dir]]);
            double? compute = LandscapeBenchmark.ParseWall(stdout) ?? ParseSeconds(stdout);
            var peer = new ProcessFigure(name, wall * scale, compute * scale, null);
            Row(log, peer);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"  ratio peer / klgpu",-56} {peer.Wall / ours.Wall,8:F1}x whole process{(peer.Compute is { } pc && ours.Compute is { } oc ? $", {pc / oc:F1}x compute alone" : "")}"));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            log.WriteLine($"{name}: could not run ({e.Message})");
        }
        finally
        {
            if (dir is not null) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The mixture peer prints JSON with "seconds".</summary>
    static double? ParseSeconds(string stdout)
    {
        string? line = stdout.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith('{'));
        return line is null ? null : JsonNode.Parse(line)?["seconds"]?.GetValue<double>();
    }

    static void Row(TextWriter log, ProcessFigure f)
    {
        static string Cell(double? v) => v is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) : "";
        double? rest = f.Compute is { } c ? f.Wall - c - (f.Write ?? 0) : null;
        log.WriteLine($"{f.Name,-56} {Cell(f.Wall),8} {Cell(f.Compute),8} {Cell(f.Write),8} {Cell(rest),8}");
    }

    /// <summary>Wall seconds from start to exit of one child process, and its standard output; a non-zero exit throws.</summary>
    static (double Wall, string Stdout) Time(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        double wall = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} exit code {process.ExitCode}: {stderr.Result.Trim().Split('\n').LastOrDefault()}");
        return (wall, stdout);
    }
}
