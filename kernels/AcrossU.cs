using System.Numerics;
using ILGPU;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>
/// The coordinates across u of a restart fitted to the d-dimensional two-mode target (<see cref="Target"/>): Count = d − 1
/// pairs (μ_i, log σ_i) per restart, each pulled towards N(0, 1) by a closed-form Gaussian KL, updated by the same rule
/// as the coordinates along u. A 1-D fit has Count = 0 and touches nothing here.
/// </summary>
public struct AcrossU<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Per coordinate: μ, log σ, their first moments, their second moments.</summary>
    public const int Slots = 6;

    public int Count;
    /// <summary>[restart in this launch][coordinate][slot].</summary>
    public ArrayView<T> State;
    /// <summary>[restart in this launch][2]: max |μ_i| and max |log σ_i| at the end, how far from the optimum (0, 0) it stopped.</summary>
    public ArrayView<T> Deviation;
    /// <summary>Starts are uniform in μ and in log σ over these boxes, drawn from (Seed, restart, coordinate).</summary>
    public ulong Seed;
    public T MuMin, MuMax, LogSigmaMin, LogSigmaMax;
    /// <summary>The KL minimized along u (<see cref="FIntegrand.ForwardKl"/> or <see cref="FIntegrand.ReverseKl"/>): across u it is the
    /// same direction in closed form.</summary>
    public FIntegrand Divergence;

    readonly long Base(int local, int i) => ((long)local * Count + i) * Slots;

    public readonly void Start<R>(int local, int restart) where R : struct, IReal<T>
    {
        for (int i = 0; i < Count; i++)
        {
            ulong k = ((ulong)restart * (ulong)Count + (ulong)i) * 2;
            long b = Base(local, i);
            State[b] = MuMin + (MuMax - MuMin) * R.Of(CounterRandom.Uniform(Seed, k));
            State[b + 1] = LogSigmaMin + (LogSigmaMax - LogSigmaMin) * R.Of(CounterRandom.Uniform(Seed, k + 1));
            for (int j = 2; j < Slots; j++) State[b + j] = T.Zero;
        }
    }

    static T ValueAndGradient<R>(FIntegrand divergence, T mu, T logSigma, out T gradMu, out T gradLogSigma) where R : struct, IReal<T>
        => divergence == FIntegrand.ForwardKl
            ? GaussianKl.ForwardFromStandard<T, R>(mu, logSigma, out gradMu, out gradLogSigma)
            : GaussianKl.ReverseToStandard<T, R>(mu, logSigma, out gradMu, out gradLogSigma);

    /// <summary>Adds these coordinates' KL to <paramref name="value"/> and their squared gradient to <paramref name="squaredNorm"/>;
    /// false when one has left the representable range.</summary>
    public readonly bool AddValueAndSquaredGradient<R>(int local, ref T value, ref T squaredNorm) where R : struct, IReal<T>
    {
        for (int i = 0; i < Count; i++)
        {
            long b = Base(local, i);
            T mu = State[b], logSigma = State[b + 1];
            if (!T.IsFinite(mu) || !(T.Abs(logSigma) <= R.Of(RestartKernels.LogSigmaLimit))) return false;
            value += ValueAndGradient<R>(Divergence, mu, logSigma, out T gm, out T gs);
            squaredNorm += gm * gm + gs * gs;
        }
        return true;
    }

    public readonly void Step<R>(int local, in UpdateRule<T> rule) where R : struct, IReal<T>
    {
        for (int i = 0; i < Count; i++)
        {
            long b = Base(local, i);
            ValueAndGradient<R>(Divergence, State[b], State[b + 1], out T gm, out T gs);
            T m1 = State[b + 2], s1 = State[b + 3], m2 = State[b + 4], s2 = State[b + 5];
            State[b] -= rule.Step(gm, ref m1, ref m2);
            State[b + 1] -= rule.Step(gs, ref s1, ref s2);
            State[b + 2] = m1;
            State[b + 3] = s1;
            State[b + 4] = m2;
            State[b + 5] = s2;
        }
    }

    public readonly void WriteDeviation(int local)
    {
        T mu = T.Zero, logSigma = T.Zero;
        for (int i = 0; i < Count; i++)
        {
            long b = Base(local, i);
            T a = T.Abs(State[b]), c = T.Abs(State[b + 1]);
            if (a > mu) mu = a;
            if (c > logSigma) logSigma = c;
        }
        Deviation[2 * local] = mu;
        Deviation[2 * local + 1] = logSigma;
    }
}
