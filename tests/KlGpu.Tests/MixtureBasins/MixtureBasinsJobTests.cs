using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Families;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Specs;
using KlGpu.Tests.Kernels;
using Xunit;

namespace KlGpu.Tests.MixtureBasins;

/// <summary>The classic case's two runs, computed once for the tests that read them.</summary>
public sealed class ThreeModeRuns
{
    public static readonly Target Target = TargetSpec.Parse("0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)");
    readonly Lazy<ThetaBasinsRun<GaussianMixture>> reverse = new(() => Run(Divergence.Reverse)), forward = new(() => Run(Divergence.Forward));

    public ThetaBasinsRun<GaussianMixture> Of(Divergence d) => d == Divergence.Forward ? forward.Value : reverse.Value;

    static ThetaBasinsRun<GaussianMixture> Run(Divergence d)
    {
        using var engine = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        return ThetaBasinsJob.Compute(MixtureBasinsJobTests.Settings(Target, d, 32), engine);
    }
}

/// <summary>
/// Restarts of a two-component q on the three-mode target 0.3 N(−2, 0.3) + 0.4 N(0, 0.4) + 0.3 N(2, 0.3), checked against
/// <see cref="IndependentMixtureFit"/> (Gauss–Kronrod values, difference gradients, BFGS): every reported minimum is a
/// minimum of the independent value with the same value, and every minimum the independent multi-start finds is reported.
/// </summary>
public class MixtureBasinsJobTests(ThreeModeRuns runs) : IClassFixture<ThreeModeRuns>
{
    internal static ThetaBasinsSettings<GaussianMixture> Settings(Target target, Divergence d, int restarts, int steps = 1500, int components = 2,
        Precision precision = Precision.Double) =>
        new(target, d, new MixtureFamily(components), restarts, steps, Optimizer.Adam, 0.05, 1, -3, 3, 0.1, 3, 1e-6,
            ThetaBasinsSettings.DefaultClusterRadius, precision, AcceleratorKind.Cpu);

    static Divergence Of(string direction) => direction == "forward" ? Divergence.Forward : Divergence.Reverse;

    /// <summary>The minima the runs find (canonical: components by mean), written down so a change is seen.</summary>
    [Theory]
    [InlineData("reverse", 6)]
    [InlineData("forward", 3)]
    public void TheClassicCaseHasItsMinima(string direction, int minima)
    {
        var run = runs.Of(Of(direction));
        Assert.Equal(minima, run.Basins.Count(b => b.Kind == ThetaKind.Minimum && b.Polished));
        Assert.All(run.Basins, b => Assert.True(b.Polished, $"B{b.Id} not polished"));
        Assert.Equal(run.Status.Length, run.Basins.Sum(b => b.Count));
    }

    [Theory]
    [InlineData("reverse")]
    [InlineData("forward")]
    public void EveryMinimumIsAMinimumOfTheIndependentValue(string direction)
    {
        var d = Of(direction);
        bool forward = d == Divergence.Forward;
        var p = ThreeModeRuns.Target.Marginal;
        foreach (var b in runs.Of(d).Basins.Where(b => b.Kind == ThetaKind.Minimum))
        {
            double reference = forward ? ReferenceKl.Forward(p, b.Q) : ReferenceKl.Reverse(p, b.Q);
            Assert.True(Math.Abs(b.Value - reference) <= 1e-9 * reference, $"B{b.Id}: {b.Value:R} vs reference {reference:R}");
            double[] x = IndependentMixtureFit.Coordinates(b.Q);
            double norm = Math.Sqrt(IndependentMixtureFit.Gradient(p, forward, x).Sum(v => v * v));
            // A location off by δ has a gradient of about λ δ (λ up to ~5 here): 1e-8 bounds δ well below 1e-6.
            Assert.True(norm < 1e-8, $"B{b.Id}: independent gradient norm {norm:G3}");
            Assert.True(PositiveDefinite(IndependentMixtureFit.Hessian(p, forward, x)), $"B{b.Id}: independent Hessian not positive definite");
        }
    }

    [Theory]
    [InlineData("reverse")]
    [InlineData("forward")]
    public void EveryIndependentMinimumIsReported(string direction)
    {
        var d = Of(direction);
        bool forward = d == Divergence.Forward;
        var p = ThreeModeRuns.Target.Marginal;
        var reported = runs.Of(d).Basins.Where(b => b.Kind == ThetaKind.Minimum).ToList();
        // (log w1/w2, m1, m2, log s1, log s2): a start near each kind of fit, and two generic ones.
        double[][] starts =
        [
            [0, -2, 0, Math.Log(0.3), Math.Log(0.4)],
            [0, -1.5, 2.5, Math.Log(0.3), Math.Log(0.3)],
            [0.5, -2, 0.5, Math.Log(0.3), 0],
            [0, 0.1, -0.1, Math.Log(0.3), Math.Log(1.2)],
            [0, -1, 1, 0, 0],
        ];
        int found = 0;
        foreach (var start in starts)
        {
            var x = IndependentMixtureFit.Minimize(p, forward, start);
            if (x is null || !PositiveDefinite(IndependentMixtureFit.Hessian(p, forward, x))) continue;
            var q = IndependentMixtureFit.Mixture(x);
            // Canonical order, written independently: by mean; means equal (to the reference's accuracy) by std.
            bool tie = Math.Abs(q.Means[0] - q.Means[1]) < 1e-6;
            int[] order = (tie ? q.Stds[0] <= q.Stds[1] : q.Means[0] <= q.Means[1]) ? [0, 1] : [1, 0];
            found++;
            Assert.True(reported.Any(b => order.Select((k, j) =>
                Math.Max(Math.Abs(b.Q.Weights[j] - q.Weights[k]), Math.Max(Math.Abs(b.Q.Means[j] - q.Means[k]), Math.Abs(b.Q.Stds[j] - q.Stds[k])))).Max() < 1e-6),
                $"the independent minimum {q} (value {IndependentMixtureFit.Value(p, forward, x):R}) is not reported");
        }
        Assert.True(found >= 3, $"the independent multi-start found only {found} minima");
    }

