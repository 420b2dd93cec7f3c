namespace KlGpu.Numerics;

/// <summary>
/// Which divergence an integral computes, as its integrand of log p and log q (<see cref="FDivergence.Integrand{T, R}"/>): the
/// one code a divergence is known by from the command line's <c>Divergence</c> down to every kernel. The two KLs are codes
/// too; a Gaussian q's kernels take their closed forms instead of integrating them.
/// </summary>
public enum FIntegrand
{
    JensenShannon = 1,
    Hellinger = 2,
    TotalVariation = 3,
    Pearson = 4,
    Neyman = 5,
    Jeffreys = 6,
    /// <summary>Amari's α-divergence, of the order the caller passes beside the code.</summary>
    Alpha = 7,
    /// <summary>Rényi's divergence of the order passed beside it, through <see cref="Power"/>.</summary>
    Renyi = 8,
    /// <summary>p^α q^{1−α} itself: Rényi's integral where it is far below one.</summary>
    Power = 9,
    /// <summary>KL(p||q).</summary>
    ForwardKl = 10,
    /// <summary>KL(q||p).</summary>
    ReverseKl = 11,
}
