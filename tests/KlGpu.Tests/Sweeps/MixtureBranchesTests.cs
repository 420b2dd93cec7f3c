using KlGpu.Families;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Sweeps;
using Xunit;

namespace KlGpu.Tests.Sweeps;

/// <summary>The rule that joins a mixture sweep's stationary points across values, on hand-made basins.</summary>
public class MixtureBranchesTests
{
    static readonly Target P = new MixtureTarget(new GaussianMixture([0.5, 0.5], [-2, 2], [1, 1]));

    static ThetaBasin<GaussianMixture> Basin(int id, ThetaKind kind, double[] w, double[] m, double[] s, double value = 0.1, double fraction = 0.5) =>
        new(id, kind, new GaussianMixture(w, m, s), value, 1, fraction, [1, 1, 1, 1, 1], 0, 0, true);

    internal static MixtureSweepPoint Point(double t, params ThetaBasin<GaussianMixture>[] basins)
    {
        var settings = new ThetaBasinsSettings<GaussianMixture>(P, Divergence.Reverse, new MixtureFamily(2), basins.Length, 1, Optimizer.Adam, 0.05, 1, -5, 5, 0.1, 5, 1e-8,
            ThetaBasinsSettings.DefaultClusterRadius, Precision.Double, AcceleratorKind.Cpu);
        return new MixtureSweepPoint(t, P, new ThetaBasinsRun<GaussianMixture>(settings, [], [], [], [], [], [], [], basins, "cpu", "test", 0, 0));
    }

    static ThetaBasin<GaussianMixture> Symmetric(int id, double m) => Basin(id, ThetaKind.Minimum, [0.5, 0.5], [-m, m], [1.2, 1.2]);
    static ThetaBasin<GaussianMixture> Lopsided(int id, double m, bool mirror) => mirror
        ? Basin(id, ThetaKind.Minimum, [0.7, 0.3], [-1, m], [1.8, 1])
        : Basin(id, ThetaKind.Minimum, [0.3, 0.7], [-m, 1], [1, 1.8]);

    [Fact]
    public void Moving_basins_are_joined_to_their_own_continuation_whatever_the_order_they_are_listed_in()
    {
        var points = new[]
        {
            Point(2.7, Lopsided(0, 2.7, false), Lopsided(1, 2.7, true)),
            Point(2.8, Lopsided(0, 2.8, true), Lopsided(1, 2.8, false)), // listed the other way round
        };

        var links = MixtureBranches.Join(points);

        Assert.Equal(2, links.Count);
        Assert.Contains(links, l => l.BasinFrom == 0 && l.BasinTo == 1);
        Assert.Contains(links, l => l.BasinFrom == 1 && l.BasinTo == 0);
        Assert.All(links, l => Assert.Equal([(0, 0), (1, 1)], l.Components));
        Assert.All(links, l => Assert.InRange(l.Distance, 1e-6, MixtureBranches.MaxDistance));
    }

    [Fact]
    public void A_symmetric_q_is_not_tied_to_one_of_two_mirror_images_nor_to_a_far_law()
    {
        var points = new[]
        {
            Point(2.7, Symmetric(0, 1.6)),
            Point(2.8, Lopsided(0, 2.8, false), Lopsided(1, 2.8, true)), // equally near the symmetric q
            Point(2.9, Basin(0, ThetaKind.Minimum, [0.5, 0.5], [-6, 6], [0.3, 0.3])), // nothing like either
        };

        // Near enough to be joined, were the nearest one clear.
        Assert.InRange(MixtureDistance.RelativeL2(points[0].Run.Basins[0].Q, points[1].Run.Basins[0].Q), 0, MixtureBranches.MaxDistance);
        Assert.Empty(MixtureBranches.Join(points));
    }

    [Fact]
    public void Components_are_paired_by_the_least_move_and_a_collapsed_q_pairs_as_many_as_it_has()
    {
        var a = new GaussianMixture([0.2, 0.5, 0.3], [-3, 0, 3], [1, 1, 1]);
        var b = new GaussianMixture([0.3, 0.2, 0.5], [3.1, -2.9, 0.1], [1, 1, 1]);
        Assert.Equal([(0, 1), (1, 2), (2, 0)], MixtureBranches.PairComponents(a, b));

        var collapsed = GaussianMixture.Gaussian(2.9, 1.1);
        Assert.Equal([(2, 0)], MixtureBranches.PairComponents(a, collapsed));
        Assert.Equal([(0, 2)], MixtureBranches.PairComponents(collapsed, a));
    }
}
