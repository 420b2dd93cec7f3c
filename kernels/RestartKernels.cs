using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>Which update rule a restart follows (an int, so kernels take it as a plain field).</summary>
public static class OptimizerMethod
{
    public const int Adam = 0, Sgd = 1, Momentum = 2;
}

/// <summary>How a restart ended.</summary>
public static class RestartStatus
{
    /// <summary>The gradient norm fell below the tolerance.</summary>
    public const int Converged = 0;
    /// <summary>The step budget ran out first.</summary>
    public const int StepLimit = 1;
    /// <summary>The iterate left the representable range (σ beyond e^±40, or not finite): the learning rate is too large.</summary>
    public const int Diverged = 2;
}

/// <summary>Everything a restart kernel needs besides its objective: one value type, passed by value to the kernel.</summary>
public struct OptimizerSettings<T> where T : unmanaged
{
    /// <summary>How to step, never what is minimized: that is the objective's (its divergence travels with it).</summary>
    public int Method, MaxSteps;
    public T LearningRate, Beta1, Beta2, Epsilon, Tolerance;
    /// <summary>When non-zero, log σ stays at its start and only μ moves.</summary>
    public int FixSigma;
    /// <summary>Restarts 0, TrajectoryStride, 2·TrajectoryStride, … (TrajectoryCount of them) record every iterate,
    /// (MaxSteps + 1) pairs each, so a grid of starts is sampled across the grid rather than along its first row.</summary>
    public int TrajectoryCount, TrajectoryStride;
}

/// <summary>One step of the chosen update rule for one coordinate, with the step's Adam bias corrections.</summary>
public readonly struct UpdateRule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly int method;
    readonly T lr, beta1, beta2, epsilon, correction1, correction2;

    public UpdateRule(in OptimizerSettings<T> settings, T beta1Power, T beta2Power)
    {
        method = settings.Method;
        lr = settings.LearningRate;
        beta1 = settings.Beta1;
        beta2 = settings.Beta2;
        epsilon = settings.Epsilon;
        correction1 = T.One / (T.One - beta1Power);
        correction2 = T.One / (T.One - beta2Power);
    }

    /// <summary>The amount to subtract from the coordinate whose gradient is g; updates its moments.</summary>
    public T Step(T g, ref T moment1, ref T moment2)
    {
        if (method == OptimizerMethod.Adam)
        {
            moment1 = beta1 * moment1 + (T.One - beta1) * g;
            moment2 = beta2 * moment2 + (T.One - beta2) * g * g;
            return lr * moment1 * correction1 / (T.Sqrt(moment2 * correction2) + epsilon);
        }
        if (method == OptimizerMethod.Momentum)
        {
            // Heavy ball: the velocity is a β1-discounted sum of gradients.
            moment1 = beta1 * moment1 + g;
            return lr * moment1;
        }
        return lr * g;
    }
}

/// <summary>
/// The bookkeeping every restart loop shares, whatever it optimizes: at iterate t it stops the restart (diverged, converged
/// or out of steps) or advances the bias-correction powers and gives the step's <see cref="UpdateRule{T}"/>.
/// </summary>
public struct RestartProgress<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A <see cref="RestartStatus"/> code and the iterate it was decided at.</summary>
    public int Outcome, Taken;
    T beta1Power, beta2Power;

    public RestartProgress(in OptimizerSettings<T> settings)
    {
        Outcome = RestartStatus.StepLimit;
        Taken = settings.MaxSteps;
        beta1Power = T.One;
        beta2Power = T.One;
    }

    /// <summary>False when the restart ends at iterate <paramref name="t"/>: its point (or value, or gradient) is not
    /// finite, its gradient norm is below the tolerance, or it is the last iterate.</summary>
    public bool Continue(in OptimizerSettings<T> settings, int t, bool finite, T norm, out UpdateRule<T> rule)
    {
        rule = default;
        if (!finite)
        {
            Outcome = RestartStatus.Diverged;
            Taken = t;
            return false;
        }
        if (norm < settings.Tolerance)
        {
            Outcome = RestartStatus.Converged;
            Taken = t;
            return false;
        }
        if (t == settings.MaxSteps) return false;
        beta1Power *= settings.Beta1;
        beta2Power *= settings.Beta2;
        rule = new UpdateRule<T>(settings, beta1Power, beta2Power);
        return true;
    }
}

/// <summary>What a restart descends and a map draws: a divergence between p and a q of two coordinates, (μ, log σ) or
/// (μ, log s), with its gradient there, and the two KLs at (μ, scale). A family of q adds one such struct and nothing else
/// to the restart and map kernels.</summary>
public interface IFitObjective<T> where T : unmanaged
{
    T ValueAndGradient(T mu, T logScale, out T gradMu, out T gradLogScale);

    /// <summary>KL(p||q) at (μ, scale); the struct's divergence is not read.</summary>
    T ForwardKl(T mu, T scale);

