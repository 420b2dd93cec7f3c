using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;

namespace KlGpu.Cli;

/// <summary>What every command's action may use: the writers it was given and the Ctrl-C token.</summary>
/// <param name="Merge">Set when <c>klgpu merge</c> replays a study: the command joins these shards instead of computing.</param>
public sealed record CliContext(TextWriter Out, TextWriter Error, CancellationToken Cancel, KlGpu.Sharding.ShardSet? Merge = null);

/// <summary>
/// The command tree. Tests call <see cref="Run"/> with their own writers. Exit codes: 0 success,
/// 2 bad usage (one line on stderr), 1 any other failure (one line), 130 interrupted by Ctrl-C, 143 stopped by SIGTERM.
/// </summary>
public static class Cli
{
    public const int Ok = 0, Failure = 1, Usage = 2, Interrupted = 130, Terminated = 143;

    /// <summary>Every command, built in one place: a new command is one more entry.</summary>
    static readonly Func<CliContext, Command>[] Commands =
    [
        EvalCommand.Create,
        LandscapeCommand.Create,
        DevicesCommand.Create,
        BasinsCommand.Create,
        SweepCommand.Create,
        SweepCommand.CreateAlpha,
        BenchCommand.Create,
        PressureCommand.Create,
        RunCommand.Create,
        MergeCommand.Create,
    ];

    /// <summary>No response files: "@file.json" is a target spec (<see cref="Specs.MixtureSpec"/>), which System.CommandLine
    /// would otherwise expand into tokens before any option sees it.</summary>
    internal static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    /// <summary>
    /// The root is a plain command named klgpu (a RootCommand takes the host process's name, which
    /// under `dotnet run` or a test host is not klgpu) with the help and version options added.
    /// </summary>
    public static Command Build(CliContext context)
    {
        var root = new Command("klgpu", "klgpu: forward and reverse KL-divergence landscapes of Gaussian fits to a Gaussian mixture, computed with ILGPU kernels.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        foreach (var create in Commands) root.Subcommands.Add(create(context));
        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var cancel = new CancellationTokenSource();
        var finished = new CancellationTokenSource(); // stops the grace timer once Run returns (tests run many in one process)
        int interruptedCode = Interrupted;
        // Ctrl-C and SIGTERM alike: abandon the files in flight and let the run unwind to its exit code; a run that does not
        // unwind within the grace period (a long kernel call) is ended, but never in the middle of a commit's swap.
        void Stop(int code)
        {
            if (cancel.IsCancellationRequested) return;
            interruptedCode = code;
            cancel.Cancel();
            AtomicFile.AbandonInFlight();
            _ = Task.Delay(StopGrace, finished.Token).ContinueWith(_ =>
            {
                lock (OutputBatch.CommitGate)
                {
                    AtomicFile.AbandonInFlight();
                    stderr.WriteLine($"klgpu: {Stopped(code)}");
                    stderr.Flush();
                    Environment.Exit(code);
                }
            }, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            Stop(Interrupted);
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            Stop(Terminated);
        });
        try
        {
            var root = Build(new CliContext(stdout, stderr, cancel.Token));
            ParseResult parse = root.Parse(args, Parsing);
            if (parse.Action is ParseErrorAction)
            {
                string message = parse.Errors.Count > 0 ? parse.Errors[0].Message : "invalid command line";
                return Fail(stderr, Usage, $"{OneLine(message)} (see klgpu --help)");
            }
            var config = new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // Ctrl-C is handled above
            };
            return parse.Invoke(config);
        }
        catch (UsageException e)
        {
            return Fail(stderr, Usage, OneLine(e.Message));
        }
        catch (UnsupportedFitException e)
        {
            return Fail(stderr, Usage, OneLine($"{OptionOf(e.Part)}: {e.Message}"));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            AtomicFile.AbandonInFlight();
            return Fail(stderr, interruptedCode, Stopped(interruptedCode));
        }
        catch (Exception e)
        {
            return Fail(stderr, Failure, "error: " + OneLine(e.Message));
        }
        finally
        {
            finished.Cancel();
            Console.CancelKeyPress -= onCancel;
            OutputFolder.ReleaseAll();
        }
    }

    /// <summary>The option that names a part of a fit; eval's q is <c>--q</c> and says so itself.</summary>
    public static string OptionOf(FitPart part) => part switch
    {
        FitPart.Target => "--target",
        FitPart.Divergence => "--divergence",
        FitPart.Paths => "--trajectories",
        _ => "--family",
    };

    /// <summary>How long a stopped run may take to unwind before it is ended.</summary>
    static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    static string Stopped(int code) => $"{(code == Interrupted ? "interrupted" : "terminated")}; no files were written";

    static int Fail(TextWriter stderr, int code, string message)
    {
        stderr.WriteLine($"klgpu: {message}");
        stderr.Flush();
        return code;
    }

    static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
