using System.Globalization;
using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Plotting;
using ScottPlot;

namespace KlGpu.Sweeps;

/// <summary>
/// The bifurcation diagram of a sweep: above, μ of every stationary point against the parameter (minima filled,
/// saddles open, coloured by the divergence value), with each located transition as a labelled vertical line;
/// below, the fraction of restarts that reached each minimum.
/// </summary>
public static class BifurcationFigure
{
    public static Multiplot Create(SweepResult r)
    {
        FigureFonts.EnsureRegistered();
        var s = r.Settings;
        var all = r.Points.SelectMany(p => p.Report.Basins.Select(b => (p.Parameter, Basin: b))).ToList();
        var colormap = new ScottPlot.Colormaps.Viridis();
        double lo = all.Count == 0 ? 0 : all.Min(x => x.Basin.Value), hi = all.Count == 0 ? 1 : all.Max(x => x.Basin.Value);
        Color Colour(double v) => colormap.GetColor(hi > lo ? (v - lo) / (hi - lo) : 0.5);

        var top = new Plot();
        foreach (var (param, b) in all)
        {
            bool minimum = b.Kind == StationaryKind.Minimum;
            var m = top.Add.Marker(param, b.Mu, minimum ? MarkerShape.FilledCircle : MarkerShape.OpenCircle, minimum ? 6 : 7, Colour(b.Value));
            m.MarkerLineWidth = 1.5f;
        }
        foreach (var t in r.Transitions)
        {
            var line = top.Add.VerticalLine(t.Parameter, 1.5f, t.Kind switch
            {
                TransitionKind.Pitchfork => Colors.Crimson,
                TransitionKind.Fold => Colors.DarkOrange,
                _ => Colors.SteelBlue,
            }, LinePattern.Dashed);
            line.Text = string.Create(CultureInfo.InvariantCulture, $"{t.Kind.ToString().ToLowerInvariant()} {t.Parameter:0.####}");
            line.LabelOppositeAxis = true; // above the plot: below, the label would cover the axis' numbers
        }
        top.Add.Marker(double.NaN, double.NaN, MarkerShape.FilledCircle, 8, Colors.Black).LegendText = "minimum";
        top.Add.Marker(double.NaN, double.NaN, MarkerShape.OpenCircle, 8, Colors.Black).LegendText = "saddle (reached by some restarts)";
        if (all.Count > 0)
            top.Add.Marker(double.NaN, double.NaN, MarkerShape.FilledSquare, 8, Colour(lo)).LegendText =
                string.Create(CultureInfo.InvariantCulture, $"colour: {s.Divergence.Label()} from {lo:G4} (purple) to {hi:G4}{s.Divergence.Unit} (yellow)");
        top.Title($"Stationary points of {s.Divergence.Label()} as {s.Parameter} varies\ntarget p = {s.Template.Text}");
        top.XLabel(s.Parameter);
        top.YLabel("μ");
        top.ShowLegend(Edge.Bottom); // beneath: any corner of the plot may hold a branch
        top.Axes.Top.MinimumSize = 40; // room for the transitions' labels between the title and the plot

        var bottom = new Plot();
        foreach (var (param, b) in all.Where(x => x.Basin.Kind == StationaryKind.Minimum))
            bottom.Add.Marker(param, b.Fraction, MarkerShape.FilledCircle, 5, Colour(b.Value));
        bottom.XLabel(s.Parameter);
        bottom.YLabel("fraction of restarts");
        bottom.Axes.SetLimitsY(0, 1.05);
        foreach (var t in r.Transitions) bottom.Add.VerticalLine(t.Parameter, 1, Colors.Gray, LinePattern.Dashed);

        var figure = new Multiplot(top) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        figure.AddPlot(bottom);
        return figure;
    }
}
