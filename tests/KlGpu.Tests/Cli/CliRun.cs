using System.Buffers.Binary;
using System.Text;
using Xunit;

namespace KlGpu.Tests.Cli;

/// <summary>Runs the CLI in-process with captured writers.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static CliRun Of(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = KlGpu.Cli.Cli.Run(args, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Exit 2, exactly one line on stderr, no stack trace.</summary>
    public void AssertUsageError()
    {
        Assert.True(ExitCode == 2, $"exit code {ExitCode}, stderr: {Stderr}");
        Assert.Single(StderrLines);
        Assert.StartsWith("klgpu: ", Stderr);
        Assert.DoesNotContain("   at ", Stderr);
    }
}

/// <summary>Reads back a float64 C-order .npy file as the writer makes it.</summary>
internal static class Npy
{
    public static (int[] Shape, double[] Values) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan(0, 6).SequenceEqual(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }), "not an .npy file");
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        string dict = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Contains("'descr': '<f8'", dict);
        Assert.Contains("'fortran_order': False", dict);
        string shapeText = dict[(dict.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        shapeText = shapeText[..shapeText.IndexOf(')')];
        int[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        int offset = 10 + headerLength;
        Assert.Equal(0, offset % 64);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        Assert.Equal(count * 8, bytes.Length - offset);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(offset + 8 * i));
        return (shape, values);
    }
}
