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

    public readonly bool InDomain(ViewVector<T> theta) => FlowRestartKernels.InDomain<T, R>(Layers, theta);

    public readonly T Step(ViewVector<T> theta, ViewVector<T> gradient, ArrayView<T> work) =>
        SinhArcsinhFlow.ValueAndGradient<T, R, LogMixturePlanView<T>, ViewVector<T>, RuleView<T>>(Divergence, Target, Layers, theta,
            new ViewVector<T>(work), gradient, new RuleView<T>(Target.RuleNodes, Target.RuleWeights));

    public readonly T End(ViewVector<T> theta, ViewVector<T> gradient, ArrayView<T> work) => Step(theta, gradient, work);

    public readonly void AfterStep(ViewVector<T> theta) { }
}

/// <summary>A flow q's values and gradients at given θ, for the host's checks of the kernel path and for slices.</summary>
public static class FlowRestartKernels
{
    /// <summary>Value and gradient at given θ, one per thread: for the host's checks of the kernel path.</summary>
    public static void Gradient<T, R>(Index1D index, int layers, FIntegrand kind, ArrayView<T> theta, LogMixturePlanView<T> target,
        ArrayView<T> scratch, ArrayView<T> gradient, ArrayView<T> value)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        int n = SinhArcsinhFlow.Parameters(layers), size = SinhArcsinhFlow.Scratch(layers);
        var th = new ViewVector<T>(theta.SubView((long)index.X * n, n));
        var g = new ViewVector<T>(gradient.SubView((long)index.X * n, n));
        var ys = new ViewVector<T>(scratch.SubView((long)index.X * size, size));
        var rule = new RuleView<T>(target.RuleNodes, target.RuleWeights);
        value[index] = InDomain<T, R>(layers, th)
            ? SinhArcsinhFlow.ValueAndGradient<T, R, LogMixturePlanView<T>, ViewVector<T>, RuleView<T>>(kind, target, layers, th, ys, g, rule)
            : T.NaN;
    }

    internal static bool InDomain<T, R>(int layers, in ViewVector<T> th) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        int n = SinhArcsinhFlow.Parameters(layers);
        bool finite = true;
        for (int i = 0; i < n; i++) finite &= T.IsFinite(th[i]);
        T limit = R.Of(SinhArcsinhFlow.LogScaleLimit);
        finite &= T.Abs(th[1]) <= limit;
        for (int k = 0; k < layers; k++)
            finite &= T.Abs(th[3 + SinhArcsinhFlow.ParametersPerLayer * k]) <= limit && T.Abs(th[5 + SinhArcsinhFlow.ParametersPerLayer * k]) <= limit;
        return finite;
    }
}
