using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>
/// Restarts of a flow q (<see cref="SinhArcsinhFlow"/>): θ = (μ, log σ, then α, β, ε, γ per layer), 2 + 4K numbers, under
/// <see cref="Divergence"/> (<see cref="FIntegrand.ForwardKl"/> or <see cref="FIntegrand.ReverseKl"/>). θ is out of the domain when
/// log σ, a β or a γ leaves ±<see cref="SinhArcsinhFlow.LogScaleLimit"/>. Every step computes the value with the gradient.
/// </summary>
public struct FlowThetaFit<T, R> : IThetaObjective<T> where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    public LogMixturePlanView<T> Target;
    public FIntegrand Divergence;
    public int Layers;

    public readonly int Size => SinhArcsinhFlow.Parameters(Layers);

    public readonly int Work => SinhArcsinhFlow.Scratch(Layers);

    public readonly bool ValueEachStep => true;

    public readonly bool InDomain(ViewVector<T> theta)
    {
        bool finite = true;
        for (int i = 0; i < Size; i++) finite &= T.IsFinite(theta[i]);
        T limit = R.Of(SinhArcsinhFlow.LogScaleLimit);
        finite &= T.Abs(theta[1]) <= limit;
        for (int k = 0; k < Layers; k++)
            finite &= T.Abs(theta[3 + SinhArcsinhFlow.ParametersPerLayer * k]) <= limit && T.Abs(theta[5 + SinhArcsinhFlow.ParametersPerLayer * k]) <= limit;
        return finite;
    }

    public readonly T Step(ViewVector<T> theta, ViewVector<T> gradient, ArrayView<T> work) =>
        SinhArcsinhFlow.ValueAndGradient<T, R, LogMixturePlanView<T>, ViewVector<T>, RuleView<T>>(Divergence, Target, Layers, theta,
            new ViewVector<T>(work), gradient, new RuleView<T>(Target.RuleNodes, Target.RuleWeights));

    public readonly T End(ViewVector<T> theta, ViewVector<T> gradient, ArrayView<T> work) => Step(theta, gradient, work);

    public readonly void AfterStep(ViewVector<T> theta) { }
}
