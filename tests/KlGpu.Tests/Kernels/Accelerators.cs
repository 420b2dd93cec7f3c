using KlGpu.Accelerators;
using KlGpu.Engine;

namespace KlGpu.Tests.Kernels;

/// <summary>
/// The configurations every kernel test runs on (ILGPU's samples run one suite over every backend): the
/// kernel bodies as parallel C#, and the same kernels through ILGPU's CPU accelerator. Never a GPU.
/// </summary>
public static class Accelerators
{
    public static IEnumerable<object[]> Executions() =>
        [[CpuExecution.Parallel], [CpuExecution.Simulator]];

    public static IEnumerable<object[]> ExecutionsAndPrecisions() =>
        from e in new[] { CpuExecution.Parallel, CpuExecution.Simulator }
        from p in new[] { Precision.Double, Precision.Single }
        select new object[] { e, p };

    public static KlEngine Engine(CpuExecution execution, Precision precision = Precision.Double) =>
        KlEngine.Create(AcceleratorKind.Cpu, precision, execution);
}
