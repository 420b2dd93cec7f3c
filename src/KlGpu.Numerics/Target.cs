using System.Globalization;

namespace KlGpu.Numerics;

/// <summary>
/// The target p of a fit, seen along the one coordinate that q's (μ, σ) describe. Three kinds:
/// <see cref="MixtureTarget"/> (a 1-D Gaussian mixture), <see cref="HeavyTailedTarget"/> (a 1-D mixture with Student-t or
/// Laplace terms) and <see cref="TwoModeTarget"/> (½N(0, I) + ½N(u, I) in d dimensions, reduced to its law along u).
/// </summary>
public abstract class Target
{
    /// <summary>The largest d accepted: restarts carry 2d numbers each.</summary>
    public const int MaxDimension = 100_000;

    private protected Target() { }

    /// <summary>The dimension of p: 1 except for the two-mode target.</summary>
    public virtual int Dimension => 1;

    /// <summary>p's law along the coordinate that (μ, σ) describe, for the targets made of Gaussians.</summary>
    public virtual GaussianMixture Marginal =>
        throw new InvalidOperationException($"the target {this} has Student-t or Laplace components; this view takes Gaussian mixtures only");

    /// <summary>p along that coordinate as a mixture of location–scale terms (a Gaussian one as a Normal term): the form a
    /// Student-t q is fitted to, whatever the target's kind. Made once per target, so the engine's prepared plan is reused.</summary>
    public HeavyTailedMixture AsHeavyTailed => asHeavyTailed ??= MakeHeavyTailed();

    HeavyTailedMixture? asHeavyTailed;

    private protected virtual HeavyTailedMixture MakeHeavyTailed() => HeavyTailedMixture.FromGaussian(Marginal);

    /// <summary>How a (μ, σ) q sits in p's space, appended to its name: nothing in 1-D, " along u" in d dimensions.</summary>
    public virtual string Along => "";

    /// <summary>log p along the coordinate that (μ, σ) describe.</summary>
    public abstract double LogDensity(double x);

    /// <summary>The components' locations and scales (Gaussian stds, or the Student-t and Laplace scales) along that coordinate.</summary>
    public abstract (double[] Locations, double[] Scales) Components { get; }

    /// <summary>The moment-matching Gaussian (p's mean and std: the forward-KL optimum of a Gaussian q); null where p has no variance.</summary>
    public abstract (double Mean, double Std)? MomentMatch { get; }

    public static Target OneDimensional(GaussianMixture p) => new MixtureTarget(p);

    public static Target HeavyTailed(HeavyTailedMixture p) => new HeavyTailedTarget(p);

    public static Target TwoModes(int dimension, double separation) => new TwoModeTarget(dimension, separation);

    /// <summary>A 1-D mixture is a target as it stands.</summary>
    public static implicit operator Target(GaussianMixture p) => OneDimensional(p);

    /// <summary>The spec text that parses back to this target.</summary>
    public abstract override string ToString();

    private protected static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private protected static (double Mean, double Std) Moments(GaussianMixture p) => (p.Mean, Math.Sqrt(p.Variance));
}
