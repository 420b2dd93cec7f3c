using System.Globalization;
using System.Text;
using KlGpu.Accelerators;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Output;
using ScottPlot;

namespace KlGpu.Pressure;

/// <summary>
/// The pointwise pressure each divergence puts on q(x), its functional derivative δD/δq(x): forward KL −p/q, which
/// explodes where q → 0 but p &gt; 0, and reverse KL log(q/p) + 1, which grows only logarithmically. Both are computed
/// from log-densities, so neither overflows where the ratio is astronomically large.
/// </summary>
public static class PressureJob
{
    public static double Pressure(Divergence d, double logP, double logQ) => d == Divergence.Forward
        ? -Math.Exp(logP - logQ)
        : logQ - logP + 1;

    /// <summary>The x range that shows both densities: every component's mean ± 4 stds.</summary>
    public static GridAxis DefaultAxis(GaussianMixture p, GaussianMixture q, int count = 801)
    {
        var all = new[] { p, q }.SelectMany(m => Enumerable.Range(0, m.Count).SelectMany(k => new[] { m.Means[k] - 4 * m.Stds[k], m.Means[k] + 4 * m.Stds[k] })).ToArray();
        return new GridAxis(all.Min(), all.Max(), count);
    }

    public static IReadOnlyList<OutputFileEntry> Run(GaussianMixture p, GaussianMixture q, GridAxis x, IReadOnlyList<Divergence> divergences,
        string dir, bool svg, CancellationToken cancel = default)
    {
        double[] xs = x.Values();
        double[] logP = xs.Select(p.LogDensity).ToArray(), logQ = xs.Select(q.LogDensity).ToArray();
        var curves = divergences.Select(d => (d, xs.Select((_, i) => Pressure(d, logP[i], logQ[i])).ToArray())).ToList();
        foreach (var (d, values) in curves)
        {
            int bad = Array.FindIndex(values, v => !double.IsFinite(v));
            if (bad >= 0)
                throw new UsageException($"--x: the {d.Name()} pressure is {values[bad]} at x = {xs[bad]:R} (q or p underflows there); narrow the range");
        }

        using var batch = new OutputBatch(OutputFolder.Prepare(dir));
        using (var w = new StreamWriter(batch.Open("pressure.csv", "table").Stream, new UTF8Encoding(false), leaveOpen: true))
        {
            w.WriteLine("x,p,q," + string.Join(",", divergences.Select(d => d.Name())));
            for (int i = 0; i < xs.Length; i++)
                w.WriteLine(string.Join(",", new[] { xs[i], Math.Exp(logP[i]), Math.Exp(logQ[i]) }.Concat(curves.Select(c => c.Item2[i]))
                    .Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        var figure = Figure(p, q, xs, logP, logQ, curves);
        foreach (string ext in svg ? [".png", ".svg"] : new[] { ".png" })
            batch.Figure((c, r) => figure.Render(c, r), "pressure" + ext, "figure:pressure", 1000, 900);
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => new
        {
            Tool = "klgpu",
            Command = "pressure",
            Version = ComputeDevices.Version,
            Parameters = new
            {
                Target = p.ToString(),
                Q = q.ToString(),
                X = FormattableString.Invariant($"{x.Min:R}:{x.Max:R}:{x.Count}"),
                Divergences = divergences.Select(d => d.Name()).ToArray(),
                Svg = svg,
            },
            Files = files,
        });
    }

    /// <summary>Above, log10 |δD/δq| over x for each divergence; below, p shaded and q drawn on the same x axis.</summary>
    static Multiplot Figure(GaussianMixture p, GaussianMixture q, double[] xs, double[] logP, double[] logQ,
        IReadOnlyList<(Divergence D, double[] Values)> curves)
    {
        Plotting.FigureFonts.EnsureRegistered();
        var top = new Plot();
        Color[] colours = [Colors.RoyalBlue, Colors.Crimson];
        for (int k = 0; k < curves.Count; k++)
        {
            var (d, values) = curves[k];
            // Forward: log10(p/q) exactly from the logs, never from an overflowing ratio.
            double[] magnitude = d == Divergence.Forward
                ? xs.Select((_, i) => (logP[i] - logQ[i]) / Math.Log(10)).ToArray()
                : values.Select(v => Math.Log10(Math.Max(Math.Abs(v), 1e-300))).ToArray();
            var line = top.Add.ScatterLine(xs, magnitude, colours[k % colours.Length]);
            line.LineWidth = 2.5f;
            line.LegendText = d == Divergence.Forward ? "forward KL: |−p/q|" : "reverse KL: |log(q/p) + 1|";
        }
        top.Title($"Pressure on q(x): the functional derivative of each divergence\np = {p}, q = {q}");
        top.YLabel("log10 |δD/δq(x)|");
        top.ShowLegend(Alignment.UpperCenter);

        var bottom = new Plot();
        var fill = bottom.Add.FillY(xs, logP.Select(Math.Exp).ToArray(), new double[xs.Length]);
        fill.FillColor = Colors.Gray.WithAlpha(0.35);
        fill.LegendText = "target p";
        var ql = bottom.Add.ScatterLine(xs, logQ.Select(Math.Exp).ToArray(), Colors.Black);
        ql.LineWidth = 2;
        ql.LegendText = "q";
        bottom.XLabel("x");
        bottom.YLabel("density");
        bottom.ShowLegend(Alignment.UpperRight);

        var figure = new Multiplot(top) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        figure.AddPlot(bottom);
        return figure;
    }
}
