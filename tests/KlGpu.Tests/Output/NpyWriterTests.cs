using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using KlGpu.Output;
using Xunit;

namespace KlGpu.Tests.Output;

public sealed class NpyWriterTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>Values that test the byte layout: signs, extremes, non-finite numbers.</summary>
    static double[,] Sample(int rows, int cols)
    {
        var a = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                a[i, j] = i * 100 + j + 0.25;
        a[0, 0] = -0.0;
        a[0, 1] = Math.PI;
        a[1, 0] = double.Epsilon;
        a[1, 1] = double.NaN;
        a[rows - 1, cols - 1] = -1.5e300;
        return a;
    }

    /// <summary>The header as NumPy's format document describes it, parsed by hand.</summary>
    static (string Dict, int DataOffset) ParseHeader(byte[] bytes)
    {
        Assert.Equal([0x93, .. "NUMPY"u8], bytes[..6]);
        Assert.Equal(1, bytes[6]);
        Assert.Equal(0, bytes[7]);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        int offset = 10 + length;
        Assert.Equal(0, offset % 64);
        string text = Encoding.ASCII.GetString(bytes, 10, length);
        Assert.EndsWith("\n", text);
        return (text.TrimEnd(' ', '\n'), offset);
    }

    static void AssertData(byte[] bytes, int offset, double[,] expected)
    {
        Assert.Equal(offset + 8 * expected.Length, bytes.Length);
        int k = 0;
        foreach (double v in expected)
        {
            double read = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(offset + 8 * k++));
            Assert.Equal(BitConverter.DoubleToInt64Bits(v), BitConverter.DoubleToInt64Bits(read));
        }
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(2, 2)]
    [InlineData(512, 1024)]
    [InlineData(123456, 2)]
    public void HeaderAndDataFollowTheFormat(int rows, int cols)
    {
        var a = Sample(rows, cols);
        var stream = new MemoryStream();
        NpyWriter.Write(stream, a);
        byte[] bytes = stream.ToArray();
        var (dict, offset) = ParseHeader(bytes);
        Assert.Equal($"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}", dict);
        AssertData(bytes, offset, a);
    }

    [Fact]
    public void TheHeaderIsPaddedToTheNext64Bytes()
    {
        // 10 + 59 + '\n' = 70 bytes unpadded: padded to 128, the header text is 118 = 0x76 bytes.
        byte[] header = NpyWriter.Header(3, 5);
        Assert.Equal(128, header.Length);
        string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 5), }";
        byte[] expected = [0x93, .. "NUMPY"u8, 1, 0, 0x76, 0, .. Encoding.ASCII.GetBytes(dict + new string(' ', 117 - dict.Length) + "\n")];
        Assert.Equal(expected, header);
    }

    [Fact]
    public void RowsStreamedInPiecesEqualTheWholeArray()
    {
        var a = Sample(7, 3);
        var whole = new MemoryStream();
        NpyWriter.Write(whole, a);

        var pieces = new MemoryStream();
        var npy = new NpyWriter(pieces, 7, 3);
        double[] flat = a.Cast<double>().ToArray();
        npy.WriteRows(flat.AsSpan(0, 6));
        npy.WriteRows(flat.AsSpan(6, 0));
        npy.WriteRows(flat.AsSpan(6, 15));
        npy.Finish();
        Assert.Equal(whole.ToArray(), pieces.ToArray());
    }

    [Fact]
    public void PartialRowsAndWrongCountsAreRejected()
    {
        var npy = new NpyWriter(new MemoryStream(), 2, 3);
        Assert.Throws<ArgumentException>(() => npy.WriteRows(new double[4]));
        npy.WriteRows(new double[3]);
        Assert.Throws<InvalidOperationException>(npy.Finish);
        Assert.Throws<InvalidOperationException>(() => npy.WriteRows(new double[6]));
        npy.WriteRows(new double[3]);
        npy.Finish();
    }

    [Fact]
    public void NumPyReadsItBack()
    {
        var a = Sample(4, 6);
        string path = folder.File("grid.npy");
        NpyWriter.WriteFile(path, a);
        Assert.Equal(["grid.npy"], folder.Names());

        // The header and data checks above do not depend on Python; this one runs where NumPy is.
        string? output = NumPy($"import numpy as np; a=np.load('{path}'); print(a.shape, a.dtype, a.flags['C_CONTIGUOUS']); print(*[float(x).hex() for x in a.ravel()])");
        if (output is null) return;
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("(4, 6) float64 True", lines[0]);
        string[] hex = lines[1].Split(' ');
        Assert.Equal(a.Length, hex.Length);
        int k = 0;
        foreach (double v in a)
            Assert.Equal(Hex(v), hex[k++]);
    }

    /// <summary>Python's float.hex() (all 13 hex digits), for comparing every bit.</summary>
    static string Hex(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (v == 0) return double.IsNegative(v) ? "-0x0.0p+0" : "0x0.0p+0";
        long bits = BitConverter.DoubleToInt64Bits(v);
        string sign = bits < 0 ? "-" : "";
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        string lead = exponent == 0 ? "0" : "1";
        int e = exponent == 0 ? -1022 : exponent - 1023;
        string digits = mantissa.ToString("x13", CultureInfo.InvariantCulture);
        return $"{sign}0x{lead}.{digits}p{(e >= 0 ? "+" : "")}{e}";
    }

    /// <summary>Runs a script with the system Python if it has NumPy; null when it has not.</summary>
    static string? NumPy(string script)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) return null;
        if (Run(python, "import numpy").ExitCode != 0) return null;
        var (code, stdout, stderr) = Run(python, script);
        Assert.True(code == 0, stderr);
        return stdout;
    }

    static (int ExitCode, string Stdout, string Stderr) Run(string exe, string script)
    {
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var p = Process.Start(start)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }
}
