using System.Numerics;
using System.Linq.Expressions;
using System.Reflection;
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
    /// <summary>Forward and reverse KL (those in <paramref name="outputs"/>) of the objective's family over the grid; outputs are [row, μ].</summary>
    void KlMap(FitObjective objective, double[] mu, double[] scaleRows, KlOutputs outputs, double[] forward, double[] reverse);

    /// <summary>An <see cref="FDivergence"/> member over the grid; output is [row, μ].</summary>
    void GaussianFDivergence(LogMixturePlan target, double[] mu, double[] sigmaRows, FIntegrand kind, double order, double[] output);

    /// <summary>KSD²(N(μ, σ), p) with the IMQ kernel (c² + r²)^β over the grid; output is [row, μ].</summary>
    void GaussianKsd(LogMixturePlan target, double[] mu, double[] sigmaRows, double c, double beta, double[] output);

    /// <summary>A divergence over a slice of a mixture q ([3][K] weights, means, stds) varying two of its parameters; output [y, x].</summary>
    void MixtureSlice(LogMixturePlan target, double[] baseQ, int parameterX, int parameterY, double[] x, double[] y, FIntegrand kind, double order,
        double[] output);

    /// <summary>Restarts of a θ family's objective: theta (its Size numbers per restart) goes in as starts and comes back as end points.</summary>
    void ThetaRestarts(ThetaObjective objective, OptimizerSettings<double> settings, double[] theta, double[] value, double[] gradientNorm,
        int[] steps, int[] status);

    /// <summary>Value and gradient (2 + 4K numbers each) of a K-layer flow q at each θ.</summary>
    /// <summary>A θ family's value and gradient at each θ (its Size numbers each).</summary>
    void ThetaGradient(ThetaObjective objective, double[] theta, double[] gradient, double[] value);

    /// <summary>Value and gradient of the objective at each point (μ_i, log scale_i).</summary>
    (double[] Value, double[] GradMu, double[] GradLogScale) Gradient(FitObjective objective, double[] mu, double[] logScale);

    /// <summary>Runs restarts [first, first + mu.Length) of the objective: mu and logScale go in as starts and come back as end points.</summary>
    void Optimize(FitObjective objective, OptimizerSettings<double> settings, AcrossStarts across, int first, double[] mu, double[] logScale,
        double[] value, double[] gradientNorm, int[] steps, int[] status, double[] trajectory, double[] acrossDeviation);
}

