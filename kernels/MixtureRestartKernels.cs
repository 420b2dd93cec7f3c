using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>A device view as a vector.</summary>
public readonly struct ViewVector<T>(ArrayView<T> data) : IVector<T> where T : unmanaged
{
    public T this[int i]
    {
        get => data[i];
        set => data[i] = value;
    }
}

/// <summary>Optimizer restarts of a K-component mixture q: θ = (logits, means, log stds), 3K numbers per restart.</summary>
public static class MixtureRestartKernels
{
    /// <summary>Scratch numbers per restart and component: q's triple, the gradient, and the update rule's two moments.</summary>
    public const int ScratchPerComponent = 12;

    /// <summary>
    /// One restart per thread: <paramref name="theta"/>'s 3K numbers from index·3K hold the start and receive the end point;
    /// <paramref name="kind"/> is any <see cref="FIntegrand"/>, the KLs included, and <paramref name="order"/> α for α and
    /// Rényi. A restart stops at
    /// the first iterate whose gradient norm is below the tolerance; it diverges if a log std leaves ±LogSigmaLimit or
    /// anything stops being finite (a χ², α or Rényi integral that diverges at θ has a NaN gradient). The KLs' steps integrate
    /// on <see cref="MixtureQuadrature.Restarts"/>' panels, a quarter of the polish's nodes (the polish re-evaluates every
    /// basin on its own); the other divergences on their own panels (<see cref="MixtureFit.ValueAndGradient{T, R, SP, V, RU}"/>). The logits are re-centred after each step (their gradient sums to zero; only their
    /// differences matter), so they cannot drift.
    /// </summary>
    public static void Optimize<T, R>(Index1D index, int count, FIntegrand kind, T order, ArrayView<T> theta, LogMixturePlanView<T> target,
        OptimizerSettings<T> settings, ArrayView<T> scratch, ArrayView<T> value, ArrayView<T> gradientNorm, ArrayView<int> steps,
        ArrayView<int> status)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        int n = MixtureFit.ParametersPerComponent * count;
        var th = new ViewVector<T>(theta.SubView((long)index.X * n, n));
        var work = scratch.SubView((long)index.X * ScratchPerComponent * count, ScratchPerComponent * count);
        var q = new ViewVector<T>(work.SubView(0, n));
        var g = new ViewVector<T>(work.SubView(n, n));
        var m1 = work.SubView(2 * n, n);
        var m2 = work.SubView(3 * n, n);
        for (int i = 0; i < n; i++)
        {
            m1[i] = T.Zero;
            m2[i] = T.Zero;
        }
        var rule = new RuleView<T>(target.RuleNodes, target.RuleWeights);
        var progress = new RestartProgress<T>(settings);
        var layout = MixtureQuadrature.Restarts;
        T f = T.Zero, norm = T.Zero;
        for (int t = 0; t <= settings.MaxSteps; t++)
        {
            bool finite = true;
            for (int i = 0; i < n; i++) finite &= T.IsFinite(th[i]);
            for (int k = 0; k < count; k++) finite &= T.Abs(th[2 * count + k]) <= R.Of(RestartKernels.LogSigmaLimit);
            if (finite)
            {
                // The steps need only the gradient; the value is integrated once, at the end point.
                MixtureFit.ValueAndGradient<T, R, LogMixturePlanView<T>, ViewVector<T>, RuleView<T>>(kind, order, layout, target, count, th, q,
                    g, rule, withValue: false);
                T squared = T.Zero;
                for (int i = 0; i < n; i++) squared += g[i] * g[i];
                norm = T.Sqrt(squared);
                finite = T.IsFinite(norm);
            }
            if (!progress.Continue(settings, t, finite, norm, out var update)) break;
            for (int i = 0; i < n; i++) th[i] = th[i] - update.Step(g[i], ref m1[i], ref m2[i]);
            T mean = T.Zero;
            for (int k = 0; k < count; k++) mean += th[k];
            mean /= R.Of(count);
            for (int k = 0; k < count; k++) th[k] = th[k] - mean;
        }
        if (progress.Outcome != RestartStatus.Diverged)
        {
            f = MixtureFit.ValueAndGradient<T, R, LogMixturePlanView<T>, ViewVector<T>, RuleView<T>>(kind, order, layout, target, count, th, q, g, rule);
            if (!T.IsFinite(f)) progress.Outcome = RestartStatus.Diverged;
        }
        value[index] = f;
        gradientNorm[index] = norm;
        steps[index] = progress.Taken;
        status[index] = progress.Outcome;
    }
}
