using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Families;

/// <summary>q a mixture of K Gaussians, fitted in its 3K − 1 free numbers by its own restarts (<see cref="Basins.ThetaBasinsJob"/>);
/// its maps are slices through two of them.</summary>
public sealed partial record MixtureFamily(int Components) : ThetaFamily<GaussianMixture>
{
    public override string Name => $"mixture:{Components}";
    public override string Describe => $"a mixture of {Components} Gaussians";

    public override void CheckMap(Target p, IEnumerable<Divergence> divergences)
    {
        if (p is HeavyTailedTarget)
            throw new UnsupportedFitException(FitPart.Family,
                $"a target with Student-t or Laplace components takes a single Gaussian or Student-t q, not a {Components}-component mixture");
        foreach (var d in divergences)
            if (d.Kernel is not null)
                throw new UnsupportedFitException(FitPart.Family, $"{d.Name()} takes a single Gaussian q, not a mixture of {Components}");
    }

    /// <summary>A value holds along u of the d-dimensional target (q along u, N(0, 1) across it), but the mixture restarts and
    /// polish are 1-D. Every divergence of <see cref="CheckMap"/> has restarts: where χ², α or Rényi diverges (q's widest
    /// std on the wrong side of a multiple of p's, <see cref="FDivergence.Converges{T, R}"/>), other θ still give finite
    /// values, and a restart that walks into the region diverges.</summary>
    public override void CheckRestarts(Target p, Divergence divergence, bool paths)
    {
        CheckMap(p, [divergence]);
        if (p.Dimension > 1)
            throw new UnsupportedFitException(FitPart.Family, $"{Name} fits a mixture of Gaussians to a 1-D Gaussian mixture; {p} is not one");
    }
}
