using Xunit;
using KlGpu.Numerics;
using KlGpu.Specs;

namespace KlGpu.Tests.Specs;

public class MixtureSpecTests
{
    static void AssertMixture(GaussianMixture m, double[] weights, double[] means, double[] stds)
    {
        Assert.Equal(weights, m.Weights);
        Assert.Equal(means, m.Means);
        Assert.Equal(stds, m.Stds);
    }

    static UsageException Fails(string text, string what = "target") =>
        Assert.Throws<UsageException>(() => MixtureSpec.Parse(text, what));

    [Fact]
    public void ParsesTheThreeModeExampleExactly() =>
        AssertMixture(MixtureSpec.Parse("0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)"),
            [0.3, 0.4, 0.3], [-2, 0, 2], [0.3, 0.4, 0.3]);

    [Fact]
    public void ASingleGaussianHasWeightOne() =>
        AssertMixture(MixtureSpec.Parse("N(0,1)"), [1], [0], [1]);

    [Theory]
    [InlineData("N(1.5,2)")]
    [InlineData("  N ( 1.5 , 2 )  ")]
    [InlineData("N(\t1.5,\n2)")]
    [InlineData("N(+1.5,2.)")]
    [InlineData("N(15e-1,0.2E+1)")]
    [InlineData("N(.15E1,200e-2)")]
    [InlineData("1*N(1.5,2)")]
    [InlineData("1.0 * N(1.5,2)")]
    public void WhitespaceSignsAndExponentsAreAllowed(string text) =>
        AssertMixture(MixtureSpec.Parse(text), [1], [1.5], [2]);

    [Fact]
    public void ExponentsParseToTheirExactValues() =>
        AssertMixture(MixtureSpec.Parse("0.5*N(-2.5E+1,1e-3) + 0.5*N(1e2,2.5e-30)"),
            [0.5, 0.5], [-25, 100], [0.001, 2.5e-30]);

    [Fact]
    public void OmittedWeightsAreEqual()
    {
        AssertMixture(MixtureSpec.Parse("N(-1,1) + N(1,1)"), [0.5, 0.5], [-1, 1], [1, 1]);
        var three = MixtureSpec.Parse("N(-2,1)+N(0,1)+N(2,1)");
        Assert.All(three.Weights, w => Assert.Equal(1.0 / 3, w));
    }

    [Fact]
    public void ParsesWithInvariantCultureUnderAGermanCulture()
    {
        using var _ = new CommaCulture();
        AssertMixture(MixtureSpec.Parse("0.25*N(-1.5,0.5) + 0.75*N(2.5e-1,1.25)"),
            [0.25, 0.75], [-1.5, 0.25], [0.5, 1.25]);
        var e = Fails("0,5*N(0,1) + 0,5*N(1,1)");
        Assert.Contains("'.' for decimals", e.Message);
    }

    [Theory]
    [InlineData("N(0,1)")]
    [InlineData("0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)")]
    [InlineData("0.1*N(-1e-7,3.3333333333333335) + 0.9*N(123456.789,1e-12)")]
    public void ToStringRoundTrips(string text)
    {
        var m = MixtureSpec.Parse(text);
        var again = MixtureSpec.Parse(m.ToString());
        AssertMixture(again, m.Weights, m.Means, m.Stds);
    }

