using ILGPU;
using ILGPU.Runtime;
using KlGpu.Numerics;

namespace KlGpu.Kernels;

/// <summary>A <see cref="LogMixturePlan"/> as device views, in the kernel's precision T.</summary>
public struct LogMixturePlanView<T> : IScoreEnvelope<T> where T : unmanaged
{
    public ArrayView<T> Offsets, Means, Precisions;
    public ArrayView<T> Breakpoints;
    public ArrayView<int> IntervalOwners;
    public ArrayView<T> PanelStarts, PanelEnds;
    public ArrayView<int> PanelOwners;
    public ArrayView<T> NodeX, NodeWeightedRemainder;
    public ArrayView<T> LevelScales;
    public ArrayView<int> LevelStarts;
    public ArrayView<T> ClusterStarts, ClusterEnds, ClusterSeries, ClusterMass;
    /// <summary>The panel rule on [−1, 1], for panels subdivided to q's scale.</summary>
    public ArrayView<T> RuleNodes, RuleWeights;

    public readonly int Count => (int)Offsets.Length;
    public readonly T Offset(int k) => Offsets[k];
    public readonly T Mean(int k) => Means[k];
    public readonly T Precision(int k) => Precisions[k];
    public readonly int BreakpointCount => (int)Breakpoints.Length;
    public readonly T Breakpoint(int j) => Breakpoints[j];
    public readonly int IntervalOwner(int j) => IntervalOwners[j];
}

/// <summary>Moments and entropy of the target p, which make forward KL to a Gaussian closed-form.</summary>
public struct TargetMoments<T> where T : unmanaged
{
    public T Mean, Variance, Entropy;
}

/// <summary>A Gauss–Legendre rule on [−1, 1] as device views.</summary>
public readonly struct RuleView<T>(ArrayView<T> nodes, ArrayView<T> weights) : IQuadratureRule<T> where T : unmanaged
{
    public int Order => (int)nodes.Length;
    public T Node(int i) => nodes[i];
    public T Weight(int i) => weights[i];
}
