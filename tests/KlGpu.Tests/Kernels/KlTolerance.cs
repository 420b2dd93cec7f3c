using Xunit;

namespace KlGpu.Tests.Kernels;

public static class KlTolerance
{
    /// <summary>The project's bar for double precision: 1e-9 relative, or 1e-10 absolute below 0.1.</summary>
    public static void AssertClose(double expected, double actual, string what)
    {
        double tolerance = Math.Abs(expected) < 0.1 ? 1e-10 : 1e-9 * Math.Abs(expected);
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"{what}: got {actual:R}, expected {expected:R}");
    }
}
