using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace KlGpu.Report;

/// <summary>
/// report.html: one self-contained page that opens offline. It inlines plotly.js (fetched at build time, with its licence),
/// the page's own script and style, and the run's data as JSON in <c>&lt;script type="application/json" id="klgpu-data"&gt;</c>,
/// which the script draws and other programs can read. The page computes nothing: every number comes from the data.
/// </summary>
public static class ReportPage
{
    public const string FileName = "report.html";
    public const string Role = "report";
    public const string DataId = "klgpu-data";

    /// <summary>The page of <paramref name="data"/> (its "kind" says what the script draws), as UTF-8 bytes.</summary>
    public static byte[] Html(string title, JsonObject data)
    {
        // The default encoder writes <, > and & as \u escapes, so no text in the data can close its script element.
        string json = data.ToJsonString();
        var page = new StringBuilder(Plotly.Length + json.Length + 16_384);
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        page.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        page.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n");
        page.Append("<style>\n").Append(Resource("report.css")).Append("</style>\n");
        page.Append("<!-- plotly.js-cartesian-dist-min 4.1.1, inlined below under its licence:\n")
            .Append(License.Replace("--", "- -")).Append("-->\n");
        page.Append("<script>\n").Append(Plotly).Append("\n</script>\n</head>\n<body>\n");
        page.Append("<header><h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1><p id=\"subtitle\"></p></header>\n");
        page.Append("<main id=\"report\"></main>\n");
        page.Append("<footer>Written by klgpu. Hover a map to draw q over p; drag to zoom, double-click to reset; the legend's entries toggle traces.</footer>\n");
        page.Append("<script type=\"application/json\" id=\"").Append(DataId).Append("\">").Append(json).Append("</script>\n");
        page.Append("<script>\n").Append(Resource("report.js")).Append("\n</script>\n</body>\n</html>\n");
        return new UTF8Encoding(false).GetBytes(page.ToString());
    }

    static readonly Lazy<string> plotly = new(() =>
    {
        string text = Resource("plotly.min.js");
        if (text.Contains("</script", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException("the embedded plotly.js holds \"</script\" and cannot be inlined");
        return text;
    });

    static string Plotly => plotly.Value;

    static string License => Resource("plotly-LICENSE.txt");

    static string Resource(string name)
    {
        using var stream = typeof(ReportPage).Assembly.GetManifestResourceStream("KlGpu.Report." + name)
            ?? throw new InvalidOperationException($"the report's resource {name} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