/// <summary>Loads each kernel once and launches it; with <see cref="CpuExecution.Parallel"/> on the CPU it calls
/// the same kernel methods from Parallel.For instead, over the same views.</summary>
sealed class Backend<T, R>(Accelerator accelerator, bool parallelCpu) : IBackend
    where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    /// <summary>Each kernel method (a closed generic instance) compiled once for this accelerator, as its stream-first launcher.</summary>
    readonly Dictionary<MethodInfo, Delegate> loaded = [];
    (LogMixturePlan Plan, DevicePlan<T, R> Device)? cached;
    (HeavyTailPlan Plan, DeviceHeavyTailPlan<T, R> Device)? cachedTails;

    public static TargetMoments<T> Convert(TargetMoments<double> m) =>
        new() { Mean = R.Of(m.Mean), Variance = R.Of(m.Variance), Entropy = R.Of(m.Entropy) };

    public LogMixturePlanView<T> Upload(LogMixturePlan plan)
    {
        if (cached is not { } c || !ReferenceEquals(c.Plan, plan))
        {
            cached?.Device.Dispose();
            cached = (plan, new DevicePlan<T, R>(accelerator, plan));
        }
        return cached.Value.Device.View;
    }

    public HeavyTailPlanView<T> Upload(HeavyTailPlan plan)
    {
        if (cachedTails is not { } c || !ReferenceEquals(c.Plan, plan))
        {
            cachedTails?.Device.Dispose();
            cachedTails = (plan, new DeviceHeavyTailPlan<T, R>(accelerator, plan));
        }
        return cachedTails.Value.Device.View;
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
        Method = s.Method, MaxSteps = s.MaxSteps,
        LearningRate = R.Of(s.LearningRate), Beta1 = R.Of(s.Beta1), Beta2 = R.Of(s.Beta2), Epsilon = R.Of(s.Epsilon),
        Tolerance = R.Of(s.Tolerance), FixSigma = s.FixSigma, TrajectoryCount = s.TrajectoryCount,
        TrajectoryStride = Math.Max(1, s.TrajectoryStride),
    };

    /// <summary>The launcher of a kernel method, typed Action&lt;AcceleratorStream, index, parameters…&gt; as ILGPU builds it; the
    /// type is made from the method's own parameters, so no signature is written out a second time.</summary>
    Delegate Launcher(Delegate kernel)
    {
        if (loaded.TryGetValue(kernel.Method, out var launcher)) return launcher;
        var type = Expression.GetActionType([typeof(AcceleratorStream), .. kernel.Method.GetParameters().Select(p => p.ParameterType)]);
        var load = typeof(Accelerator).GetMethod(nameof(Accelerator.LoadAutoGroupedKernel), 1, [typeof(MethodInfo)])!.MakeGenericMethod(type);
        return loaded[kernel.Method] = (Delegate)load.Invoke(accelerator, [kernel.Method])!;
    }

    /// <summary>The arguments as the kernel's parameter types: a buffer's view (ArrayView1D) becomes the ArrayView the kernel takes
    /// by its implicit conversion, as the compiler does for the direct call.</summary>
    static object[] Arguments(Delegate kernel, object[] arguments)
    {
        var parameters = kernel.Method.GetParameters();
        var converted = new object[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            Type from = arguments[i].GetType(), to = parameters[i + 1].ParameterType;
            converted[i] = from == to ? arguments[i]
                : from.GetMethods(BindingFlags.Public | BindingFlags.Static).Concat(to.GetMethods(BindingFlags.Public | BindingFlags.Static))
                    .First(m => m.Name == "op_Implicit" && m.ReturnType == to && m.GetParameters()[0].ParameterType == from)
                    .Invoke(null, [arguments[i]])!;
        }
        return converted;
    }

    /// <summary>The one launch path: on the CPU path Parallel.For over <paramref name="cpu"/> (the same kernel method called
    /// directly); on an accelerator <paramref name="kernel"/> is compiled once and launched over <paramref name="extent"/> with
    /// <paramref name="arguments"/>, which must be the ones <paramref name="cpu"/> passes.</summary>
    void Launch(Delegate kernel, Index2D extent, Action<Index2D> cpu, params object[] arguments)
    {
        if (parallelCpu)
        {
            // Rows in parallel: a row of one σ costs about the same everywhere.
            Parallel.For(0, extent.Y, y =>
            {
                for (int x = 0; x < extent.X; x++) cpu(new Index2D(x, y));
            });
            return;
        }
        Launcher(kernel).DynamicInvoke([accelerator.DefaultStream, extent, .. Arguments(kernel, arguments)]);
        accelerator.Synchronize();
    }

    void Launch(Delegate kernel, int count, Action<Index1D> cpu, params object[] arguments)
    {
        if (parallelCpu)
        {
            Parallel.For(0, count, i => cpu(i));
            return;
        }
        Launcher(kernel).DynamicInvoke([accelerator.DefaultStream, new Index1D(count), .. Arguments(kernel, arguments)]);
        accelerator.Synchronize();
    }

    /// <summary>An output grid [row, column] on the device, read back into <paramref name="output"/> when disposed; a grid
    /// the caller does not want is a 1×1 stand-in the kernel never writes.</summary>
    sealed class OutputGrid(Accelerator accelerator, int width, int height, double[]? output) : IDisposable
    {
        readonly MemoryBuffer2D<T, Stride2D.DenseX> buffer =
            accelerator.Allocate2DDenseX<T>(output is null ? new LongIndex2D(1, 1) : new LongIndex2D(width, height));

        public ArrayView2D<T, Stride2D.DenseX> View => buffer.View;

        public void Dispose()
        {
            if (output is not null) CopyOut(buffer.View.AsContiguous().GetAsArray(), output);
            buffer.Dispose();
        }
    }

    double[] Read(MemoryBuffer1D<T, Stride1D.Dense> b)
    {
        var output = new double[b.Length];
        CopyOut(b.GetAsArray1D(), output);
        return output;
    }

    static double[]? Wanted(KlOutputs outputs, KlOutputs one, double[] output) => (outputs & one) != 0 ? output : null;

    public double[] ExpectedLog(LogMixturePlan f, double[] mu, double[] sigma)
    {
        var plan = Upload(f);
        using var m = Vector(mu);
        using var s = Vector(sigma);
        using var result = accelerator.Allocate1D<T>(mu.Length);
        var (mv, sv, rv) = (m.View, s.View, result.View);
        Launch(DivergenceKernels.ExpectedLog<T, R>, mu.Length, i => DivergenceKernels.ExpectedLog<T, R>(i, mv, sv, plan, rv), mv, sv, plan, rv);
        return Read(result);
    }

    public void KlMap(FitObjective objective, double[] mu, double[] scaleRows, KlOutputs outputs, double[] forward, double[] reverse) =>
        objective.On(this, new MapLaunch(this, mu, scaleRows, outputs, forward, reverse));

    sealed class MapLaunch(Backend<T, R> backend, double[] mu, double[] scaleRows, KlOutputs outputs, double[] forward, double[] reverse) : IObjectiveUser<T>
    {
        public void Use<F>(F fit) where F : struct, IFitObjective<T> => backend.KlMap(fit, mu, scaleRows, outputs, forward, reverse);
    }

    void KlMap<F>(F fit, double[] mu, double[] scaleRows, KlOutputs outputs, double[] forward, double[] reverse) where F : struct, IFitObjective<T>
    {
        using var m = Vector(mu);
        using var s = Vector(scaleRows);
        using var f = new OutputGrid(accelerator, mu.Length, scaleRows.Length, Wanted(outputs, KlOutputs.Forward, forward));
        using var r = new OutputGrid(accelerator, mu.Length, scaleRows.Length, Wanted(outputs, KlOutputs.Reverse, reverse));
        var (mv, sv, fv, rv) = (m.View, s.View, f.View, r.View);
        Launch(MapKernels.Kl<T, F>, new Index2D(mu.Length, scaleRows.Length), i => MapKernels.Kl(i, mv, sv, fit, outputs, fv, rv), mv, sv, fit, outputs, fv, rv);
    }

    public void GaussianFDivergence(LogMixturePlan target, double[] mu, double[] sigmaRows, FIntegrand kind, double order, double[] output)
    {
        var plan = Upload(target);
        T a = R.Of(order);
        using var m = Vector(mu);
        using var s = Vector(sigmaRows);
        using var values = new OutputGrid(accelerator, mu.Length, sigmaRows.Length, output);
        var (mv, sv, vv) = (m.View, s.View, values.View);
        Launch(DivergenceKernels.GaussianFDivergence<T, R>, new Index2D(mu.Length, sigmaRows.Length),
            i => DivergenceKernels.GaussianFDivergence<T, R>(i, mv, sv, plan, kind, a, vv), mv, sv, plan, kind, a, vv);
    }

    public void GaussianKsd(LogMixturePlan target, double[] mu, double[] sigmaRows, double c, double beta, double[] output)
    {
        var plan = Upload(target);
        T tc = R.Of(c), tb = R.Of(beta);
        using var m = Vector(mu);
        using var s = Vector(sigmaRows);
        using var values = new OutputGrid(accelerator, mu.Length, sigmaRows.Length, output);
        var (mv, sv, vv) = (m.View, s.View, values.View);
        // Points, not rows, in parallel on the CPU path: a few rows may be all there is, and each point is a double integral.
        int width = mu.Length, points = width * sigmaRows.Length;
        Launch(DivergenceKernels.GaussianKsd<T, R>, parallelCpu ? new Index2D(1, points) : new Index2D(width, sigmaRows.Length),
            i => DivergenceKernels.GaussianKsd<T, R>(new Index2D(i.Y % width, i.Y / width), mv, sv, plan, tc, tb, vv), mv, sv, plan, tc, tb, vv);
    }

    public void MixtureSlice(LogMixturePlan target, double[] baseQ, int parameterX, int parameterY, double[] x, double[] y, FIntegrand kind,
        double order, double[] output)
    {
        var plan = Upload(target);
        T a = R.Of(order);
        using var xs = Vector(x);
        using var ys = Vector(y);
        using var q = Vector(baseQ);
        using var scratch = accelerator.Allocate1D<T>((long)x.Length * y.Length * baseQ.Length);
        using var values = new OutputGrid(accelerator, x.Length, y.Length, output);
        var (xv, yv, qv, sv, vv) = (xs.View, ys.View, q.View, scratch.View, values.View);
        Launch(MixtureSliceKernels.Slice<T, R>, new Index2D(x.Length, y.Length),
            i => MixtureSliceKernels.Slice<T, R>(i, xv, yv, qv, parameterX, parameterY, plan, kind, a, sv, vv),
            xv, yv, qv, parameterX, parameterY, plan, kind, a, sv, vv);
    }

    public void ThetaRestarts(ThetaObjective objective, OptimizerSettings<double> settings, double[] theta, double[] value, double[] gradientNorm,
        int[] steps, int[] status) => objective.On(this, new ThetaLaunch(this, settings, theta, value, gradientNorm, steps, status));

    sealed class ThetaLaunch(Backend<T, R> backend, OptimizerSettings<double> settings, double[] theta, double[] value, double[] gradientNorm,
        int[] steps, int[] status) : IThetaObjectiveUser<T>
    {
        public void Use<F>(F objective) where F : struct, IThetaObjective<T> =>
            backend.ThetaRestarts(objective, settings, theta, value, gradientNorm, steps, status);
    }

    /// <summary>Restarts of a family whose θ has many numbers (a mixture's K components, a flow's K layers) from
    /// <paramref name="theta"/> (θ of each restart in a row, overwritten by its end point).</summary>
    void ThetaRestarts<F>(F objective, OptimizerSettings<double> settings, double[] theta, double[] value, double[] gradientNorm, int[] steps,
        int[] status) where F : struct, IThetaObjective<T>
    {
        var os = Convert(settings);
        int n = value.Length;
        using var th = Vector(theta);
        using var scratch = accelerator.Allocate1D<T>(n * ThetaRestartScratch.PerRestart(objective.Size, objective.Work));
        using var ends = new RestartEnds(accelerator, n);
        var (tv, sv) = (th.View, scratch.View);
        var (fv, nv, kv, ov) = ends.Views;
        Launch(ThetaRestartKernels.Optimize<T, R, F>, n, i => ThetaRestartKernels.Optimize<T, R, F>(i, objective, tv, os, sv, fv, nv, kv, ov),
            objective, tv, os, sv, fv, nv, kv, ov);
        CopyOut(th.GetAsArray1D(), theta);
        ends.ReadInto(value, gradientNorm, steps, status);
    }

    public void ThetaGradient(ThetaObjective objective, double[] theta, double[] gradient, double[] value) =>
        objective.On(this, new ThetaGradientLaunch(this, theta, gradient, value));

    sealed class ThetaGradientLaunch(Backend<T, R> backend, double[] theta, double[] gradient, double[] value) : IThetaObjectiveUser<T>
    {
        public void Use<F>(F objective) where F : struct, IThetaObjective<T> => backend.ThetaGradient(objective, theta, gradient, value);
    }

    void ThetaGradient<F>(F objective, double[] theta, double[] gradient, double[] value) where F : struct, IThetaObjective<T>
    {
        int n = value.Length;
        using var th = Vector(theta);
        using var scratch = accelerator.Allocate1D<T>(Math.Max(1L, (long)n * objective.Work));
        using var g = accelerator.Allocate1D<T>(theta.Length);
        using var v = accelerator.Allocate1D<T>(n);
        var (tv, sv, gv, vv) = (th.View, scratch.View, g.View, v.View);
        Launch(ThetaRestartKernels.Gradient<T, R, F>, n, i => ThetaRestartKernels.Gradient<T, R, F>(i, objective, tv, sv, gv, vv), objective, tv, sv, gv, vv);
        CopyOut(g.GetAsArray1D(), gradient);
        CopyOut(v.GetAsArray1D(), value);
    }

    public (double[] Value, double[] GradMu, double[] GradLogScale) Gradient(FitObjective objective, double[] mu, double[] logScale)
    {
        var gradient = new GradientLaunch(this, mu, logScale);
        objective.On(this, gradient);
        return gradient.Result;
    }

    /// <summary>Value and gradient of one objective, its kernel struct <paramref name="fit"/>, at each point.</summary>
    (double[], double[], double[]) Gradient<F>(F fit, double[] mu, double[] logScale) where F : struct, IFitObjective<T>
    {
        using var m = Vector(mu);
        using var s = Vector(logScale);
        using var f = accelerator.Allocate1D<T>(mu.Length);
        using var gm = accelerator.Allocate1D<T>(mu.Length);
        using var gs = accelerator.Allocate1D<T>(mu.Length);
        var (mv, sv, fv, gmv, gsv) = (m.View, s.View, f.View, gm.View, gs.View);
        Launch(RestartKernels.Gradient<T, R, F>, mu.Length, i => RestartKernels.Gradient<T, R, F>(i, fit, mv, sv, fv, gmv, gsv),
            fit, mv, sv, fv, gmv, gsv);
        return (Read(f), Read(gm), Read(gs));
    }

    sealed class GradientLaunch(Backend<T, R> backend, double[] mu, double[] logScale) : IObjectiveUser<T>
    {
        public (double[], double[], double[]) Result { get; private set; }
        public void Use<F>(F fit) where F : struct, IFitObjective<T> => Result = backend.Gradient(fit, mu, logScale);
    }

    public void Optimize(FitObjective objective, OptimizerSettings<double> settings, AcrossStarts across, int first, double[] mu,
        double[] logScale, double[] value, double[] gradientNorm, int[] steps, int[] status, double[] trajectory, double[] acrossDeviation) =>
        objective.On(this, new RestartLaunch(this, settings, across, first, mu, logScale, value, gradientNorm, steps, status, trajectory,
            acrossDeviation));

    sealed class RestartLaunch(Backend<T, R> backend, OptimizerSettings<double> settings, AcrossStarts across, int first, double[] mu,
        double[] logScale, double[] value, double[] gradientNorm, int[] steps, int[] status, double[] trajectory, double[] acrossDeviation)
        : IObjectiveUser<T>
    {
        public void Use<F>(F fit) where F : struct, IFitObjective<T> =>
            backend.Optimize(fit, settings, across, first, mu, logScale, value, gradientNorm, steps, status, trajectory, acrossDeviation);
    }

    /// <summary>Restarts [first, first + mu.Length) of one objective, its kernel struct <paramref name="fit"/>.</summary>
    void Optimize<F>(F fit, OptimizerSettings<double> settings, AcrossStarts across, int first, double[] mu, double[] logScale,
        double[] value, double[] gradientNorm, int[] steps, int[] status, double[] trajectory, double[] acrossDeviation)
        where F : struct, IFitObjective<T>
    {
        var os = Convert(settings);
        int n = mu.Length;
        using var m = Vector(mu);
        using var s = Vector(logScale);
        using var ends = new RestartEnds(accelerator, n);
        using var path = accelerator.Allocate1D<T>(Math.Max(1, trajectory.Length));
        if (trajectory.Length > 0) path.View.SubView(0, trajectory.Length).CopyFromCPU(trajectory.Select(R.Of).ToArray());
        using var state = accelerator.Allocate1D<T>(Math.Max(1L, (long)n * across.Count * AcrossU<T>.Slots));
        using var deviation = accelerator.Allocate1D<T>(Math.Max(1, 2 * n));
        var au = new AcrossU<T>
        {
            Count = across.Count, State = state.View, Deviation = deviation.View, Seed = across.Seed,
            MuMin = R.Of(across.MuMin), MuMax = R.Of(across.MuMax), LogSigmaMin = R.Of(across.LogSigmaMin), LogSigmaMax = R.Of(across.LogSigmaMax),
            Divergence = across.Divergence,
        };
        var (mv, sv, pv) = (m.View, s.View, path.View);
        var (fv, nv, tv, ov) = ends.Views;
        Launch(RestartKernels.Optimize<T, R, F>, n, i => RestartKernels.Optimize<T, R, F>(i, first, mv, sv, fit, os, au, fv, nv, tv, ov, pv),
            first, mv, sv, fit, os, au, fv, nv, tv, ov, pv);
        if (across.Count > 0) CopyOut(deviation.View.SubView(0, 2 * n).AsContiguous().GetAsArray(), acrossDeviation);
        CopyOut(m.GetAsArray1D(), mu);
        CopyOut(s.GetAsArray1D(), logScale);
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
