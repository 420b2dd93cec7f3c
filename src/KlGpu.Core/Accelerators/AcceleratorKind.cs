namespace KlGpu.Accelerators;

/// <summary>Which device runs the kernels (<c>--accelerator auto|cuda|opencl|cpu</c>).</summary>
public enum AcceleratorKind
{
    /// <summary>The best available: CUDA, then OpenCL, then the CPU.</summary>
    Auto,
    Cuda,
    OpenCL,
    Cpu,
}
