using ILGPU.Runtime;
using KlGpu.Bench;

namespace KlGpu.Cli;

/// <summary><c>klgpu devices</c>: what ILGPU sees, and what <c>--accelerator auto</c> picks; with --check, whether a device agrees with the CPU.</summary>
internal static class DevicesCommand
{
    public static Command Create(CliContext context)
    {
        var check = Parameter.Switch("check", "--check",
            "Run the benchmark's landscape, Gaussian restarts and mixture:2 restarts on the --accelerator device and again on the CPU from the same inputs, "
            + "print the worst differences against their bars (1e-12 for values) and exit 1 if any is outside; on the CPU the device side is ILGPU's CPU accelerator, e.g. klgpu devices --check --accelerator cuda:0");
        var accelerator = CommonOptions.Accelerator();
        var grid = Parameter.Count("grid", "--grid", "N", "With --check: grid points per axis of the landscape the device computes; the CPU recomputes a sub-grid of at most 128² of them, e.g. --grid 512", "4096", 2, 65_536);
        var restarts = Parameter.Count("restarts", "--restarts", "N", "With --check: Gaussian restarts run on both sides, e.g. --restarts 256", "4096", 1, 1 << 24);
        var steps = Parameter.Count("steps", "--steps", "N", "With --check: most Adam steps per Gaussian restart, e.g. --steps 500", "2000", 1, 1_000_000);
        var mixture = Parameter.Count("mixture_restarts", "--mixture-restarts", "N", "With --check: mixture:2 restarts run on both sides (0: none), e.g. --mixture-restarts 4", "16", 0, 1 << 16);
        var mixtureSteps = Parameter.Count("mixture_steps", "--mixture-steps", "N", "With --check: most Adam steps per mixture restart, e.g. --mixture-steps 200", "1500", 1, 1_000_000);
        var command = new Command("devices", "List the compute devices ILGPU can see and the one --accelerator auto picks, e.g. klgpu devices")
        {
            check, accelerator, grid, restarts, steps, mixture, mixtureSteps,
        };
        command.SetAction(r =>
        {
            if (r.GetValue(check))
            {
                var settings = new AgreementSettings(r.GetValue(accelerator), r.GetValue(grid), 128, r.GetValue(restarts), r.GetValue(steps),
                    r.GetValue(mixture), r.GetValue(mixtureSteps));
                var figures = DeviceAgreement.Run(settings, context.Out);
                if (figures.All(f => f.Holds)) return Cli.Ok;
                context.Error.WriteLine($"klgpu: the device disagrees with the CPU: {string.Join("; ", figures.Where(f => !f.Holds).Select(f => f.Name + " " + f.What))}");
                return Cli.Failure;
            }
            if (new Parameter[] { accelerator, grid, restarts, steps, mixture, mixtureSteps }.FirstOrDefault(r.Given) is { } alone)
                throw new UsageException($"{alone.Option.Name} is an option of --check; without it devices only lists the devices");
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
                AcceleratorType.Cuda => "cuda:0",
                AcceleratorType.OpenCL => "opencl",
                _ => "cpu",
            };
            context.Out.WriteLine($"--accelerator auto picks: {kind} ({(kind == "cpu" ? "CPU" : auto.Name)})");
            return Cli.Ok;
        });
        return command;
    }
}
