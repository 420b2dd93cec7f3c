namespace KlGpu.Numerics;

/// <summary>A 1-D mixture with Student-t or Laplace terms beside any Gaussian ones.</summary>
public sealed class HeavyTailedTarget(HeavyTailedMixture p) : Target
{
    public override HeavyTailedMixture HeavyTails { get; } = p;

    public override double LogDensity(double x) => HeavyTails.LogDensity(x);

    public override (double[] Locations, double[] Scales) Components => (HeavyTails.Means, HeavyTails.Scales);

    /// <summary>None when a t with ν ≤ 2 makes p's variance infinite.</summary>
    public override (double Mean, double Std)? MomentMatch =>
        HeavyTails.HasFiniteVariance ? (HeavyTails.Mean!.Value, Math.Sqrt(HeavyTails.Variance)) : null;

    public override string ToString() => HeavyTails.ToString();
}
