using System.Globalization;
using System.Text;
using KlGpu.Accelerators;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Specs;
using ScottPlot;

namespace KlGpu.Pressure;

/// <summary>What `klgpu pressure` draws: the pressure of each divergence on q over the x axis.</summary>
public sealed record PressureSettings(GaussianMixture Target, GaussianMixture Q, GridAxis X, IReadOnlyList<Divergence> Divergences, bool Svg);

/// <summary>
/// The pointwise pressure each divergence puts on q(x), its functional derivative δD/δq(x): forward KL −p/q, which
/// explodes where q → 0 but p &gt; 0, and reverse KL log(q/p) + 1, which grows only logarithmically; and the rest of the
/// family, each from its integrand's derivative in q. All are computed from log-densities, so none overflows where the
/// ratio p/q is merely astronomically large. (A functional derivative under ∫q = 1 is defined up to a constant; these are
/// the plain derivatives of each divergence's own integrand.)
/// </summary>
public static class PressureJob
{
    /// <summary>δD/δq at a point with log p, log q; <paramref name="renyiLogIntegral"/> is log ∫p^α q^{1−α} for Rényi.</summary>
    public static double Pressure(Divergence d, double logP, double logQ, double renyiLogIntegral = 0)
    {
        double t = logP - logQ; // log(p/q)
        switch ((d.AsKl ?? d).Kind)
        {
            case DivergenceKind.Forward: return -Math.Exp(t);
            case DivergenceKind.Reverse: return 1 - t;
            case DivergenceKind.JensenShannon: return 0.5 * (Math.Log(2) - LogOnePlusExp(t));          // ½ log(2q/(p+q))
            case DivergenceKind.Hellinger: return 0.5 * -double.ExpM1(0.5 * t);                            // ½(1 − √(p/q))
            case DivergenceKind.TotalVariation: return t == 0 ? 0 : 0.5 * -Math.Sign(t);                 // ½ sign(q − p)
            case DivergenceKind.Pearson: return -double.ExpM1(2 * t);                                      // 1 − (p/q)²
            case DivergenceKind.Neyman: return 2 * double.ExpM1(-t);                                       // 2(q/p − 1)
            case DivergenceKind.Jeffreys: return 1 - t - Math.Exp(t);                                    // log(q/p) + 1 − p/q
            case DivergenceKind.Alpha: return -double.ExpM1(d.Order * t) / d.Order;                        // (1 − (p/q)^α)/α
            default: return -Math.Exp(d.Order * t - renyiLogIntegral);                                   // −(p/q)^α / ∫p^α q^{1−α}
        }
    }

    /// <summary>What each curve is, for the legend.</summary>
    public static string Formula(Divergence d) => (d.AsKl ?? d).Kind switch
    {
        DivergenceKind.Forward => "−p/q",
        DivergenceKind.Reverse => "log(q/p) + 1",
        DivergenceKind.JensenShannon => "½ log(2q/(p + q))",
        DivergenceKind.Hellinger => "½(1 − √(p/q))",
        DivergenceKind.TotalVariation => "½ sign(q − p)",
        DivergenceKind.Pearson => "1 − (p/q)²",
        DivergenceKind.Neyman => "2(q/p − 1)",
        DivergenceKind.Jeffreys => "log(q/p) + 1 − p/q",
        DivergenceKind.Alpha => "(1 − (p/q)^α)/α",
        _ => "−(p/q)^α / ∫p^α q^(1−α)",
    };

    static double LogOnePlusExp(double t) => t > 0 ? t + Math.Log(1 + Math.Exp(-t)) : Math.Log(1 + Math.Exp(t));

    /// <summary>log10 |δD/δq| from the logs where the ratio dominates, so the figure shows it where the value itself overflows.</summary>
    static double LogMagnitude(Divergence d, double value, double logP, double logQ, double renyiLogIntegral)
    {
        double t = logP - logQ, ln10 = Math.Log(10);
        return (d.AsKl ?? d).Kind switch
        {
            DivergenceKind.Forward => t / ln10,
            DivergenceKind.Renyi => (d.Order * t - renyiLogIntegral) / ln10,
            _ => Math.Log10(Math.Max(Math.Abs(value), 1e-300)),
        };
    }

