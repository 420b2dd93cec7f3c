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

    /// <summary>Forward and reverse KL between a heavy-tailed target and q = N(μ, σ) over the grid; outputs are [row, μ].</summary>
    void HeavyTailLandscape(HeavyTailPlan target, TargetMoments<double> moments, double[] mu, double[] sigmaRows, int mask,
        double[] forward, double[] reverse);

    /// <summary>Forward and reverse KL between a target and q = t_ν(μ, s) over the grid; outputs are [row, μ].</summary>
    void StudentLandscape(HeavyTailPlan target, TargetMoments<double> moments, StudentShape<double> q, double[] mu, double[] scaleRows,
        int mask, double[] forward, double[] reverse);

    /// <summary>Restarts of q = N(μ, σ) against a heavy-tailed target: mu and logSigma go in as starts and come back as end points.</summary>
    void HeavyTailOptimize(HeavyTailPlan target, TargetMoments<double> moments, OptimizerSettings<double> settings, double[] mu,
        double[] logSigma, double[] value, double[] gradientNorm, int[] steps, int[] status);

    /// <summary>Restarts of q = t_ν(μ, s): mu and logScale go in as starts and come back as end points.</summary>
    void StudentOptimize(HeavyTailPlan target, TargetMoments<double> moments, StudentShape<double> q, OptimizerSettings<double> settings,
        double[] mu, double[] logScale, double[] value, double[] gradientNorm, int[] steps, int[] status);

    /// <summary>An <see cref="FDivergence"/> member over the grid; output is [row, μ].</summary>
    void GaussianFDivergence(LogMixturePlan target, double[] mu, double[] sigmaRows, int kind, double order, double[] output);

    /// <summary>KSD²(N(μ, σ), p) with the IMQ kernel (c² + r²)^β over the grid; output is [row, μ].</summary>
    void GaussianKsd(LogMixturePlan target, double[] mu, double[] sigmaRows, double c, double beta, double[] output);

    /// <summary>A divergence over a slice of a mixture q ([3][K] weights, means, stds) varying two of its parameters; output [y, x].</summary>
    void MixtureSlice(LogMixturePlan target, double[] baseQ, int parameterX, int parameterY, double[] x, double[] y, int kind, double order,
        double[] output);

    /// <summary>Restarts of a K-component mixture q: theta (3K numbers per restart) goes in as starts and comes back as end points.</summary>
    void MixtureOptimize(LogMixturePlan target, int count, OptimizerSettings<double> settings, double[] theta, double[] value,
        double[] gradientNorm, int[] steps, int[] status);

    /// <summary>Value and gradient in (μ, log σ) at each point.</summary>
    (double[] Value, double[] GradMu, double[] GradLogSigma) Gradient(LogMixturePlan target, TargetMoments<double> moments,
        int divergence, int kind, double order, double[] mu, double[] logSigma);

    /// <summary>Runs restarts [first, first + mu.Length): mu and logSigma go in as starts and come back as end points.</summary>
    void Optimize(LogMixturePlan target, TargetMoments<double> moments, OptimizerSettings<double> settings, AcrossStarts across, int first,
        double[] mu, double[] logSigma, double[] value, double[] gradientNorm, int[] steps, int[] status, double[] trajectory,
        double[] acrossDeviation);
}

