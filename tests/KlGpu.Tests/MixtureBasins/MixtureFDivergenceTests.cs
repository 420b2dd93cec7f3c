using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Specs;
using Xunit;
using Xunit.Abstractions;

namespace KlGpu.Tests.MixtureBasins;

/// <summary>
/// A mixture q under every f-divergence: the value of <see cref="MixtureFit"/> (the restart kernel's and the polish's)
/// against <see cref="FDivergenceReference"/>'s Gauss–Kronrod, the gradient in (logits, means, log stds) against five-point
/// differences of that reference, and restarts whose best basin is a stationary point of the reference at its value.
/// </summary>
public class MixtureFDivergenceTests(ITestOutputHelper output)
{
    static readonly GaussianMixture ThreeModes = new([0.3, 0.4, 0.3], [-2, 0, 2], [0.3, 0.4, 0.3]);

    static readonly string[] Names = ["js", "hellinger", "tv", "pearson", "neyman", "jeffreys", "alpha:0.5", "alpha:2", "alpha:-0.5", "renyi:0.5", "renyi:2"];

    /// <summary>θ = (logits, means, log stds): between the modes; near the two-mode optimum; one narrow and one broad off the
    /// modes (Neyman and α = −0.5 infinite: q wider than √2 and √3 of p's widest 0.4); three components.</summary>
    static readonly double[][] Thetas =
    [
        [0.2, -0.3, -1.5, 1.0, Math.Log(0.4), Math.Log(0.35)],
        [0.0, 0.0, -2.1, 2.05, Math.Log(0.3), Math.Log(0.31)],
        [1.0, -0.5, 3.0, -4.0, Math.Log(0.2), Math.Log(1.2)],
        [-0.4, 0.1, 0.3, -1.0, 0.4, 1.8, Math.Log(0.25), Math.Log(0.5), Math.Log(0.35)],
    ];

    public static IEnumerable<object[]> Cases() =>
        from name in Names from i in Enumerable.Range(0, Thetas.Length) select new object[] { name, i };

