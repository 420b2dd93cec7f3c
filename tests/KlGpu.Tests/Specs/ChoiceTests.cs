using Xunit;
using KlGpu.Accelerators;
using KlGpu.Landscape;
using KlGpu.Specs;

namespace KlGpu.Tests.Specs;

public class ChoiceTests
{
    [Theory]
    [InlineData("forward", new[] { Divergence.Forward })]
    [InlineData("reverse", new[] { Divergence.Reverse })]
    [InlineData("forward,reverse", new[] { Divergence.Forward, Divergence.Reverse })]
    [InlineData(" Reverse , FORWARD ", new[] { Divergence.Reverse, Divergence.Forward })]
    [InlineData("forward,reverse,forward,", new[] { Divergence.Forward, Divergence.Reverse })]
    public void DivergenceListsParseInOrderWithoutDuplicates(string text, Divergence[] expected) =>
        Assert.Equal(expected, DivergenceList.Parse(text));

    [Fact]
    public void AnUnknownDivergenceListsTheValidNames() =>
        Assert.Equal("--divergence: unknown divergence \"kl\" (valid: forward, reverse)",
            Assert.Throws<UsageException>(() => DivergenceList.Parse("forward,kl")).Message);

    [Theory]
    [InlineData("")]
    [InlineData(" , ")]
    [InlineData(null)]
    public void AnEmptyDivergenceListIsAnError(string? text) =>
        Assert.Equal("--divergence: name at least one divergence (valid: forward, reverse)",
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
