using Xunit;
using KlGpu.Specs;

namespace KlGpu.Tests.Specs;

public class RangeSpecTests
{
    [Theory]
    [InlineData("-4:4:512", -4, 4, 512)]
    [InlineData(" -4 : 4 : 512 ", -4, 4, 512)]
    [InlineData("1e-3:2.5E+1:2", 0.001, 25, 2)]
    [InlineData("-2.5:-0.5:3", -2.5, -0.5, 3)]
    public void ParsesExactValues(string text, double min, double max, int count) =>
        Assert.Equal((min, max, count), RangeSpec.Parse(text, "--mu"));

    [Fact]
    public void ParsesWithInvariantCultureUnderAGermanCulture()
    {
        using var _ = new CommaCulture();
        Assert.Equal((0.05, 2.5, 101), RangeSpec.Parse("0.05:2.5:101", "--sigma", positive: true));
        Assert.Throws<UsageException>(() => RangeSpec.Parse("0,05:2,5:101", "--sigma"));
    }

    [Fact]
    public void ParseAxisGivesAGridAxis()
    {
        var axis = RangeSpec.ParseAxis("0.1:10:3", "--sigma", positive: true, geometric: true);
        Assert.Equal(new KlGpu.Landscape.GridAxis(0.1, 10, 3, Geometric: true), axis);
        Assert.Equal(1.0, axis.At(1), 12);
    }

    [Theory]
    [InlineData("4:-4:512", "empty or inverted range \"4:-4:512\"")]
    [InlineData("1:1:10", "empty or inverted range \"1:1:10\"")]
    [InlineData("0:1:1", "need N >= 2 points")]
    [InlineData("0:1:0", "need N >= 2 points")]
    [InlineData("0:1:-5", "must be a whole number")]
    [InlineData("0:1:2.5", "must be a whole number, not \"2.5\"")]
    [InlineData("0:1:", "must be a whole number")]
    [InlineData("0:1:99999999999", "too many")]
    [InlineData("-4:4", "expected MIN:MAX:N")]
    [InlineData("-4:4:10:2", "expected MIN:MAX:N")]
    [InlineData("", "empty range")]
    [InlineData("a:4:10", "expected MIN at \"a\"")]
    [InlineData("0:4x:10", "\"4x\" is not a number")]
    [InlineData("NaN:4:10", "NaN is not a number here")]
    [InlineData("0:Infinity:10", "Infinity is not a number here")]
    [InlineData("0:1e999:10", "1e999 is too large for a double")]
    public void BadRangesAreUsageErrors(string text, string expected)
    {
        var e = Assert.Throws<UsageException>(() => RangeSpec.Parse(text, "--mu"));
        Assert.StartsWith("--mu: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("0:2:10")]
    [InlineData("-1:2:10")]
    [InlineData("-2:-1:10")]
    public void SigmaRangesMustStayAboveZero(string text)
    {
        var e = Assert.Throws<UsageException>(() => RangeSpec.Parse(text, "--sigma", positive: true));
        Assert.Contains("--sigma: σ range must stay above 0", e.Message);
        Assert.Contains($"\"{text}\"", e.Message);
    }

    [Fact]
    public void AGeometricAxisMustBePositive() =>
        Assert.Throws<UsageException>(() => RangeSpec.ParseAxis("0:1:10", "--sigma", geometric: true));
}
