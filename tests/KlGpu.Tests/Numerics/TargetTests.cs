using KlGpu.Numerics;
using Xunit;

namespace KlGpu.Tests.Numerics;

/// <summary>The three kinds of target: what each says about itself, against closed forms worked by hand.</summary>
public class TargetTests
{
    /// <summary>
    /// Moment matching by hand: ½N(∓2, 1) has mean 0 and variance 1 + 4; two-modes(sep = 3) is ½N(0,1) + ½N(3,1) along u,
    /// mean 1.5 and variance 1 + 1.5²; a Laplace(1, b = 0.5) has variance 2b²; a t with ν = 3 has variance s²ν/(ν − 2).
    /// </summary>
    public static TheoryData<string, Target, double, double> Moments() => new()
    {
        { "mixture", new GaussianMixture([0.5, 0.5], [-2.0, 2.0], [1.0, 1.0]), 0, Math.Sqrt(5) },
        { "two-modes", Target.TwoModes(3, 3), 1.5, Math.Sqrt(3.25) },
        { "laplace", Target.HeavyTailed(new HeavyTailedMixture([1.0], [ComponentKind.Laplace], [0.0], [1.0], [0.5])), 1, Math.Sqrt(0.5) },
        { "t3", Target.HeavyTailed(new HeavyTailedMixture([1.0], [ComponentKind.StudentT], [3.0], [-1.0], [2.0])), -1, Math.Sqrt(12) },
    };

    [Theory]
    [MemberData(nameof(Moments))]
    public void MomentMatchingIsPsMeanAndStd(string name, Target p, double mean, double std)
    {
        var (m, s) = p.MomentMatch ?? throw new Xunit.Sdk.XunitException($"{name}: no moment match");
        Assert.Equal(mean, m, 1e-14);
        Assert.Equal(std, s, 1e-14);
    }

    [Fact]
    public void ATWithInfiniteVarianceHasNoMomentMatch() =>
        Assert.Null(Target.HeavyTailed(new HeavyTailedMixture([0.5, 0.5], [ComponentKind.StudentT, ComponentKind.Normal], [2.0, 0.0], [0.0, 3.0], [1.0, 1.0])).MomentMatch);

    [Fact]
    public void TheTwoModeTargetIsItsLawAlongU()
    {
        var p = Assert.IsType<TwoModeTarget>(Target.TwoModes(5, 2.5));
        Assert.Equal(5, p.Dimension);
        Assert.Equal(2.5, p.Separation);
        Assert.Equal([0.0, 2.5], p.Components.Locations);
        Assert.Equal([1.0, 1.0], p.Components.Scales);
        // log(½φ(x) + ½φ(x − 2.5)) at x = 1.25, where both terms are φ(1.25).
        Assert.Equal(-0.5 * Math.Log(2 * Math.PI) - 0.5 * 1.25 * 1.25, p.LogDensity(1.25), 1e-15);
        Assert.Equal("two-modes(d=5, sep=2.5)", p.ToString());
    }

    [Fact]
    public void OnlyTheGaussianKindsHaveAMarginalAndEveryKindIsAHeavyTailedMixture()
    {
        Target gaussian = new GaussianMixture([0.25, 0.75], [-1.0, 2.0], [0.5, 1.5]);
        var laplace = new HeavyTailedMixture([1.0], [ComponentKind.Laplace], [0.0], [0.0], [1.0]);
        var heavy = Target.HeavyTailed(laplace);
        Assert.IsType<MixtureTarget>(gaussian);
        Assert.Same(laplace, Assert.IsType<HeavyTailedTarget>(heavy).Mixture);
        Assert.Throws<InvalidOperationException>(() => heavy.Marginal);
        Assert.Equal(1, heavy.Dimension);
        Assert.Equal("", heavy.Along);
        Assert.Equal(" along u", Target.TwoModes(5, 2.5).Along);
        // The heavy-tailed form of a Gaussian mixture has the same law (its density at a few points), and is made once.
        Assert.Same(laplace, heavy.AsHeavyTailed);
        Assert.Same(gaussian.AsHeavyTailed, gaussian.AsHeavyTailed);
        foreach (double x in new[] { -3.0, -1.0, 0.5, 2.0, 6.0 })
            Assert.Equal(gaussian.LogDensity(x), gaussian.AsHeavyTailed.LogDensity(x), 1e-14);
    }
}
