using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>A <see cref="HeavyTailPlan"/> as device views, in the kernel's precision T.</summary>
public struct HeavyTailPlanView<T> : ITailPlan<T> where T : unmanaged
{
    public ArrayView<int> Kinds;
    public ArrayView<T> Offsets, Means, InvScales, Exponents, InvSqrtNus;
    public ArrayView<T> Breakpoints;
    public ArrayView<T> RuleNodes, RuleWeights;

    public readonly int Count => (int)Kinds.Length;
    public readonly int Kind(int k) => Kinds[k];
    public readonly T Offset(int k) => Offsets[k];
    public readonly T Mean(int k) => Means[k];
    public readonly T InvScale(int k) => InvScales[k];
    public readonly T Exponent(int k) => Exponents[k];
    public readonly T InvSqrtNu(int k) => InvSqrtNus[k];
    public readonly int BreakpointCount => (int)Breakpoints.Length;
    public readonly T Breakpoint(int i) => Breakpoints[i];
    public readonly int Order => (int)RuleNodes.Length;
    public readonly T Node(int i) => RuleNodes[i];
    public readonly T Weight(int i) => RuleWeights[i];
}
