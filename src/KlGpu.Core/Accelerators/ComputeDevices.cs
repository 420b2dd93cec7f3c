using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;

namespace KlGpu.Accelerators;

/// <summary>One device ILGPU can see, as `klgpu devices` lists it.</summary>
public sealed record DeviceInfo(string Kind, string Name, long MemoryBytes, bool Usable, string Note);

/// <summary>Finds devices and picks one: CUDA, else an OpenCL 2.0+ GPU, else the CPU.</summary>
public static class ComputeDevices
{
    static int resolverInstalled;

    /// <summary>
    /// ILGPU asks for the native libraries "cuda" and "OpenCL", so .NET probes libcuda.so and libOpenCL.so;
    /// drivers often ship only the versioned .so.1. Without this fallback a GPU would be silently invisible.
    /// </summary>
    public static void InstallNativeResolver()
    {
        if (Interlocked.Exchange(ref resolverInstalled, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, (name, assembly, path) =>
        {
            string? versioned = name.Contains("cuda", StringComparison.OrdinalIgnoreCase) ? "libcuda.so.1"
                : name.Contains("opencl", StringComparison.OrdinalIgnoreCase) ? "libOpenCL.so.1" : null;
            if (versioned is null) return IntPtr.Zero;
            if (NativeLibrary.TryLoad(name, assembly, path, out var handle)) return handle;
            return NativeLibrary.TryLoad(versioned, assembly, path, out handle) ? handle : IntPtr.Zero;
        });
    }

    public static Context CreateContext()
    {
        InstallNativeResolver();
        // EnableAlgorithms: without it PTX compilation fails even for plain Math calls.
        return Context.Create(b => b.Default().EnableAlgorithms());
    }

    public static bool IsUsableOpenCl(Device d) =>
        d is CLDevice cl && cl.DeviceType.ToString().Contains("GPU", StringComparison.OrdinalIgnoreCase)
        && cl.DeviceVersion >= CLDeviceVersion.CL20;

    /// <summary>Every device, CUDA ones named cuda:K by their index.</summary>
    public static IReadOnlyList<DeviceInfo> List(Context context)
    {
        var cuda = Cuda(context);
        return context.Devices.Select(d => d.AcceleratorType switch
        {
            AcceleratorType.Cuda => new DeviceInfo($"cuda:{cuda.IndexOf(d)}", d.Name, d.MemorySize, true, ""),
            AcceleratorType.OpenCL => new DeviceInfo("opencl", d.Name, d.MemorySize, IsUsableOpenCl(d),
                IsUsableOpenCl(d) ? "" : "not an OpenCL 2.0+ GPU; ILGPU kernels need OpenCL 2.0's generic address space"),
            _ => new DeviceInfo("cpu", "CPU (" + Environment.ProcessorCount + " cores)", d.MemorySize, true,
                "kernel bodies run as parallel C#; ILGPU's CPU accelerator is used in tests"),
        }).ToList();
    }

    /// <summary>The CUDA devices in CUDA's order: index K is <c>cuda:K</c>.</summary>
    static List<Device> Cuda(Context context) => context.Devices.Where(d => d.AcceleratorType == AcceleratorType.Cuda).ToList();

    /// <summary>The device for a request, or a UsageException naming what is missing.</summary>
    public static Device Select(Context context, AcceleratorChoice choice)
    {
        var cuda = Cuda(context);
        Device? opencl = context.Devices.FirstOrDefault(IsUsableOpenCl);
        Device cpu = context.Devices.First(d => d.AcceleratorType == AcceleratorType.CPU);
        int k = choice.CudaDevice ?? 0;
        return choice.Kind switch
        {
            AcceleratorKind.Auto => cuda.FirstOrDefault() ?? opencl ?? cpu,
            AcceleratorKind.Cuda when k < cuda.Count => cuda[k],
            AcceleratorKind.Cuda => throw new UsageException(cuda.Count == 0
                ? $"--accelerator {choice}: no CUDA device found (see `klgpu devices`)"
                : $"--accelerator {choice}: no CUDA device {k}; this machine has {cuda.Count}, cuda:0 to cuda:{cuda.Count - 1} (see `klgpu devices`)"),
            AcceleratorKind.OpenCL => opencl ?? throw new UsageException("--accelerator opencl: no OpenCL 2.0+ GPU found (see `klgpu devices`)"),
            _ => cpu,
        };
    }

    public static string Version => typeof(ComputeDevices).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
}
