using System.CommandLine;
using KlGpu.Bench;

namespace KlGpu.Cli;

/// <summary><c>klgpu bench</c>: times the landscape against the numpy peers and prints figures and ratios.</summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var grid = new Option<int>("--grid")
        {
            Description = "Grid points per axis of the benchmark landscape (μ ∈ [-5,5], σ ∈ [0.05,5]), e.g. --grid 4096",
            DefaultValueFactory = _ => 1024,
            HelpName = "N",
        };
        var repeats = new Option<int>("--repeats")
        {
            Description = "Timed runs of klgpu; the best is reported, e.g. --repeats 5",
            DefaultValueFactory = _ => 3,
            HelpName = "K",
        };
        var peers = new Option<string?>("--peers")
        {
            Description = "Folder holding peer_numpy.py (default: ../shared/peers beside the repository), e.g. --peers ../shared/peers",
            HelpName = "DIR",
        };
        var precision = CommonOptions.Precision();
        var accelerator = CommonOptions.Accelerator();
        var command = new Command("bench",
            "Time the 1024x1024 forward+reverse landscape of 0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3) against the numpy peers, "
            + "with each one's worst error against the reference quadrature, e.g. klgpu bench --grid 1024")
        {
            grid, repeats, peers, precision, accelerator,
        };
        command.SetAction(r =>
        {
            int n = r.GetValue(grid), k = r.GetValue(repeats);
            if (n < 2) throw new UsageException($"--grid: need at least 2 points, got {n}");
            if (k < 1) throw new UsageException($"--repeats: need at least 1, got {k}");
            var settings = new BenchSettings(n, CommonOptions.ParseAccelerator(r, accelerator), CommonOptions.ParsePrecision(r, precision),
                k, r.GetValue(peers));
            LandscapeBenchmark.Run(settings, context.Out);
            return Cli.Ok;
        });
        return command;
    }
}
