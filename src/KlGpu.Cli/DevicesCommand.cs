using ILGPU.Runtime;

namespace KlGpu.Cli;

/// <summary><c>klgpu devices</c>: what ILGPU sees, and what <c>--accelerator auto</c> picks.</summary>
internal static class DevicesCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("devices", "List the compute devices ILGPU can see and the one --accelerator auto picks, e.g. klgpu devices");
        command.SetAction(_ =>
        {
            using var ilgpu = ComputeDevices.CreateContext();
            var devices = ComputeDevices.List(ilgpu);
            context.Out.WriteLine($"klgpu {ComputeDevices.Version}: {devices.Count} device(s)");
            foreach (var d in devices)
            {
                string memory = d.Kind != "cpu" && d.MemoryBytes > 0 ? $"{d.MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB" : "-";
                string usable = d.Usable ? "usable" : "not usable";
                context.Out.WriteLine($"  {d.Kind,-7} {d.Name}  [{memory}, {usable}]{(d.Note.Length > 0 ? "  " + d.Note : "")}");
            }
            Device auto = ComputeDevices.Select(ilgpu, AcceleratorKind.Auto);
            string kind = auto.AcceleratorType switch
            {
                AcceleratorType.Cuda => "cuda",
                AcceleratorType.OpenCL => "opencl",
                _ => "cpu",
            };
            context.Out.WriteLine($"--accelerator auto picks: {kind} ({(kind == "cpu" ? "CPU" : auto.Name)})");
            return Cli.Ok;
        });
        return command;
    }
}
