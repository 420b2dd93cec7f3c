namespace KlGpu.Numerics;

/// <summary>
/// SplitMix64's output function (Steele, Lea and Flood) used as a counter-based generator: the k-th number of a stream
/// is a pure function of (seed, k), so a kernel thread can draw its own numbers in any order, with no state to carry.
/// <c>Mix(seed + (k + 1)·γ)</c> is exactly the (k + 1)-th output of a sequential SplitMix64 started at seed.
/// </summary>
public static class CounterRandom
{
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform on [0, 1): the top 53 bits of the k-th output.</summary>
    public static double Uniform(ulong seed, ulong k) => (Mix(seed + (k + 1) * Gamma) >> 11) * (1.0 / (1UL << 53));
}
