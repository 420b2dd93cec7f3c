using Xunit;
using System.Text.RegularExpressions;

namespace KlGpu.Tests.Plotting;

/// <summary>A temporary folder for one test's figures, removed afterwards; and readers for what was written.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("klgpu-plot-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() => Directory.Delete(Path, recursive: true);
}

internal static partial class FigureFiles
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static void AssertPng(string path, int width, int height)
    {
        Assert.True(System.IO.File.Exists(path), $"{path} was not written");
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan().StartsWith(PngSignature), "not a PNG: wrong signature");
        Assert.True(bytes.Length > 10_000, $"a {bytes.Length}-byte PNG is too small to hold a figure");
        using var bitmap = SkiaSharp.SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
    }

    /// <summary>The text elements of an SVG written by Skia, unescaped: every label the figure draws as text.</summary>
    public static string[] SvgTexts(string path)
    {
        string svg = System.IO.File.ReadAllText(path);
        Assert.StartsWith("<?xml", svg);
        Assert.Contains("<svg", svg);
        return TextElement().Matches(svg).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value.Trim())).ToArray();
    }

    [GeneratedRegex(@"<text[^>]*>\s*([^<]*?)\s*</text>")]
    private static partial Regex TextElement();
}
