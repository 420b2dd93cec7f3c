using ScottPlot;
using ScottPlot.Plottables;

namespace KlGpu.Plotting;

/// <summary>
/// ScottPlot's contour lines, labelled with the level's true value. ScottPlot labels a line with
/// its height as plotted, which on a log colour scale would be log10 of the divergence. Lines too
/// short to carry their label (small loops around a minimum) are drawn unlabelled.
/// </summary>
internal sealed class LabelledContours(IReadOnlyDictionary<double, string> labels) : ContourLines
{
    public override void Render(RenderPack rp)
    {
        if (!IsVisible) return;
        foreach (ContourLine line in Lines)
        {
            PixelPath path = Axes.GetPixelPath(line.Path);
            string label = labels.TryGetValue(line.Z, out string? text) ? text : LogTicks.Format(line.Z);
            if (Length(path) > 4 * LabelStyle.Measure(label, rp.Paint).Width)
                Drawing.DrawPath(rp.Canvas, rp.Paint, path, LineStyle, label, LabelStyle);
            else
                Drawing.DrawPath(rp.Canvas, rp.Paint, path, LineStyle);
        }
    }

    static double Length(PixelPath path)
    {
        double length = 0;
        for (int i = 1; i < path.Pixels.Length; i++)
            length += path.Pixels[i].DistanceFrom(path.Pixels[i - 1]);
        return length;
    }
}
