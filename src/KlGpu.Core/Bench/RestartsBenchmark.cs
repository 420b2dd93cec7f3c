using KlGpu.Families;
using System.Diagnostics;
using System.Globalization;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;

namespace KlGpu.Bench;

public sealed record RestartsBenchSettings(int Restarts = 100_000, int Steps = 2000, AcceleratorChoice Accelerator = default,
    Precision Precision = Precision.Double, string? PeerDirectory = null, string Python = "/usr/bin/python3", bool RunPeer = true,
    int GradientSamples = 40);

/// <summary>
/// The restart benchmark: Adam restarts of reverse KL on 0.5*N(−2.75,1) + 0.5*N(2.75,1) from μ ~ U[−6, 6],
/// log σ ~ U[log 0.1, log 10], lr 0.05, at most 2000 steps, against peer_restarts_numpy.py in the same run. klgpu stops a
/// restart once its gradient norm is below the default tolerance (1e-6); the peer always takes every step. Both the
/// wall-clock ratio and the per-step throughput ratio are printed, and each side's gradient error against the reference
/// quadrature at sample points.
/// </summary>
public static class RestartsBenchmark
{
    public static readonly GaussianMixture Target = new([0.5, 0.5], [-2.75, 2.75], [1, 1]);
    const string PeerTarget = "{\"w\":[0.5,0.5],\"m\":[-2.75,2.75],\"s\":[1,1]}";

    public static void Run(RestartsBenchSettings s, TextWriter log)
    {
        var c = CultureInfo.InvariantCulture;
        var starts = new StartDesign(-6, 6, 0.1, 10, 1);
        var settings = new BasinsSettings(Target, Divergence.Reverse, FitFamily.Gaussian, s.Restarts, s.Steps, Optimizer.Adam,
            BasinsSettings.DefaultLearningRate, starts, BasinsSettings.DefaultTolerance, BasinsSettings.DefaultClusterRadius, 0,
            s.Precision, s.Accelerator);
        using var engine = KlEngine.Create(s.Accelerator, s.Precision);
        log.WriteLine($"device: {engine.DeviceName}; precision {s.Precision.ToString().ToLowerInvariant()}; {s.Restarts:N0} restarts × ≤ {s.Steps:N0} Adam steps of reverse KL on {Target}");
        BasinsJob.Compute(settings with { Restarts = 64 }, engine); // warm-up: kernel compilation is not the benchmark
        var run = BasinsJob.Compute(settings, engine);
        long steps = run.Outcome.Steps.Sum(x => (long)x);
        double ours = run.OptimizeSeconds;
        log.WriteLine(string.Create(c, $"klgpu            {ours,8:F3} s   mean steps {(double)steps / s.Restarts:F1}, {(steps + s.Restarts) / ours / 1e6:F3} M gradient evaluations/s; polish {run.PolishSeconds:F3} s"));
        log.WriteLine($"                 {run.Report.Summary()}");
        foreach (var b in run.Report.Basins)
            log.WriteLine(string.Create(c, $"                 B{b.Id} {b.Kind.ToString().ToLowerInvariant()} μ={b.Mu,9:F5} σ={b.Sigma:F5} fraction={b.Fraction:0.000}"));

        var (oursError, peerError) = GradientErrors(engine, s);
        log.WriteLine(string.Create(c, $"gradient error vs reference (worst of {s.GradientSamples} starts): klgpu {oursError:E1}, 64-node Gauss–Hermite {peerError:E1}"));

        string? peers = s.PeerDirectory ?? LandscapeBenchmark.FindPeers();
        if (!s.RunPeer || peers is null)
        {
            log.WriteLine(peers is null ? "peer: ../shared/peers not found; only klgpu was timed" : "peer: not run (--no-peer)");
            return;
        }
        try
        {
            var clock = Stopwatch.StartNew();
            string stdout = LandscapeBenchmark.RunPeer(s.Python,
                [Path.Combine(peers, "peer_restarts_numpy.py"), "--restarts", $"{s.Restarts}", "--steps", $"{s.Steps}", "--p", PeerTarget]);
            double wall = LandscapeBenchmark.ParseWall(stdout) ?? clock.Elapsed.TotalSeconds;
            double peerRate = (double)s.Restarts * s.Steps / wall;
            log.WriteLine(string.Create(c, $"numpy peer       {wall,8:F3} s   every restart takes all {s.Steps} steps, {peerRate / 1e6:F3} M restart-steps/s"));
            foreach (string line in stdout.Split('\n').Skip(1).Where(l => l.Trim().Length > 0)) log.WriteLine("                 " + line.Trim());
            log.WriteLine(string.Create(c, $"ratio: klgpu is {wall / ours:F1}x faster in wall-clock time, {(steps + s.Restarts) / ours / peerRate:F1}x in gradient evaluations per second"));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            log.WriteLine($"numpy peer: could not run ({e.Message})");
        }
    }

