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

/// <summary>
/// What a restart of a family whose q is a vector θ (a mixture's components, a flow's layers) descends: θ's size, where θ may
/// go, the gradient, and what happens after a step. A new such family adds one of these and reuses
/// <see cref="ThetaRestartKernels.Optimize{T, R, F}"/> as it is.
/// </summary>
public interface IThetaObjective<T> where T : unmanaged
{
    /// <summary>Numbers in θ.</summary>
    int Size { get; }

    /// <summary>Scratch numbers the objective needs per restart beside the optimizer's.</summary>
    int Work { get; }

    /// <summary>Whether θ is inside the domain the objective answers for (finite, scales within their limits).</summary>
    bool InDomain(ViewVector<T> theta);

    /// <summary>The gradient into <paramref name="gradient"/>, and the value where <see cref="ValueEachStep"/> (else zero).</summary>
    T Step(ViewVector<T> theta, ViewVector<T> gradient, ArrayView<T> work);

    /// <summary>True when <see cref="Step"/> computes the value; otherwise it is computed once, at the end point, by <see cref="End"/>.</summary>
    bool ValueEachStep { get; }

    /// <summary>The value at the end point (and the gradient, again).</summary>
    T End(ViewVector<T> theta, ViewVector<T> gradient, ArrayView<T> work);

    /// <summary>Called after every update: a mixture re-centres its logits, whose differences alone matter.</summary>
    void AfterStep(ViewVector<T> theta);
}

/// <summary>How <see cref="ThetaRestartKernels"/> lays out each restart's scratch.</summary>
public static class ThetaRestartScratch
{
    /// <summary>Numbers per restart of <paramref name="size"/> parameters: the gradient, the update rule's two moments, and the
    /// objective's own <paramref name="work"/>.</summary>
    public static long PerRestart(int size, int work) => 3L * size + work;
}

/// <summary>Optimizer restarts of any <see cref="IThetaObjective{T}"/>, one per thread.</summary>
public static class ThetaRestartKernels
{
    /// <summary>
    /// One restart per thread: <paramref name="theta"/>'s numbers from index·Size hold the start and receive the end point. A
    /// restart stops at the first iterate whose gradient norm is below the tolerance; it diverges when θ leaves the objective's
    /// domain or the value or gradient stops being finite (a χ², α or Rényi integral that diverges at θ has a NaN gradient).
    /// </summary>
    public static void Optimize<T, R, F>(Index1D index, F objective, ArrayView<T> theta, OptimizerSettings<T> settings, ArrayView<T> scratch,
        ArrayView<T> value, ArrayView<T> gradientNorm, ArrayView<int> steps, ArrayView<int> status)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where F : struct, IThetaObjective<T>
    {
        int n = objective.Size;
        long size = ThetaRestartScratch.PerRestart(n, objective.Work);
        var th = new ViewVector<T>(theta.SubView((long)index.X * n, n));
        var own = scratch.SubView((long)index.X * size, size);
        var g = new ViewVector<T>(own.SubView(0, n));
        var m1 = own.SubView(n, n);
        var m2 = own.SubView(2 * n, n);
        var work = own.SubView(3 * n, objective.Work);
        for (int i = 0; i < n; i++)
        {
            m1[i] = T.Zero;
            m2[i] = T.Zero;
        }
        var progress = new RestartProgress<T>(settings);
        T f = T.Zero, norm = T.Zero;
        for (int t = 0; t <= settings.MaxSteps; t++)
        {
            bool finite = objective.InDomain(th);
            if (finite)
            {
                f = objective.Step(th, g, work);
                T squared = T.Zero;
                for (int i = 0; i < n; i++) squared += g[i] * g[i];
                norm = T.Sqrt(squared);
                finite = T.IsFinite(f) && T.IsFinite(norm);
            }
            if (!progress.Continue(settings, t, finite, norm, out var update)) break;
            for (int i = 0; i < n; i++) th[i] = th[i] - update.Step(g[i], ref m1[i], ref m2[i]);
            objective.AfterStep(th);
        }
        if (!objective.ValueEachStep && progress.Outcome != RestartStatus.Diverged)
        {
            f = objective.End(th, g, work);
            if (!T.IsFinite(f)) progress.Outcome = RestartStatus.Diverged;
        }
        value[index] = f;
        gradientNorm[index] = norm;
        steps[index] = progress.Taken;
        status[index] = progress.Outcome;
    }

    /// <summary>The value and gradient at given θ, one per thread (NaN outside the objective's domain): a slice's points, eval's
    /// q, and the host's checks of the kernel path. <paramref name="scratch"/> holds the objective's work per point.</summary>
    public static void Gradient<T, R, F>(Index1D index, F objective, ArrayView<T> theta, ArrayView<T> scratch, ArrayView<T> gradient,
        ArrayView<T> value)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where F : struct, IThetaObjective<T>
    {
        int n = objective.Size, w = objective.Work;
        var th = new ViewVector<T>(theta.SubView((long)index.X * n, n));
        var g = new ViewVector<T>(gradient.SubView((long)index.X * n, n));
        value[index] = objective.InDomain(th) ? objective.End(th, g, scratch.SubView((long)index.X * w, w)) : T.NaN;
    }
}
