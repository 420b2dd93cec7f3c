namespace KlGpu.Landscape;

/// <summary>N points from Min to Max, both ends included; evenly or geometrically spaced.</summary>
public sealed record GridAxis(double Min, double Max, int Count, bool Geometric = false)
{
    public double At(int i)
    {
        if (Count == 1) return Min;
        double t = (double)i / (Count - 1);
        if (i == Count - 1) return Max;
        return Geometric ? Min * Math.Pow(Max / Min, t) : Min + (Max - Min) * t;
    }

    public double[] Values() => Enumerable.Range(0, Count).Select(At).ToArray();

    /// <summary>Every k-th point (and the last), for previews of grids too large to draw cell by cell.</summary>
    public int[] PreviewIndices(int maxCount)
    {
        if (Count <= maxCount) return Enumerable.Range(0, Count).ToArray();
        int step = (Count - 1 + maxCount - 2) / (maxCount - 1);
        var idx = new List<int>();
        for (int i = 0; i < Count - 1; i += step) idx.Add(i);
        idx.Add(Count - 1);
        return idx.ToArray();
    }
}
