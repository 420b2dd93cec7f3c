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
        [typeof(DivergenceKernels), typeof(RestartKernels), typeof(MixtureSliceKernels), typeof(ThetaRestartKernels), typeof(MapKernels)];

    /// <summary>The fit objectives the generic restart and map kernels are instantiated with.</summary>
    static readonly Type[] Objectives = [typeof(GaussianFit<,>), typeof(HeavyTailGaussianFit<,>), typeof(StudentFit<,>)];

    /// <summary>The θ objectives the generic restart kernel of the many-parameter families is instantiated with.</summary>
    static readonly Type[] ThetaObjectives = [typeof(MixtureThetaFit<,>), typeof(FlowThetaFit<,>)];

    /// <summary>Kernel names as Class.Method, or Class.Method[Objective] for a kernel generic over a fit objective.</summary>
    public static IEnumerable<object[]> KernelsAndPrecisions() =>
        from c in KernelClasses
        from m in c.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
        from o in ObjectivesOf(m).Select(o => $"[{o.Name}]").DefaultIfEmpty("")
        from p in new[] { (typeof(double), typeof(F64)), (typeof(float), typeof(F32)) }
        select new object[] { c.Name + "." + m.Name + o, p.Item1.Name };

    /// <summary>The objectives a kernel is instantiated with: those of the interface its last type parameter is constrained to.</summary>
    static Type[] ObjectivesOf(MethodInfo m)
    {
        var constraints = m.GetGenericArguments()[^1].GetGenericParameterConstraints().Where(c => c.IsGenericType).Select(c => c.GetGenericTypeDefinition()).ToList();
        return constraints.Contains(typeof(IFitObjective<>)) ? Objectives : constraints.Contains(typeof(IThetaObjective<>)) ? ThetaObjectives : [];
    }

    /// <summary>A new kernel must be added to this count on purpose, so none slips past the PTX check.</summary>
    [Fact]
    public void EveryKernelIsCovered() => Assert.Equal(17 * 2, KernelsAndPrecisions().Count());

    /// <summary>Every fit and θ objective in the kernels assembly is compiled into the restart kernels here.</summary>
    [Fact]
    public void EveryObjectiveIsCovered()
    {
        Type[] Implementing(Type face) => [.. typeof(RestartKernels).Assembly.GetTypes()
            .Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == face)).OrderBy(t => t.Name)];
        Assert.Equal(Implementing(typeof(IFitObjective<>)), Objectives.OrderBy(t => t.Name));
        Assert.Equal(Implementing(typeof(IThetaObjective<>)), ThetaObjectives.OrderBy(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(KernelsAndPrecisions))]
    public void CompilesToPtx(string kernel, string precision)
    {
        var names = kernel.Split('.', '[', ']');
        var method = KernelClasses.Single(c => c.Name == names[0]).GetMethod(names[1])!;
        var real = precision == nameof(Double) ? new[] { typeof(double), typeof(F64) } : [typeof(float), typeof(F32)];
        // T and R, then the objective in that precision; a map kernel takes T and the objective only.
        var types = method.GetGenericArguments().Length == 2 && names.Length > 2 ? [real[0]] : real;
        if (names.Length > 2) types = [.. types, Objectives.Concat(ThetaObjectives).Single(o => o.Name == names[2]).MakeGenericType(real)];
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
