using System.Globalization;

namespace KlGpu.Numerics;

/// <summary>
/// The target p of a fit: a 1-D Gaussian mixture, or the d-dimensional two-mode target
/// p = ½N(0, I) + ½N(u, I) with ‖u‖ = sep, written in coordinates where u = sep·e₁.
/// That p is exactly the product of its law along u, ½N(0,1) + ½N(sep,1), and N(0, I_{d−1}) across u
/// (both components share the covariance I, so the cross-section does not depend on x₁). For a q with diagonal
/// covariance both KLs therefore split into the 1-D divergence along u plus closed-form Gaussian KLs across it
/// (<see cref="GaussianKl.ReverseToStandard{T,R}"/>, <see cref="GaussianKl.ForwardFromStandard{T,R}"/>): every
/// integral is one-dimensional, whatever d.
/// </summary>
public sealed class Target
{
    /// <summary>The largest d accepted: restarts carry 2d numbers each.</summary>
    public const int MaxDimension = 100_000;

    readonly GaussianMixture? marginal;

    /// <summary>p's law along the coordinate that (μ, σ) describe: p itself in 1-D, the law along u in d dimensions.
    /// A heavy-tailed target has none (see <see cref="HeavyTails"/>).</summary>
    public GaussianMixture Marginal => marginal
        ?? throw new InvalidOperationException($"the target {HeavyTails} has Student-t or Laplace components; this view takes Gaussian mixtures only");

    /// <summary>A 1-D target with Student-t or Laplace components; null for Gaussian targets.</summary>
    public HeavyTailedMixture? HeavyTails { get; }
    public int Dimension { get; }
    /// <summary>‖u‖ for the two-mode target; null for a 1-D mixture.</summary>
    public double? Separation { get; }

    Target(GaussianMixture? marginal, int dimension, double? separation, HeavyTailedMixture? heavyTails = null)
    {
        this.marginal = marginal;
        HeavyTails = heavyTails;
        Dimension = dimension;
        Separation = separation;
    }

    public static Target OneDimensional(GaussianMixture p) => new(p, 1, null);

    public static Target HeavyTailed(HeavyTailedMixture p) => new(null, 1, null, p);

    public static Target TwoModes(int dimension, double separation)
    {
        if (dimension < 1 || dimension > MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(dimension), $"d = {dimension}; it must be an integer from 1 to {MaxDimension}");
        if (!double.IsFinite(separation) || separation < 0)
            throw new ArgumentOutOfRangeException(nameof(separation), $"sep = {Format(separation)}; it must be finite and ≥ 0");
        return new(new GaussianMixture([0.5, 0.5], [0.0, separation], [1.0, 1.0]), dimension, separation);
    }

    public bool IsTwoModes => Separation is not null;

    /// <summary>log p along the coordinate that (μ, σ) describe.</summary>
    public double LogDensity(double x) => HeavyTails?.LogDensity(x) ?? Marginal.LogDensity(x);

    /// <summary>The components' locations and scales (Gaussian stds, or the Student-t and Laplace scales) along that coordinate.</summary>
    public (double[] Locations, double[] Scales) Components => HeavyTails is { } h ? (h.Means, h.Scales) : (Marginal.Means, Marginal.Stds);

    /// <summary>A 1-D mixture is a target as it stands.</summary>
    public static implicit operator Target(GaussianMixture p) => OneDimensional(p);

    /// <summary>The spec text that parses back to this target.</summary>
    public override string ToString() =>
        IsTwoModes ? $"two-modes(d={Dimension}, sep={Format(Separation!.Value)})" : HeavyTails?.ToString() ?? Marginal.ToString();

    static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
