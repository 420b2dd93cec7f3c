using KlGpu.Families;
using System.Globalization;
using KlGpu.Basins;
using KlGpu.Numerics;
using ScottPlot;

namespace KlGpu.Plotting;

/// <summary>One fitted q to draw over the target: where it is, what to call it, and how often restarts reached it.
/// A Gaussian N(Mu, Sigma), or with <see cref="Nu"/> a Student-t t_ν(Mu, Sigma).</summary>
public sealed record DensityFit(double Mu, double Sigma, string Label, double Fraction, Color Colour, bool Dashed = false,
    LocationScaleFamily? Family = null)
{
    public double LogDensity(double x) => (Family ?? FitFamily.Gaussian).LogDensity(x, Mu, Sigma);

    /// <summary>The density at the mode, for the figure's height.</summary>
    public double Peak => Math.Exp(LogDensity(Mu));
}

/// <summary>
/// The picture the writings draw: the target density p shaded, and the fitted q of each basin over it, one panel per
/// direction, so mass-covering and mode-seeking fits sit side by side on a shared x axis.
/// </summary>
public static class DensityFigure
{
    public static Plot Panel(Target target, string title, IReadOnlyList<DensityFit> fits, (double Lo, double Hi) x, double? yMax = null)
    {
        FigureFonts.EnsureRegistered();
        var plot = new Plot();
        double[] xs = Enumerable.Range(0, 801).Select(i => x.Lo + (x.Hi - x.Lo) * i / 800).ToArray();
        double[] p = xs.Select(v => Math.Exp(target.LogDensity(v))).ToArray();
        var fill = plot.Add.FillY(xs, p, new double[xs.Length]);
        fill.FillColor = Colors.Gray.WithAlpha(0.35);
        fill.LineColor = Colors.DimGray;
        fill.LegendText = "target p";
        foreach (var f in fits)
        {
            double[] q = xs.Select(v => Math.Exp(f.LogDensity(v))).ToArray();
            var line = plot.Add.ScatterLine(xs, q, f.Colour);
            line.LineWidth = (float)(1.5 + 3 * Math.Sqrt(Math.Clamp(f.Fraction, 0, 1)));
            line.LinePattern = f.Dashed ? LinePattern.Dashed : LinePattern.Solid;
            line.LegendText = f.Label;
        }
        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel("density");
        plot.Axes.SetLimitsX(x.Lo, x.Hi);
        plot.Axes.SetLimitsY(0, yMax ?? 1.08 * Math.Max(p.Max(), fits.Count == 0 ? 0 : fits.Max(f => f.Peak)));
        Legends.Outside(plot);
        plot.Axes.Title.Label.FontSize = 16;
        return plot;
    }

    /// <summary>The x range that shows the target (±4 stds, or scales, of every component) and every fit (±3σ).</summary>
    public static (double Lo, double Hi) Range(Target target, IEnumerable<DensityFit> fits)
    {
        var (means, scales) = target.Components;
        var ends = Enumerable.Range(0, means.Length).SelectMany(k => new[] { means[k] - 4 * scales[k], means[k] + 4 * scales[k] })
            .Concat(fits.SelectMany(f => new[] { f.Mu - 3 * f.Sigma, f.Mu + 3 * f.Sigma })).ToArray();
        return (ends.Min(), ends.Max());
    }

    /// <summary>
    /// The minima of a restart run over the target, and beside it the other direction's answer where it is known without
    /// restarts: for a reverse-KL run of a Gaussian q, forward KL's single minimum, the moment-matching Gaussian. Another
    /// family (one with a <see cref="FitFamily.FigureTitle"/>, a Student-t) has no such closed form: its minima are drawn alone.
    /// </summary>
    public static Multiplot ForRun(Target target, Landscape.Divergence divergence, IReadOnlyList<Basin> basins, LocationScaleFamily? q = null)
    {
        var c = CultureInfo.InvariantCulture;
        q ??= FitFamily.Gaussian;
        string family = q.Symbol;
        var fits = basins.Where(b => b.Kind == StationaryKind.Minimum).Select(b => new DensityFit(b.Mu, b.Sigma,
            string.Create(c, $"B{b.Id}: {family}({b.Mu:0.###}, {b.Sigma:0.###}), {b.Fraction:0.0%} of restarts"), b.Fraction, BasinFigure.BasinColour(b.Id),
            Family: q)).ToList();
        if (q.FigureTitle is not null)
            return new Multiplot(Panel(target, $"Minima of {Label(divergence)}, q = {family}(μ, {q.ScaleName})\np = {target}", fits, Range(target, fits)));
        // A heavy-tailed p with a t of ν ≤ 2 has an infinite variance: no moment-matching Gaussian, forward KL +∞ everywhere.
        var moments = target.MomentMatch;
        if (moments is null) return new Multiplot(Panel(target, $"Minima of {Label(divergence)}\np = {target}", fits, Range(target, fits)));
        var (mean, std) = moments.Value;
        var moment = new DensityFit(mean, std, string.Create(c, $"moment matching: N({mean:0.###}, {std:0.###})"), 1, Colors.Black, Dashed: true);
        var range = Range(target, fits.Append(moment));
        var run = Panel(target, $"Minima of {Label(divergence)}\np = {target}", fits, range);
        if (divergence == Landscape.Divergence.Forward) return new Multiplot(run);
        var forward = Panel(target, $"Minimum of forward KL(p || q): mass-covering\np = {target}", [moment], range);
        var figure = new Multiplot(forward) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        figure.AddPlot(run);
        return figure;
    }

    static string Label(Landscape.Divergence divergence) =>
        divergence.AsKl == Landscape.Divergence.Forward && divergence.IsKl ? "forward KL(p || q): mass-covering"
            : divergence.IsKl ? "reverse KL(q || p): mode-seeking" : $"{divergence.Title().ToLowerInvariant()} {divergence.Label()}";
}
