using System.Globalization;
using KlGpu.Tests.Plotting;
using Xunit;

namespace KlGpu.Tests.Cli;

/// <summary>`klgpu pressure` against the Gaussian densities written out by hand: forward −p/q and reverse log(q/p) + 1.</summary>
public class PressureTests
{
    static double Pdf(double x, double m, double s) => Math.Exp(-0.5 * ((x - m) / s) * ((x - m) / s)) / (s * Math.Sqrt(2 * Math.PI));

    [Fact]
    public void CurvesAreTheFunctionalDerivatives()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("pressure", "--target", "N(0,1)", "--q", "N(1,2)", "--x", "-6:6:13", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        string[] lines = File.ReadAllLines(folder.File("pressure.csv"));
        Assert.Equal("x,p,q,forward,reverse", lines[0]);
        Assert.Equal(14, lines.Length);
        foreach (string line in lines.Skip(1))
        {
            double[] v = line.Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            double p = Pdf(v[0], 0, 1), q = Pdf(v[0], 1, 2);
            Assert.Equal(p, v[1], 14);
            Assert.True(Math.Abs(v[3] - -p / q) <= 1e-12 * Math.Abs(p / q), $"forward at x = {v[0]}: {v[3]} vs {-p / q}");
            Assert.Equal(Math.Log(q / p) + 1, v[4], 10);
        }
        FigureFiles.AssertPng(folder.File("pressure.png"), 1000, 900);
    }

    [Fact]
    public void FarOutTheForwardPressureIsHugeButFinite()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("pressure", "--target", "0.5*N(-2,0.5) + 0.5*N(2,0.5)", "--q", "N(2,0.6)", "--divergence", "forward", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        double[] forward = File.ReadAllLines(folder.File("pressure.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[3], CultureInfo.InvariantCulture)).ToArray();
        Assert.All(forward, v => Assert.True(double.IsFinite(v)));
        Assert.True(forward.Min() < -1e15, $"most negative {forward.Min()}");
    }

    [Theory]
    [InlineData("--divergence", "hellinger")]
    [InlineData("--x", "3:1:10")]
    [InlineData("--q", "N(0,-1)")]
    public void BadInputIsOneLineAndExitTwo(string option, string value)
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("pressure", "--target", "N(0,1)", "--q", "N(1,2)", option, value, "--out", folder.Path);
        run.AssertUsageError();
    }
}
