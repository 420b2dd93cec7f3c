using KlGpu.Numerics;
using Xunit;

namespace KlGpu.Tests.Numerics;

public class StandardNormalTests
{
    /// <summary>
    /// Expected values: Q(z) in 60-digit decimal arithmetic (series below 3, continued fraction above), rounded to
    /// double. scipy.special.ndtr agrees to 1e-15 except far out (1.1e-12 relative at z = 37, where it is the one off).
    /// </summary>
    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(1e-08, 0.4999999960105772)]
    [InlineData(0.1, 0.460172162722971)]
    [InlineData(0.5, 0.3085375387259869)]
    [InlineData(1, 0.15865525393145705)]
    [InlineData(1.5, 0.06680720126885807)]
    [InlineData(2, 0.02275013194817921)]
    [InlineData(2.5, 0.006209665325776135)]
    [InlineData(2.9999, 0.001350341282954924)]
    [InlineData(3, 0.0013498980316300946)]
    [InlineData(3.5, 0.00023262907903552504)]
    [InlineData(4, 3.1671241833119924e-05)]
    [InlineData(5, 2.866515718791939e-07)]
    [InlineData(6, 9.86587645037698e-10)]
    [InlineData(8, 6.220960574271784e-16)]
    [InlineData(10, 7.619853024160525e-24)]
    [InlineData(15, 3.670966199312751e-51)]
    [InlineData(20, 2.7536241186062337e-89)]
    [InlineData(30, 4.906713927148187e-198)]
    [InlineData(37, 5.725571222524577e-300)]
    public void UpperTailMatchesHighPrecisionValues(double z, double expected)
    {
        double pdf = StandardNormal.Pdf<double, F64>(z);
        double q = StandardNormal.UpperTail<double, F64>(z, pdf);
        // Below 3 the tail is ½ minus a series, so it keeps absolute accuracy (what the envelope needs);
        // above 3 the continued fraction keeps full relative accuracy however small Q is.
        double tolerance = z < 3 ? 2e-16 + 1e-12 * expected : 1e-13 * expected;
        Assert.InRange(q, expected - tolerance, expected + tolerance);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(3.5)]
    [InlineData(9.0)]
    public void SinglePrecisionTailIsCloseToDouble(double z)
    {
        float q = StandardNormal.UpperTail<float, F32>((float)z, StandardNormal.Pdf<float, F32>((float)z));
        double exact = StandardNormal.UpperTail<double, F64>(z, StandardNormal.Pdf<double, F64>(z));
        Assert.InRange(q, exact * (1 - 1e-5), exact * (1 + 1e-5));
    }
}
