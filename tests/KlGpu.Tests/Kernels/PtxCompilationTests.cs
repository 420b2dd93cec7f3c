using System.Reflection;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;
using KlGpu.Accelerators;
using KlGpu.Kernels;
using KlGpu.Numerics;
using Xunit;

namespace KlGpu.Tests.Kernels;

/// <summary>
/// Every kernel, in both precisions, compiles to PTX for an H100 (sm_90) with no GPU present, so CI proves
/// that the GPU path builds even though tests never run on one.
/// </summary>
public class PtxCompilationTests
{
    static readonly Type[] KernelClasses =
        [typeof(DivergenceKernels), typeof(RestartKernels), typeof(MixtureSliceKernels), typeof(MixtureRestartKernels), typeof(HeavyTailKernels)];

    public static IEnumerable<object[]> KernelsAndPrecisions() =>
        from c in KernelClasses
        from m in c.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
        from p in new[] { (typeof(double), typeof(F64)), (typeof(float), typeof(F32)) }
        select new object[] { c.Name + "." + m.Name, p.Item1.Name };

    /// <summary>A new kernel must be added to this count on purpose, so none slips past the PTX check.</summary>
    [Fact]
    public void EveryKernelIsCovered() => Assert.Equal(12 * 2, KernelsAndPrecisions().Count());

    [Theory]
    [MemberData(nameof(KernelsAndPrecisions))]
    public void CompilesToPtx(string kernel, string precision)
    {
        var names = kernel.Split('.');
        var method = KernelClasses.Single(c => c.Name == names[0]).GetMethod(names[1])!;
        var types = precision == nameof(Double) ? new[] { typeof(double), typeof(F64) } : [typeof(float), typeof(F32)];
        using var context = ComputeDevices.CreateContext();
        var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_78, null!);  // no libdevice: ILGPU.Algorithms supplies the math
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromImplicitlyGroupedKernel(method.MakeGenericMethod(types)), default);
        Assert.Contains(".entry", compiled.PTXAssembly);
        Assert.Contains(precision == nameof(Double) ? ".f64" : ".f32", compiled.PTXAssembly);
        // An unsupported .NET method (T.FusedMultiplyAdd, for one) still "compiles", as a call to an undefined
        // external function that only the driver's linker would reject on a real GPU.
        Assert.DoesNotContain(".extern .func", compiled.PTXAssembly);
    }
}
