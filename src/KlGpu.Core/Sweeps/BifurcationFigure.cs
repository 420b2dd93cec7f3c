using System.Globalization;
using KlGpu.Basins;
using KlGpu.Plotting;
using ScottPlot;

namespace KlGpu.Sweeps;

/// <summary>
/// The bifurcation diagram of a sweep, three panels over the parameter. Above, μ of every stationary point (minima filled,
/// saddles open, coloured by the divergence value), the branches the transition search traced drawn through them (solid
/// while a minimum, dashed past a pitchfork where the branch is a saddle), each located transition as a vertical line
/// named in the legend, with pitchforks and folds marked at their point. In the middle, each branch's value: a switch of
/// the global minimum is where two branches cross. Below, smaller, the fraction of restarts that reached each minimum.
/// A mixture q draws each component's mean, sized by its weight; having no continuation, its lines join each value's
/// stationary points to the next value's by <see cref="MixtureBranches"/>' rule (nearest laws), which the title states.
/// </summary>
public static class BifurcationFigure
{
    public const int Width = 1000, Height = 1200;

    /// <summary>One marker: a stationary point's coordinate at a parameter value; minima also go to the fraction panel.</summary>
    readonly record struct Mark(double Parameter, double Y, double Value, bool Minimum, float Size, double? Fraction);

    /// <summary>A located transition: where, what, and (for a Gaussian q) the point's μ there.</summary>
    readonly record struct Located(double Parameter, TransitionKind Kind, double? Mu);

    /// <summary>A line of the fraction panel: a joined minimum's share of restarts at two neighbouring values.</summary>
    readonly record struct Share(double From, double FractionFrom, double To, double FractionTo);

    /// <summary>How a figure's lines were made, for its legend: a line that ends at minima, one that ends at a saddle, and a note
    /// under the title (null: none).</summary>
    readonly record struct Lines(string Minimum, string Saddle, string? Note);

    static readonly Lines Traced = new("branch (continuation): minimum", "branch past a pitchfork: saddle", null);

    public static Multiplot Create(SweepResult r) => Draw(r.Settings,
        r.Points.SelectMany(p => p.Report.Basins.Select(b => new Mark(p.Parameter, b.Mu, b.Value, b.Kind == StationaryKind.Minimum, 6, b.Fraction))).ToList(),
        r.Transitions.Select(t => new Located(t.Parameter, t.Kind, t.Mu)).ToList(), r.Branches, [], Traced, "μ", "saddle (reached by restarts)");

    public static Multiplot Create(MixtureSweepResult r)
    {
        var at = r.Points.ToDictionary(p => p.Parameter);
        var segments = new List<BranchSegment>();
        var shares = new List<Share>();
        foreach (var link in r.Links)
        {
            var (a, b) = (at[link.From].Run.Basins[link.BasinFrom], at[link.To].Run.Basins[link.BasinTo]);
            bool minima = a.Kind != ThetaKind.Saddle && b.Kind != ThetaKind.Saddle;
            foreach (var (j, k) in link.Components)
                segments.Add(new BranchSegment(link.From, a.Q.Means[j], a.Q.Stds[j], a.Value, link.To, b.Q.Means[k], b.Q.Stds[k], b.Value, minima));
            if (minima) shares.Add(new Share(link.From, a.Fraction, link.To, b.Fraction));
        }
        var lines = new Lines("joined: minima at both ends", "joined: a saddle at an end", string.Create(CultureInfo.InvariantCulture,
            $"lines join neighbouring values' mutually nearest laws\n(relative L² distance ≤ {MixtureBranches.MaxDistance:0.##}, the runner-up ≥ {MixtureBranches.Margin:0.##}× as far)"));
        return Draw(r.Settings,
            r.Points.SelectMany(p => p.Run.Basins.SelectMany(b => Enumerable.Range(0, b.Q.Count).Select(k =>
                new Mark(p.Parameter, b.Q.Means[k], b.Value, b.Kind != ThetaKind.Saddle, 3 + 7 * (float)Math.Sqrt(b.Q.Weights[k]), k == 0 ? b.Fraction : null)))).ToList(),
            r.Transitions.Select(t => new Located(t.Parameter, t.Kind, null)).ToList(), segments, shares, lines, "component means (marker area ∝ weight)",
            "saddle (reached by restarts)");
    }

