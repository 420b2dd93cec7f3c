using System.Numerics;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>q = t_ν(μ, e^s) with ν fixed (its <see cref="Q"/> shape) against a heavy-tailed or Gaussian target, on the panels of
/// the Student landscape: the divergence <see cref="Divergence"/> (forward KL reads p's entropy), of order <see cref="Order"/>
/// for α and Rényi, whose shape runs q's ladder out as far as that integrand's tail needs.</summary>
public struct StudentFit<T, R> : IFitObjective<T> where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    public HeavyTailPlanView<T> Target;
    public T Entropy;
    public StudentShape<T> Q;
    public FIntegrand Divergence;
    public T Order;

    public readonly T ValueAndGradient(T mu, T logScale, out T gradMu, out T gradLogScale) => Divergence is not (FIntegrand.ForwardKl or FIntegrand.ReverseKl)
        ? StudentQ.FDivergenceWithGradient<T, R, HeavyTailPlanView<T>>(Divergence, Order, mu, logScale, Q, Target, out gradMu, out gradLogScale)
        : StudentQ.DivergenceWithGradient<T, R, HeavyTailPlanView<T>>(Divergence == FIntegrand.ReverseKl, mu, logScale, Q, Target, Entropy,
            out gradMu, out gradLogScale);

    public readonly T ForwardKl(T mu, T scale) => StudentQ.Forward<T, R, HeavyTailPlanView<T>>(mu, scale, Q, Target, Entropy);

    public readonly T ReverseKl(T mu, T scale) => StudentQ.Reverse<T, R, HeavyTailPlanView<T>>(mu, scale, Q, Target);
}