    /// <summary>Restarts that end with the components in either order are one basin; mirror images are two.</summary>
    [Fact]
    public void PermutationsMergeAndMirrorImagesDoNot()
    {
        var run = runs.Of(Divergence.Reverse);
        int n = 3 * 2;
        bool merged = run.Basins.Any(b =>
        {
            var members = Enumerable.Range(0, run.Status.Length).Where(i => run.BasinOfRestart[i] == b.Id).ToList();
            return members.Any(i => run.End[i * n + 2] < run.End[i * n + 3]) && members.Any(i => run.End[i * n + 2] > run.End[i * n + 3]);
        });
        Assert.True(merged, "no basin was reached in both component orders");
        var minima = run.Basins.Where(b => b.Kind == ThetaKind.Minimum).ToList();
        foreach (var b in minima)
        {
            // The mirror image x → −x of b: means negated, then components put in order again (by mean; equal means by std).
            int[] order = Math.Abs(b.Q.Means[0] - b.Q.Means[1]) < 1e-8 ? [b.Q.Stds[0] <= b.Q.Stds[1] ? 0 : 1, b.Q.Stds[0] <= b.Q.Stds[1] ? 1 : 0] : [1, 0];
            var mirror = minima.Where(o => Math.Abs(o.Value - b.Value) <= 1e-9 * b.Value && Enumerable.Range(0, 2).All(j =>
                Math.Abs(o.Q.Means[j] + b.Q.Means[order[j]]) < 1e-6 && Math.Abs(o.Q.Stds[j] - b.Q.Stds[order[j]]) < 1e-6
                && Math.Abs(o.Q.Weights[j] - b.Q.Weights[order[j]]) < 1e-6)).ToList();
            Assert.Single(mirror); // itself when symmetric, its twin otherwise
        }
        Assert.Contains(minima, b => Math.Abs(b.Q.Means[0] + b.Q.Means[1]) > 0.1); // the asymmetric ones come as twins
    }

    /// <summary>Forward KL of a two-component q to one Gaussian: every restart collapses onto q = p, which is reported once, as N(0, 1).</summary>
    [Fact]
    public void ACollapseIsOneDegenerateBasin()
    {
        var p = TargetSpec.Parse("N(0,1)");
        using var engine = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        var run = ThetaBasinsJob.Compute(Settings(p, Divergence.Forward, 8, steps: 600), engine);
        var b = Assert.Single(run.Basins);
        Assert.Equal(ThetaKind.Degenerate, b.Kind);
        Assert.Equal(8, b.Count);
        Assert.Equal(1, b.Q.Count);
        Assert.Equal(0, b.Q.Means[0], 1e-6);
        Assert.Equal(1, b.Q.Stds[0], 1e-6);
        Assert.True(Math.Abs(b.Value) < 1e-12, $"value {b.Value:R}");
    }

    /// <summary>The kernel through ILGPU's CPU accelerator and as plain parallel C# give the same end points and basins.</summary>
    [Fact]
    public void TheAcceleratorAndTheHostPathAgree()
    {
        var s = Settings(ThreeModeRuns.Target, Divergence.Reverse, 4, steps: 150);
        ThetaBasinsRun<GaussianMixture> On(CpuExecution e)
        {
            using var engine = KlGpu.Tests.Kernels.Accelerators.Engine(e);
            return ThetaBasinsJob.Compute(s, engine);
        }
        var host = On(CpuExecution.Parallel);
        var simulated = On(CpuExecution.Simulator);
        for (int i = 0; i < host.End.Length; i++)
            Assert.True(Math.Abs(host.End[i] - simulated.End[i]) <= 1e-12 * Math.Max(1, Math.Abs(host.End[i])), $"θ[{i}]: {host.End[i]:R} vs {simulated.End[i]:R}");
        Assert.Equal(host.Basins.Count, simulated.Basins.Count);
        for (int k = 0; k < host.Basins.Count; k++)
            Assert.Equal(host.Basins[k].Value, simulated.Basins[k].Value, 1e-12);
    }

    /// <summary>Cholesky succeeds exactly for a symmetric positive definite matrix.</summary>
    static bool PositiveDefinite(double[,] a)
    {
        int n = a.GetLength(0);
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = a[i, j];
                for (int k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                if (i == j)
                {
                    if (!(s > 0)) return false;
                    l[i, i] = Math.Sqrt(s);
                }
                else l[i, j] = s / l[j, j];
            }
        return true;
    }
}

public class SymmetricEigenTests
{
    [Fact]
    public void ATridiagonalMatrixHasItsKnownEigenvalues()
    {
        // tridiag(−1, 2, −1) of size n: 2 − 2 cos(kπ/(n+1)), k = 1…n.
        const int n = 5;
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            a[i, i] = 2;
            if (i > 0) a[i, i - 1] = a[i - 1, i] = -1;
        }
        var (values, vectors) = SymmetricEigen.Decompose(a);
        for (int k = 0; k < n; k++)
        {
            Assert.Equal(2 - 2 * Math.Cos((k + 1) * Math.PI / (n + 1)), values[k], 1e-13);
            for (int r = 0; r < n; r++)
            {
                double av = 0;
                for (int c = 0; c < n; c++) av += a[r, c] * vectors[c, k];
                Assert.Equal(values[k] * vectors[r, k], av, 1e-13);
            }
        }
    }
}