    static Color KindColour(TransitionKind kind) => kind switch
    {
        TransitionKind.Pitchfork => Colors.Crimson,
        TransitionKind.Fold => Colors.DarkOrange,
        TransitionKind.Collapse => Colors.SeaGreen,
        _ => Colors.SteelBlue,
    };

    static Multiplot Draw(SweepSettings s, List<Mark> marks, List<Located> transitions, IReadOnlyList<BranchSegment> branches, IReadOnlyList<Share> shares,
        Lines lines, string yLabel, string saddle)
    {
        FigureFonts.EnsureRegistered();
        var colormap = new ScottPlot.Colormaps.Viridis();
        double lo = marks.Count == 0 ? 0 : marks.Min(x => x.Value), hi = marks.Count == 0 ? 1 : marks.Max(x => x.Value);
        Color Colour(double v) => colormap.GetColor(hi > lo ? (v - lo) / (hi - lo) : 0.5);
        var branchColour = Colors.DarkSlateGray;

        var top = new Plot();
        var middle = new Plot();
        // The traced branches first, under the markers.
        var valueLines = new HashSet<(double, double, double, double)>();
        foreach (var b in branches)
        {
            var pattern = b.EndsMinimum ? LinePattern.Solid : LinePattern.Dashed;
            var up = top.Add.Line(b.From, b.MuFrom, b.To, b.MuTo);
            // A mixture's joined points give one value line per component pair: draw it once.
            bool first = valueLines.Add((b.From, b.ValueFrom, b.To, b.ValueTo));
            foreach (var line in first ? new[] { up, middle.Add.Line(b.From, b.ValueFrom, b.To, b.ValueTo) } : [up])
            {
                line.LineColor = branchColour.WithAlpha(0.8);
                line.LineWidth = 1.5f;
                line.LinePattern = pattern;
            }
        }
        foreach (var m in marks)
        {
            var shape = m.Minimum ? MarkerShape.FilledCircle : MarkerShape.OpenCircle;
            top.Add.Marker(m.Parameter, m.Y, shape, m.Minimum ? m.Size : m.Size + 1, Colour(m.Value)).MarkerLineWidth = 1.5f;
            middle.Add.Marker(m.Parameter, m.Value, shape, m.Minimum ? 5 : 6, Colour(m.Value)).MarkerLineWidth = 1.5f;
        }
        // Mirror twins give one transition twice: one line, counted. Labels go in the legend, since transitions often
        // lie closer together than a label is wide.
        foreach (var same in transitions.GroupBy(t => (t.Kind, Math.Round(t.Parameter, 6))).OrderBy(g => g.Key.Item2))
        {
            var (kind, parameter) = (same.Key.Kind, same.First().Parameter);
            var line = top.Add.VerticalLine(parameter, 1.5f, KindColour(kind), LinePattern.Dashed);
            line.LegendText = string.Create(CultureInfo.InvariantCulture,
                $"{kind.ToString().ToLowerInvariant()} at {s.Parameter} = {parameter:0.#######}{(same.Count() > 1 ? $" (×{same.Count()})" : "")}");
            middle.Add.VerticalLine(parameter, 1, KindColour(kind).WithAlpha(0.6), LinePattern.Dashed);
            foreach (var t in same.Where(t => t.Mu is not null && t.Kind is TransitionKind.Pitchfork or TransitionKind.Fold))
                top.Add.Marker(t.Parameter, t.Mu!.Value, t.Kind == TransitionKind.Pitchfork ? MarkerShape.FilledDiamond : MarkerShape.FilledTriangleUp, 12, KindColour(t.Kind));
        }
        top.Add.Marker(double.NaN, double.NaN, MarkerShape.FilledCircle, 8, Colors.Black).LegendText = "minimum";
        top.Add.Marker(double.NaN, double.NaN, MarkerShape.OpenCircle, 8, Colors.Black).LegendText = saddle;
        if (branches.Count > 0)
        {
            var traced = top.Add.Line(double.NaN, double.NaN, double.NaN, double.NaN);
            traced.LineColor = branchColour;
            traced.LegendText = lines.Minimum;
        }
        if (branches.Any(b => !b.EndsMinimum))
        {
            var past = top.Add.Line(double.NaN, double.NaN, double.NaN, double.NaN);
            past.LineColor = branchColour;
            past.LinePattern = LinePattern.Dashed;
            past.LegendText = lines.Saddle;
        }
        if (transitions.Any(t => t.Mu is not null && t.Kind == TransitionKind.Pitchfork))
            top.Add.Marker(double.NaN, double.NaN, MarkerShape.FilledDiamond, 10, KindColour(TransitionKind.Pitchfork)).LegendText = "pitchfork point";
        if (transitions.Any(t => t.Mu is not null && t.Kind == TransitionKind.Fold))
            top.Add.Marker(double.NaN, double.NaN, MarkerShape.FilledTriangleUp, 10, KindColour(TransitionKind.Fold)).LegendText = "fold point";
        if (marks.Count > 0)
            top.Add.Marker(double.NaN, double.NaN, MarkerShape.FilledSquare, 8, Colour(lo)).LegendText =
                string.Create(CultureInfo.InvariantCulture, $"colour: {s.Divergence.Label()}, {lo:G4} to {hi:G4}{s.Divergence.Unit}");
        top.Title($"Stationary points of {s.Divergence.Label()} as {s.Parameter} varies{(s.Components > 1 ? $", q a mixture of {s.Components}" : "")}\ntarget p = {s.Template.Text}"
            + (lines.Note is null ? "" : "\n" + lines.Note));
        top.XLabel(s.Parameter);
        top.YLabel(yLabel);
        top.ShowLegend(Edge.Right); // beside: any corner of the plot may hold a branch

        middle.XLabel(s.Parameter);
        middle.YLabel($"{s.Divergence.Label()}{(s.Divergence.Unit.Trim().Length > 0 ? $" [{s.Divergence.Unit.Trim()}]" : "")}");
        middle.Title(branches.Count > 0 ? "Each branch's value: the global minimum switches where two branches cross" : "The value of each stationary point");

        var bottom = new Plot();
        foreach (var f in shares)
        {
            var line = bottom.Add.Line(f.From, f.FractionFrom, f.To, f.FractionTo);
            line.LineColor = branchColour.WithAlpha(0.5);
            line.LineWidth = 1;
        }
        foreach (var m in marks.Where(x => x.Minimum && x.Fraction is not null))
            bottom.Add.Marker(m.Parameter, m.Fraction!.Value, MarkerShape.FilledCircle, 5, Colour(m.Value));
        bottom.XLabel(s.Parameter);
        bottom.YLabel("fraction of restarts");
        bottom.Axes.SetLimitsY(0, 1.05);
        foreach (var t in transitions) bottom.Add.VerticalLine(t.Parameter, 1, Colors.Gray, LinePattern.Dashed);

        var figure = new Multiplot(top) { Layout = new Heights(0.5, 0.3, 0.2) };
        figure.AddPlot(middle);
        figure.AddPlot(bottom);
        // One x range for the three panels.
        var x = marks.Select(m => m.Parameter).Concat(transitions.Select(t => t.Parameter)).DefaultIfEmpty(0).ToArray();
        double pad = 0.02 * Math.Max(x.Max() - x.Min(), 1e-9);
        foreach (var plot in new[] { top, middle, bottom }) plot.Axes.SetLimitsX(x.Min() - pad, x.Max() + pad);
        // The same left and right margins line the data areas up; the right one holds the top panel's legend.
        top.Layout.Fixed(new PixelPadding(80, 370, 50, lines.Note is null ? 60 : 100));
        middle.Layout.Fixed(new PixelPadding(80, 370, 50, 40));
        bottom.Layout.Fixed(new PixelPadding(80, 370, 50, 20));
        return figure;
    }

    /// <summary>Rows of the given fractions of the height, top to bottom.</summary>
    sealed class Heights(params double[] fractions) : ScottPlot.IMultiplotLayout
    {
        public PixelRect[] GetSubplotRectangles(SubplotCollection subplots, PixelRect figureRect)
        {
            var rectangles = new PixelRect[subplots.Count];
            double y = 0;
            for (int i = 0; i < subplots.Count; i++)
            {
                double h = fractions[Math.Min(i, fractions.Length - 1)];
                rectangles[i] = new FractionRect(0, y, 1, h).GetPixelRect(figureRect);
                y += h;
            }
            return rectangles;
        }
    }
}
