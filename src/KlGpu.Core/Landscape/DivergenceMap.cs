namespace KlGpu.Landscape;

/// <summary>The grid point with the smallest value.</summary>
public sealed record GridMinimum(double Mu, double Sigma, double Value);

/// <summary>
/// One divergence over a (μ, σ) grid, as a figure draws it: <see cref="Values"/> is indexed
/// [iSigma, iMu] with row 0 the smallest σ. For very large grids this is a preview (every k-th
/// point of the full grid), while <see cref="Minimum"/> always comes from the full grid. <see cref="Stationary"/>, where
/// searched, holds the map's polished local minima and saddles, which the figure marks instead of the grid minimum.
/// </summary>
public sealed record DivergenceMap(Divergence Divergence, GridAxis Mu, GridAxis Sigma, double[,] Values, GridMinimum Minimum)
{
    public MapStationaryPoints? Stationary { get; init; }
}
