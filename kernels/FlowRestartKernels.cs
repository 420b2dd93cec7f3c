using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>Optimizer restarts of a flow q (<see cref="SinhArcsinhFlow"/>): θ = (μ, log σ, then α, β, ε, γ per layer), 2 + 4K
/// numbers per restart.</summary>
public static class FlowRestartKernels
{
    /// <summary>
    /// One restart per thread: <paramref name="theta"/>'s numbers from index·(2 + 4K) hold the start and receive the end point;
    /// <paramref name="kind"/> is <see cref="FIntegrand.ForwardKl"/> or <see cref="FIntegrand.ReverseKl"/>. A restart stops at
    /// the first iterate whose gradient norm is below the tolerance; it diverges if log σ, a β or a γ leaves
    /// ±<see cref="SinhArcsinhFlow.LogScaleLimit"/> or anything stops being finite. <paramref name="order"/> is the restart
    /// kernels' shared slot for α of α and Rényi, which a flow's KLs do not read.
    /// </summary>
    public static void Optimize<T, R>(Index1D index, int layers, FIntegrand kind, T order, ArrayView<T> theta, LogMixturePlanView<T> target,
        OptimizerSettings<T> settings, ArrayView<T> scratch, ArrayView<T> value, ArrayView<T> gradientNorm, ArrayView<int> steps,
        ArrayView<int> status)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        int n = SinhArcsinhFlow.Parameters(layers), size = SinhArcsinhFlow.RestartScratch(layers);
        var th = new ViewVector<T>(theta.SubView((long)index.X * n, n));
        var work = scratch.SubView((long)index.X * size, size);
        var g = new ViewVector<T>(work.SubView(0, n));
        var m1 = work.SubView(n, n);
        var m2 = work.SubView(2 * n, n);
        var ys = new ViewVector<T>(work.SubView(3 * n, layers + 1));
        for (int i = 0; i < n; i++)
        {
            m1[i] = T.Zero;
            m2[i] = T.Zero;
        }
        var rule = new RuleView<T>(target.RuleNodes, target.RuleWeights);
        var progress = new RestartProgress<T>(settings);
        T f = T.Zero, norm = T.Zero;
        for (int t = 0; t <= settings.MaxSteps; t++)
        {
            bool finite = InDomain<T, R>(layers, th);
            if (finite)
            {
                f = SinhArcsinhFlow.ValueAndGradient<T, R, LogMixturePlanView<T>, ViewVector<T>, RuleView<T>>(kind, target, layers, th, ys, g, rule);
                T squared = T.Zero;
                for (int i = 0; i < n; i++) squared += g[i] * g[i];
                norm = T.Sqrt(squared);
                finite = T.IsFinite(f) && T.IsFinite(norm);
            }
            if (!progress.Continue(settings, t, finite, norm, out var update)) break;
            for (int i = 0; i < n; i++) th[i] = th[i] - update.Step(g[i], ref m1[i], ref m2[i]);
        }
        value[index] = f;
        gradientNorm[index] = norm;
        steps[index] = progress.Taken;
        status[index] = progress.Outcome;
    }

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

    static bool InDomain<T, R>(int layers, in ViewVector<T> th) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
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
