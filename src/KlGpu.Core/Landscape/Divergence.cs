namespace KlGpu.Landscape;

public enum Divergence
{
    /// <summary>KL(p||q), mass-covering.</summary>
    Forward,
    /// <summary>KL(q||p), mode-seeking.</summary>
    Reverse,
}

public static class DivergenceNames
{
    public static string Name(this Divergence d) => d switch
    {
        Divergence.Forward => "forward",
        Divergence.Reverse => "reverse",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    /// <summary>The kernels' code for the divergence.</summary>
    public static int Mask(this Divergence d) => d switch
    {
        Divergence.Forward => KlGpu.Kernels.DivergenceMask.Forward,
        Divergence.Reverse => KlGpu.Kernels.DivergenceMask.Reverse,
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    /// <summary>The mathematical label used in titles and colour bars.</summary>
    public static string Label(this Divergence d) => d switch
    {
        Divergence.Forward => "KL(p || q)",
        Divergence.Reverse => "KL(q || p)",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };
}
