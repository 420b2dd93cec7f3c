using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>Which of the two KLs a map launch fills: a landscape of both asks for both at once.</summary>
[Flags]
public enum KlOutputs
{
    None = 0,
    Forward = 1,
    Reverse = 2,
}

/// <summary>The kernels. Each thread evaluates one grid point or one Gaussian; all math is in the device functions.</summary>
public static class DivergenceKernels
{
    /// <summary>
    /// One member of the f-divergence family (its <see cref="FIntegrand"/> and order α) between the target p and
    /// q = N(μ, σ) on a (μ, σ) grid, one thread per point, by <see cref="FDivergenceQuadrature"/>; output is [σ row, μ].
    /// </summary>
    public static void GaussianFDivergence<T, R>(
        Index2D index, ArrayView<T> mu, ArrayView<T> sigma, LogMixturePlanView<T> target, FIntegrand kind, T order,
        ArrayView2D<T, Stride2D.DenseX> output)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T m = mu[index.X], s = sigma[index.Y];
        var q = new GaussianComponent<T>(-T.Log(s) - R.Of(Normal.LogSqrt2Pi), m, T.One / (s * s));
        var rule = new RuleView<T>(target.RuleNodes, target.RuleWeights);
        output[index] = FDivergenceQuadrature.Divergence<T, R, LogMixturePlanView<T>, GaussianComponent<T>, RuleView<T>>(kind, order, target, q, rule);
    }

    /// <summary>
    /// The squared kernel Stein discrepancy KSD²(q, p) with the IMQ kernel (c² + r²)^β between q = N(μ, σ) and the target p on a
    /// (μ, σ) grid, one thread per point, by <see cref="SteinDiscrepancy"/>; output is [σ row, μ].
    /// </summary>
    public static void GaussianKsd<T, R>(
        Index2D index, ArrayView<T> mu, ArrayView<T> sigma, LogMixturePlanView<T> target, T c, T beta,
        ArrayView2D<T, Stride2D.DenseX> output)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        var rule = new RuleView<T>(target.RuleNodes, target.RuleWeights);
        output[index] = SteinDiscrepancy.Squared<T, R, LogMixturePlanView<T>, RuleView<T>>(target, mu[index.X], sigma[index.Y], c, beta, rule);
    }

    /// <summary>E_{N(μ_i, σ_i)}[log f] for a list of Gaussians: the building block of every mixture divergence.</summary>
    public static void ExpectedLog<T, R>(Index1D index, ArrayView<T> mu, ArrayView<T> sigma, LogMixturePlanView<T> f, ArrayView<T> result)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        => result[index] = ExpectedLogDensity.Evaluate<T, R>(mu[index], sigma[index], f);
}
