namespace KlGpu;

/// <summary>The floating-point type the kernels compute in (<c>--precision double|single</c>).</summary>
public enum Precision
{
    /// <summary>float64: the reference (about 1e-14 relative on the reference cases).</summary>
    Double,
    /// <summary>float32: faster on consumer GPUs; about 1e-6 relative, measured in docs/BENCHMARKS.md.</summary>
    Single,
}
