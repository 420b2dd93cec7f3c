using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>
/// Restarts of a K-component mixture q: θ = (logits, means, log stds), 3K numbers, against a Gaussian-mixture target under
/// <see cref="Divergence"/> (any <see cref="FIntegrand"/>, the KLs included) of order <see cref="Order"/> for α and Rényi.
/// A log std beyond ±LogSigmaLimit is out of the domain. The KLs' steps integrate on <see cref="MixtureQuadrature.Restarts"/>'
/// panels, a quarter of the polish's nodes (the polish re-evaluates every basin on its own); the other divergences on their
/// own panels (<see cref="MixtureFit.ValueAndGradient{T, R, SP, V, RU}"/>). Steps need only the gradient: the value is
/// integrated once, at the end point. The logits are re-centred after each step (their gradient sums to zero; only their
/// differences matter), so they cannot drift.
/// </summary>
public struct MixtureThetaFit<T, R> : IThetaObjective<T> where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    public LogMixturePlanView<T> Target;
    public FIntegrand Divergence;
    public T Order;
    public int Count;

    public readonly int Size => MixtureFit.ParametersPerComponent * Count;

    /// <summary>q's triple per component.</summary>
    public readonly int Work => Size;

    public readonly bool ValueEachStep => false;

    public readonly bool InDomain(ViewVector<T> theta)
    {
        bool finite = true;
        for (int i = 0; i < Size; i++) finite &= T.IsFinite(theta[i]);
        for (int k = 0; k < Count; k++) finite &= T.Abs(theta[2 * Count + k]) <= R.Of(RestartKernels.LogSigmaLimit);
        return finite;
    }

    public readonly T Step(ViewVector<T> theta, ViewVector<T> gradient, ArrayView<T> work)
    {
        MixtureFit.ValueAndGradient<T, R, LogMixturePlanView<T>, ViewVector<T>, RuleView<T>>(Divergence, Order, MixtureQuadrature.Restarts, Target, Count,
            theta, new ViewVector<T>(work), gradient, new RuleView<T>(Target.RuleNodes, Target.RuleWeights), withValue: false);
        return T.Zero;
    }

    public readonly T End(ViewVector<T> theta, ViewVector<T> gradient, ArrayView<T> work) =>
        MixtureFit.ValueAndGradient<T, R, LogMixturePlanView<T>, ViewVector<T>, RuleView<T>>(Divergence, Order, MixtureQuadrature.Restarts, Target, Count,
            theta, new ViewVector<T>(work), gradient, new RuleView<T>(Target.RuleNodes, Target.RuleWeights));

    public readonly void AfterStep(ViewVector<T> theta)
    {
        T mean = T.Zero;
        for (int k = 0; k < Count; k++) mean += theta[k];
        mean /= R.Of(Count);
        for (int k = 0; k < Count; k++) theta[k] = theta[k] - mean;
    }
}
