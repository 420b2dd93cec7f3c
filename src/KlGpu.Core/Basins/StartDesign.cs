using KlGpu.Families;
namespace KlGpu.Basins;

/// <summary>
/// Where restarts begin: uniform in μ and log-uniform in σ from a seeded generator, or a regular grid
/// (μ evenly, σ geometrically spaced) whose pixels make a basin-of-attraction map, or one <see cref="Point"/>, for which
/// the ranges are only the frame the figures draw. With σ fixed, σ is not drawn.
/// </summary>
public sealed record StartDesign(double MuMin, double MuMax, double SigmaMin, double SigmaMax, ulong Seed, int GridMu = 0, int GridSigma = 0,
    (double Mu, double Sigma)? Point = null)
{
    public bool IsGrid => GridMu > 0;

    public bool IsPoint => Point is not null;

    /// <summary>Restart count: the grid's size for a grid, one for a point, else what was asked for.</summary>
    public int Count(int requested) => IsGrid ? GridMu * GridSigma : IsPoint ? 1 : requested;

    public (double[] Mu, double[] LogSigma) Generate(int requested, LocationScaleFamily family)
    {
        int n = Count(requested);
        var mu = new double[n];
        var logSigma = new double[n];
        double lo = Math.Log(SigmaMin), hi = Math.Log(SigmaMax);
        if (Point is { } start)
        {
            mu[0] = start.Mu;
            logSigma[0] = Math.Log(start.Sigma);
        }
        else if (IsGrid)
        {
            // Row-major over σ then μ, so restart i is pixel (i % GridMu, i / GridMu) of the map.
            for (int j = 0; j < GridSigma; j++)
                for (int i = 0; i < GridMu; i++)
                {
                    mu[j * GridMu + i] = GridMu == 1 ? 0.5 * (MuMin + MuMax) : MuMin + (MuMax - MuMin) * i / (GridMu - 1);
                    logSigma[j * GridMu + i] = GridSigma == 1 ? 0.5 * (lo + hi) : lo + (hi - lo) * j / (GridSigma - 1);
                }
        }
        else
        {
            var rng = new SplitMix64(Seed);
            for (int i = 0; i < n; i++)
            {
                mu[i] = MuMin + (MuMax - MuMin) * rng.NextDouble();
                logSigma[i] = lo + (hi - lo) * rng.NextDouble();
            }
        }
        if (family.FixedScale is { } s) Array.Fill(logSigma, Math.Log(s));
        return (mu, logSigma);
    }
}
