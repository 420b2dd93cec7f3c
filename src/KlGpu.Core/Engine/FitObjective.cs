using System.Numerics;
using KlGpu.Kernels;
using KlGpu.Numerics;

namespace KlGpu.Engine;

/// <summary>Receives a fit objective as its kernel struct, in the backend's precision: the one generic launch of restarts or
/// gradients serves every family through it.</summary>
interface IObjectiveUser<T> where T : unmanaged
{
    void Use<F>(F fit) where F : struct, IFitObjective<T>;
}

/// <summary>
/// What a restart descends, on the host and in double: a target's prepared plan, the divergence and the family of q. It makes
/// its kernel struct (<see cref="IFitObjective{T}"/>) in whatever precision the backend runs, so a new family of q adds one
/// such class and one kernel struct, and the restart and gradient launches stay as they are.
/// </summary>
abstract class FitObjective
{
    public abstract void On<T, R>(Backend<T, R> backend, IObjectiveUser<T> user)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>;
}

/// <summary>q = N(μ, σ) against a Gaussian mixture (<see cref="GaussianFit{T, R}"/>).</summary>
sealed class GaussianObjective(LogMixturePlan plan, TargetMoments<double> moments, FIntegrand divergence, double order) : FitObjective
{
    public override void On<T, R>(Backend<T, R> backend, IObjectiveUser<T> user) => user.Use(new GaussianFit<T, R>
    {
        Target = backend.Upload(plan), Moments = Backend<T, R>.Convert(moments), Divergence = divergence, Order = R.Of(order),
    });
}

/// <summary>q = N(μ, σ) against a heavy-tailed mixture (<see cref="HeavyTailGaussianFit{T, R}"/>).</summary>
sealed class HeavyTailObjective(HeavyTailPlan plan, TargetMoments<double> moments, FIntegrand divergence) : FitObjective
{
    public override void On<T, R>(Backend<T, R> backend, IObjectiveUser<T> user) => user.Use(new HeavyTailGaussianFit<T, R>
    {
        Target = backend.Upload(plan), Moments = Backend<T, R>.Convert(moments), Divergence = divergence,
    });
}
