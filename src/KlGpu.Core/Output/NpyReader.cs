using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace KlGpu.Output;

/// <summary>
/// Reads back a float64 C-order .npy file of the kind <see cref="NpyWriter"/> writes (a shard's part), row by row, so a
/// merge never holds a whole grid. Anything else is an <see cref="InvalidDataException"/>.
/// </summary>
public sealed partial class NpyReader : IDisposable
{
    readonly FileStream stream;
    readonly long dataStart;

    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public int Rows { get; }
    public int Columns { get; }

    public NpyReader(string path)
    {
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            Span<byte> preamble = stackalloc byte[10];
            stream.ReadExactly(preamble);
            if (!preamble[..6].SequenceEqual(Magic))
                throw new InvalidDataException($"{path} is not an .npy file");
            int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            var m = Shape().Match(Encoding.ASCII.GetString(header));
            if (!m.Success) throw new InvalidDataException($"{path} is not a float64 C-order .npy file");
            Rows = m.Groups[2].Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 1;
            Columns = int.Parse(m.Groups[2].Success ? m.Groups[2].Value : m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            dataStart = 10 + headerLength;
            if (stream.Length != dataStart + 8L * Rows * Columns) throw new InvalidDataException($"{path} holds {stream.Length - dataStart} bytes of data, not {Rows} × {Columns} numbers");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Row <paramref name="row"/> into <paramref name="values"/> (<see cref="Columns"/> long).</summary>
    public void ReadRow(int row, Span<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        if (values.Length != Columns) throw new ArgumentException("one row is Columns numbers", nameof(values));
        stream.Position = dataStart + 8L * row * Columns;
        stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < values.Length; i++) values[i] = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReverseEndianness(BitConverter.DoubleToInt64Bits(values[i])));
    }

    public double[] ReadRow(int row)
    {
        var values = new double[Columns];
        ReadRow(row, values);
        return values;
    }

    public void Dispose() => stream.Dispose();

    [GeneratedRegex(@"^\{'descr': '<f8', 'fortran_order': False, 'shape': \(([0-9]+)(?:, ([0-9]+)\)|,\)), \}\s*$")]
    private static partial Regex Shape();
}
