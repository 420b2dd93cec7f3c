using Xunit;
using KlGpu.Accelerators;
using KlGpu.Landscape;
using KlGpu.Specs;

namespace KlGpu.Tests.Specs;

public class ChoiceTests
{
    [Theory]
    [InlineData("forward", new[] { "forward" })]
    [InlineData("reverse", new[] { "reverse" })]
    [InlineData("forward,reverse", new[] { "forward", "reverse" })]
    [InlineData(" Reverse , FORWARD ", new[] { "reverse", "forward" })]
    [InlineData("forward,reverse,forward,", new[] { "forward", "reverse" })]
    [InlineData("JS,hellinger,tv,pearson,neyman,jeffreys", new[] { "js", "hellinger", "tv", "pearson", "neyman", "jeffreys" })]
    [InlineData("alpha:0.5,Renyi:2,alpha:-1.5,alpha:1e-6,alpha:0.50", new[] { "alpha:0.5", "renyi:2", "alpha:-1.5", "alpha:1E-06" })]
    public void DivergenceListsParseInOrderWithoutDuplicates(string text, string[] expected) =>
        Assert.Equal(expected, DivergenceList.Parse(text).Select(d => d.Name()));

    [Fact]
    public void TheKlLimitsOfAlphaAndRenyiAreTheKls()
    {
        Assert.Equal(Divergence.Forward, Divergence.TryParse("alpha:1")!.AsKl);
        Assert.Equal(Divergence.Reverse, Divergence.TryParse("alpha:0")!.AsKl);
        Assert.Equal(Divergence.Forward, Divergence.TryParse("renyi:1")!.AsKl);
        Assert.Null(Divergence.TryParse("alpha:0.999999")!.AsKl);
    }

    [Theory]
    [InlineData("alpha")]
    [InlineData("alpha:")]
    [InlineData("alpha:x")]
    [InlineData("alpha:nan")]
    [InlineData("renyi:0")]
    [InlineData("renyi:-1")]
    [InlineData("renyi")]
    [InlineData("beta:2")]
    [InlineData("kl")]
    public void ABadDivergenceNameListsTheValidNames(string name) =>
        Assert.Equal($"--divergence: unknown divergence \"{name}\" (valid: {Divergence.ValidNames})",
            Assert.Throws<UsageException>(() => DivergenceList.Parse("forward," + name)).Message);

    [Fact]
    public void AnUnknownDivergenceListsTheValidNames() =>
        Assert.Equal($"--divergence: unknown divergence \"kl\" (valid: {Divergence.ValidNames})",
            Assert.Throws<UsageException>(() => DivergenceList.Parse("forward,kl")).Message);

    [Theory]
    [InlineData("")]
    [InlineData(" , ")]
    [InlineData(null)]
    public void AnEmptyDivergenceListIsAnError(string? text) =>
        Assert.Equal($"--divergence: name at least one divergence (valid: {Divergence.ValidNames})",
            Assert.Throws<UsageException>(() => DivergenceList.Parse(text)).Message);

    [Theory]
    [InlineData("double", Precision.Double)]
    [InlineData("Single", Precision.Single)]
    [InlineData(" single ", Precision.Single)]
    public void PrecisionParses(string text, Precision expected) =>
        Assert.Equal(expected, Choice.Parse<Precision>(text, "--precision"));

    [Theory]
    [InlineData("auto", AcceleratorKind.Auto)]
    [InlineData("cuda", AcceleratorKind.Cuda)]
    [InlineData("opencl", AcceleratorKind.OpenCL)]
    [InlineData("OpenCL", AcceleratorKind.OpenCL)]
    [InlineData("cpu", AcceleratorKind.Cpu)]
    public void AcceleratorParses(string text, AcceleratorKind expected) =>
        Assert.Equal(expected, Choice.Parse<AcceleratorKind>(text, "--accelerator"));

    [Theory]
    [InlineData("half", "--precision: unknown value \"half\" (valid: double, single)")]
    [InlineData("1", "--precision: unknown value \"1\" (valid: double, single)")]
    [InlineData("", "--precision: unknown value (empty) (valid: double, single)")]
    public void UnknownPrecisionIsAnError(string text, string expected) =>
        Assert.Equal(expected, Assert.Throws<UsageException>(() => Choice.Parse<Precision>(text, "--precision")).Message);

    [Fact]
    public void UnknownAcceleratorIsAnError() =>
        Assert.Equal("--accelerator: unknown value \"rocm\" (valid: auto, cuda, opencl, cpu)",
            Assert.Throws<UsageException>(() => Choice.Parse<AcceleratorKind>("rocm", "--accelerator")).Message);

    [Fact]
    public void NamesAreForHelpText() =>
        Assert.Equal(["auto", "cuda", "opencl", "cpu"], Choice.Names<AcceleratorKind>());
}
