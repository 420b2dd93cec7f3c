using System.Globalization;
using KlGpu.Basins;
using KlGpu.Plotting;
using ScottPlot;

namespace KlGpu.Sweeps;

/// <summary>
/// The bifurcation diagram of a sweep: above, μ of every stationary point against the parameter (minima filled,
/// saddles open, coloured by the divergence value), with each located transition as a vertical line named in the legend;
/// below, the fraction of restarts that reached each minimum. A mixture q draws each component's mean, sized by its weight.
/// </summary>
public static class BifurcationFigure
{
    /// <summary>One marker: a stationary point's coordinate at a parameter value; minima also go to the fraction panel.</summary>
    readonly record struct Mark(double Parameter, double Y, double Value, bool Minimum, float Size, double? Fraction);

    public static Multiplot Create(SweepResult r) => Draw(r.Settings,
        r.Points.SelectMany(p => p.Report.Basins.Select(b => new Mark(p.Parameter, b.Mu, b.Value, b.Kind == StationaryKind.Minimum, 6, b.Fraction))).ToList(),
        r.Transitions.Select(t => (t.Parameter, t.Kind)).ToList(), "μ", "saddle (reached by some restarts)");

    public static Multiplot Create(MixtureSweepResult r) => Draw(r.Settings,
        r.Points.SelectMany(p => p.Run.Basins.SelectMany(b => Enumerable.Range(0, b.Q.Count).Select(k =>
            new Mark(p.Parameter, b.Q.Means[k], b.Value, b.Kind != MixtureKind.Saddle, 3 + 7 * (float)Math.Sqrt(b.Q.Weights[k]), k == 0 ? b.Fraction : null)))).ToList(),
        r.Transitions.Select(t => (t.Parameter, t.Kind)).ToList(), "component means (marker area ∝ weight)", "saddle point (reached by some restarts)");

    static Multiplot Draw(SweepSettings s, List<Mark> marks, List<(double Parameter, TransitionKind Kind)> transitions, string yLabel, string saddle)
    {
        FigureFonts.EnsureRegistered();
        var colormap = new ScottPlot.Colormaps.Viridis();
        double lo = marks.Count == 0 ? 0 : marks.Min(x => x.Value), hi = marks.Count == 0 ? 1 : marks.Max(x => x.Value);
        Color Colour(double v) => colormap.GetColor(hi > lo ? (v - lo) / (hi - lo) : 0.5);

        var top = new Plot();
        foreach (var m in marks)
            top.Add.Marker(m.Parameter, m.Y, m.Minimum ? MarkerShape.FilledCircle : MarkerShape.OpenCircle, m.Minimum ? m.Size : m.Size + 1, Colour(m.Value)).MarkerLineWidth = 1.5f;
        // Mirror twins give one transition twice: one line, counted. Labels go in the legend, since transitions often
        // lie closer together than a label is wide.
        foreach (var same in transitions.GroupBy(t => (t.Kind, Math.Round(t.Parameter, 6))).OrderBy(g => g.Key.Item2))
        {
            var (kind, parameter) = (same.Key.Kind, same.First().Parameter);
            var line = top.Add.VerticalLine(parameter, 1.5f, kind switch
            {
                TransitionKind.Pitchfork => Colors.Crimson,
                TransitionKind.Fold => Colors.DarkOrange,
                TransitionKind.Collapse => Colors.SeaGreen,
                _ => Colors.SteelBlue,
            }, LinePattern.Dashed);
            line.LegendText = string.Create(CultureInfo.InvariantCulture,
                $"{kind.ToString().ToLowerInvariant()} at {s.Parameter} = {parameter:0.#######}{(same.Count() > 1 ? $" (×{same.Count()})" : "")}");
        }
        top.Add.Marker(double.NaN, double.NaN, MarkerShape.FilledCircle, 8, Colors.Black).LegendText = "minimum";
        top.Add.Marker(double.NaN, double.NaN, MarkerShape.OpenCircle, 8, Colors.Black).LegendText = saddle;
        if (marks.Count > 0)
            top.Add.Marker(double.NaN, double.NaN, MarkerShape.FilledSquare, 8, Colour(lo)).LegendText =
                string.Create(CultureInfo.InvariantCulture, $"colour: {s.Divergence.Label()} from {lo:G4} (purple) to {hi:G4}{s.Divergence.Unit} (yellow)");
        top.Title($"Stationary points of {s.Divergence.Label()} as {s.Parameter} varies{(s.Components > 1 ? $", q a mixture of {s.Components}" : "")}\ntarget p = {s.Template.Text}");
        top.XLabel(s.Parameter);
        top.YLabel(yLabel);
        top.ShowLegend(Edge.Bottom); // beneath: any corner of the plot may hold a branch

        var bottom = new Plot();
        foreach (var m in marks.Where(x => x.Minimum && x.Fraction is not null))
            bottom.Add.Marker(m.Parameter, m.Fraction!.Value, MarkerShape.FilledCircle, 5, Colour(m.Value));
        bottom.XLabel(s.Parameter);
        bottom.YLabel("fraction of restarts");
        bottom.Axes.SetLimitsY(0, 1.05);
        foreach (var (parameter, _) in transitions) bottom.Add.VerticalLine(parameter, 1, Colors.Gray, LinePattern.Dashed);

        var figure = new Multiplot(top) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        figure.AddPlot(bottom);
        return figure;
    }
}