    /// <summary>
    /// Worst |∇ − ∇_ref| / max(|∇_ref|, 0.1) over sample starts, for klgpu's kernels and for the peer's 64-node
    /// Gauss–Hermite rule (evaluated with numpy exactly as the peer does).
    /// </summary>
    static (double Ours, double Peer) GradientErrors(KlEngine engine, RestartsBenchSettings s)
    {
        var (mu, logSigma) = new StartDesign(-6, 6, 0.1, 10, 7).Generate(s.GradientSamples, FitFamily.Gaussian);
        var reference = mu.Select((m, i) =>
        {
            double sigma = Math.Exp(logSigma[i]);
            var (dMu, dSigma) = ReferenceKl.ReverseGradient(Target, m, sigma);
            return (dMu, sigma * dSigma);
        }).ToArray();
        var (_, gm, gs) = engine.Gradient(Target, FitFamily.Gaussian, Divergence.Reverse, mu, logSigma);
        double ours = Worst(reference, gm, gs);
        try
        {
            string points = string.Join(",", mu.Select((m, i) => FormattableString.Invariant($"({m:R},{logSigma[i]:R})")));
            string script = $$"""
                import numpy as np, math
                t, tw = np.polynomial.hermite.hermgauss(64); z = math.sqrt(2.0) * t; v = tw / math.sqrt(math.pi)
                w = [0.5, 0.5]; m = [-2.75, 2.75]; s = [1.0, 1.0]
                for mu, ls in [{{points}}]:
                    sg = math.exp(ls); x = mu + sg * z
                    L = np.stack([math.log(w[k]) - math.log(s[k]) - 0.5 * math.log(2 * math.pi) - 0.5 * ((x - m[k]) / s[k]) ** 2 for k in range(2)])
                    e = np.exp(L - L.max(axis=0)); r = e / e.sum(axis=0)
                    g = sum(r[k] * (m[k] - x) / s[k] ** 2 for k in range(2))
                    print(repr(float(-(g @ v))), repr(float(-1.0 - sg * ((g * z) @ v))))
                """;
            string path = Path.Combine(Path.GetTempPath(), $"klgpu-gh64-{Environment.ProcessId}.py");
            File.WriteAllText(path, script);
            try
            {
                var lines = LandscapeBenchmark.RunPeer(s.Python, [path]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                var pm = lines.Select(l => double.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture)).ToArray();
                var ps = lines.Select(l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).ToArray();
                return (ours, Worst(reference, pm, ps));
            }
            finally
            {
                File.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or FormatException)
        {
            return (ours, double.NaN);
        }
    }

    static double Worst((double Mu, double S)[] reference, double[] gm, double[] gs)
    {
        double worst = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(gm[i] - reference[i].Mu) / Math.Max(Math.Abs(reference[i].Mu), 0.1));
            worst = Math.Max(worst, Math.Abs(gs[i] - reference[i].S) / Math.Max(Math.Abs(reference[i].S), 0.1));
        }
        return worst;
    }
}
