using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using Xunit;

namespace KlGpu.Tests.Numerics;

public class MixtureDistanceTests
{
    static readonly GaussianMixture A = new([0.3, 0.7], [-1.5, 0.8], [0.4, 1.3]);
    static readonly GaussianMixture B = new([0.2, 0.5, 0.3], [-2, 0.1, 2.5], [0.6, 0.9, 0.35]);

    /// <summary>∫ a b and ∫ (a − b)² by adaptive Gauss–Kronrod of the densities, which shares nothing with the closed form.</summary>
    static double Quadrature(Func<double, double> f) =>
        GaussKronrod.G10K21.Integrate(f, [-30, -3, -1, 0, 1, 3, 30], 1e-14, 1e-16, 100000).Value;

    static double Density(GaussianMixture q, double x) =>
        Enumerable.Range(0, q.Count).Sum(k => q.Weights[k] * Math.Exp(-0.5 * Math.Pow((x - q.Means[k]) / q.Stds[k], 2)) / (q.Stds[k] * Math.Sqrt(2 * Math.PI)));

    [Fact]
    public void The_inner_product_is_the_integral_of_the_product()
    {
        Assert.Equal(Quadrature(x => Density(A, x) * Density(B, x)), MixtureDistance.Inner(A, B), 1e-13);
        Assert.Equal(Quadrature(x => Density(A, x) * Density(A, x)), MixtureDistance.Inner(A, A), 1e-13);
    }

    [Fact]
    public void The_relative_distance_is_the_L2_norm_of_the_difference_over_the_sum_of_norms()
    {
        double diff = Math.Sqrt(Quadrature(x => Math.Pow(Density(A, x) - Density(B, x), 2)));
        double norms = Math.Sqrt(Quadrature(x => Density(A, x) * Density(A, x))) + Math.Sqrt(Quadrature(x => Density(B, x) * Density(B, x)));
        Assert.Equal(diff / norms, MixtureDistance.RelativeL2(A, B), 1e-12);
    }

    [Fact]
    public void A_relabelled_mixture_is_the_same_law()
    {
        var relabelled = new GaussianMixture([0.7, 0.3], [0.8, -1.5], [1.3, 0.4]);
        Assert.Equal(0, MixtureDistance.RelativeL2(A, relabelled), 1e-7);
        Assert.True(MixtureDistance.RelativeL2(A, B) > 0.1);
        // Far apart, equally peaked: ‖a − b‖ = √2 ‖a‖, so the distance is 1/√2.
        Assert.Equal(1 / Math.Sqrt(2), MixtureDistance.RelativeL2(GaussianMixture.Gaussian(-50, 1), GaussianMixture.Gaussian(50, 1)), 1e-12);
    }
}
