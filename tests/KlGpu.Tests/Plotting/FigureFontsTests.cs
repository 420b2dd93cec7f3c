using KlGpu.Plotting;
using ScottPlot;
using SkiaSharp;
using Xunit;

namespace KlGpu.Tests.Plotting;

public class FigureFontsTests
{
    [Fact]
    public void Registration_makes_the_embedded_DejaVu_Sans_the_default_in_both_weights()
    {
        FigureFonts.EnsureRegistered();
        FigureFonts.EnsureRegistered(); // idempotent

        Assert.Equal(FigureFonts.Family, Fonts.Default);
        Assert.Single(Fonts.FontResolvers, r => r.GetType().Name == "EmbeddedFontResolver");
        SKTypeface regular = Fonts.GetTypeface(FigureFonts.Family, bold: false, italic: false);
        SKTypeface bold = Fonts.GetTypeface(FigureFonts.Family, bold: true, italic: false);
        Assert.Equal("DejaVu Sans", regular.FamilyName);
        Assert.Equal("DejaVu Sans", bold.FamilyName);
        Assert.True(bold.FontWeight > regular.FontWeight, "the bold face should be the bold file");
        // The glyphs the figures need: Greek axis names, superscript exponents, the times sign.
        Assert.True(regular.ContainsGlyphs("μσ⁰¹²³⁴⁵⁶⁷⁸⁹⁻×"));
    }

    [Fact]
    public void Text_is_actually_drawn()
    {
        FigureFonts.EnsureRegistered();
        Plot invisible = new(), titled = new();
        invisible.Title("KL(q || p) μ σ");
        invisible.Axes.Title.Label.ForeColor = Colors.Transparent; // same layout, no ink
        titled.Title("KL(q || p) μ σ");

        int differing = DifferingPixels(invisible, titled);

        // The plots differ only where glyphs are inked; with no usable font ScottPlot draws nothing and nothing differs.
        Assert.True(differing > 200, $"only {differing} pixels differ: the title was not drawn");
    }

    static int DifferingPixels(Plot a, Plot b)
    {
        using var imageA = SKBitmap.Decode(a.GetImageBytes(400, 300, ImageFormat.Png));
        using var imageB = SKBitmap.Decode(b.GetImageBytes(400, 300, ImageFormat.Png));
        int count = 0;
        for (int y = 0; y < 60; y++)
            for (int x = 0; x < 400; x++)
                if (imageA.GetPixel(x, y) != imageB.GetPixel(x, y)) count++;
        return count;
    }
}
