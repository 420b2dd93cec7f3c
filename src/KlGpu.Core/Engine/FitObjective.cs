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

/// <summary>Receives a θ family's objective as its kernel struct, in the backend's precision.</summary>
interface IThetaObjectiveUser<T> where T : unmanaged
{
    void Use<F>(F objective) where F : struct, IThetaObjective<T>;
}

/// <summary>What a θ family's restarts descend, on the host: the target's plan, the divergence, and θ's shape. It makes its
/// kernel struct (<see cref="IThetaObjective{T}"/>) in whatever precision the backend runs, so a new θ family adds one such
/// class and one kernel struct, and the restart launch stays as it is.</summary>
abstract class ThetaObjective
{
    /// <summary>Numbers in θ.</summary>
    public abstract int Size { get; }

    public abstract void On<T, R>(Backend<T, R> backend, IThetaObjectiveUser<T> user)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>;
}

/// <summary>A K-component mixture q (<see cref="MixtureThetaFit{T, R}"/>).</summary>
sealed class MixtureThetaObjective(LogMixturePlan plan, FIntegrand divergence, double order, int components) : ThetaObjective
{
    public override int Size => MixtureFit.ParametersPerComponent * components;

    public override void On<T, R>(Backend<T, R> backend, IThetaObjectiveUser<T> user) => user.Use(new MixtureThetaFit<T, R>
    {
        Target = backend.Upload(plan), Divergence = divergence, Order = R.Of(order), Count = components,
    });
}

/// <summary>A K-layer flow q (<see cref="FlowThetaFit{T, R}"/>).</summary>
sealed class FlowThetaObjective(LogMixturePlan plan, FIntegrand divergence, int layers) : ThetaObjective
{
    public override int Size => SinhArcsinhFlow.Parameters(layers);

    public override void On<T, R>(Backend<T, R> backend, IThetaObjectiveUser<T> user) => user.Use(new FlowThetaFit<T, R>
    {
        Target = backend.Upload(plan), Divergence = divergence, Layers = layers,
    });
}
