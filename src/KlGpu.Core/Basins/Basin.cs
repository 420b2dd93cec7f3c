namespace KlGpu.Basins;

/// <summary>What a stationary point is, by the signs of its Hessian's eigenvalues.</summary>
/// <remarks>A saddle is any stationary point with a negative eigenvalue; on the μ line of a fixed-σ fit that is a local maximum of the curve.</remarks>
public enum StationaryKind { Minimum, Saddle }

/// <summary>
/// One distinct end point of the restarts, polished: its location, value, how many restarts reached it, and
/// its Hessian in (μ, log σ) (1×1 when σ is fixed). <see cref="Polished"/> is false if Newton did not reach
/// a gradient norm of <see cref="BasinFinder.PolishTolerance"/>; the location is then the cluster's best restart.
/// </summary>
public sealed record Basin(
    int Id,
    double Mu,
    double Sigma,
    double Value,
    int Count,
    double Fraction,
    StationaryKind Kind,
    double[] HessianEigenvalues,
    double GradientNorm,
    bool Polished)
{
    public double LogSigma => Math.Log(Sigma);
}

/// <summary>The restarts' statistics and their basins, ordered by value (ids are positions in that order).</summary>
public sealed record BasinReport(
    int Restarts,
    int Converged,
    int StepLimited,
    int Diverged,
    IReadOnlyList<Basin> Basins,
    int[] BasinOfRestart)
{
    public int Minima => Basins.Count(b => b.Kind == StationaryKind.Minimum);

    /// <summary>"3 minima; 8 restarts did not converge" — the line a person reads first.</summary>
    public string Summary()
    {
        int minima = Minima, saddles = Basins.Count - minima, failed = Restarts - Converged;
        var parts = new List<string> { $"{minima} {(minima == 1 ? "minimum" : "minima")}" };
        if (saddles > 0) parts.Add($"{saddles} saddle {(saddles == 1 ? "point" : "points")} reached by {Basins.Where(b => b.Kind != StationaryKind.Minimum).Sum(b => b.Count)} restarts");
        parts.Add(failed == 0 ? "every restart converged" : $"{failed} {(failed == 1 ? "restart" : "restarts")} did not converge"
            + (Diverged > 0 ? $" ({Diverged} diverged)" : ""));
        return string.Join("; ", parts);
    }
}
