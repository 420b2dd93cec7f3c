using System.Globalization;
using KlGpu.Tests.Plotting;
using Xunit;

namespace KlGpu.Tests.Cli;

/// <summary>`klgpu pressure` against the Gaussian densities written out by hand: forward −p/q, reverse log(q/p) + 1, and the rest of the family.</summary>
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

    /// <summary>The rest of the family, each derivative of its integrand in q written out on the densities themselves.</summary>
    [Fact]
    public void TheFamilysCurvesAreTheirIntegrandsDerivatives()
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("pressure", "--target", "N(0,1)", "--q", "N(1,2)", "--x", "-5:5:11",
            "--divergence", "js,hellinger,tv,pearson,neyman,jeffreys,alpha:0.5,alpha:-1,renyi:0.5", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        string[] lines = File.ReadAllLines(folder.File("pressure.csv"));
        Assert.Equal("x,p,q,js,hellinger,tv,pearson,neyman,jeffreys,alpha:0.5,alpha:-1,renyi:0.5", lines[0]);
        // ∫ √(p q) for Rényi ½ by Simpson's rule on a fine grid: independent of the tool's quadrature.
        int n = 200_000;
        double h = 60.0 / n, integral = 0;
        for (int i = 0; i <= n; i++)
        {
            double x = -30 + i * h, w = i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2;
            integral += w * Math.Sqrt(Pdf(x, 0, 1) * Pdf(x, 1, 2));
        }
        integral *= h / 3;
        foreach (string line in lines.Skip(1))
        {
            double[] v = line.Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            double p = Pdf(v[0], 0, 1), q = Pdf(v[0], 1, 2), r = p / q;
            double[] expected =
            [
                0.5 * Math.Log(2 * q / (p + q)), 0.5 * (1 - Math.Sqrt(r)), 0.5 * Math.Sign(q - p), 1 - r * r, 2 * (q / p - 1),
                Math.Log(q / p) + 1 - r, (1 - Math.Sqrt(r)) / 0.5, (1 - 1 / r) / -1, -Math.Sqrt(r) / integral,
            ];
            for (int k = 0; k < expected.Length; k++)
                Assert.True(Math.Abs(v[3 + k] - expected[k]) <= 1e-10 * Math.Max(1, Math.Abs(expected[k])),
                    $"{lines[0].Split(',')[3 + k]} at x = {v[0]}: {v[3 + k]:R} vs {expected[k]:R}");
        }
    }

    [Fact]
    public void ARenyiOrderWhoseIntegralDivergesHasNoPressure()
    {
        // ∫ p² / q diverges when q is narrower than p/√2: N(0,1) against N(0,0.5).
        var run = CliRun.Of("pressure", "--target", "N(0,1)", "--q", "N(0,0.5)", "--divergence", "renyi:2", "--out", Path.Combine(Path.GetTempPath(), "klgpu-never"));
        run.AssertUsageError();
        Assert.Contains("renyi:2", run.Stderr);
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
    [InlineData("--divergence", "nonsense")]
    [InlineData("--divergence", "renyi:0")]
    [InlineData("--x", "3:1:10")]
    [InlineData("--q", "N(0,-1)")]
    public void BadInputIsOneLineAndExitTwo(string option, string value)
    {
        using var folder = new TempFolder();
        var run = CliRun.Of("pressure", "--target", "N(0,1)", "--q", "N(1,2)", option, value, "--out", folder.Path);
        run.AssertUsageError();
    }
}