    /// <summary>The x range that shows both densities: every component's mean ± 4 stds.</summary>
    public static GridAxis DefaultAxis(GaussianMixture p, GaussianMixture q, int count = 801)
    {
        var all = new[] { p, q }.SelectMany(m => Enumerable.Range(0, m.Count).SelectMany(k => new[] { m.Means[k] - 4 * m.Stds[k], m.Means[k] + 4 * m.Stds[k] })).ToArray();
        return new GridAxis(all.Min(), all.Max(), count);
    }

    public static IReadOnlyList<OutputFileEntry> Run(GaussianMixture p, GaussianMixture q, GridAxis x, IReadOnlyList<Divergence> divergences,
        string dir, bool svg, CancellationToken cancel = default, RunParameters? parameters = null)
    {
        DivergenceList.RefuseKsd(divergences, "pressure");
        double[] xs = x.Values();
        double[] logP = xs.Select(p.LogDensity).ToArray(), logQ = xs.Select(q.LogDensity).ToArray();
        var renyi = divergences.Where(d => d.AsKl is null && d.Kind == DivergenceKind.Renyi).ToDictionary(d => d, d =>
        {
            // log ∫p^α q^{1−α} = (α − 1) D_α, from the family's quadrature; where it diverges the derivative does not exist.
            double value = FDivergenceQuadrature.Divergence(FIntegrand.Renyi, d.Order, p, q);
            if (!double.IsFinite(value))
                throw new UsageException($"--divergence: {d.Name()} is +∞ for this p and q (∫p^α q^(1−α) diverges), so it has no pressure");
            return (d.Order - 1) * value;
        });
        double LogIntegral(Divergence d) => renyi.TryGetValue(d, out double v) ? v : 0;
        var curves = divergences.Select(d => (d, xs.Select((_, i) => Pressure(d, logP[i], logQ[i], LogIntegral(d))).ToArray())).ToList();
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
        var magnitudes = curves.Select(c => xs.Select((_, i) => LogMagnitude(c.d, c.Item2[i], logP[i], logQ[i], LogIntegral(c.d))).ToArray()).ToList();
        var figure = Figure(p, q, xs, logP, logQ, curves, magnitudes);
        batch.Figures((c, r) => figure.Render(c, r), "pressure", "figure:pressure", 1000, 900, svg);
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => RunManifest.Of("pressure", parameters, new
        {
            Files = files,
        }));
    }

    /// <summary>Above, log10 |δD/δq| over x for each divergence; below, p shaded and q drawn on the same x axis.</summary>
    internal static Multiplot Figure(GaussianMixture p, GaussianMixture q, double[] xs, double[] logP, double[] logQ,
        IReadOnlyList<(Divergence D, double[] Values)> curves, IReadOnlyList<double[]> magnitudes)
    {
        Plotting.FigureFonts.EnsureRegistered();
        var top = new Plot();
        Color[] colours = [Colors.RoyalBlue, Colors.Crimson, Colors.DarkGreen, Colors.DarkOrange, Colors.Purple, Colors.Teal, Colors.Brown, Colors.Magenta];
        for (int k = 0; k < curves.Count; k++)
        {
            var d = curves[k].D;
            var line = top.Add.ScatterLine(xs, magnitudes[k], colours[k % colours.Length]);
            line.LineWidth = 2.5f;
            line.LegendText = $"{d.Name()}: |{Formula(d)}|";
        }
        top.Title($"Pressure on q(x): the functional derivative of each divergence\np = {p}, q = {q}");
        top.YLabel("log10 |δD/δq(x)|");
        Plotting.Legends.Outside(top, Edge.Right);

        var bottom = new Plot();
        var fill = bottom.Add.FillY(xs, logP.Select(Math.Exp).ToArray(), new double[xs.Length]);
        fill.FillColor = Colors.Gray.WithAlpha(0.35);
        fill.LegendText = "target p";
        var ql = bottom.Add.ScatterLine(xs, logQ.Select(Math.Exp).ToArray(), Colors.Black);
        ql.LineWidth = 2;
        ql.LegendText = "q";
        bottom.XLabel("x");
        bottom.YLabel("density");
        Plotting.Legends.Outside(bottom, Edge.Right);

        var figure = new Multiplot(top) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        figure.AddPlot(bottom);
        // The same left and right margins line the two x axes up; the right one holds the legends.
        top.Layout.Fixed(new PixelPadding(80, 250, 40, 70));
        bottom.Layout.Fixed(new PixelPadding(80, 250, 60, 20));
        return figure;
    }
}
