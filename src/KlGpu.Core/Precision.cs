namespace KlGpu;

/// <summary>The floating-point type the kernels compute in (<c>--precision double|single</c>).</summary>
public enum Precision
{
    /// <summary>float64: the reference, about 1e-9 relative.</summary>
    Double,
    /// <summary>float32: faster on most GPUs, about 1e-5 relative.</summary>
    Single,
}
