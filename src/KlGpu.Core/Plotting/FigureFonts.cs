using ScottPlot;
using SkiaSharp;

namespace KlGpu.Plotting;

/// <summary>
/// The one font every figure uses: DejaVu Sans, embedded in this assembly (Plotting/Fonts, with its
/// licence). ScottPlot asks the system for fonts by name; a machine with none (a bare container, a GPU
/// node) then draws no text at all, silently. Registering the embedded font makes figures identical on
/// every machine.
/// </summary>
public static class FigureFonts
{
    /// <summary>The family name figures ask for; it is also what an SVG names in font-family.</summary>
    public const string Family = "DejaVu Sans";

    static readonly Lock Gate = new();
    static bool registered;

    /// <summary>
    /// Puts the embedded font first among ScottPlot's font resolvers and makes it the default.
    /// Call before creating a <see cref="Plot"/>: a plot copies the default font name when it is built.
    /// Safe to call any number of times, from any thread.
    /// </summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (registered) return;
            // First in the list, so an installed "DejaVu Sans" of another version cannot win.
            Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver(
                Load("DejaVuSans.ttf"), Load("DejaVuSans-Bold.ttf")));
            Fonts.Default = Family;
            Fonts.Sans = Family;
            registered = true;
        }
    }

    static SKTypeface Load(string file)
    {
        string resource = "KlGpu.Fonts." + file;
        using Stream stream = typeof(FigureFonts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the font resource {resource} is missing from {typeof(FigureFonts).Assembly.GetName().Name}");
        // SKTypeface.FromStream reads the whole font, so the stream can be closed afterwards.
        return SKTypeface.FromStream(stream)
            ?? throw new InvalidOperationException($"the font resource {resource} is not a font SkiaSharp can read");
    }

    /// <summary>Answers for <see cref="Family"/> only: bold and heavier weights get the bold face, everything else the regular one.</summary>
    sealed class EmbeddedFontResolver(SKTypeface regular, SKTypeface bold) : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            string.Equals(fontName, Family, StringComparison.OrdinalIgnoreCase)
                ? (weight >= FontWeight.SemiBold ? bold : regular)
                : null;

        public SKTypeface? CreateTypeface(string fontName, bool isBold, bool italic) =>
            CreateTypeface(fontName, isBold ? FontWeight.Bold : FontWeight.Normal,
                italic ? FontSlant.Italic : FontSlant.Upright, FontSpacing.Normal);
    }
}
