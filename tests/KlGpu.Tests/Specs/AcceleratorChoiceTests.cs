using KlGpu.Accelerators;
using KlGpu.Tests.Cli;
using Xunit;

namespace KlGpu.Tests.Specs;

/// <summary>--accelerator cuda:K: parsing, the text manifests record, and the refusal of a device that is not there.</summary>
public class AcceleratorChoiceTests
{
    [Theory]
    [InlineData("auto", AcceleratorKind.Auto, null, "auto")]
    [InlineData("cuda", AcceleratorKind.Cuda, null, "cuda")]
    [InlineData("cuda:0", AcceleratorKind.Cuda, 0, "cuda:0")]
    [InlineData(" CUDA:12 ", AcceleratorKind.Cuda, 12, "cuda:12")]
    [InlineData("cpu", AcceleratorKind.Cpu, null, "cpu")]
    [InlineData("OpenCL", AcceleratorKind.OpenCL, null, "opencl")]
    public void Parses(string text, AcceleratorKind kind, int? device, string written)
    {
        var choice = AcceleratorChoice.Parse(text, "--accelerator");
        Assert.Equal(new AcceleratorChoice(kind, device), choice);
        Assert.Equal(written, choice.ToString());
        Assert.Equal(choice, AcceleratorChoice.Parse(choice.ToString(), "--accelerator"));
    }

    [Theory]
    [InlineData("cuda:", "--accelerator: expected cuda:K with K a device index 0, 1, … as `klgpu devices` lists them, got \"cuda:\"")]
    [InlineData("cuda:x", "--accelerator: expected cuda:K with K a device index 0, 1, … as `klgpu devices` lists them, got \"cuda:x\"")]
    [InlineData("cuda:-1", "--accelerator: expected cuda:K with K a device index 0, 1, … as `klgpu devices` lists them, got \"cuda:-1\"")]
    [InlineData("cuda:1.0", "--accelerator: expected cuda:K with K a device index 0, 1, … as `klgpu devices` lists them, got \"cuda:1.0\"")]
    [InlineData("cuda:99999999999", "--accelerator: expected cuda:K with K a device index 0, 1, … as `klgpu devices` lists them, got \"cuda:99999999999\"")]
    [InlineData("cpu:0", "--accelerator: only CUDA devices are chosen by index (cuda:K), got \"cpu:0\"")]
    [InlineData("opencl:1", "--accelerator: only CUDA devices are chosen by index (cuda:K), got \"opencl:1\"")]
    [InlineData("rocm:1", "--accelerator: unknown value \"rocm:1\" (valid: auto, cuda, opencl, cpu)")]
    public void RefusesMalformed(string text, string message) =>
        Assert.Equal(message, Assert.Throws<UsageException>(() => AcceleratorChoice.Parse(text, "--accelerator")).Message);

    /// <summary>The index one past the last CUDA device this machine has (0 without a GPU), so the test holds anywhere.</summary>
    static int Missing()
    {
        using var context = ComputeDevices.CreateContext();
        return ComputeDevices.List(context).Count(d => d.Kind.StartsWith("cuda:", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingDeviceIsOneLineExitTwo()
    {
        int k = Missing();
        var run = CliRun.Of("eval", "--target", "N(0,1)", "--q", "N(1,1)", "--accelerator", $"cuda:{k}");
        run.AssertUsageError();
        Assert.Contains($"--accelerator cuda:{k}: no CUDA device", run.Stderr);
        Assert.Contains("klgpu devices", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void MalformedIndexIsOneLineExitTwo()
    {
        var run = CliRun.Of("eval", "--target", "N(0,1)", "--q", "N(1,1)", "--accelerator", "cuda:one");
        run.AssertUsageError();
        Assert.Contains("expected cuda:K", run.Stderr);
    }
}