    /// <summary>1e-9 relative (1e-12 absolute near zero) for the smooth integrands; TV's kinks are cut at p = q to
    /// bisection's rounding, and it reaches the same.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void TheValueMatchesTheReference(string name, int index)
    {
        var d = Divergence.TryParse(name)!;
        double[] theta = Thetas[index];
        double reference = FDivergenceReference.Value(d, ThreeModes, MixtureFit.Mixture(theta));
        double[] gradient = new double[theta.Length];
        double value = MixtureFit.ValueAndGradient(d.Integrand, ThreeModes, theta, gradient, d.Order);
        output.WriteLine($"{name} θ{index}: {value:R} vs {reference:R}, relative {Math.Abs(value - reference) / Math.Abs(reference):E1}");
        if (double.IsPositiveInfinity(reference))
        {
            Assert.Equal(double.PositiveInfinity, value);
            Assert.All(gradient, g => Assert.True(double.IsNaN(g)));
            return;
        }
        Assert.True(Math.Abs(value - reference) <= Math.Max(1e-9 * Math.Abs(reference), 1e-12), $"{name}: {value:R} vs reference {reference:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheGradientMatchesFivePointDifferences(string name, int index)
    {
        var d = Divergence.TryParse(name)!;
        double[] theta = Thetas[index];
        if (!double.IsFinite(FDivergenceReference.Value(d, ThreeModes, MixtureFit.Mixture(theta)))) return;
        double[] gradient = new double[theta.Length];
        MixtureFit.ValueAndGradient(d.Integrand, ThreeModes, theta, gradient, d.Order);
        double value = FDivergenceReference.Value(d, ThreeModes, MixtureFit.Mixture(theta));
        // Richardson's extrapolation of the five-point differences at h and h/2 (truncation h⁴f⁽⁵⁾/30 reached 6e-8 relative at
        // h = 1e-3 where χ² and α = 2 peak far out, |f| ~ 1e5). It carries the reference's rounding, 1e-14 |f| over h/2.
        double[] coarse = Differences(d, theta, 1e-3), fine = Differences(d, theta, 5e-4);
        double[] differences = coarse.Zip(fine, (c, f) => (16 * f - c) / 15).ToArray();
        double worst = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            double error = Math.Abs(gradient[i] - differences[i]) / (Math.Max(1, Math.Abs(differences[i])) + 1e-2 * Math.Abs(value));
            worst = Math.Max(worst, error);
            Assert.True(error <= 1e-8, $"{name} θ[{i}]: analytic {gradient[i]:R} vs differences {differences[i]:R}");
        }
        output.WriteLine($"{name} θ{index}: worst gradient error {worst:E1}");
    }

    /// <summary>
    /// Restarts of a two-component q on the kernels (CPU, double), clustered and polished: the best basin's value is the
    /// reference's at its θ (1e-9), and the reference's gradient there, by differences, is zero to their accuracy. Few
    /// restarts where a step costs most (TV bisects its kinks; χ² and Rényi 2 peak far out).
    /// </summary>
    [Theory]
    [InlineData("js", 8)]
    [InlineData("hellinger", 8)]
    [InlineData("tv", 3)]
    [InlineData("pearson", 4)]
    [InlineData("renyi:2", 4)]
    [InlineData("alpha:-0.5", 8)]
    public void TheBestBasinIsAStationaryPointOfTheReference(string name, int restarts)
    {
        var d = Divergence.TryParse(name)!;
        using var engine = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        var run = ThetaBasinsJob.Compute(MixtureBasinsJobTests.Settings(ThreeModeRuns.Target, d, restarts, steps: 800), engine);
        var best = run.Basins.Where(b => b.Polished).MinBy(b => b.Value)!;
        double reference = FDivergenceReference.Value(d, ThreeModes, best.Q);
        // h = 1e-4: near TV's optimum the value's fifth derivative is large (p and q nearly tangent), and h = 1e-3 left 2e-5.
        double[] theta = MixtureFit.Parameters(best.Q), differences = Differences(d, theta, 1e-4);
        output.WriteLine($"{name}: {run.Summary()}; best {best.Kind} {best.Q} at {best.Value:R} vs reference {reference:R}; "
            + $"reference gradient there {string.Join(", ", differences.Select(g => g.ToString("E1")))}");
        Assert.True(Math.Abs(best.Value - reference) <= 1e-9 * Math.Max(1, Math.Abs(reference)), $"{best.Value:R} vs {reference:R}");
        Assert.All(differences, g => Assert.True(Math.Abs(g) <= 1e-7, $"reference gradient {g:E2} at the best basin"));
    }

    /// <summary>`klgpu basins` with an f-divergence: a two-component q to one Gaussian collapses onto it, value 0.</summary>
    [Theory]
    [InlineData("hellinger")]
    [InlineData("pearson")]
    public void TheCliFindsTheCollapseOntoAGaussianTarget(string name)
    {
        using var folder = new KlGpu.Tests.Output.TempFolder();
        var run = KlGpu.Tests.Cli.CliRun.Of("basins", "--family", "mixture:2", "--target", "N(1,2)", "--divergence", name, "--restarts", "4",
            "--steps", "400", "--json", "--out", folder.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(run.Stdout);
        var b = Assert.Single(doc.RootElement.GetProperty("basins").EnumerateArray());
        Assert.Equal("degenerate", b.GetProperty("kind").GetString());
        Assert.Equal(1.0, Assert.Single(b.GetProperty("means").EnumerateArray()).GetDouble(), 1e-6);
        Assert.Equal(2.0, Assert.Single(b.GetProperty("stds").EnumerateArray()).GetDouble(), 1e-6);
        Assert.True(Math.Abs(b.GetProperty("value").GetDouble()) < 1e-12, b.GetProperty("value").ToString());
    }

    /// <summary>Five-point central differences of the reference: truncation h⁴f⁽⁵⁾/30 and the reference's rounding over h.</summary>
    static double[] Differences(Divergence d, double[] theta, double h)
    {
        var result = new double[theta.Length];
        for (int i = 0; i < theta.Length; i++)
        {
            double At(double shift)
            {
                double[] t = (double[])theta.Clone();
                t[i] += shift;
                return FDivergenceReference.Value(d, ThreeModes, MixtureFit.Mixture(t));
            }
            result[i] = (-At(2 * h) + 8 * At(h) - 8 * At(-h) + At(-2 * h)) / (12 * h);
        }
        return result;
    }
}
