using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace KlGpu.Output;

/// <summary>
/// Streams a float64 2-D array to NumPy's .npy format (v1.0, C order, little-endian '&lt;f8'),
/// whole rows at a time, so a grid never has to be in memory at once:
/// <code>
/// var npy = new NpyWriter(stream, rows, cols);   // writes the header
/// npy.WriteRows(firstRows); npy.WriteRows(moreRows);
/// npy.Finish();                                  // checks rows × cols values were written
/// </code>
/// Read back with <c>numpy.load(path)</c>.
/// </summary>
public sealed class NpyWriter
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Magic, two version bytes and the header length.</summary>
    const int PreambleLength = 10;

    /// <summary>NumPy aligns the data to this many bytes.</summary>
    const int Alignment = 64;

    readonly Stream stream;
    readonly long total;
    long written;

    public int Rows { get; }
    public int Columns { get; }

    /// <summary>Writes the header at once. With <paramref name="vector"/> (rows must be 1) the array is 1-D, shape (cols,).</summary>
    public NpyWriter(Stream stream, int rows, int cols, bool vector = false)
    {
        if (vector && rows != 1) throw new ArgumentException("a vector has one row", nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        this.stream = stream;
        Rows = rows;
        Columns = cols;
        total = (long)rows * cols;
        stream.Write(Header(rows, cols, vector));
    }

    /// <summary>The complete header for a (rows, cols) float64 C-order array, or a (cols,) vector, a multiple of 64 bytes long.</summary>
    public static byte[] Header(int rows, int cols, bool vector = false)
    {
        string shape = vector ? $"({cols},)" : $"({rows}, {cols})";
        string dict = $"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}";
        int unpadded = PreambleLength + dict.Length + 1; // + '\n'
        int padded = (unpadded + Alignment - 1) / Alignment * Alignment;
        string text = dict + new string(' ', padded - unpadded) + "\n";
        var header = new byte[padded];
        Magic.CopyTo(header);
        header[6] = 1; // version 1.0
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), checked((ushort)text.Length));
        Encoding.ASCII.GetBytes(text, header.AsSpan(PreambleLength));
        return header;
    }

    /// <summary>Appends whole rows, in order: the length must be a multiple of <see cref="Columns"/>.</summary>
    public void WriteRows(ReadOnlySpan<double> rowsData)
    {
        if (Columns == 0 ? rowsData.Length != 0 : rowsData.Length % Columns != 0)
            throw new ArgumentException($"{rowsData.Length} values are not whole rows of {Columns}", nameof(rowsData));
        if (written + rowsData.Length > total)
            throw new InvalidOperationException($"too many values: {written} written, {rowsData.Length} more, but the array holds {total}");
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(rowsData));
        }
        else
        {
            Span<byte> buffer = stackalloc byte[8];
            foreach (double v in rowsData)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(buffer, v);
                stream.Write(buffer);
            }
        }
        written += rowsData.Length;
    }

    /// <summary>Checks that exactly rows × cols values were written, and flushes.</summary>
    public void Finish()
    {
        if (written != total)
            throw new InvalidOperationException($"the array holds {total} values but {written} were written");
        stream.Flush();
    }

    /// <summary>A whole array, row-major as .NET stores it (which is C order).</summary>
    public static void Write(Stream stream, double[,] values)
    {
        var npy = new NpyWriter(stream, values.GetLength(0), values.GetLength(1));
        if (values.Length > 0)
            npy.WriteRows(MemoryMarshal.CreateReadOnlySpan(
                ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(values)), values.Length));
        npy.Finish();
    }

    /// <summary>A whole array to a file, atomically.</summary>
    public static void WriteFile(string path, double[,] values) =>
        AtomicFile.Write(path, s => Write(s, values));
}
