using KlGpu.Families;
using KlGpu.Plotting;
using ScottPlot;
using Xunit;

namespace KlGpu.Tests.Plotting;

public class DensityFigureTests
{
    /// <summary>A Student-t fit is drawn as the t density: Cauchy's closed form for ν = 1, and the t₃ peak 2/(π√3 s).</summary>
    [Theory]
    [InlineData(-3.0)]
    [InlineData(0.5)]
    [InlineData(7.25)]
    public void AStudentFitIsTheTDensity(double x)
    {
        var cauchy = new DensityFit(0.5, 2, "", 1, Colors.Black, Family: FitFamily.Student(1));
        double expected = 1 / (Math.PI * 2 * (1 + Math.Pow((x - 0.5) / 2, 2)));
        Assert.Equal(expected, Math.Exp(cauchy.LogDensity(x)), 1e-14);

        var t3 = new DensityFit(x, 0.7, "", 1, Colors.Black, Family: FitFamily.Student(3));
        Assert.Equal(2 / (Math.PI * Math.Sqrt(3) * 0.7), t3.Peak, 1e-13);

        var gaussian = new DensityFit(x, 0.7, "", 1, Colors.Black);
        Assert.Equal(1 / (0.7 * Math.Sqrt(2 * Math.PI)), gaussian.Peak, 1e-13);
    }
}