    [Fact]
    public void RandomMixturesRoundTripThroughToString()
    {
        var random = new Random(12345);
        for (int trial = 0; trial < 200; trial++)
        {
            int k = random.Next(1, 6);
            double[] raw = Enumerable.Range(0, k).Select(_ => random.NextDouble() + 0.01).ToArray();
            double total = raw.Sum();
            double[] weights = raw.Select(r => r / total).ToArray();
            double[] means = Enumerable.Range(0, k).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-5, 6))).ToArray();
            double[] stds = Enumerable.Range(0, k).Select(_ => random.NextDouble() * Math.Pow(10, random.Next(-5, 6)) + 1e-300).ToArray();
            var m = new GaussianMixture(weights, means, stds);
            AssertMixture(MixtureSpec.Parse(m.ToString()), m.Weights, m.Means, m.Stds);
        }
    }

    [Theory]
    [InlineData("M(0,1)", "expected N(mean,std) at \"M(0,1)\"")]
    [InlineData("0.5*N(0,1) + 0.5*M(0,1)", "expected N(mean,std) at \"M(0,1)\"")]
    [InlineData("N(0,1) +", "expected N(mean,std) at end of input")]
    [InlineData("N 0,1", "expected N(mean,std) at \"N 0,1\"")]
    [InlineData("n(0,1)", "expected N(mean,std) at \"n(0,1)\"")]
    [InlineData("0.5 N(0,1)", "expected '*' after the weight at \"N(0,1)\"")]
    [InlineData("N(0 1)", "expected ',' between mean and std at \"1)\"")]
    [InlineData("N(0,1", "expected ')' after the std at end of input")]
    [InlineData("N(0,1,2)", "expected ')' after the std at \",2)\" (numbers use '.' for decimals)")]
    [InlineData("N(,1)", "expected the mean at \",1)\"")]
    [InlineData("N(0,)", "expected the std at \")\"")]
    [InlineData("N(x,1)", "expected the mean at \"x,1)\"")]
    [InlineData("N(0,1) N(1,1)", "expected '+' or end of input at \"N(1,1)\"")]
    [InlineData("N(0,1) * 2", "expected '+' or end of input at \"* 2\"")]
    [InlineData("N(1e,1)", "malformed number at \"1e,1)\"")]
    [InlineData("N(1.2.3,1)", "malformed number at \"1.2.3,1)\"")]
    public void MalformedSpecsNameTheOffendingText(string text, string expected)
    {
        var e = Fails(text);
        Assert.Equal("target: " + expected, e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void EmptySpecIsAnError(string? text)
    {
        var e = Assert.Throws<UsageException>(() => MixtureSpec.Parse(text));
        Assert.StartsWith("target: empty mixture", e.Message);
    }

    [Theory]
    [InlineData("N(0,-1)", "std must be positive in \"N(0,-1)\"")]
    [InlineData("N(0,0)", "std must be positive in \"N(0,0)\"")]
    [InlineData("0.5*N(0,1) + 0.5*N(3, -0.5)", "std must be positive in \"0.5*N(3, -0.5)\"")]
    [InlineData("N(0,1e-400)", "std must be positive in \"N(0,1e-400)\"")]
    [InlineData("-0.5*N(0,1) + 1.5*N(1,1)", "weight must be positive in \"-0.5*N(0,1)\"")]
    [InlineData("0*N(0,1) + 1*N(1,1)", "weight must be positive in \"0*N(0,1)\"")]
    public void NonPositiveStdsAndWeightsAreRejected(string text, string expected) =>
        Assert.Equal("target: " + expected, Fails(text).Message);

    [Theory]
    [InlineData("0.3*N(-2,0.3) + 0.3*N(0,0.4) + 0.3*N(2,0.3)", "weights sum to 0.9, not 1")]
    [InlineData("0.5*N(0,1) + 0.6*N(1,1)", "weights sum to 1.1, not 1")]
    [InlineData("0.5*N(0,1)", "weights sum to 0.5, not 1")]
    [InlineData("2*N(0,1)", "weights sum to 2, not 1")]
    [InlineData("0.5*N(0,1) + 0.500000002*N(1,1)", "weights sum to 1.000000002, not 1")]
    public void WeightsMustSumToOne(string text, string expected) =>
        Assert.StartsWith("target: " + expected, Fails(text).Message);

    [Fact]
    public void WeightSumsWithinTheToleranceAreAccepted()
    {
        var m = MixtureSpec.Parse("0.5*N(0,1) + 0.5000000005*N(1,1)");
        Assert.Equal([0.5, 0.5000000005], m.Weights);
    }

    [Theory]
    [InlineData("0.5*N(0,1) + N(1,1)", "\"N(1,1)\"")]
    [InlineData("N(0,1) + 0.5*N(1,1)", "\"N(0,1)\"")]
    public void WeightsOnSomeTermsButNotOthersAreAnError(string text, string bare)
    {
        var e = Fails(text);
        Assert.Contains("weight on every term or on none", e.Message);
        Assert.Contains(bare, e.Message);
    }

    [Theory]
    [InlineData("N(NaN,1)", "NaN")]
    [InlineData("N(0,nan)", "nan")]
    [InlineData("N(0,Infinity)", "Infinity")]
    [InlineData("N(-Infinity,1)", "-Infinity")]
    [InlineData("N(inf,1)", "inf")]
    [InlineData("N(0,∞)", "∞")]
    [InlineData("NaN*N(0,1)", "NaN")]
    [InlineData("0.5*N(0,1) + Infinity*N(0,1)", "Infinity")]
    public void NaNAndInfinityAreRejected(string text, string token) =>
        Assert.Equal($"target: {token} is not a number here", Fails(text).Message);

    [Fact]
    public void NumbersTooLargeForADoubleAreRejected() =>
        Assert.Equal("target: 1e400 is too large for a double", Fails("N(1e400,1)").Message);

    [Fact]
    public void TheOptionNameLeadsTheMessage()
    {
        Assert.StartsWith("--model-init: expected N(mean,std)", Fails("Q(0,1)", "--model-init").Message);
    }

    [Fact]
    public void MessagesAreOneLineAndCutLongText()
    {
        var e = Fails("N(0,1) +\n  M(0,1)\n + N(1,1) + N(2,1) + N(3,1) + N(4,1)");
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal("target: expected N(mean,std) at \"M(0,1) + N(1,1) + N(2,1) + N(3,1...\"", e.Message);
    }
}
