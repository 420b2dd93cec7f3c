using KlGpu.Families;
using System.Diagnostics;
using System.Globalization;
using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;

namespace KlGpu.Bench;

public sealed record BenchSettings(int Grid = 1024, AcceleratorChoice Accelerator = default, Precision Precision = Precision.Double,
    int Repeats = 3, string? PeerDirectory = null, string Python = "/usr/bin/python3", int AccuracySamples = 40);

/// <summary>One timed run: wall seconds (best of the repeats) and the worst error against the reference at the samples.</summary>
public sealed record BenchFigure(string Name, double Seconds, double WorstError);

/// <summary>
/// The benchmark: the 1024×1024 forward+reverse landscape of the three-mode target over μ ∈ [−5, 5],
/// σ ∈ [0.05, 5], against the numpy peers in the same run. Accuracy is measured, not assumed: every
/// contender's grid is compared with the independent reference quadrature at the same sampled points.
/// </summary>
public static class LandscapeBenchmark
{
    public static readonly GaussianMixture Target = new([0.3, 0.4, 0.3], [-2, 0, 2], [0.3, 0.4, 0.3]);

    public static IReadOnlyList<BenchFigure> Run(BenchSettings s, TextWriter log)
    {
        var mu = new GridAxis(-5, 5, s.Grid);
        var sigma = new GridAxis(0.05, 5, s.Grid);
        var samples = Samples(s.Grid, s.AccuracySamples);
        var figures = new List<BenchFigure>();

        using var engine = KlEngine.Create(s.Accelerator, s.Precision);
        log.WriteLine($"device: {engine.DeviceName}; precision {s.Precision.ToString().ToLowerInvariant()}; grid {s.Grid}x{s.Grid}, forward+reverse");
        double best = double.PositiveInfinity;
        var forward = new double[samples.Length];
        var reverse = new double[samples.Length];
        for (int rep = 0; rep < s.Repeats; rep++)
        {
            var clock = Stopwatch.StartNew();
            engine.Landscape(Target, FitFamily.Gaussian, mu, sigma, [Divergence.Forward, Divergence.Reverse], tile =>
            {
                for (int k = 0; k < samples.Length; k++)
                {
                    var (i, j) = samples[k];
                    if (i < tile.FirstRow || i >= tile.FirstRow + tile.Rows) continue;
                    forward[k] = tile.Forward![(i - tile.FirstRow) * tile.Columns + j];
                    reverse[k] = tile.Reverse![(i - tile.FirstRow) * tile.Columns + j];
                }
            });
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        var reference = samples.Select(p => (ReferenceKl.Forward(Target, Q(mu, sigma, p)), ReferenceKl.Reverse(Target, Q(mu, sigma, p)))).ToArray();
        figures.Add(new BenchFigure("klgpu", best, WorstError(reference, forward, reverse)));
        Report(log, figures[^1], null);

        string? peers = s.PeerDirectory ?? FindPeers();
        if (peers is null)
        {
            log.WriteLine("peers: ../shared/peers not found; only klgpu was timed");
            return figures;
        }
        foreach (var (name, args) in new[] { ("numpy trapz 4096", "--scheme trapz"), ("numpy gh 64", "--scheme gh --nodes 64") })
        {
            string outDir = Directory.CreateTempSubdirectory("klgpu-bench-").FullName;
            try
            {
                var clock = Stopwatch.StartNew();
                string stdout = RunPeer(s.Python, Path.Combine(peers, "peer_numpy.py"), $"--grid {s.Grid} {args} --out {outDir}");
                double wall = ParseWall(stdout) ?? clock.Elapsed.TotalSeconds;
                var f = ReadNpy(Path.Combine(outDir, "forward.npy"));
                var r = ReadNpy(Path.Combine(outDir, "reverse.npy"));
                var fs = samples.Select(p => f[p.I * s.Grid + p.J]).ToArray();
                var rs = samples.Select(p => r[p.I * s.Grid + p.J]).ToArray();
                figures.Add(new BenchFigure(name, wall, WorstError(reference, fs, rs)));
                Report(log, figures[^1], figures[0]);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                log.WriteLine($"{name}: could not run ({e.Message})");
            }
            finally
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
        return figures;
    }

    static void Report(TextWriter log, BenchFigure f, BenchFigure? ours)
    {
        string ratio = ours is null ? "" : $"  klgpu is {f.Seconds / ours.Seconds:F1}x faster";
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{f.Name,-18} {f.Seconds,8:F3} s   worst error vs reference {f.WorstError:E1}{ratio}"));
    }

    /// <summary>Max over samples and both directions of |v − ref| / max(|ref|, 0.1): the project's 1e-9 bar reads 1e-9 here.</summary>
    static double WorstError((double F, double R)[] reference, double[] forward, double[] reverse)
    {
        double worst = 0;
        for (int k = 0; k < reference.Length; k++)
        {
            worst = Math.Max(worst, Math.Abs(forward[k] - reference[k].F) / Math.Max(Math.Abs(reference[k].F), 0.1));
            worst = Math.Max(worst, Math.Abs(reverse[k] - reference[k].R) / Math.Max(Math.Abs(reference[k].R), 0.1));
        }
        return worst;
    }

    static (int I, int J)[] Samples(int grid, int count)
    {
        var random = new Random(2026);
        return Enumerable.Range(0, count).Select(_ => (random.Next(grid), random.Next(grid))).ToArray();
    }

    static GaussianMixture Q(GridAxis mu, GridAxis sigma, (int I, int J) p) => GaussianMixture.Gaussian(mu.At(p.J), sigma.At(p.I));

    internal static string? FindPeers()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "..", "shared", "peers");
            if (File.Exists(Path.Combine(dir.FullName, "KlGpu.sln")) && Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        string here = Path.GetFullPath(Path.Combine("..", "shared", "peers"));
        return Directory.Exists(here) ? here : null;
    }

    internal static string RunPeer(string python, string script, string args) =>
        RunPeer(python, [script, .. args.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);

    /// <summary>Runs python with these arguments, passed as they are (no shell, no quoting rules).</summary>
    internal static string RunPeer(string python, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {python}");
        var stderrTask = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = stderrTask.Result;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"exit code {process.ExitCode}: {stderr.Trim().Split('\n').LastOrDefault()}");
        return stdout;
    }

    /// <summary>The peer prints its own compute time ("wall=12.3 s"), excluding Python start-up; use it.</summary>
    internal static double? ParseWall(string stdout)
    {
        int at = stdout.IndexOf("wall=", StringComparison.Ordinal);
        if (at < 0) return null;
        string number = new(stdout[(at + 5)..].TakeWhile(c => char.IsDigit(c) || c == '.').ToArray());
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
    }

    /// <summary>Reads a little-endian float64 .npy written by numpy (C order); just enough for the peers' output.</summary>
    static double[] ReadNpy(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = bytes[6] == 1 ? BitConverter.ToUInt16(bytes, 8) + 10 : (int)BitConverter.ToUInt32(bytes, 8) + 12;
        string header = System.Text.Encoding.ASCII.GetString(bytes, 0, headerLength);
        if (!header.Contains("'<f8'") || header.Contains("'fortran_order': True"))
            throw new InvalidOperationException($"{path}: expected a C-order float64 array");
        var values = new double[(bytes.Length - headerLength) / 8];
        Buffer.BlockCopy(bytes, headerLength, values, 0, values.Length * 8);
        return values;
    }
}
