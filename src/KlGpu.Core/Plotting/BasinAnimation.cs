using ImageMagick;
using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Numerics;
using ScottPlot;
using SkiaSharp;

namespace KlGpu.Plotting;

/// <summary>
/// A looping GIF of recorded restarts: on the left the paths moving over the landscape, on the right the fitted
/// densities q changing over the target p. Frames are spaced geometrically in the step count, because optimizers
/// move most in their first steps. ScottPlot draws each frame; Magick.NET assembles the GIF.
/// </summary>
public static class BasinAnimation
{
    public const int MaxFrames = 60;

    public static byte[] Gif(DivergenceMap map, Target target, IReadOnlyList<(double[] Mu, double[] Sigma)> paths,
        IReadOnlyList<Basin> basins, int width = 960, int height = 384)
    {
        if (paths.Count == 0) throw new ArgumentException("an animation needs recorded paths");
        int longest = paths.Max(p => p.Mu.Length);
        var ends = basins.Where(b => b.Kind == StationaryKind.Minimum)
            .Select(b => new DensityFit(b.Mu, b.Sigma, "", b.Fraction, Colors.Black));
        var range = DensityFigure.Range(target, ends);
        double yMax = 1.15 * Enumerable.Range(0, 801).Max(i => Math.Exp(target.Marginal.LogDensity(range.Lo + (range.Hi - range.Lo) * i / 800)));
        yMax = Math.Max(yMax, 1.1 * ends.Select(f => 1 / (f.Sigma * Math.Sqrt(2 * Math.PI))).DefaultIfEmpty(0).Max());

        using var frames = new MagickImageCollection();
        int[] times = FrameSteps(longest, MaxFrames);
        for (int f = 0; f < times.Length; f++)
        {
            int t = times[f];
            var left = LandscapeFigure.Heatmap(map, target, FigureOptions.Default with { Contours = true });
            var mu = new GridScale(map.Mu);
            var sigma = new GridScale(map.Sigma);
            var fits = new List<DensityFit>();
            for (int k = 0; k < paths.Count; k++)
            {
                var (pm, ps) = paths[k];
                int now = Math.Min(t, pm.Length - 1);
                var colour = BasinFigure.BasinColour(k);
                var trail = Enumerable.Range(0, now + 1).Select(i => new Coordinates(mu.ToPlot(pm[i]), sigma.ToPlot(ps[i]))).ToArray();
                if (trail.Length > 1) left.Add.ScatterLine(trail, colour.WithAlpha(0.6)).LineWidth = 1.5f;
                left.Add.Marker(trail[^1], MarkerShape.FilledCircle, 9, colour).MarkerLineColor = Colors.White;
                fits.Add(new DensityFit(pm[now], ps[now], "", 0, colour));
            }
            left.Title($"{map.Divergence.Label()}: {paths.Count} restarts, step {t}");
            left.HideLegend();
            var right = DensityFigure.Panel(target, $"q of each restart at step {t}", fits, range, yMax);
            var frame = new Multiplot(left) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
            frame.AddPlot(right);
            var image = new MagickImage(Png(frame, width, height)) { AnimationDelay = f == times.Length - 1 ? 200u : 8u };
            frames.Add(image);
        }
        frames[0].AnimationIterations = 0; // loop forever
        frames.Optimize();
        using var output = new MemoryStream();
        frames.Write(output, MagickFormat.Gif);
        return output.ToArray();
    }

    /// <summary>Distinct steps from 0 to last, at most <paramref name="count"/>, geometrically spaced.</summary>
    public static int[] FrameSteps(int length, int count)
    {
        if (length <= count) return Enumerable.Range(0, length).ToArray();
        return Enumerable.Range(0, count).Select(i => (int)Math.Round(Math.Pow(length, (double)i / (count - 1))) - 1)
            .Select(t => Math.Clamp(t, 0, length - 1)).Distinct().ToArray();
    }

    static byte[] Png(Multiplot figure, int width, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height)) ?? throw new InvalidOperationException($"cannot create a {width}×{height} image");
        figure.Render(surface.Canvas, new PixelRect(0, width, height, 0));
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
