using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>
/// The working precision of a generic formula. ILGPU cannot compile <c>T.CreateTruncating</c>, so
/// constants reach generic code through this static member instead; the same source then runs in
/// double and in single precision, on the CPU and in kernels.
/// </summary>
public interface IReal<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract T Of(double value);

    /// <summary>Truncation toward zero, as a C# cast does.</summary>
    static abstract int ToInt(T value);

    /// <summary>The machine epsilon, 2^(1−digits): the relative spacing of numbers near one.</summary>
    static abstract T Epsilon();
}

/// <summary>Double precision: the reference.</summary>
public struct F64 : IReal<double>
{
    public static double Of(double value) => value;
    public static int ToInt(double value) => (int)value;
    public static double Epsilon() => 2.220446049250313e-16;
}

/// <summary>Single precision: an option whose error is measured, not assumed.</summary>
public struct F32 : IReal<float>
{
    public static float Of(double value) => (float)value;
    public static int ToInt(float value) => (int)value;
    public static float Epsilon() => 1.1920929e-7f;
}
