using System.Text.Json;
using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Specs;
using KlGpu.Tests.Cli;
using Xunit;
using TempFolder = KlGpu.Tests.Output.TempFolder;

namespace KlGpu.Tests.LandscapeJobs; // not .Landscape: that would hide KlGpu.Landscape in other tests

/// <summary>The library's landscape job, called directly: streaming across tiles and all-or-nothing output.</summary>
[Collection(ProcessWide.Name)]
public sealed class LandscapeJobTests
{
    static LandscapeSettings Settings(string dir) => new(
        MixtureSpec.Parse("0.4*N(-1,0.4) + 0.6*N(1,0.7)"),
        new GridAxis(-3, 3, 21), new GridAxis(0.1, 3, 13),
        [Divergence.Forward, Divergence.Reverse], Precision.Double, AcceleratorKind.Cpu, dir, Svg: false, LogColor: true);

    [Fact]
    public void TheMinimumIsTheFullGridsAndTheCsvMatchesTheGrids()
    {
        using var dir = new TempFolder();
        LandscapeResult result;
        using (var engine = KlEngine.Create(AcceleratorKind.Cpu))
            result = LandscapeJob.Run(Settings(dir.Path), engine);
        Assert.Equal(21L * 13, result.GridPoints);
        double[] reverse = Npy.Read(dir.File("reverse.npy")).Values;
        double[] forward = Npy.Read(dir.File("forward.npy")).Values;
        int at = Array.IndexOf(reverse, reverse.Min());
        Assert.Equal(reverse.Min(), result.Minima[Divergence.Reverse].Value);
        Assert.Equal(new GridAxis(-3, 3, 21).At(at % 21), result.Minima[Divergence.Reverse].Mu);
        Assert.Equal(new GridAxis(0.1, 3, 13).At(at / 21), result.Minima[Divergence.Reverse].Sigma);
        Assert.Equal(forward.Min(), result.Minima[Divergence.Forward].Value);

        // CSV line k+1 is grid point k in σ-major order, round-trip formatted.
        string[] csv = File.ReadAllLines(dir.File("landscape.csv"));
        for (int k = 0; k < forward.Length; k += 37)
        {
            string[] cells = csv[k + 1].Split(',');
            Assert.Equal(forward[k], double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(reverse[k], double.Parse(cells[3], System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(result.Files.Select(f => f.Path).Order(StringComparer.Ordinal), dir.Names());
    }

    [Fact]
    public void ACancelledRunLeavesNoFiles()
    {
        using var dir = new TempFolder();
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => LandscapeJob.Run(Settings(dir.Path), engine, cancel.Token));
        Assert.Empty(dir.Names());
    }

    [Fact]
    public void ARerunRemovesWhatTheEarlierRunWroteAndThisOneDoesNot()
    {
        using var dir = new TempFolder();
        using var engine = KlEngine.Create(AcceleratorKind.Cpu);
        LandscapeJob.Run(Settings(dir.Path) with { Svg = true }, engine);
        File.WriteAllText(dir.File("notes.txt"), "mine"); // beside a klgpu run: kept, never listed
        Assert.Contains("forward.svg", dir.Names());
        var second = LandscapeJob.Run(Settings(dir.Path) with { Divergences = [Divergence.Reverse] }, engine);
        Assert.Equal(second.Files.Select(f => f.Path).Append("notes.txt").Order(StringComparer.Ordinal), dir.Names());
    }
}
