namespace KlGpu.Numerics;

/// <summary>
/// The d-dimensional two-mode target p = ½N(0, I) + ½N(u, I) with ‖u‖ = sep, written in coordinates where u = sep·e₁.
/// That p is exactly the product of its law along u, ½N(0,1) + ½N(sep,1), and N(0, I_{d−1}) across u (both components
/// share the covariance I, so the cross-section does not depend on x₁). For a q with diagonal covariance both KLs
/// therefore split into the 1-D divergence along u plus closed-form Gaussian KLs across it
/// (<see cref="GaussianKl.ReverseToStandard{T,R}"/>, <see cref="GaussianKl.ForwardFromStandard{T,R}"/>): every integral
/// is one-dimensional, whatever d.
/// </summary>
public sealed class TwoModeTarget : Target
{
    public TwoModeTarget(int dimension, double separation)
    {
        if (dimension < 1 || dimension > MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(dimension), $"d = {dimension}; it must be an integer from 1 to {MaxDimension}");
        if (!double.IsFinite(separation) || separation < 0)
            throw new ArgumentOutOfRangeException(nameof(separation), $"sep = {Format(separation)}; it must be finite and ≥ 0");
        Dimension = dimension;
        Separation = separation;
        Marginal = new GaussianMixture([0.5, 0.5], [0.0, separation], [1.0, 1.0]);
    }

    public override int Dimension { get; }

    /// <summary>‖u‖.</summary>
    public double Separation { get; }

    /// <summary>The law along u, ½N(0, 1) + ½N(sep, 1).</summary>
    public override GaussianMixture Marginal { get; }

    public override double LogDensity(double x) => Marginal.LogDensity(x);

    public override (double[] Locations, double[] Scales) Components => (Marginal.Means, Marginal.Stds);

    public override (double Mean, double Std)? MomentMatch => Moments(Marginal);

    public override string Along => " along u";

    public override string ToString() => $"two-modes(d={Dimension}, sep={Format(Separation)})";
}
