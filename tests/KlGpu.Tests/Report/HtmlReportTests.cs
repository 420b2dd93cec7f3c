using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KlGpu.Landscape;
using KlGpu.Tests.Cli;
using Xunit;
using TempFolder = KlGpu.Tests.Output.TempFolder;

namespace KlGpu.Tests.Report;

/// <summary>
/// report.html through the real CLI: one self-contained file (no network reference), its embedded JSON parses, holds
/// the grids downsampled to at most 512 per axis, and its numbers are the run's own (the .npy grids, basins.json,
/// sweep.json) and the densities of p and q (checked against the normal density written here).
/// </summary>
[Collection(ProcessWide.Name)]
public sealed partial class HtmlReportTests
{
    const string Mixture = "0.4*N(-1,0.4) + 0.6*N(1,0.7)";
    const string TwoModes = "0.5*N(-2.75,1) + 0.5*N(2.75,1)";

    static double Normal(double x, double mu, double sigma) =>
        Math.Exp(-0.5 * ((x - mu) / sigma) * ((x - mu) / sigma)) / (sigma * Math.Sqrt(2 * Math.PI));

    static double[] Doubles(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    static void Close(double expected, double actual, double relative = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(Math.Abs(expected), 1e-300),
            FormattableString.Invariant($"expected {expected:R}, got {actual:R}"));

    /// <summary>The page, checked to hold no network reference, and its data.</summary>
    static JsonObject Read(string path)
    {
        string html = File.ReadAllText(path);
        Assert.StartsWith("<!DOCTYPE html>", html);
        // Every script is inline; nothing is loaded from elsewhere: no src, no stylesheet link, image, frame or CSS url().
        foreach (Match tag in ScriptTag().Matches(html)) Assert.DoesNotContain("src", tag.Value, StringComparison.OrdinalIgnoreCase);
        foreach (string element in new[] { "<link", "<img", "<iframe", "<object", "<embed", "<base" })
            Assert.DoesNotContain(element, html, StringComparison.OrdinalIgnoreCase);
        // plotly's CSS has url()s: inline data: images and #fragments of the page itself, never an address.
        Assert.DoesNotMatch(RemoteUrl(), html);
        // plotly.js holds URL strings (SVG namespaces, its docs' addresses in error messages), none of them loaded; apart
        // from its script element the page names no address at all.
        var scripts = ScriptElement().Matches(html).Select(m => m.Value).ToList();
        string plotly = Assert.Single(scripts, s => s.Contains("plotly.js (cartesian - minified) v4.1.1", StringComparison.Ordinal));
        string rest = html.Replace(plotly, "", StringComparison.Ordinal);
        Assert.DoesNotContain("http://", rest, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", rest, StringComparison.OrdinalIgnoreCase);
        var data = DataElement().Match(html);
        Assert.True(data.Success, "no <script type=\"application/json\" id=\"klgpu-data\">");
        return JsonNode.Parse(data.Groups[1].Value)!.AsObject();
    }

    [GeneratedRegex("url\\(\\s*['\"]?\\s*([a-z]+:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteUrl();

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<script[^>]*>.*?</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptElement();

    [GeneratedRegex("<script type=\"application/json\" id=\"klgpu-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex DataElement();

    [Fact]
    public void ALandscapeReportHoldsTheGridsDownsampledAndTheirOwnValues()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("landscape", "--target", Mixture, "--mu", "-3:3:600", "--sigma", "0.1:3:9", "--html", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var data = Read(dir.File("report.html"));
        Assert.Equal("landscape", (string?)data["kind"]);

        double[] muAxis = Npy.Read(dir.File("mu.npy")).Values, sigmaAxis = Npy.Read(dir.File("sigma.npy")).Values;
        var maps = data["maps"]!.AsArray();
        Assert.Equal(["forward", "reverse"], maps.Select(m => (string?)m!["name"]));
        var manifest = JsonNode.Parse(File.ReadAllText(dir.File("manifest.json")))!;
        foreach (var map in maps)
        {
            double[] mu = Doubles(map!["mu"]), sigma = Doubles(map["sigma"]);
            Assert.InRange(mu.Length, 256, 512); // 600 points are thinned to at most 512
            Assert.Equal(9, sigma.Length);
            Assert.Equal(-3, mu[0]);
            Assert.Equal(3, mu[^1]);
            double[] grid = Npy.Read(dir.File((string)map["name"]! + ".npy")).Values;
            var rows = map["values"]!.AsArray();
            Assert.Equal(sigma.Length, rows.Count);
            for (int r = 0; r < sigma.Length; r++)
            {
                int i = Array.IndexOf(sigmaAxis, sigma[r]);
                Assert.True(i >= 0, "a σ of the page is not on the grid");
                double[] row = Doubles(rows[r]);
                Assert.Equal(mu.Length, row.Length);
                for (int c = 0; c < mu.Length; c++)
                {
                    int j = Array.IndexOf(muAxis, mu[c]);
                    Assert.True(j >= 0, "a μ of the page is not on the grid");
                    Assert.Equal(grid[i * muAxis.Length + j], row[c]);
                }
            }
            var minimum = manifest["minima"]![(string)map["name"]!]!;
            Assert.Equal(minimum["value"]!.GetValue<double>(), map["minimum"]!["value"]!.GetValue<double>());
            Assert.Equal(minimum["mu"]!.GetValue<double>(), map["minimum"]!["mu"]!.GetValue<double>());
        }

        // p's density on x, and q's standard shape: a standard normal for a Gaussian q.
        double[] x = Doubles(data["x"]), p = Doubles(data["p"]);
        Assert.Equal(x.Length, p.Length);
        Assert.True(x[0] <= -3 && x[^1] >= 3);
        for (int k = 0; k < x.Length; k += 50) Close(0.4 * Normal(x[k], -1, 0.4) + 0.6 * Normal(x[k], 1, 0.7), p[k], 1e-12);
        var shape = data["shape"]!;
        double[] f = Doubles(shape["f"]);
        double min = shape["min"]!.GetValue<double>(), step = shape["step"]!.GetValue<double>();
        for (int k = 0; k < f.Length; k += 97) Close(Normal(min + k * step, 0, 1), f[k], 1e-12);

        Assert.True(manifest["parameters"]!["html"]!.GetValue<bool>());
        Assert.Contains(manifest["files"]!.AsArray(), e => (string?)e!["path"] == "report.html" && (string?)e["role"] == "report");
    }

    [Fact]
    public void WithoutHtmlNoReportIsWritten()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("landscape", "--mu", "-3:3:8", "--sigma", "0.5:2:6", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.False(File.Exists(dir.File("report.html")));
        Assert.False(JsonNode.Parse(File.ReadAllText(dir.File("manifest.json")))!["parameters"]!["html"]!.GetValue<bool>());
    }

    [Fact]
    public void ABasinsReportHoldsEveryBasinWithItsQAndThePaths()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("basins", "--target", TwoModes, "--restarts", "64", "--mu", "-6:6", "--sigma", "0.2:6", "--trajectories", "3",
            "--html", "--quiet", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var data = Read(dir.File("report.html"));
        Assert.Equal("basins", (string?)data["kind"]);
        var expected = JsonNode.Parse(File.ReadAllText(dir.File("basins.json")))!["basins"]!.AsArray();
        var basins = data["basins"]!.AsArray();
        Assert.Equal(expected.Count, basins.Count);
        Assert.True(basins.Count >= 2);
        double[] x = Doubles(data["x"]);
        for (int b = 0; b < basins.Count; b++)
        {
            var (page, json) = (basins[b]!, expected[b]!);
            foreach (var (key, name) in new[] { ("mu", "mu"), ("sigma", "sigma"), ("value", "value"), ("fraction", "fraction") })
                Assert.Equal(json[name]!.GetValue<double>(), page[key]!.GetValue<double>());
            Assert.Equal(json["count"]!.GetValue<int>(), page["count"]!.GetValue<int>());
            Assert.Equal((string?)json["kind"], (string?)page["kind"]);
            Assert.Equal(Doubles(json["hessian_eigenvalues"]), Doubles(page["hessian"]));
            double[] q = Doubles(page["q"]);
            double mu = page["mu"]!.GetValue<double>(), sigma = page["sigma"]!.GetValue<double>();
            for (int k = 0; k < x.Length; k += 40) Close(Normal(x[k], mu, sigma), q[k], 1e-12);
        }
        var map = data["map"]!;
        Assert.True(Doubles(map["mu"]).Length <= 512 && Doubles(map["sigma"]).Length <= 512);
        var paths = data["paths"]!.AsArray();
        Assert.Equal(3, paths.Count);
        // Each path is one restart's: it starts where restarts.csv says that restart started and ends where it ended.
        var rows = File.ReadAllLines(dir.File("restarts.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        double Cell(string[] row, int column) => double.Parse(row[column], CultureInfo.InvariantCulture);
        for (int k = 0; k < 3; k++)
        {
            double[] mu = Doubles(paths[k]!["mu"]), sigma = Doubles(paths[k]!["sigma"]);
            Assert.Equal(mu.Length, sigma.Length);
            Assert.InRange(mu.Length, 2, 400);
            var row = Assert.Single(rows, r => Cell(r, 1) == mu[0]);
            Close(Cell(row, 2), sigma[0], 1e-14);
            Assert.Equal(Cell(row, 3), mu[^1]);
            Close(Cell(row, 4), sigma[^1], 1e-14);
        }
    }

    [Fact]
    public void ASweepReportHoldsEveryValuesBasinsAndTheTransitions()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("sweep", "--target-template", "0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)", "--param", "d=4:6:3", "--restarts", "64",
            "--mu", "-6:6", "--sigma", "0.2:6", "--html", "--quiet", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var data = Read(dir.File("report.html"));
        var expected = JsonNode.Parse(File.ReadAllText(dir.File("sweep.json")))!;
        Assert.Equal("sweep", (string?)data["kind"]);
        Assert.Equal("d", (string?)data["parameter"]);
        var values = data["values"]!.AsArray();
        var expectedValues = expected["values"]!.AsArray();
        Assert.Equal(3, values.Count);
        double[] x = Doubles(data["x"]);
        for (int i = 0; i < 3; i++)
        {
            double d = expectedValues[i]!["param"]!.GetValue<double>();
            Assert.Equal(d, values[i]!["param"]!.GetValue<double>());
            double[] p = Doubles(values[i]!["p"]);
            for (int k = 0; k < x.Length; k += 40) Close(0.5 * Normal(x[k], -d / 2, 1) + 0.5 * Normal(x[k], d / 2, 1), p[k], 1e-12);
            var basins = values[i]!["basins"]!.AsArray();
            var expectedBasins = expectedValues[i]!["basins"]!.AsArray();
            Assert.Equal(expectedBasins.Count, basins.Count);
            for (int b = 0; b < basins.Count; b++)
            {
                Assert.Equal(expectedBasins[b]!["mu"]!.GetValue<double>(), Assert.Single(Doubles(basins[b]!["means"])));
                Assert.Equal(expectedBasins[b]!["sigma"]!.GetValue<double>(), Assert.Single(Doubles(basins[b]!["stds"])));
                Assert.Equal(expectedBasins[b]!["value"]!.GetValue<double>(), basins[b]!["value"]!.GetValue<double>());
                Assert.Equal(expectedBasins[b]!["fraction"]!.GetValue<double>(), basins[b]!["fraction"]!.GetValue<double>());
            }
        }
        var transitions = data["transitions"]!.AsArray();
        Assert.Equal(expected["transitions"]!.AsArray().Select(t => t!["param"]!.GetValue<double>()), transitions.Select(t => t!["param"]!.GetValue<double>()));
        Assert.Contains(transitions, t => (string?)t!["kind"] == "switch"); // the switch near d = 5.6 lies in [4, 6]
        Assert.True(JsonNode.Parse(File.ReadAllText(dir.File("manifest.json")))!["parameters"]!["html"]!.GetValue<bool>());
    }

    /// <summary>A mixture or flow q's basins report: its table is basins.json's, and every basin's q is its density, computed
    /// here from basins.json's numbers (a mixture's by the normal density above, a flow's by the tests' own flow).</summary>
    [Theory]
    [InlineData("mixture:2")]
    [InlineData("flow:1")]
    public void AThetaBasinsReportHoldsTheBasinsTableAndEachQ(string family)
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("basins", "--family", family, "--target", Mixture, "--restarts", "6", "--steps", "400", "--html", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var data = Read(dir.File("report.html"));
        Assert.Equal("theta-basins", (string?)data["kind"]);
        var expected = JsonNode.Parse(File.ReadAllText(dir.File("basins.json")))!["basins"]!.AsArray();
        var basins = data["basins"]!.AsArray();
        Assert.Equal(expected.Count, basins.Count);
        Assert.NotEmpty(basins);
        double[] x = Doubles(data["x"]), p = Doubles(data["p"]);
        for (int k = 0; k < x.Length; k += 40) Close(0.4 * Normal(x[k], -1, 0.4) + 0.6 * Normal(x[k], 1, 0.7), p[k], 1e-12);
        for (int b = 0; b < basins.Count; b++)
        {
            var (page, json) = (basins[b]!, expected[b]!);
            Assert.Equal("B" + json["id"]!.GetValue<int>(), (string?)page["label"]);
            Assert.Equal((string?)json["kind"], (string?)page["kind"]);
            foreach (var key in new[] { "value", "fraction" }) Assert.Equal(json[key]!.GetValue<double>(), page[key]!.GetValue<double>());
            Assert.Equal(json["count"]!.GetValue<int>(), page["count"]!.GetValue<int>());
            Assert.Equal(Doubles(json["hessian_eigenvalues"]), Doubles(page["hessian"]));
            double[] q = Doubles(page["q"]);
            Func<double, double> density = family.StartsWith("mixture")
                ? v => Enumerable.Range(0, Doubles(json["weights"]).Length).Sum(i => Doubles(json["weights"])[i] * Normal(v, Doubles(json["means"])[i], Doubles(json["stds"])[i]))
                : v => Math.Exp(KlGpu.Tests.Flow.FlowReference.LogQ(Doubles(json["theta"]), v));
            for (int k = 0; k < x.Length; k += 40) Close(density(x[k]), q[k], 1e-10);
        }
        Assert.True(JsonNode.Parse(File.ReadAllText(dir.File("manifest.json")))!["parameters"]!["html"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("landscape", "--family", "gaussian-fixed-sigma:1", "--mu", "-2:2:8")]
    public void HtmlIsRefusedWhereThereIsNoReport(params string[] args)
    {
        using var dir = new TempFolder();
        var run = CliRun.Of([.. args, "--html", "--out", dir.Path]);
        run.AssertUsageError();
        Assert.Contains("--html", run.Stderr);
        Assert.Empty(dir.Names());
    }
}
