using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>
/// The components of a mixture as log-quadratics ℓ_k(x) = c_k − ½ τ_k (x − m_k)², with
/// c_k = log π_k − log s_k − ½ log 2π and τ_k = 1/s_k². Implemented over host arrays and over
/// device views, so the formulas in <see cref="LogMixture"/> are written once for both.
/// </summary>
public interface IComponentSet<T> where T : unmanaged
{
    int Count { get; }
    T Offset(int k);
    T Mean(int k);
    T Precision(int k);
}

/// <summary>log p of a Gaussian mixture, split as an owner component plus a bounded remainder.</summary>
public static class LogMixture
{
    public static T Component<T, R, S>(in S set, int k, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IComponentSet<T>
    {
        T d = x - set.Mean(k);
        return set.Offset(k) - R.Of(0.5) * set.Precision(k) * d * d;
    }

    /// <summary>
    /// r(x) = log p(x) − ℓ_owner(x) = log(1 + Σ_{k≠owner} exp(ℓ_k − ℓ_owner)). Exact for any owner;
    /// bounded by log K and analytic where the owner is the largest component.
    /// </summary>
    public static T Remainder<T, R, S>(in S set, int owner, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IComponentSet<T>
    {
        T s = T.Zero;
        for (int k = 0; k < set.Count; k++)
            if (k != owner) s += T.Exp(Difference<T, R, S>(set, k, owner, x));
        return LogOnePlus<T>(s);
    }

    /// <summary>
    /// ℓ_k(x) − ℓ_o(x) = (c_k − c_o) − ½(τ_k − τ_o)(x − m_k)² − ½τ_o(m_o − m_k)(2x − m_k − m_o): the same quantity as
    /// the difference of the two log-quadratics, without their cancellation far out (where each is ~x²/s²). Where that form's
    /// own two terms are the larger (stds far apart and means far apart: 1e12·1e8 against each other near the narrow
    /// component, which turned e^{difference} into ∞), the plain difference ½τ_o(x − m_o)² − ½τ_k(x − m_k)² is used.
    /// </summary>
    public static T Difference<T, R, S>(in S set, int k, int o, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IComponentSet<T>
    {
        T half = R.Of(0.5), mk = set.Mean(k), mo = set.Mean(o), dk = x - mk, dO = x - mo, tk = set.Precision(k), to = set.Precision(o);
        T spread = half * (tk - to) * dk * dk, shift = half * to * (mo - mk) * (dk + dO);
        T ownK = half * tk * dk * dk, ownO = half * to * dO * dO;
        return T.Abs(spread) + T.Abs(shift) <= ownK + ownO
            ? set.Offset(k) - set.Offset(o) - spread - shift
            : set.Offset(k) - set.Offset(o) - ownK + ownO;
    }

    /// <summary>log p(x) = log Σ_k exp ℓ_k(x), as the largest component plus the log of the others' share.</summary>
    public static T LogDensity<T, R, S>(in S set, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IComponentSet<T>
    {
        int owner = 0;
        T best = Component<T, R, S>(set, 0, x);
        for (int k = 1; k < set.Count; k++)
        {
            T l = Component<T, R, S>(set, k, x);
            if (l > best) { best = l; owner = k; }
        }
        return set.Count == 1 ? best : best + Remainder<T, R, S>(set, owner, x);
    }

    /// <summary>The largest component ℓ_owner(x), returned, and <paramref name="others"/> = Σ_{k≠owner} exp(ℓ_k − ℓ_owner): log p is
    /// the largest plus log(1 + others), and the responsibilities are the ratios over 1 + others, so p costs K − 1
    /// exponentials and one logarithm.</summary>
    public static T Owner<T, R, S>(in S set, T x, out int owner, out T others)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IComponentSet<T>
    {
        owner = 0;
        T top = Component<T, R, S>(set, 0, x);
        for (int k = 1; k < set.Count; k++)
        {
            T l = Component<T, R, S>(set, k, x);
            if (l > top) { top = l; owner = k; }
        }
        others = T.Zero;
        for (int k = 0; k < set.Count; k++)
            if (k != owner) others += T.Exp(Component<T, R, S>(set, k, x) - top);
        return top;
    }

    /// <summary>∂ₓ log p(x) = Σ_k r_k(x) τ_k (m_k − x), r_k the components' responsibilities (a softmax of ℓ_k).</summary>
    public static T LogDensitySlope<T, R, S>(in S set, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where S : struct, IComponentSet<T>
    {
        T best = T.NegativeInfinity;
        for (int k = 0; k < set.Count; k++) best = T.Max(best, Component<T, R, S>(set, k, x));
        T weight = T.Zero, slope = T.Zero;
        for (int k = 0; k < set.Count; k++)
        {
            T r = T.Exp(Component<T, R, S>(set, k, x) - best);
            weight += r;
            slope += r * set.Precision(k) * (set.Mean(k) - x);
        }
        return slope / weight;
    }

    /// <summary>log(1 + s), accurate for small s without relying on a LogP1 intrinsic in kernels.</summary>
    public static T LogOnePlus<T>(T s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T u = T.One + s;
        return u == T.One ? s : T.Log(u) * s / (u - T.One);
    }
}

/// <summary>Components held in host arrays (double), for building plans and for tests.</summary>
public readonly struct ArrayComponents(double[] offsets, double[] means, double[] precisions) : IComponentSet<double>
{
    public int Count => offsets.Length;
    public double Offset(int k) => offsets[k];
    public double Mean(int k) => means[k];
    public double Precision(int k) => precisions[k];
}

/// <summary>A single Gaussian as a component set: q = N(μ, σ) in kernels, without arrays.</summary>
public readonly struct GaussianComponent<T> : IComponentSet<T> where T : unmanaged
{
    readonly T offset, mean, precision;

    public GaussianComponent(T offset, T mean, T precision)
    {
        this.offset = offset;
        this.mean = mean;
        this.precision = precision;
    }

    public int Count => 1;
    public T Offset(int k) => offset;
    public T Mean(int k) => mean;
    public T Precision(int k) => precision;
}
