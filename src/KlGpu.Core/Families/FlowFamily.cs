using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Families;

/// <summary>q a normalizing flow: the law of x = T(z), z ~ N(0, 1), T an affine base over K sinh–arcsinh layers
/// (<see cref="SinhArcsinhFlow"/>), fitted in its 2 + 4K numbers by its own restarts (<see cref="Basins.ThetaBasinsJob"/>);
/// flow:0 is N(μ, σ) on the flow's path.</summary>
public sealed partial record FlowFamily(int Layers) : ThetaFamily<double[]>
{
    public override string Name => $"flow:{Layers}";
    public override string Describe => Layers == 0 ? "N(μ, σ) as a flow with no layers"
        : $"a flow of {Layers} sinh–arcsinh {(Layers == 1 ? "layer" : "layers")} on N(μ, σ): x = μ + σ·S_K∘…∘S_1(z), S_k(y) = sinh(δ_k·asinh(α_k + e^β_k·y) + ε_k)";

    public override void CheckMap(Target p, IEnumerable<Divergence> divergences)
    {
        if (p is HeavyTailedTarget)
            throw new UnsupportedFitException(FitPart.Family, "a target with Student-t or Laplace components takes a single Gaussian or Student-t q, not a flow");
        if (p.Dimension > 1)
            throw new UnsupportedFitException(FitPart.Family, $"a flow q is 1-D; {p} is {p.Dimension}-dimensional");
        foreach (var d in divergences)
            if (d != Divergence.Forward && d != Divergence.Reverse)
                throw new UnsupportedFitException(FitPart.Divergence, $"a flow q supports forward and reverse KL; {d.Name()} is not available for a flow q");
    }

    public override void CheckRestarts(Target p, Divergence divergence, bool paths)
    {
        CheckMap(p, [divergence]);
        if (paths) throw new UnsupportedFitException(FitPart.Paths, "paths are drawn over the (μ, σ) plane of a Gaussian q; a flow q has none");
    }
}
