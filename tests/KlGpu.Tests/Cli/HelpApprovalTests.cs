using System.Runtime.CompilerServices;
using Xunit;

namespace KlGpu.Tests.Cli;

/// <summary>
/// The user's interface locked down: each command's --help must equal its approved text in
/// Approved/. On a difference the new text is written beside it as .received.txt; review it and
/// copy it over the approved file if the change is intended.
/// </summary>
[Collection(ProcessWide.Name)]
public sealed class HelpApprovalTests
{
    [Theory]
    [InlineData("")]
    [InlineData("eval")]
    [InlineData("landscape")]
    [InlineData("devices")]
    [InlineData("basins")]
    [InlineData("sweep")]
    [InlineData("sweep-alpha")]
    [InlineData("bench")]
    [InlineData("run")]
    [InlineData("pressure")]
    [InlineData("merge")]
    public void HelpMatchesTheApprovedText(string command)
    {
        string[] args = command.Length == 0 ? ["--help"] : [command, "--help"];
        var run = CliRun.Of(args);
        Assert.Equal(0, run.ExitCode);
        string name = command.Length == 0 ? "klgpu" : "klgpu-" + command;
        string approved = Path.Combine(Folder(), "Approved", name + ".help.txt");
        string received = Path.ChangeExtension(approved, ".received.txt");
        string actual = run.Stdout.Replace("\r\n", "\n");
        if (File.Exists(approved) && File.ReadAllText(approved) == actual)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail($"`klgpu {command} --help` differs from {approved}; the new text is in {received}");
    }

    static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
