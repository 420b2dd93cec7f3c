using KlGpu.Numerics;

namespace KlGpu.Basins;

/// <summary>
/// A small seeded generator (Steele, Lea and Flood's SplitMix64), written here so that the same seed gives the
/// same starts on every machine and .NET version; <see cref="System.Random"/> promises no such stability.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    ulong state = seed;

    public ulong Next()
    {
        state += CounterRandom.Gamma;
        return CounterRandom.Mix(state);
    }

    /// <summary>Uniform on [0, 1): the top 53 bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