/// <summary>Loads each kernel once and launches it; with <see cref="CpuExecution.Parallel"/> on the CPU it calls
/// the same kernel methods from Parallel.For instead, over the same views.</summary>
sealed class Backend<T, R>(Accelerator accelerator, bool parallelCpu) : IBackend
    where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    Action<Index1D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, ArrayView<T>>? expectedLog;
    Action<Index2D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, TargetMoments<T>, int,
        ArrayView2D<T, Stride2D.DenseX>, ArrayView2D<T, Stride2D.DenseX>>? landscape;
    Action<Index2D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, int, T, ArrayView2D<T, Stride2D.DenseX>>? fDivergence;
    Action<Index2D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, T, T, ArrayView2D<T, Stride2D.DenseX>>? ksd;
    Action<Index2D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, LogMixturePlanView<T>, int, T, ArrayView<T>,
        ArrayView2D<T, Stride2D.DenseX>>? mixtureSlice;
    Action<Index1D, int, ArrayView<T>, LogMixturePlanView<T>, OptimizerSettings<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>,
        ArrayView<int>, ArrayView<int>>? mixtureOptimize;
    Action<Index1D, int, int, T, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, TargetMoments<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>>? gradient;
    Action<Index1D, int, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, TargetMoments<T>, OptimizerSettings<T>, AcrossU<T>,
        ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<int>, ArrayView<T>>? optimize;
    Action<Index2D, ArrayView<T>, ArrayView<T>, HeavyTailPlanView<T>, TargetMoments<T>, int,
        ArrayView2D<T, Stride2D.DenseX>, ArrayView2D<T, Stride2D.DenseX>>? heavyTailLandscape;
    Action<Index2D, ArrayView<T>, ArrayView<T>, HeavyTailPlanView<T>, TargetMoments<T>, StudentShape<T>, int,
        ArrayView2D<T, Stride2D.DenseX>, ArrayView2D<T, Stride2D.DenseX>>? studentLandscape;
    Action<Index1D, ArrayView<T>, ArrayView<T>, HeavyTailPlanView<T>, TargetMoments<T>, OptimizerSettings<T>, ArrayView<T>, ArrayView<T>,
        ArrayView<int>, ArrayView<int>>? heavyTailOptimize;
    Action<Index1D, ArrayView<T>, ArrayView<T>, HeavyTailPlanView<T>, TargetMoments<T>, StudentShape<T>, OptimizerSettings<T>, ArrayView<T>,
        ArrayView<T>, ArrayView<int>, ArrayView<int>>? studentOptimize;
    (LogMixturePlan Plan, DevicePlan<T, R> Device)? cached;
    (HeavyTailPlan Plan, DeviceHeavyTailPlan<T, R> Device)? cachedTails;

    static TargetMoments<T> Convert(TargetMoments<double> m) =>
        new() { Mean = R.Of(m.Mean), Variance = R.Of(m.Variance), Entropy = R.Of(m.Entropy) };

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

    static OptimizerSettings<T> Convert(OptimizerSettings<double> s) => new()
    {
        Divergence = s.Divergence, Kind = s.Kind, Order = R.Of(s.Order), Method = s.Method, MaxSteps = s.MaxSteps,
        LearningRate = R.Of(s.LearningRate), Beta1 = R.Of(s.Beta1), Beta2 = R.Of(s.Beta2), Epsilon = R.Of(s.Epsilon),
        Tolerance = R.Of(s.Tolerance), FixSigma = s.FixSigma, TrajectoryCount = s.TrajectoryCount,
        TrajectoryStride = Math.Max(1, s.TrajectoryStride),
    };

    /// <summary>A kernel over <paramref name="count"/> points: Parallel.For over the same method on the CPU path, one launch
    /// (loaded once into its field by <paramref name="launch"/>) on an accelerator.</summary>
    void OverPoints(int count, Action<Index1D> point, Action<Index1D> launch)
    {
        if (parallelCpu) Parallel.For(0, count, i => point(i));
        else
        {
            launch(count);
            accelerator.Synchronize();
        }
    }

    /// <summary>A kernel over a width × height grid; on the CPU path the rows run in parallel.</summary>
    void OverGrid(int width, int height, Action<Index2D> cell, Action<Index2D> launch)
    {
        if (parallelCpu)
            Parallel.For(0, height, y =>
            {
                for (int x = 0; x < width; x++) cell(new Index2D(x, y));
            });
        else
        {
            launch(new Index2D(width, height));
            accelerator.Synchronize();
        }
    }

    /// <summary>A map with one output grid [row, column].</summary>
    void Map(int width, int height, double[] output, Action<Index2D, ArrayView2D<T, Stride2D.DenseX>> cell,
        Action<Index2D, ArrayView2D<T, Stride2D.DenseX>> launch)
    {
        using var values = accelerator.Allocate2DDenseX<T>(new LongIndex2D(width, height));
        var v = values.View;
        OverGrid(width, height, i => cell(i, v), e => launch(e, v));
        CopyOut(v.AsContiguous().GetAsArray(), output);
    }

    /// <summary>A map of forward and reverse KL; an output not in <paramref name="mask"/> gets a 1×1 stand-in the kernel never writes.</summary>
    void KlMap(int width, int height, int mask, double[] forward, double[] reverse,
        Action<Index2D, ArrayView2D<T, Stride2D.DenseX>, ArrayView2D<T, Stride2D.DenseX>> cell,
        Action<Index2D, ArrayView2D<T, Stride2D.DenseX>, ArrayView2D<T, Stride2D.DenseX>> launch)
    {
        var extent = new LongIndex2D(width, height);
        var unused = new LongIndex2D(1, 1);
        using var fwd = accelerator.Allocate2DDenseX<T>((mask & DivergenceMask.Forward) != 0 ? extent : unused);
        using var rev = accelerator.Allocate2DDenseX<T>((mask & DivergenceMask.Reverse) != 0 ? extent : unused);
        var (fv, rv) = (fwd.View, rev.View);
        OverGrid(width, height, i => cell(i, fv, rv), e => launch(e, fv, rv));
        if ((mask & DivergenceMask.Forward) != 0) CopyOut(fv.AsContiguous().GetAsArray(), forward);
        if ((mask & DivergenceMask.Reverse) != 0) CopyOut(rv.AsContiguous().GetAsArray(), reverse);
    }

    double[] Read(MemoryBuffer1D<T, Stride1D.Dense> b)
    {
        var output = new double[b.Length];
        CopyOut(b.GetAsArray1D(), output);
        return output;
    }

    public double[] ExpectedLog(LogMixturePlan f, double[] mu, double[] sigma)
    {
        var plan = Upload(f).View;
        using var m = Vector(mu);
        using var s = Vector(sigma);
        using var result = accelerator.Allocate1D<T>(mu.Length);
        var (mv, sv, rv) = (m.View, s.View, result.View);
        OverPoints(mu.Length, i => DivergenceKernels.ExpectedLog<T, R>(i, mv, sv, plan, rv),
            e => (expectedLog ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, ArrayView<T>>(
                DivergenceKernels.ExpectedLog<T, R>))(e, mv, sv, plan, rv));
        return Read(result);
    }

    public void GaussianLandscape(LogMixturePlan target, TargetMoments<double> moments, double[] mu, double[] sigmaRows,
        int mask, double[] forward, double[] reverse)
    {
        var plan = Upload(target).View;
        var tm = Convert(moments);
        using var m = Vector(mu);
        using var s = Vector(sigmaRows);
        var (mv, sv) = (m.View, s.View);
        KlMap(mu.Length, sigmaRows.Length, mask, forward, reverse,
            (i, f, r) => DivergenceKernels.GaussianLandscape<T, R>(i, mv, sv, plan, tm, mask, f, r),
            (e, f, r) => (landscape ??= accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>,
                TargetMoments<T>, int, ArrayView2D<T, Stride2D.DenseX>, ArrayView2D<T, Stride2D.DenseX>>(DivergenceKernels.GaussianLandscape<T, R>))(
                e, mv, sv, plan, tm, mask, f, r));
    }

    HeavyTailPlanView<T> UploadTails(HeavyTailPlan target)
    {
        if (cachedTails is not { } c || !ReferenceEquals(c.Plan, target))
        {
            cachedTails?.Device.Dispose();
            cachedTails = (target, new DeviceHeavyTailPlan<T, R>(accelerator, target));
        }
        return cachedTails.Value.Device.View;
    }

    public void StudentLandscape(HeavyTailPlan target, TargetMoments<double> moments, StudentShape<double> shape, double[] mu,
        double[] scaleRows, int mask, double[] forward, double[] reverse)
    {
        var plan = UploadTails(target);
        var tm = Convert(moments);
        var q = StudentQ.Convert<T, R>(shape);
        using var m = Vector(mu);
        using var s = Vector(scaleRows);
        var (mv, sv) = (m.View, s.View);
        KlMap(mu.Length, scaleRows.Length, mask, forward, reverse,
            (i, f, r) => HeavyTailKernels.StudentLandscape<T, R>(i, mv, sv, plan, tm, q, mask, f, r),
            (e, f, r) => (studentLandscape ??= accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, ArrayView<T>, HeavyTailPlanView<T>,
                TargetMoments<T>, StudentShape<T>, int, ArrayView2D<T, Stride2D.DenseX>, ArrayView2D<T, Stride2D.DenseX>>(
                HeavyTailKernels.StudentLandscape<T, R>))(e, mv, sv, plan, tm, q, mask, f, r));
    }

    public void HeavyTailLandscape(HeavyTailPlan target, TargetMoments<double> moments, double[] mu, double[] sigmaRows, int mask,
        double[] forward, double[] reverse)
    {
        var plan = UploadTails(target);
        var tm = Convert(moments);
        using var m = Vector(mu);
        using var s = Vector(sigmaRows);
        var (mv, sv) = (m.View, s.View);
        KlMap(mu.Length, sigmaRows.Length, mask, forward, reverse,
            (i, f, r) => HeavyTailKernels.GaussianLandscape<T, R>(i, mv, sv, plan, tm, mask, f, r),
            (e, f, r) => (heavyTailLandscape ??= accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, ArrayView<T>, HeavyTailPlanView<T>,
                TargetMoments<T>, int, ArrayView2D<T, Stride2D.DenseX>, ArrayView2D<T, Stride2D.DenseX>>(HeavyTailKernels.GaussianLandscape<T, R>))(
                e, mv, sv, plan, tm, mask, f, r));
    }

    public void HeavyTailOptimize(HeavyTailPlan target, TargetMoments<double> moments, OptimizerSettings<double> settings, double[] mu,
        double[] logSigma, double[] value, double[] gradientNorm, int[] steps, int[] status)
    {
        var plan = UploadTails(target);
        var tm = Convert(moments);
        var os = Convert(settings);
        int n = mu.Length;
        using var m = Vector(mu);
        using var s = Vector(logSigma);
        using var ends = new RestartEnds(accelerator, n);
        var (mv, sv) = (m.View, s.View);
        var (fv, nv, tv, ov) = ends.Views;
        OverPoints(n, i => HeavyTailKernels.Optimize<T, R>(i, mv, sv, plan, tm, os, fv, nv, tv, ov),
            e => (heavyTailOptimize ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, HeavyTailPlanView<T>,
                TargetMoments<T>, OptimizerSettings<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<int>>(
                HeavyTailKernels.Optimize<T, R>))(e, mv, sv, plan, tm, os, fv, nv, tv, ov));
        CopyOut(m.GetAsArray1D(), mu);
        CopyOut(s.GetAsArray1D(), logSigma);
        ends.ReadInto(value, gradientNorm, steps, status);
    }

    public void StudentOptimize(HeavyTailPlan target, TargetMoments<double> moments, StudentShape<double> shape, OptimizerSettings<double> settings,
        double[] mu, double[] logScale, double[] value, double[] gradientNorm, int[] steps, int[] status)
    {
        var plan = UploadTails(target);
        var tm = Convert(moments);
        var q = StudentQ.Convert<T, R>(shape);
        var os = Convert(settings);
        int n = mu.Length;
        using var m = Vector(mu);
        using var s = Vector(logScale);
        using var ends = new RestartEnds(accelerator, n);
        var (mv, sv) = (m.View, s.View);
        var (fv, nv, tv, ov) = ends.Views;
        OverPoints(n, i => HeavyTailKernels.StudentOptimize<T, R>(i, mv, sv, plan, tm, q, os, fv, nv, tv, ov),
            e => (studentOptimize ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, HeavyTailPlanView<T>,
                TargetMoments<T>, StudentShape<T>, OptimizerSettings<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<int>>(
                HeavyTailKernels.StudentOptimize<T, R>))(e, mv, sv, plan, tm, q, os, fv, nv, tv, ov));
        CopyOut(m.GetAsArray1D(), mu);
        CopyOut(s.GetAsArray1D(), logScale);
        ends.ReadInto(value, gradientNorm, steps, status);
    }

    public void GaussianFDivergence(LogMixturePlan target, double[] mu, double[] sigmaRows, int kind, double order, double[] output)
    {
        var plan = Upload(target).View;
        T a = R.Of(order);
        using var m = Vector(mu);
        using var s = Vector(sigmaRows);
        var (mv, sv) = (m.View, s.View);
        Map(mu.Length, sigmaRows.Length, output,
            (i, v) => DivergenceKernels.GaussianFDivergence<T, R>(i, mv, sv, plan, kind, a, v),
            (e, v) => (fDivergence ??= accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, int, T,
                ArrayView2D<T, Stride2D.DenseX>>(DivergenceKernels.GaussianFDivergence<T, R>))(e, mv, sv, plan, kind, a, v));
    }

    public void GaussianKsd(LogMixturePlan target, double[] mu, double[] sigmaRows, double c, double beta, double[] output)
    {
        var plan = Upload(target).View;
        T tc = R.Of(c), tb = R.Of(beta);
        using var m = Vector(mu);
        using var s = Vector(sigmaRows);
        using var values = accelerator.Allocate2DDenseX<T>(new LongIndex2D(mu.Length, sigmaRows.Length));
        if (parallelCpu)
        {
            var (mv, sv, vv) = (m.View, s.View, values.View);
            // Points, not rows, in parallel: a row of one σ costs the same everywhere, but a few rows may be all there is.
            Parallel.For(0, (long)mu.Length * sigmaRows.Length, i =>
                DivergenceKernels.GaussianKsd<T, R>(new Index2D((int)(i % mu.Length), (int)(i / mu.Length)), mv, sv, plan, tc, tb, vv));
        }
        else
        {
            ksd ??= accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>, T, T,
                ArrayView2D<T, Stride2D.DenseX>>(DivergenceKernels.GaussianKsd<T, R>);
            ksd(new Index2D(mu.Length, sigmaRows.Length), m.View, s.View, plan, tc, tb, values.View);
            accelerator.Synchronize();
        }
        CopyOut(values.View.AsContiguous().GetAsArray(), output);
    }

    public void MixtureSlice(LogMixturePlan target, double[] baseQ, int parameterX, int parameterY, double[] x, double[] y, int kind,
        double order, double[] output)
    {
        var plan = Upload(target).View;
        T a = R.Of(order);
        using var xs = Vector(x);
        using var ys = Vector(y);
        using var q = Vector(baseQ);
        using var scratch = accelerator.Allocate1D<T>((long)x.Length * y.Length * baseQ.Length);
        var (xv, yv, qv, sv) = (xs.View, ys.View, q.View, scratch.View);
        Map(x.Length, y.Length, output,
            (i, v) => MixtureSliceKernels.Slice<T, R>(i, xv, yv, qv, parameterX, parameterY, plan, kind, a, sv, v),
            (e, v) => (mixtureSlice ??= accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int,
                LogMixturePlanView<T>, int, T, ArrayView<T>, ArrayView2D<T, Stride2D.DenseX>>(MixtureSliceKernels.Slice<T, R>))(
                e, xv, yv, qv, parameterX, parameterY, plan, kind, a, sv, v));
    }

    public void MixtureOptimize(LogMixturePlan target, int count, OptimizerSettings<double> settings, double[] theta, double[] value,
        double[] gradientNorm, int[] steps, int[] status)
    {
        var plan = Upload(target).View;
        var os = Convert(settings);
        int n = value.Length;
        using var th = Vector(theta);
        using var scratch = accelerator.Allocate1D<T>((long)n * count * MixtureRestartKernels.ScratchPerComponent);
        using var ends = new RestartEnds(accelerator, n);
        var (tv, sv) = (th.View, scratch.View);
        var (fv, nv, kv, ov) = ends.Views;
        OverPoints(n, i => MixtureRestartKernels.Optimize<T, R>(i, count, tv, plan, os, sv, fv, nv, kv, ov),
            e => (mixtureOptimize ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, int, ArrayView<T>, LogMixturePlanView<T>, OptimizerSettings<T>,
                ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<int>>(MixtureRestartKernels.Optimize<T, R>))(
                e, count, tv, plan, os, sv, fv, nv, kv, ov));
        CopyOut(th.GetAsArray1D(), theta);
        ends.ReadInto(value, gradientNorm, steps, status);
    }

    public (double[] Value, double[] GradMu, double[] GradLogSigma) Gradient(LogMixturePlan target, TargetMoments<double> moments,
        int divergence, int kind, double order, double[] mu, double[] logSigma)
    {
        T a = R.Of(order);
        var plan = Upload(target).View;
        var tm = Convert(moments);
        using var m = Vector(mu);
        using var s = Vector(logSigma);
        using var f = accelerator.Allocate1D<T>(mu.Length);
        using var gm = accelerator.Allocate1D<T>(mu.Length);
        using var gs = accelerator.Allocate1D<T>(mu.Length);
        var (mv, sv, fv, gmv, gsv) = (m.View, s.View, f.View, gm.View, gs.View);
        OverPoints(mu.Length, i => RestartKernels.Gradient<T, R>(i, divergence, kind, a, mv, sv, plan, tm, fv, gmv, gsv),
            e => (gradient ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, T, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>,
                TargetMoments<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>>(RestartKernels.Gradient<T, R>))(
                e, divergence, kind, a, mv, sv, plan, tm, fv, gmv, gsv));
        return (Read(f), Read(gm), Read(gs));
    }

    public void Optimize(LogMixturePlan target, TargetMoments<double> moments, OptimizerSettings<double> settings, AcrossStarts across, int first,
        double[] mu, double[] logSigma, double[] value, double[] gradientNorm, int[] steps, int[] status, double[] trajectory,
        double[] acrossDeviation)
    {
        var plan = Upload(target).View;
        var tm = Convert(moments);
        var os = Convert(settings);
        int n = mu.Length;
        using var m = Vector(mu);
        using var s = Vector(logSigma);
        using var ends = new RestartEnds(accelerator, n);
        using var path = accelerator.Allocate1D<T>(Math.Max(1, trajectory.Length));
        if (trajectory.Length > 0) path.View.SubView(0, trajectory.Length).CopyFromCPU(trajectory.Select(R.Of).ToArray());
        using var state = accelerator.Allocate1D<T>(Math.Max(1L, (long)n * across.Count * AcrossU<T>.Slots));
        using var deviation = accelerator.Allocate1D<T>(Math.Max(1, 2 * n));
        var au = new AcrossU<T>
        {
            Count = across.Count, State = state.View, Deviation = deviation.View, Seed = across.Seed,
            MuMin = R.Of(across.MuMin), MuMax = R.Of(across.MuMax), LogSigmaMin = R.Of(across.LogSigmaMin), LogSigmaMax = R.Of(across.LogSigmaMax),
        };
        var (mv, sv, pv) = (m.View, s.View, path.View);
        var (fv, nv, tv, ov) = ends.Views;
        OverPoints(n, i => RestartKernels.Optimize<T, R>(i, first, mv, sv, plan, tm, os, au, fv, nv, tv, ov, pv),
            e => (optimize ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, int, ArrayView<T>, ArrayView<T>, LogMixturePlanView<T>,
                TargetMoments<T>, OptimizerSettings<T>, AcrossU<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<int>, ArrayView<T>>(
                RestartKernels.Optimize<T, R>))(e, first, mv, sv, plan, tm, os, au, fv, nv, tv, ov, pv));
        if (across.Count > 0) CopyOut(deviation.View.SubView(0, 2 * n).AsContiguous().GetAsArray(), acrossDeviation);
        CopyOut(m.GetAsArray1D(), mu);
        CopyOut(s.GetAsArray1D(), logSigma);
        ends.ReadInto(value, gradientNorm, steps, status);
        if (trajectory.Length > 0) CopyOut(path.View.SubView(0, trajectory.Length).AsContiguous().GetAsArray(), trajectory);
    }

    /// <summary>What every restart kernel writes per restart besides its end point (value, gradient norm, steps, status),
    /// on the device, and its read-back.</summary>
    sealed class RestartEnds(Accelerator accelerator, int n) : IDisposable
    {
        readonly MemoryBuffer1D<T, Stride1D.Dense> value = accelerator.Allocate1D<T>(n), norm = accelerator.Allocate1D<T>(n);
        readonly MemoryBuffer1D<int, Stride1D.Dense> steps = accelerator.Allocate1D<int>(n), status = accelerator.Allocate1D<int>(n);

        public (ArrayView<T> Value, ArrayView<T> Norm, ArrayView<int> Steps, ArrayView<int> Status) Views => (value.View, norm.View, steps.View, status.View);

        public void ReadInto(double[] value, double[] gradientNorm, int[] steps, int[] status)
        {
            CopyOut(this.value.GetAsArray1D(), value);
            CopyOut(norm.GetAsArray1D(), gradientNorm);
            this.steps.CopyToCPU(steps);
            this.status.CopyToCPU(status);
        }

        public void Dispose()
        {
            value.Dispose();
            norm.Dispose();
            steps.Dispose();
            status.Dispose();
        }
    }

    public void Dispose()
    {
        cached?.Device.Dispose();
        cachedTails?.Device.Dispose();
        accelerator.Dispose();
    }
}
