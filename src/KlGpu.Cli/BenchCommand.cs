using KlGpu.Bench;

namespace KlGpu.Cli;

/// <summary><c>klgpu bench</c>: times the landscape against the numpy peers and prints figures and ratios.</summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        // Counts are read and range-checked by their parser, so a bad one is one line naming the flag.
        var grid = Parameter.Count("grid", "--grid", "N",
            "Grid points per axis of the benchmark landscape (μ ∈ [-5,5], σ ∈ [0.05,5]), e.g. --grid 4096", "1024", 2, int.MaxValue); // the machine budget below refuses what cannot be held
        var repeats = Parameter.Count("repeats", "--repeats", "K", "Timed runs of klgpu; the best is reported, e.g. --repeats 5", "3", 1, 1000);
        var peers = new Option<string?>("--peers")
        {
            Description = "Folder holding peer_numpy.py (default: ../shared/peers beside the repository), e.g. --peers ../shared/peers",
            HelpName = "DIR",
        };
        var suite = new Option<string>("--suite")
        {
            Description = "Which benchmark: landscape (the 1024² landscape against peer_numpy.py), restarts (Adam restarts against peer_restarts_numpy.py), "
                + "process (klgpu's landscape, basins and mixture basins as whole processes, files and figures included, beside the peers' whole processes) or all, e.g. --suite process",
            DefaultValueFactory = _ => "landscape",
            HelpName = "NAME",
        };
        var restarts = Parameter.Count("restarts", "--restarts", "N",
            "Restarts of the restarts benchmark, for klgpu and the peer alike, e.g. --restarts 1000000", "100000", 1, BasinsSpec.MaxRestarts);
        var basinsRestarts = Parameter.Count("basins_restarts", "--basins-restarts", "N",
            "Restarts (× ≤ 1000 Adam steps) of the process suite's basins run, for klgpu and peer_restarts_numpy.py alike, e.g. --basins-restarts 2000",
            "20000", 1, BasinsSpec.MaxRestarts);
        var mixtureRestarts = Parameter.Count("mixture_restarts", "--mixture-restarts", "N",
            "Restarts of the process suite's mixture:2 basins run; peer_mixture_numpy.py runs 256 (or fewer) and is scaled to this, e.g. --mixture-restarts 64",
            "4096", 1, BasinsSpec.MaxRestarts);
        var klgpu = new Option<string?>("--klgpu")
        {
            Description = "The klgpu the process suite starts (default: this one, as it was started), e.g. --klgpu ./publish/klgpu",
            HelpName = "PATH",
        };
        var noPeer = new Option<bool>("--no-peer") { Description = "Time klgpu only (the restarts peer takes minutes), e.g. --no-peer" };
        var precision = CommonOptions.Precision();
        var accelerator = CommonOptions.Accelerator();
        var command = new Command("bench",
            "Time klgpu against the numpy peers and print figures and ratios: the 1024x1024 forward+reverse landscape of "
            + "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3), and 100,000 Adam restarts of reverse KL on 0.5*N(-2.75,1) + 0.5*N(2.75,1), "
            + "each with its error against the reference quadrature, e.g. klgpu bench --suite all")
        {
            suite, grid.Option, repeats.Option, restarts.Option, basinsRestarts.Option, mixtureRestarts.Option, klgpu, peers, noPeer, precision, accelerator,
        };
        command.SetAction(r =>
        {
            int n = r.GetValue(grid), k = r.GetValue(repeats);
            string which = (r.GetValue(suite) ?? "").Trim().ToLowerInvariant();
            if (which is not ("landscape" or "restarts" or "process" or "all"))
                throw new UsageException($"--suite: unknown benchmark '{r.GetValue(suite)}' (valid: landscape, restarts, process, all)");
            int basinsCount = r.GetValue(basinsRestarts), mixtureCount = r.GetValue(mixtureRestarts), count = r.GetValue(restarts);
            var kind = r.GetValue(accelerator);
            var prec = r.GetValue(precision);
            if (which is "landscape" or "all")
            {
                // The benchmark's grid is the landscape's n × n of both KLs; refuse one this machine cannot hold or write.
                var grid = new LandscapeSettings(Numerics.Target.OneDimensional(Numerics.GaussianMixture.Gaussian(0, 1)), new GridAxis(-5, 5, n), new GridAxis(0.05, 5, n),
                    [Divergence.Forward, Divergence.Reverse], prec, kind, Path.GetTempPath(), false, true);
                LandscapeJob.Budget(grid).Check(Path.GetTempPath(), force: false, forceOption: false);
                LandscapeBenchmark.Run(new BenchSettings(n, kind, prec, k, r.GetValue(peers)), context.Out);
            }
            if (which is "restarts" or "all")
                RestartsBenchmark.Run(new RestartsBenchSettings(count, 2000, kind, prec, r.GetValue(peers), RunPeer: !r.GetValue(noPeer)), context.Out);
            if (which is "process" or "all")
                ProcessBenchmark.Run(new ProcessBenchSettings(n, basinsCount, MixtureRestarts: mixtureCount, Klgpu: r.GetValue(klgpu),
                    PeerDirectory: r.GetValue(peers), RunPeer: !r.GetValue(noPeer)), context.Out);
            return Cli.Ok;
        });
        return command;
    }
}
