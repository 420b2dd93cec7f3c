using System.Diagnostics;

namespace KlGpu.Cli;

/// <summary>
/// A progress line on the terminal ("restarts 65,536 / 1,000,000 (6.6%), 12 s"), rewritten in place on stderr.
/// Silent when asked, or when stdout or stderr is not a terminal, so pipes and files get no control characters.
/// </summary>
internal sealed class Progress
{
    readonly TextWriter? writer;
    readonly int total;
    readonly string noun;
    readonly Stopwatch clock = Stopwatch.StartNew();
    bool shown;

    Progress(TextWriter? writer, int total, string noun)
    {
        this.writer = writer;
        this.total = total;
        this.noun = noun;
    }

    public static Progress ForTerminal(TextWriter error, int total, bool quiet, string noun = "restarts")
    {
        bool terminal = ReferenceEquals(error, Console.Error) && !Console.IsOutputRedirected && !Console.IsErrorRedirected;
        return new Progress(quiet || !terminal ? null : error, total, noun);
    }

    public void Report(int done)
    {
        if (writer is null) return;
        writer.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r{noun} {done:N0} / {total:N0} ({100.0 * done / total:0.0}%), {clock.Elapsed.TotalSeconds:0} s   "));
        writer.Flush();
        shown = true;
    }

    public void Finish()
    {
        if (writer is null || !shown) return;
        writer.Write("\r" + new string(' ', 60) + "\r");
        writer.Flush();
    }
}
