using System.Text;
using KlGpu.Landscape;
using KlGpu.Output;
using KlGpu.Tests.Specs;
using Xunit;

namespace KlGpu.Tests.Output;

public class CsvGridWriterTests
{
    static readonly GridAxis Mu = new(-1, 1, 3);
    static readonly GridAxis Sigma = new(0.5, 1.5, 2);
    static readonly Divergence[] Both = [Divergence.Forward, Divergence.Reverse];

    const string Expected =
        "sigma,mu,forward,reverse\n" +
        "0.5,-1,0,10\n" +
        "0.5,0,1,11\n" +
        "0.5,1,2,12\n" +
        "1.5,-1,3,13\n" +
        "1.5,0,4,14\n" +
        "1.5,1,5,15\n";

    static string Text(MemoryStream s) => Encoding.UTF8.GetString(s.ToArray());

    [Fact]
    public void OneTileWritesTheWholeGrid()
    {
        var stream = new MemoryStream();
        var csv = new CsvGridWriter(stream, Mu, Sigma, Both);
        csv.WriteTile(0, 2, 0, 3, new double[] { 0, 1, 2, 3, 4, 5 }, new double[] { 10, 11, 12, 13, 14, 15 });
        csv.Finish();
        Assert.Equal(Expected, Text(stream));
    }

    [Fact]
    public void RowBandsAppendInOrder()
    {
        var stream = new MemoryStream();
        var csv = new CsvGridWriter(stream, Mu, Sigma, Both);
        csv.WriteTile(0, 1, 0, 3, new double[] { 0, 1, 2 }, new double[] { 10, 11, 12 });
        csv.WriteTile(1, 1, 0, 3, new double[] { 3, 4, 5 }, new double[] { 13, 14, 15 });
        csv.Finish();
        Assert.Equal(Expected, Text(stream));
    }

    [Fact]
    public void ColumnTilesListPointsInArrivalOrder()
    {
        var stream = new MemoryStream();
        var csv = new CsvGridWriter(stream, Mu, Sigma, [Divergence.Reverse]);
        csv.WriteTile(0, 2, 2, 1, new double[] { 12, 15 });
        csv.WriteTile(0, 2, 0, 2, new double[] { 10, 11, 13, 14 });
        csv.Finish();
        Assert.Equal(
            "sigma,mu,reverse\n0.5,1,12\n1.5,1,15\n0.5,-1,10\n0.5,0,11\n1.5,-1,13\n1.5,0,14\n",
            Text(stream));
    }

    [Fact]
    public void NumbersRoundTripInInvariantCultureUnderAGermanCulture()
    {
        using var _ = new CommaCulture();
        var mu = new GridAxis(-0.1, 0.2, 2);
        var sigma = new GridAxis(1e-7, 1e-7 * 3, 2);
        double[] values = [Math.PI, 1.0 / 3, double.NaN, double.PositiveInfinity];
        var stream = new MemoryStream();
        var csv = new CsvGridWriter(stream, mu, sigma, [Divergence.Forward]);
        csv.WriteTile(0, 2, 0, 2, values);
        csv.Finish();
        string[] lines = Text(stream).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1E-07,-0.1,3.141592653589793", lines[1]);
        Assert.Equal("1E-07,0.2,0.3333333333333333", lines[2]);
        Assert.Equal("3E-07,-0.1,NaN", lines[3]);
        // +∞ (a diverging divergence) as numpy's and pandas' readers spell it.
        Assert.Equal("3E-07,0.2,inf", lines[4]);
        Assert.Equal(sigma.At(1), double.Parse(lines[3].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AnIncompleteGridFailsAtFinish()
    {
        var csv = new CsvGridWriter(new MemoryStream(), Mu, Sigma, Both);
        csv.WriteTile(0, 1, 0, 3, new double[3], new double[3]);
        Assert.Throws<InvalidOperationException>(csv.Finish);
    }

    [Fact]
    public void BadTilesAreRejected()
    {
        var csv = new CsvGridWriter(new MemoryStream(), Mu, Sigma, Both);
        Assert.Throws<ArgumentOutOfRangeException>(() => csv.WriteTile(1, 2, 0, 3, new double[6], new double[6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => csv.WriteTile(0, 1, -1, 2, new double[2], new double[2]));
        Assert.Throws<ArgumentException>(() => csv.WriteTile(0, 1, 0, 3, new double[3]));
        Assert.Throws<ArgumentException>(() => csv.WriteTile(0, 1, 0, 3, new double[3], new double[2]));
    }

    [Fact]
    public void TheStreamStaysOpen()
    {
        var stream = new MemoryStream();
        var csv = new CsvGridWriter(stream, Mu, new GridAxis(1, 1, 1), [Divergence.Forward]);
        csv.WriteTile(0, 1, 0, 3, new double[] { 1, 2, 3 });
        csv.Finish();
        stream.WriteByte((byte)'#');
        Assert.EndsWith("1,1,3\n#", Text(stream));
    }
}
