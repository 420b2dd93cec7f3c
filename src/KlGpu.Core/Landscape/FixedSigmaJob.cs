using KlGpu.Families;
using System.Globalization;
using System.Text;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Plotting;

namespace KlGpu.Landscape;

/// <summary>What `klgpu landscape --family gaussian-fixed-sigma:S` draws: a curve over μ per divergence at σ fixed.</summary>
public sealed record FixedSigmaSettings(GaussianMixture Target, GridAxis Mu, double Sigma, IReadOnlyList<Divergence> Divergences,
    Precision Precision, AcceleratorChoice Accelerator, bool Svg);

/// <summary>
/// `klgpu landscape --family gaussian-fixed-sigma:S`: with σ fixed the family is a line, so the landscape is a curve over
/// μ per divergence, written as curve.csv and one figure, with the end points of restarts from a grid of starts (one
/// restart per grid point, Adam, default settings) marked on each curve.
/// </summary>
public static class FixedSigmaJob
{
    public static IReadOnlyList<OutputFileEntry> Run(GaussianMixture target, GridAxis mu, double sigma, IReadOnlyList<Divergence> divergences,
        string dir, bool svg, KlEngine engine, Precision precision, AcceleratorChoice accelerator, CancellationToken cancel = default,
        RunParameters? parameters = null)
    {
        double[] x = mu.Values();
        double[] logSigma = x.Select(_ => Math.Log(sigma)).ToArray();
        var family = new FixedSigmaFamily(sigma);
        var curves = new List<(Divergence, double[], IReadOnlyList<Basin>)>();
        foreach (var d in divergences)
        {
            cancel.ThrowIfCancellationRequested();
            double[] values = engine.Gradient(target, family, d, x, logSigma).Value;
            int index = Array.FindIndex(values, v => !double.IsFinite(v));
            // Whether a χ² or α integral converges depends on σ alone, so a diverging one diverges along the whole line.
            if (index >= 0 && double.IsPositiveInfinity(values[index]) && d.AsKl is null)
                throw new UsageException($"--family: {d.Name()} is +∞ at σ = {sigma.ToString("G6", CultureInfo.InvariantCulture)} (its integral diverges); choose a broader σ or another divergence");
            if (index >= 0) throw new InvalidOperationException($"{d.Name()} is {values[index]} at μ = {x[index]:R}; no files were written");
            int starts = Math.Min(mu.Count, 256);
            var settings = new BasinsSettings(target, d, family, starts, BasinsSettings.DefaultSteps, Optimizer.Adam, BasinsSettings.DefaultLearningRate,
                new StartDesign(mu.Min, mu.Max, sigma, sigma * 2, 1, starts, 1), BasinsSettings.DefaultTolerance, BasinsSettings.DefaultClusterRadius, 0,
                precision, accelerator);
            curves.Add((d, values, BasinsJob.Compute(settings, engine, cancel: cancel).Report.Basins));
        }

        using var batch = new OutputBatch(OutputFolder.Prepare(dir));
        using (var w = new StreamWriter(batch.Open("curve.csv", "table").Stream, new UTF8Encoding(false), leaveOpen: true))
        {
            w.WriteLine("mu," + string.Join(",", divergences.Select(d => d.Name())));
            for (int i = 0; i < x.Length; i++)
                w.WriteLine(x[i].ToString("R", CultureInfo.InvariantCulture) + "," + string.Join(",", curves.Select(cv => cv.Item2[i].ToString("R", CultureInfo.InvariantCulture))));
        }
        var plot = CurveFigure.Create(target, sigma, x, curves);
        batch.Figures((c, r) => plot.Render(c, r), "curve", "figure:curve", FigureOptions.Default.Width, FigureOptions.Default.Height, svg);
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => RunManifest.Of("landscape", parameters, new
        {
            Device = new { Kind = engine.DeviceKind, Name = engine.DeviceName },
            Minima = curves.ToDictionary(cv => cv.Item1.Name(), cv => cv.Item3.Where(b => b.Kind == StationaryKind.Minimum)
                .Select(b => new { b.Mu, b.Value, b.Fraction }).ToArray()),
            Files = files,
        }));
    }
}
