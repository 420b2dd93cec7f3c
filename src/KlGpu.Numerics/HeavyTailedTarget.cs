namespace KlGpu.Numerics;

/// <summary>A 1-D mixture with Student-t or Laplace terms beside any Gaussian ones.</summary>
public sealed class HeavyTailedTarget(HeavyTailedMixture p) : Target
{
    public HeavyTailedMixture Mixture { get; } = p;

    private protected override HeavyTailedMixture MakeHeavyTailed() => Mixture;

    public override double LogDensity(double x) => Mixture.LogDensity(x);

    public override (double[] Locations, double[] Scales) Components => (Mixture.Means, Mixture.Scales);

    /// <summary>None when a t with ν ≤ 2 makes p's variance infinite.</summary>
    public override (double Mean, double Std)? MomentMatch =>
        Mixture.HasFiniteVariance ? (Mixture.Mean!.Value, Math.Sqrt(Mixture.Variance)) : null;

    public override string ToString() => Mixture.ToString();
}
