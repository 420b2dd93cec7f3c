using System.Text.Json;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Tests.Basins;
using KlGpu.Tests.Cli;
using Xunit;
using TempFolder = KlGpu.Tests.Output.TempFolder;

namespace KlGpu.Tests.LandscapeJobs;

/// <summary>
/// Issue 19: "the default landscape figure marks only the grid minimum; on the default target reverse KL has four local
/// minima". The landscape now polishes every local minimum and saddle of each map and writes them to landscape-points.json;
/// each is checked here against the Gauss–Kronrod reference (value, and a finite-difference gradient and Hessian of it).
/// </summary>
[Collection(ProcessWide.Name)]
public sealed class StationaryPointsTests
{
    sealed record Point(double Mu, double Sigma, double Value);

    static IReadOnlyList<Point> Points(JsonElement map, string kind) =>
        map.GetProperty(kind).EnumerateArray().Select(p => new Point(p.GetProperty("mu").GetDouble(), p.GetProperty("sigma").GetDouble(),
            p.GetProperty("value").GetDouble())).ToList();

    static JsonElement Map(string dir, string divergence) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, LandscapeJob.PointsName))).RootElement.GetProperty("maps").EnumerateArray()
            .Single(m => m.GetProperty("divergence").GetString() == divergence).Clone();

    /// <summary>Reverse KL in (μ, s = log σ) from the reference quadrature.</summary>
    static double Reverse(GaussianMixture p, double mu, double s) => ReferenceKl.Reverse(p, GaussianMixture.Gaussian(mu, Math.Exp(s)));

    /// <summary>Central differences of the reference: gradient (step 1e-4) and Hessian (step 1e-3) in (μ, log σ).</summary>
    static (double[] Gradient, double[,] Hessian) Differences(GaussianMixture p, Point x)
    {
        double m = x.Mu, s = Math.Log(x.Sigma);
        const double g = 1e-4, h = 1e-3;
        double[] gradient = [(Reverse(p, m + g, s) - Reverse(p, m - g, s)) / (2 * g), (Reverse(p, m, s + g) - Reverse(p, m, s - g)) / (2 * g)];
        double f = Reverse(p, m, s);
        double hmm = (Reverse(p, m + h, s) - 2 * f + Reverse(p, m - h, s)) / (h * h);
        double hss = (Reverse(p, m, s + h) - 2 * f + Reverse(p, m, s - h)) / (h * h);
        double hms = (Reverse(p, m + h, s + h) - Reverse(p, m + h, s - h) - Reverse(p, m - h, s + h) + Reverse(p, m - h, s - h)) / (4 * h * h);
        return (gradient, new[,] { { hmm, hms }, { hms, hss } });
    }

    /// <summary>
    /// The exact command of the issue, `klgpu landscape` with every default: reverse KL's four local minima (the broad fit,
    /// the fit of the middle mode, and one per outer mode) and the three saddles between them are found, polished, and each is
    /// a stationary point of the independent reference (gradient below 1e-6 by its finite differences; a minimum's Hessian
    /// positive definite, a saddle's indefinite) with the reference's value to 1e-9. Forward KL has one minimum, the moment match.
    /// The default μ axis holds μ = 0, the centre of the symmetric default target.
    /// </summary>
    [Fact]
    public void TheDefaultLandscapeFindsReverseKlsFourMinimaAndTheirSaddles()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("landscape", "--accelerator", "cpu", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains(LandscapeJob.PointsName, dir.Names());
        Assert.Contains(0.0, Npy.Read(dir.File("mu.npy")).Values);
        var p = KlGpu.Specs.MixtureSpec.Parse("0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)");

        var reverse = Map(dir.Path, "reverse");
        var minima = Points(reverse, "minima");
        var saddles = Points(reverse, "saddles");
        Assert.Equal(4, minima.Count);
        Assert.Equal(3, saddles.Count);
        foreach (var (x, minimum) in minima.Select(x => (x, true)).Concat(saddles.Select(x => (x, false))))
        {
            Assert.True(Math.Abs(x.Value - Reverse(p, x.Mu, Math.Log(x.Sigma))) <= 1e-9 * x.Value, $"value at ({x.Mu}, {x.Sigma})");
            var (g, h) = Differences(p, x);
            Assert.True(Math.Abs(g[0]) < 1e-6 && Math.Abs(g[1]) < 1e-6, $"reference gradient ({g[0]:G3}, {g[1]:G3}) at ({x.Mu}, {x.Sigma})");
            double det = h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0];
            Assert.True(minimum ? det > 0 && h[0, 0] > 0 : det < 0, $"Hessian at ({x.Mu}, {x.Sigma}): det {det:G3}");
        }
        // The mirror pairs and the symmetric points: μ = 0 or ±m with equal values.
        Assert.Equal(2, minima.Count(x => Math.Abs(x.Mu) < 1e-9));
        Assert.Equal(1, saddles.Count(x => Math.Abs(x.Mu) < 1e-9));
        foreach (var x in minima.Concat(saddles).Where(x => x.Mu > 1e-9))
            Assert.Contains(minima.Concat(saddles), y => Math.Abs(y.Mu + x.Mu) < 1e-7 && Math.Abs(y.Sigma - x.Sigma) < 1e-7);

        // An independent multi-start (reference gradient descent, then Newton) from a coarse grid of starts finds the same four minima.
        var starts = from mu in new[] { -2.5, -1.25, 0, 1.25, 2.5 } from sigma in new[] { 0.3, 0.7, 1.5 } select (mu, Math.Log(sigma));
        var independent = IndependentMultiStart.StationaryPoints(p, reverse: true, null, starts).Where(x => x.IsMinimum).ToList();
        Assert.Equal(4, independent.Count);
        foreach (var x in independent)
            Assert.Contains(minima, y => Math.Abs(y.Mu - x.Mu) < 1e-6 && Math.Abs(Math.Log(y.Sigma) - x.LogSigma) < 1e-6);

        var forward = Points(Map(dir.Path, "forward"), "minima");
        var only = Assert.Single(forward);
        Assert.True(Math.Abs(only.Mu - p.Mean) < 1e-9 && Math.Abs(only.Sigma - Math.Sqrt(p.Variance)) < 1e-9, $"forward minimum at ({only.Mu}, {only.Sigma})");
    }

    /// <summary>f(μ, s) = (μ² − 1)² + s², s = log σ: minima at μ = ±1, σ = 1 (value 0), a saddle at μ = 0, σ = 1 (value 1).</summary>
    static (double[] Value, double[] GradMu, double[] GradLogSigma) DoubleWell(double[] mu, double[] logSigma) =>
        (mu.Select((m, i) => (m * m - 1) * (m * m - 1) + logSigma[i] * logSigma[i]).ToArray(),
         mu.Select(m => 4 * m * (m * m - 1)).ToArray(), logSigma.Select(s => 2 * s).ToArray());

    /// <summary>
    /// The search on a grid of the double well with noise (which makes many shallow grid minima, as rounding does on a flat map): the two
    /// wells rank first by depth, at most <see cref="StationarySearch.MaxMinima"/> bottoms and their meeting points are polished,
    /// and exactly the two minima and the saddle come out, where the closed form puts them.
    /// </summary>
    [Fact]
    public void ANoisyGridGivesTheTrueMinimaAndSaddleWithBoundedWork()
    {
        double[] mu = Enumerable.Range(0, 81).Select(i => -2 + 4.0 * i / 80).ToArray();
        double[] sigma = Enumerable.Range(0, 61).Select(i => Math.Exp(-1 + 2.0 * i / 60)).ToArray();
        var random = new Random(5);
        var values = new double[sigma.Length, mu.Length];
        for (int r = 0; r < sigma.Length; r++)
            for (int c = 0; c < mu.Length; c++)
                values[r, c] = DoubleWell([mu[c]], [Math.Log(sigma[r])]).Value[0] + 0.2 * random.NextDouble();

        var (bottoms, _) = StationarySearch.Watershed(values);
        Assert.True(bottoms.Count > 3 * StationarySearch.MaxMinima, $"only {bottoms.Count} grid minima: the noise should make many");

        var found = StationarySearch.Find(values, mu, sigma, DoubleWell);
        Assert.True(found.Candidates <= 2 * StationarySearch.MaxMinima, $"{found.Candidates} candidates polished");
        Assert.Equal(2, found.Minima.Count);
        Assert.Equal(-1, found.Minima[0].Mu, 9);
        Assert.Equal(1, found.Minima[1].Mu, 9);
        Assert.All(found.Minima, m => Assert.Equal(1, m.Sigma, 9));
        var saddle = Assert.Single(found.Saddles);
        Assert.Equal(0, saddle.Mu, 9);
        Assert.Equal(1, saddle.Sigma, 9);
        Assert.Equal(1, saddle.Value, 9);
    }

    /// <summary>A minimum outside the grid's frame is not the map's: with μ only over [0.2, 2], the well at −1 and the saddle at 0 are left out.</summary>
    [Fact]
    public void PointsOutsideTheFrameAreLeftOut()
    {
        double[] mu = Enumerable.Range(0, 41).Select(i => 0.2 + 1.8 * i / 40).ToArray();
        double[] sigma = Enumerable.Range(0, 31).Select(i => Math.Exp(-1 + 2.0 * i / 30)).ToArray();
        var values = new double[sigma.Length, mu.Length];
        for (int r = 0; r < sigma.Length; r++)
            for (int c = 0; c < mu.Length; c++)
                values[r, c] = DoubleWell([mu[c]], [Math.Log(sigma[r])]).Value[0];
        var found = StationarySearch.Find(values, mu, sigma, DoubleWell);
        Assert.Equal(1, Assert.Single(found.Minima).Mu, 9);
        Assert.Empty(found.Saddles);
    }
}
