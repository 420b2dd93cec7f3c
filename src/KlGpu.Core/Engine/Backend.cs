using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Kernels;
using KlGpu.Numerics;

namespace KlGpu.Engine;

/// <summary>How kernels run on the CPU: as plain parallel C# (fast), or through ILGPU's CPU accelerator
/// (a faithful simulator of the GPU execution model, about 2.5× slower; tests use it to prove the kernels).</summary>
public enum CpuExecution { Parallel, Simulator }

/// <summary>Precision-erased launcher: inputs and outputs in double, kernels in T.</summary>
interface IBackend : IDisposable
{
    double[] ExpectedLog(LogMixturePlan f, double[] mu, double[] sigma);
    void GaussianLandscape(LogMixturePlan target, TargetMoments<double> moments, double[] mu, double[] sigmaRows,
        int mask, double[] forward, double[] reverse);
}

/// <summary>Loads each kernel once and launches it; with <see cref="CpuExecution.Parallel"/> on the CPU it calls
/// the same kernel methods from Parallel.For instead, over the same views.</summary>
sealed class Backend<T, R>(Accelerator accelerator, bool parallelCpu) : IBackend
    where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    Action<Index1D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, ArrayView<T>>? expectedLog;
    Action<Index2D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, TargetMoments<T>, int,
        ArrayView2D<T, Stride2D.DenseX>, ArrayView2D<T, Stride2D.DenseX>>? landscape;
    (LogMixturePlan Plan, DevicePlan<T, R> Device)? cached;

    DevicePlan<T, R> Upload(LogMixturePlan plan)
    {
        if (cached is { } c && ReferenceEquals(c.Plan, plan)) return c.Device;
        cached?.Device.Dispose();
        var device = new DevicePlan<T, R>(accelerator, plan);
        cached = (plan, device);
        return device;
    }

    MemoryBuffer1D<T, Stride1D.Dense> Vector(double[] values)
    {
        var b = accelerator.Allocate1D<T>(values.Length);
        b.CopyFromCPU(values.Select(R.Of).ToArray());
        return b;
    }

    static void CopyOut(T[] staging, double[] target)
    {
        for (int i = 0; i < target.Length; i++) target[i] = double.CreateTruncating(staging[i]);
    }

    public double[] ExpectedLog(LogMixturePlan f, double[] mu, double[] sigma)
    {
        var plan = Upload(f).View;
        using var m = Vector(mu);
        using var s = Vector(sigma);
        using var result = accelerator.Allocate1D<T>(mu.Length);
        if (parallelCpu)
            Parallel.For(0, mu.Length, i => DivergenceKernels.ExpectedLog<T, R>(i, m.View, s.View, plan, result.View));
        else
        {
            expectedLog ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, ArrayView<T>>(
                DivergenceKernels.ExpectedLog<T, R>);
            expectedLog(mu.Length, m.View, s.View, plan, result.View);
            accelerator.Synchronize();
        }
        var staging = result.GetAsArray1D();
        var output = new double[mu.Length];
        CopyOut(staging, output);
        return output;
    }

    public void GaussianLandscape(LogMixturePlan target, TargetMoments<double> moments, double[] mu, double[] sigmaRows,
        int mask, double[] forward, double[] reverse)
    {
        var plan = Upload(target).View;
        var tm = new TargetMoments<T> { Mean = R.Of(moments.Mean), Variance = R.Of(moments.Variance), Entropy = R.Of(moments.Entropy) };
        using var m = Vector(mu);
        using var s = Vector(sigmaRows);
        var extent = new LongIndex2D(mu.Length, sigmaRows.Length);
        using var fwd = accelerator.Allocate2DDenseX<T>(extent);
        using var rev = accelerator.Allocate2DDenseX<T>(extent);
        if (parallelCpu)
        {
            var (mv, sv, fv, rv) = (m.View, s.View, fwd.View, rev.View);
            Parallel.For(0, sigmaRows.Length, y =>
            {
                for (int x = 0; x < mu.Length; x++)
                    DivergenceKernels.GaussianLandscape<T, R>(new Index2D(x, y), mv, sv, plan, tm, mask, fv, rv);
            });
        }
        else
        {
            landscape ??= accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, TargetMoments<T>, int,
                ArrayView2D<T, Stride2D.DenseX>, ArrayView2D<T, Stride2D.DenseX>>(DivergenceKernels.GaussianLandscape<T, R>);
            landscape(new Index2D(mu.Length, sigmaRows.Length), m.View, s.View, plan, tm, mask, fwd.View, rev.View);
            accelerator.Synchronize();
        }
        if ((mask & DivergenceMask.Forward) != 0) CopyOut(fwd.View.AsContiguous().GetAsArray(), forward);
        if ((mask & DivergenceMask.Reverse) != 0) CopyOut(rev.View.AsContiguous().GetAsArray(), reverse);
    }

    public void Dispose()
    {
        cached?.Device.Dispose();
        accelerator.Dispose();
    }
}
