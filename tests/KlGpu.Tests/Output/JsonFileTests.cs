using System.Text.Json;
using KlGpu.Accelerators;
using KlGpu.Output;
using Xunit;

namespace KlGpu.Tests.Output;

public sealed class JsonFileTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    public sealed record Manifest(string TargetSpec, int GridPoints, double ElapsedSeconds, Precision Precision,
        AcceleratorKind Accelerator, double[] MinimumMuSigma, double Worst);

    static readonly Manifest Sample = new("0.5*N(-1,1) + 0.5*N(1,1)", 262144, 0.125, Precision.Double,
        AcceleratorKind.OpenCL, [0.5, 1.25], double.NaN);

    [Fact]
    public void WritesIndentedSnakeCaseJsonAtomicallyWithEnumsAsTheCommandLineNamesThem()
    {
        string path = folder.File("manifest.json");
        JsonFile.Write(path, Sample);
        Assert.Equal(["manifest.json"], folder.Names());
        string text = File.ReadAllText(path);
        Assert.Equal(
            """
            {
              "target_spec": "0.5*N(-1,1) + 0.5*N(1,1)",
              "grid_points": 262144,
              "elapsed_seconds": 0.125,
              "precision": "double",
              "accelerator": "opencl",
              "minimum_mu_sigma": [
                0.5,
                1.25
              ],
              "worst": "NaN"
            }

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void ReadsBackWhatItWrote()
    {
        string path = folder.File("m.json");
        JsonFile.Write(path, Sample);
        var back = JsonFile.Read<Manifest>(path)!;
        Assert.Equal(Sample.TargetSpec, back.TargetSpec);
        Assert.Equal(Sample.MinimumMuSigma, back.MinimumMuSigma);
        Assert.True(double.IsNaN(back.Worst));
        Assert.Equal(AcceleratorKind.OpenCL, back.Accelerator);
    }

    [Fact]
    public void EnumsAreSpelledAsTheCommandLineParsesThem()
    {
        foreach (AcceleratorKind kind in Enum.GetValues<AcceleratorKind>())
        {
            string name = JsonSerializer.Deserialize<string>(JsonFile.Serialize(kind))!;
            Assert.Equal(kind, KlGpu.Specs.Choice.Parse<AcceleratorKind>(name, "--accelerator"));
        }
    }

    [Fact]
    public void TheOptionsAreReadOnly() =>
        Assert.Throws<InvalidOperationException>(() => JsonFile.Options.WriteIndented = false);
}
