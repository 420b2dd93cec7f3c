using System.Globalization;
using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Numerics;
using ScottPlot;

namespace KlGpu.Plotting;

/// <summary>
/// A fixed-σ landscape: each divergence as a curve over μ on one figure, the target density shaded beneath (on its own
/// right-hand axis), and where restarts of each direction ended marked on its curve.
/// </summary>
public static class CurveFigure
{
    static readonly Color[] Colours = [Colors.RoyalBlue, Colors.Crimson];

    public static Plot Create(GaussianMixture target, double sigma, double[] mu,
        IReadOnlyList<(Divergence Divergence, double[] Values, IReadOnlyList<Basin> Basins)> curves)
    {
        FigureFonts.EnsureRegistered();
        var plot = new Plot();
        var c = CultureInfo.InvariantCulture;

        double[] density = mu.Select(x => Math.Exp(target.LogDensity(x))).ToArray();
        var fill = plot.Add.FillY(mu, density, new double[mu.Length]);
        fill.FillColor = Colors.Gray.WithAlpha(0.25);
        fill.LineColor = Colors.Gray;
        fill.LegendText = "target density p (right axis)";
        fill.Axes.YAxis = plot.Axes.Right;

        for (int k = 0; k < curves.Count; k++)
        {
            var (d, values, basins) = curves[k];
            var line = plot.Add.ScatterLine(mu, values, Colours[k % Colours.Length]);
            line.LineWidth = 2.5f;
            line.LegendText = $"{d.Name()} {d.Label()}";
            foreach (var b in basins)
            {
                bool minimum = b.Kind == StationaryKind.Minimum;
                var m = plot.Add.Marker(b.Mu, b.Value, minimum ? MarkerShape.FilledCircle : MarkerShape.OpenDiamond,
                    (float)(8 + 16 * Math.Sqrt(b.Fraction)), Colours[k % Colours.Length]);
                m.MarkerLineColor = Colors.Black;
                m.MarkerLineWidth = 1;
                m.LegendText = string.Create(c, $"{d.Name()} {(minimum ? "minimum" : "saddle")} μ = {b.Mu:0.####} ({b.Fraction:0.0%} of restarts)");
            }
        }
        plot.Title(string.Create(c, $"Both divergences over μ with σ fixed at {sigma:G6}\ntarget p = {target}"));
        plot.XLabel("μ");
        plot.YLabel(curves.All(cv => cv.Item1.Unit.Length > 0) ? "divergence [nats]" : "divergence");
        plot.Axes.Right.Label.Text = "p(x)";
        plot.Axes.SetLimitsY(0, 1.1 * density.Max(), plot.Axes.Right);
        Legends.Outside(plot);
        plot.Axes.Title.Label.FontSize = 16;
        return plot;
    }
}
