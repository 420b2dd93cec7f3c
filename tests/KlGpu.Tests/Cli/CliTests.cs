using KlGpu.Families;
using System.Globalization;
using System.Text.Json;
using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Specs;
using Xunit;
using TempFolder = KlGpu.Tests.Output.TempFolder;

namespace KlGpu.Tests.Cli;

/// <summary>The CLI through its parser, in-process: outputs, exit codes and error lines.</summary>
[Collection(ProcessWide.Name)]
public sealed class CliTests
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // Gaussian p and q: both divergences have closed forms (Normal.Kl); 1e-12 absolute in double.
    [Theory]
    [InlineData(0.0, 1.0, 1.0, 2.0)]
    [InlineData(-2.0, 0.3, 1.5, 0.7)]
    [InlineData(3.0, 5.0, 3.0, 5.0)]
    public void EvalJsonMatchesTheClosedForm(double m1, double s1, double m2, double s2)
    {
        string p = Spec(m1, s1), q = Spec(m2, s2);
        var run = CliRun.Of("eval", "--target", p, "--q", q, "--json", "--accelerator", "cpu");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        double forward = doc.RootElement.GetProperty("forward").GetDouble();
        double reverse = doc.RootElement.GetProperty("reverse").GetDouble();
        Assert.Equal(Normal.Kl(m1, s1, m2, s2), forward, 1e-12);
        Assert.Equal(Normal.Kl(m2, s2, m1, s1), reverse, 1e-12);
        Assert.Equal("double", doc.RootElement.GetProperty("precision").GetString());
        Assert.Equal("cpu", doc.RootElement.GetProperty("device").GetString());
    }

    [Fact]
    public void EvalPrintsOnlyTheRequestedDivergence()
    {
        var run = CliRun.Of("eval", "--target", "N(0,1)", "--q", "N(1,1)", "--divergence", "reverse", "--json", "--accelerator", "cpu");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.False(doc.RootElement.TryGetProperty("forward", out _));
        Assert.Equal(0.5, doc.RootElement.GetProperty("reverse").GetDouble(), 1e-12);
    }

    [Fact]
    public void LandscapeWritesEveryFileAndTheEnginesValues()
    {
        using var dir = new TempFolder();
        const string target = "0.5*N(-1,0.5) + 0.5*N(1.5,0.8)";
        var run = CliRun.Of("landscape", "--target", target, "--mu", "-3:3:24", "--sigma", "0.2:3:17",
            "--accelerator", "cpu", "--out", dir.Path, "--svg");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);

        string[] expected =
        [
            "forward.npy", "forward.png", "forward.svg", "landscape-points.json", "landscape.csv", "landscape.png", "landscape.svg",
            "manifest.json", "mu.npy", "reverse.npy", "reverse.png", "reverse.svg", "sigma.npy",
        ];
        Assert.Equal(expected, dir.Names()); // and no temporary files
        foreach (string png in new[] { "forward.png", "reverse.png", "landscape.png" })
            Assert.True(File.ReadAllBytes(dir.File(png)).AsSpan().StartsWith(PngSignature), $"{png} is not a PNG");

        var mu = new GridAxis(-3, 3, 24);
        var sigma = new GridAxis(0.2, 3, 17);
        var (muShape, muValues) = Npy.Read(dir.File("mu.npy"));
        Assert.Equal([24], muShape);
        Assert.Equal(mu.Values(), muValues);
        Assert.Equal(sigma.Values(), Npy.Read(dir.File("sigma.npy")).Values);

        // The grids hold exactly what the engine computes.
        var p = MixtureSpec.Parse(target);
        var forward = new List<double>();
        var reverse = new List<double>();
        using (var engine = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double))
            engine.Landscape(p, FitFamily.Gaussian, mu, sigma, [Divergence.Forward, Divergence.Reverse], t =>
            {
                forward.AddRange(t.Forward!);
                reverse.AddRange(t.Reverse!);
            });
        var (fShape, fValues) = Npy.Read(dir.File("forward.npy"));
        Assert.Equal([17, 24], fShape);
        Assert.Equal(forward, fValues);
        Assert.Equal(reverse, Npy.Read(dir.File("reverse.npy")).Values);

        // CSV: a header and one line per grid point.
        string[] csv = File.ReadAllLines(dir.File("landscape.csv"));
        Assert.Equal("sigma,mu,forward,reverse", csv[0]);
        Assert.Equal(1 + 24 * 17, csv.Length);

        // The manifest lists files that exist, and the full grid's minima.
        using var manifest = JsonDocument.Parse(File.ReadAllText(dir.File("manifest.json")));
        var files = manifest.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => (Path: f.GetProperty("path").GetString()!, Role: f.GetProperty("role").GetString()!)).ToArray();
        Assert.Equal(expected, files.Select(f => f.Path).Order(StringComparer.Ordinal));
        foreach (var f in files) Assert.True(File.Exists(dir.File(f.Path)), $"{f.Path} is listed but missing");
        Assert.Contains(("forward.npy", "grid:forward"), files);
        Assert.Contains(("reverse.png", "figure:reverse"), files);
        Assert.Contains(("landscape.png", "figure:side-by-side"), files);
        Assert.Contains(("mu.npy", "axis:mu"), files);
        Assert.Contains(("landscape.csv", "table"), files);
        Assert.Equal(forward.Min(), manifest.RootElement.GetProperty("minima").GetProperty("forward").GetProperty("value").GetDouble());
        Assert.Equal(reverse.Min(), manifest.RootElement.GetProperty("minima").GetProperty("reverse").GetProperty("value").GetDouble());
        var parameters = manifest.RootElement.GetProperty("parameters");
        Assert.Equal(p.ToString(), parameters.GetProperty("target").GetString());
        Assert.Equal("cpu", manifest.RootElement.GetProperty("device").GetProperty("kind").GetString());
    }

    [Fact]
    public void LandscapeWithOneDivergenceAndLogSigma()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("landscape", "--target", "N(0,1)", "--mu", "-2:2:8", "--sigma", "0.1:10:9", "--log-sigma",
            "--divergence", "reverse", "--accelerator", "cpu", "--out", dir.Path, "--linear-color");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(["landscape-points.json", "landscape.csv", "landscape.png", "manifest.json", "mu.npy", "reverse.npy", "reverse.png", "sigma.npy"], dir.Names());
        Assert.Equal(new GridAxis(0.1, 10, 9, Geometric: true).Values(), Npy.Read(dir.File("sigma.npy")).Values);
        // q = N(0,1) is on the grid (μ axis has no 0 with 8 points, so just the closed form at each point).
        double[] values = Npy.Read(dir.File("reverse.npy")).Values;
        var mu = new GridAxis(-2, 2, 8);
        var sigma = new GridAxis(0.1, 10, 9, true);
        for (int i = 0; i < 9; i++)
            for (int j = 0; j < 8; j++)
                Assert.Equal(Normal.Kl(mu.At(j), sigma.At(i), 0, 1), values[i * 8 + j], 1e-10);
    }

    public static TheoryData<string, string[]> BadInputs => new()
    {
        { "malformed spec", ["--target", "0.5*N(0,1) +"] },
        { "negative std", ["--target", "N(0,-1)"] },
        { "weights not summing to 1", ["--target", "0.5*N(0,1) + 0.4*N(1,1)"] },
        { "NaN", ["--target", "N(NaN,1)"] },
        { "NaN in a range", ["--mu", "NaN:1:8"] },
        { "empty range", ["--mu", "1:1:8"] },
        { "inverted range", ["--mu", "2:-2:8"] },
        { "N < 2", ["--sigma", "0.1:2:1"] },
        { "σ range reaching 0", ["--sigma", "0:2:8"] },
        { "negative σ", ["--sigma", "-1:2:8"] },
        { "unknown divergence", ["--divergence", "forward,sideways"] },
        { "no divergence", ["--divergence", ","] },
        { "unknown accelerator", ["--accelerator", "tpu"] },
        { "unknown precision", ["--precision", "half"] },
        { "unknown option", ["--colour", "red"] },
        { "missing option value", ["--target"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadLandscapeInputIsOneLineAndExitTwoAndNoFiles(string why, string[] args)
    {
        using var dir = new TempFolder();
        string[] all = ["landscape", "--mu", "-1:1:4", "--sigma", "0.5:1:4", "--accelerator", "cpu", "--out", dir.Path, .. args];
        var run = CliRun.Of(all);
        run.AssertUsageError();
        Assert.True(dir.Names().Length == 0, $"{why}: files left: {string.Join(", ", dir.Names())}");
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void OutUnderARegularFileIsAUsageError()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("plain"), "x");
        var run = CliRun.Of("landscape", "--mu", "-1:1:4", "--sigma", "0.5:1:4", "--accelerator", "cpu", "--out", Path.Combine(dir.File("plain"), "sub"));
        run.AssertUsageError();
        Assert.Contains("is a file, not a folder", run.Stderr);
        Assert.Equal(["plain"], dir.Names());
    }

    [Theory]
    [InlineData("--target", "N(0,0)")]
    [InlineData("--q", "N(0,1")]
    [InlineData("--accelerator", "gpu")]
    [InlineData("--divergence", "both")]
    public void BadEvalInputIsOneLineAndExitTwo(string option, string value)
    {
        var args = new List<string> { "eval", "--target", "N(0,1)", "--q", "N(1,1)", "--accelerator", "cpu" };
        int i = args.IndexOf(option);
        args[i + 1] = value;
        CliRun.Of([.. args]).AssertUsageError();
    }

    [Theory]
    [InlineData("eval --q N(0,1)")]
    [InlineData("frobnicate")]
    [InlineData("")]
    public void ParseErrorsAreOneLineAndExitTwo(string args) =>
        CliRun.Of(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)).AssertUsageError();

    [Theory]
    [InlineData("eval", "--target --q --divergence --precision --accelerator --json")]
    [InlineData("landscape", "--target --mu --sigma --log-sigma --divergence --precision --accelerator --out --svg --linear-color --family")]
    [InlineData("devices", "")]
    public void HelpMentionsEveryOption(string command, string optionList)
    {
        string[] options = optionList.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var run = CliRun.Of(command, "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        foreach (string option in options) Assert.Contains(option, run.Stdout);
        Assert.Contains("e.g.", run.Stdout);
    }

    [Fact]
    public void RootHelpListsTheCommands()
    {
        var run = CliRun.Of("--help");
        Assert.Equal(0, run.ExitCode);
        foreach (string command in new[] { "eval", "landscape", "devices" }) Assert.Contains(command, run.Stdout);
    }

    [Fact]
    public void DevicesNamesWhatAutoPicks()
    {
        var run = CliRun.Of("devices");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("cpu", run.Stdout);
        Assert.Contains("auto picks", run.Stdout);
    }

    static string Spec(double mean, double std) =>
        string.Create(CultureInfo.InvariantCulture, $"N({mean:R},{std:R})");
}
