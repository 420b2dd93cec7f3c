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

/// <summary>Everything a restart kernel needs besides the target: one value type, passed by value to the kernel.</summary>
public struct OptimizerSettings<T> where T : unmanaged
{
    public int Divergence, Method, MaxSteps;
    public T LearningRate, Beta1, Beta2, Epsilon, Tolerance;
    /// <summary>When non-zero, log σ stays at its start and only μ moves.</summary>
    public int FixSigma;
    /// <summary>Restarts 0, TrajectoryStride, 2·TrajectoryStride, … (TrajectoryCount of them) record every iterate,
    /// (MaxSteps + 1) pairs each, so a grid of starts is sampled across the grid rather than along its first row.</summary>
    public int TrajectoryCount, TrajectoryStride;
}

public static class RestartKernels
{
    const double LogSigmaLimit = 40.0;

    /// <summary>
    /// One optimizer restart per thread: (mu, logSigma) hold the start and receive the end point. A restart stops
    /// at the first iterate whose gradient norm is below the tolerance; the end's value and gradient norm are kept.
    /// </summary>
    public static void Optimize<T, R>(Index1D index, int firstRestart, ArrayView<T> mu, ArrayView<T> logSigma,
        LogMixturePlanView<T> target, TargetMoments<T> moments, OptimizerSettings<T> settings,
        ArrayView<T> value, ArrayView<T> gradientNorm, ArrayView<int> steps, ArrayView<int> status, ArrayView<T> trajectory)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T m = mu[index], s = logSigma[index];
        T moment1Mu = T.Zero, moment1S = T.Zero, moment2Mu = T.Zero, moment2S = T.Zero;
        T beta1Power = T.One, beta2Power = T.One, lr = settings.LearningRate;
        int restart = firstRestart + index, slot = restart / settings.TrajectoryStride;
        bool record = restart % settings.TrajectoryStride == 0 && slot < settings.TrajectoryCount;
        int recordBase = slot * (settings.MaxSteps + 1) * 2;
        int outcome = RestartStatus.StepLimit, taken = settings.MaxSteps;
        T f = T.Zero, norm = T.Zero;
        for (int t = 0; t <= settings.MaxSteps; t++)
        {
            if (record)
            {
                trajectory[recordBase + 2 * t] = m;
                trajectory[recordBase + 2 * t + 1] = s;
            }
            if (!T.IsFinite(m) || !(T.Abs(s) <= R.Of(LogSigmaLimit)))
            {
                outcome = RestartStatus.Diverged;
                taken = t;
                break;
            }
            f = GaussianFitObjective.ValueAndGradient<T, R>(settings.Divergence, m, s, target, moments, out T gm, out T gs);
            if (settings.FixSigma != 0) gs = T.Zero;
            norm = T.Sqrt(gm * gm + gs * gs);
            if (norm < settings.Tolerance)
            {
                outcome = RestartStatus.Converged;
                taken = t;
                break;
            }
            if (t == settings.MaxSteps) break;
            if (settings.Method == OptimizerMethod.Adam)
            {
                T b1 = settings.Beta1, b2 = settings.Beta2;
                beta1Power *= b1;
                beta2Power *= b2;
                moment1Mu = b1 * moment1Mu + (T.One - b1) * gm;
                moment1S = b1 * moment1S + (T.One - b1) * gs;
                moment2Mu = b2 * moment2Mu + (T.One - b2) * gm * gm;
                moment2S = b2 * moment2S + (T.One - b2) * gs * gs;
                T c1 = T.One / (T.One - beta1Power), c2 = T.One / (T.One - beta2Power);
                m -= lr * moment1Mu * c1 / (T.Sqrt(moment2Mu * c2) + settings.Epsilon);
                s -= lr * moment1S * c1 / (T.Sqrt(moment2S * c2) + settings.Epsilon);
            }
            else if (settings.Method == OptimizerMethod.Momentum)
            {
                // Heavy ball: the velocity is a β1-discounted sum of gradients.
                moment1Mu = settings.Beta1 * moment1Mu + gm;
                moment1S = settings.Beta1 * moment1S + gs;
                m -= lr * moment1Mu;
                s -= lr * moment1S;
            }
            else
            {
                m -= lr * gm;
                s -= lr * gs;
            }
        }
        if (record)
            for (int t = taken + 1; t <= settings.MaxSteps; t++)
            {
                trajectory[recordBase + 2 * t] = m;
                trajectory[recordBase + 2 * t + 1] = s;
            }
        mu[index] = m;
        logSigma[index] = s;
        value[index] = f;
        gradientNorm[index] = norm;
        steps[index] = taken;
        status[index] = outcome;
    }

    /// <summary>Value and gradient in (μ, log σ) at given points: for polishing and for tests.</summary>
    public static void Gradient<T, R>(Index1D index, int divergence, ArrayView<T> mu, ArrayView<T> logSigma,
        LogMixturePlanView<T> target, TargetMoments<T> moments, ArrayView<T> value, ArrayView<T> gradMu, ArrayView<T> gradLogSigma)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        value[index] = GaussianFitObjective.ValueAndGradient<T, R>(divergence, mu[index], logSigma[index], target, moments,
            out T gm, out T gs);
        gradMu[index] = gm;
        gradLogSigma[index] = gs;
    }
}
