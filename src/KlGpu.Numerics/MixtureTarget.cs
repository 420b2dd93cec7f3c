namespace KlGpu.Numerics;

/// <summary>A 1-D Gaussian mixture p = Σ π_k N(m_k, s_k).</summary>
public sealed class MixtureTarget(GaussianMixture p) : Target
{
    public override GaussianMixture Marginal { get; } = p;

    public override double LogDensity(double x) => Marginal.LogDensity(x);

    public override (double[] Locations, double[] Scales) Components => (Marginal.Means, Marginal.Stds);

    public override (double Mean, double Std)? MomentMatch => Moments(Marginal);

    public override string ToString() => Marginal.ToString();
}