    /// <summary>KL(q||p) at (μ, scale); the struct's divergence is not read.</summary>
    T ReverseKl(T mu, T scale);
}

public static class MapKernels
{
    /// <summary>Forward and reverse KL (the <see cref="KlOutputs"/> asked for) of any family on a (μ, scale) grid,
    /// one thread per point (index.X over μ, index.Y over scale rows).</summary>
    public static void Kl<T, F>(Index2D index, ArrayView<T> mu, ArrayView<T> scale, F fit, KlOutputs outputs,
        ArrayView2D<T, Stride2D.DenseX> forward, ArrayView2D<T, Stride2D.DenseX> reverse)
        where T : unmanaged where F : struct, IFitObjective<T>
    {
        T m = mu[index.X], s = scale[index.Y];
        if ((outputs & KlOutputs.Forward) != 0) forward[index] = fit.ForwardKl(m, s);
        if ((outputs & KlOutputs.Reverse) != 0) reverse[index] = fit.ReverseKl(m, s);
    }
}

public static class RestartKernels
{
    public const double LogSigmaLimit = 40.0;

    /// <summary>
    /// One optimizer restart per thread, for any fit objective: (mu, logScale) hold the start and receive the end point. A
    /// restart stops at the first iterate whose gradient norm is below the tolerance, or whose point, value or gradient is not
    /// finite (it has left the domain); the end's value and gradient norm are kept. Restarts picked by the settings record
    /// their paths, and <paramref name="across"/> (Count 0 for a 1-D fit) carries the coordinates across u of the
    /// d-dimensional two-mode target.
    /// </summary>
    public static void Optimize<T, R, F>(Index1D index, int firstRestart, ArrayView<T> mu, ArrayView<T> logScale, F fit,
        OptimizerSettings<T> settings, AcrossU<T> across, ArrayView<T> value, ArrayView<T> gradientNorm, ArrayView<int> steps,
        ArrayView<int> status, ArrayView<T> trajectory)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where F : struct, IFitObjective<T>
    {
        T m = mu[index], s = logScale[index];
        across.Start<R>(index, firstRestart + index);
        T moment1Mu = T.Zero, moment1S = T.Zero, moment2Mu = T.Zero, moment2S = T.Zero;
        var progress = new RestartProgress<T>(settings);
        int restart = firstRestart + index, slot = restart / settings.TrajectoryStride;
        bool record = restart % settings.TrajectoryStride == 0 && slot < settings.TrajectoryCount;
        int recordBase = slot * (settings.MaxSteps + 1) * 2;
        T f = T.Zero, norm = T.Zero;
        for (int t = 0; t <= settings.MaxSteps; t++)
        {
            if (record)
            {
                trajectory[recordBase + 2 * t] = m;
                trajectory[recordBase + 2 * t + 1] = s;
            }
            T gm = T.Zero, gs = T.Zero;
            bool finite = T.IsFinite(m) && T.Abs(s) <= R.Of(LogSigmaLimit);
            if (finite)
            {
                f = fit.ValueAndGradient(m, s, out gm, out gs);
                if (settings.FixSigma != 0) gs = T.Zero;
                T squaredNorm = gm * gm + gs * gs;
                // A diverging integral (χ² or α with q too narrow) has no gradient: the restart has left the domain.
                finite = T.IsFinite(f) && T.IsFinite(squaredNorm);
                if (finite && across.Count > 0) finite = across.AddValueAndSquaredGradient<R>(index, ref f, ref squaredNorm);
                if (finite) norm = T.Sqrt(squaredNorm);
            }
            if (!progress.Continue(settings, t, finite, norm, out var rule)) break;
            m -= rule.Step(gm, ref moment1Mu, ref moment2Mu);
            s -= rule.Step(gs, ref moment1S, ref moment2S);
            if (across.Count > 0) across.Step<R>(index, rule);
        }
        if (across.Count > 0) across.WriteDeviation(index);
        if (record)
            for (int t = progress.Taken + 1; t <= settings.MaxSteps; t++)
            {
                trajectory[recordBase + 2 * t] = m;
                trajectory[recordBase + 2 * t + 1] = s;
            }
        mu[index] = m;
        logScale[index] = s;
        value[index] = f;
        gradientNorm[index] = norm;
        steps[index] = progress.Taken;
        status[index] = progress.Outcome;
    }

    /// <summary>Value and gradient of a fit objective at given points: for polishing and for tests.</summary>
    public static void Gradient<T, R, F>(Index1D index, F fit, ArrayView<T> mu, ArrayView<T> logScale, ArrayView<T> value,
        ArrayView<T> gradMu, ArrayView<T> gradLogScale)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where F : struct, IFitObjective<T>
    {
        value[index] = fit.ValueAndGradient(mu[index], logScale[index], out T gm, out T gs);
        gradMu[index] = gm;
        gradLogScale[index] = gs;
    }
}
