using System.Globalization;
using System.Text;
using KlGpu.Landscape;

namespace KlGpu.Output;

/// <summary>
/// A (μ, σ) grid as long-format CSV: header <c>sigma,mu,forward,reverse</c> (one column per
/// divergence, by <see cref="Divergence.Name"/>), one row per grid point. Rows are appended
/// tile by tile as the engine produces them, so a huge grid never has to be in memory; the file
/// lists points in the order the tiles arrive (σ-major within a tile). Numbers are invariant
/// culture, shortest round-trip ("R"); non-finite values read "NaN", "Infinity", "-Infinity".
/// </summary>
public sealed class CsvGridWriter
{
    readonly StreamWriter writer;
    readonly GridAxis mu, sigma;
    readonly int divergenceCount;
    long written;

    public IReadOnlyList<string> Columns { get; }

    /// <summary>Writes the header at once. The stream stays open.</summary>
    public CsvGridWriter(Stream stream, GridAxis mu, GridAxis sigma, IReadOnlyList<Divergence> divergences)
    {
        this.mu = mu;
        this.sigma = sigma;
        divergenceCount = divergences.Count;
        Columns = ["sigma", "mu", .. divergences.Select(d => d.Name())];
        writer = new StreamWriter(stream, new UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine(string.Join(',', Columns));
    }

    /// <summary>
    /// Appends the tile σ indices [sigmaStart, sigmaStart + sigmaCount) × μ indices
    /// [muStart, muStart + muCount). <paramref name="values"/> holds one block per divergence,
    /// in the header's order, each row-major: element (i, j) at i·muCount + j is the point
    /// (σ index sigmaStart + i, μ index muStart + j).
    /// </summary>
    public void WriteTile(int sigmaStart, int sigmaCount, int muStart, int muCount, params ReadOnlySpan<ReadOnlyMemory<double>> values)
    {
        CheckRange(sigmaStart, sigmaCount, sigma.Count, "σ");
        CheckRange(muStart, muCount, mu.Count, "μ");
        if (values.Length != divergenceCount)
            throw new ArgumentException($"{values.Length} value blocks for {divergenceCount} divergences", nameof(values));
        int cells = sigmaCount * muCount;
        foreach (ReadOnlyMemory<double> block in values)
            if (block.Length != cells)
                throw new ArgumentException($"a block of {block.Length} values for a {sigmaCount} × {muCount} tile", nameof(values));

        Span<char> buffer = stackalloc char[32];
        for (int i = 0; i < sigmaCount; i++)
        {
            double s = sigma.At(sigmaStart + i);
            for (int j = 0; j < muCount; j++)
            {
                Number(s, buffer);
                writer.Write(',');
                Number(mu.At(muStart + j), buffer);
                foreach (ReadOnlyMemory<double> block in values)
                {
                    writer.Write(',');
                    Number(block.Span[i * muCount + j], buffer);
                }
                writer.Write('\n');
            }
        }
        written += cells;
    }

    /// <summary>Checks that every grid point was written (by count) and flushes.</summary>
    public void Finish()
    {
        long total = (long)mu.Count * sigma.Count;
        if (written != total)
            throw new InvalidOperationException($"the grid has {total} points but {written} were written");
        writer.Flush();
    }

    void Number(double v, Span<char> buffer)
    {
        // A diverging integral is +∞; numpy's and pandas' readers take "inf".
        if (double.IsPositiveInfinity(v))
        {
            writer.Write("inf");
            return;
        }
        if (!v.TryFormat(buffer, out int n, "R", CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"cannot format {v}");
        writer.Write(buffer[..n]);
    }

    static void CheckRange(int start, int count, int axisCount, string axis)
    {
        if (start < 0 || count < 0 || start + count > axisCount)
            throw new ArgumentOutOfRangeException(nameof(start), $"{axis} indices [{start}, {start + count}) are outside the axis of {axisCount} points");
    }
}
