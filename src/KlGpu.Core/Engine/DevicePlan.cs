using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using KlGpu.Kernels;
using KlGpu.Numerics;

namespace KlGpu.Engine;

/// <summary>A <see cref="LogMixturePlan"/> uploaded to an accelerator in precision T.</summary>
sealed class DevicePlan<T, R> : IDisposable where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    readonly List<IDisposable> buffers = [];
    public LogMixturePlanView<T> View;

    public DevicePlan(Accelerator accelerator, LogMixturePlan plan)
    {
        ArrayView<T> Real(double[] values)
        {
            // A zero-length buffer is not allowed everywhere; pad, and pass a view of the true length.
            var b = accelerator.Allocate1D<T>(Math.Max(1, values.Length));
            buffers.Add(b);
            if (values.Length > 0) b.View.SubView(0, values.Length).CopyFromCPU(values.Select(R.Of).ToArray());
            return b.View.SubView(0, values.Length);
        }
        ArrayView<int> Int(int[] values)
        {
            var b = accelerator.Allocate1D<int>(Math.Max(1, values.Length));
            buffers.Add(b);
            if (values.Length > 0) b.View.SubView(0, values.Length).CopyFromCPU(values);
            return b.View.SubView(0, values.Length);
        }
        View = new LogMixturePlanView<T>
        {
            Offsets = Real(plan.Offsets), Means = Real(plan.Means), Precisions = Real(plan.Precisions),
            Breakpoints = Real(plan.Breakpoints), IntervalOwners = Int(plan.IntervalOwners),
            PanelStarts = Real(plan.PanelStarts), PanelEnds = Real(plan.PanelEnds), PanelOwners = Int(plan.PanelOwners),
            NodeX = Real(plan.NodeX), NodeWeightedRemainder = Real(plan.NodeWeightedRemainder),
            LevelScales = Real(plan.LevelScales), LevelStarts = Int(plan.LevelStarts),
            ClusterStarts = Real(plan.ClusterStarts), ClusterEnds = Real(plan.ClusterEnds), ClusterSeries = Real(plan.ClusterSeries),
            ClusterMass = Real(plan.ClusterMass),
            RuleNodes = Real(plan.Rule.Nodes), RuleWeights = Real(plan.Rule.Weights),
        };
    }

    public void Dispose()
    {
        foreach (var b in buffers) b.Dispose();
    }
}

/// <summary>A <see cref="HeavyTailPlan"/> uploaded to an accelerator in precision T.</summary>
sealed class DeviceHeavyTailPlan<T, R> : IDisposable where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
{
    readonly List<IDisposable> buffers = [];
    public HeavyTailPlanView<T> View;

    public DeviceHeavyTailPlan(Accelerator accelerator, HeavyTailPlan plan)
    {
        ArrayView<T> Real(double[] values)
        {
            var b = accelerator.Allocate1D<T>(Math.Max(1, values.Length));
            buffers.Add(b);
            if (values.Length > 0) b.View.SubView(0, values.Length).CopyFromCPU(values.Select(R.Of).ToArray());
            return b.View.SubView(0, values.Length);
        }
        var p = plan.Mixture;
        var kinds = accelerator.Allocate1D(p.KindCodes);
        buffers.Add(kinds);
        View = new HeavyTailPlanView<T>
        {
            Kinds = kinds.View, Offsets = Real(p.Offsets), Means = Real(p.Means), InvScales = Real(p.InvScales),
            Exponents = Real(p.Exponents), InvSqrtNus = Real(p.InvSqrtNus), Breakpoints = Real(plan.Breakpoints),
            RuleNodes = Real(plan.Rule.Nodes), RuleWeights = Real(plan.Rule.Weights),
        };
    }

    public void Dispose()
    {
        foreach (var b in buffers) b.Dispose();
    }
}
