using KlGpu.Tests.Plotting;
using Xunit;

namespace KlGpu.Tests.Cli;

/// <summary>`klgpu run`: every manifest re-runs its run to the same numbers; a run file that does not fit says which field and why.</summary>
public class RunFileTests
{
    public static IEnumerable<object[]> Runs() =>
    [
        [new[] { "landscape", "--target", "0.5*N(-1,0.5) + 0.5*N(1,1)", "--mu", "-3:3:17", "--sigma", "0.2:3:9", "--log-sigma", "--divergence", "reverse" }, "reverse.npy"],
        [new[] { "landscape", "--target", "0.5*N(-1.5,1) + 0.5*N(1.5,1)", "--family", "gaussian-fixed-sigma:1", "--mu", "-3:3:31" }, "curve.csv"],
        [new[] { "basins", "--target", "0.5*N(-2.75,1) + 0.5*N(2.75,1)", "--restarts", "120", "--seed", "18446744073709551615", "--lr", "0.04", "--tolerance", "1e-7", "--mu", "-5:5" }, "basins.json"],
        [new[] { "pressure", "--target", "0.5*N(-2,0.5) + 0.5*N(2,0.5)", "--q", "N(2,0.6)", "--x", "-4:4:41" }, "pressure.csv"],
        [new[] { "sweep", "--target-template", "0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)", "--param", "d=1:4:4", "--family", "gaussian-fixed-sigma:1", "--restarts", "32", "--mu", "-4:4" }, "sweep.json"],
        [new[] { "basins", "--target", "two-modes(d=3, sep=5.5)", "--restarts", "48" }, "restarts.csv"],
        [new[] { "sweep", "--target-template", "two-modes(d=2, sep={s})", "--param", "s=4:5:3", "--restarts", "32" }, "sweep.csv"],
        [new[] { "sweep", "--family", "mixture:2", "--target-template", "0.5*N(-{d},1) + 0.5*N({d},1)", "--param", "d=2:3:2", "--restarts", "8", "--steps", "400" }, "sweep.json"],
    ];

    [Theory]
    [MemberData(nameof(Runs))]
    public void AManifestReRunsItsRun(string[] args, string result)
    {
        using var first = new TempFolder();
        using var second = new TempFolder();
        var run = CliRun.Of([.. args, "--out", first.Path]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var again = CliRun.Of("run", first.File("manifest.json"), "--out", second.Path);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(File.ReadAllBytes(first.File(result)), File.ReadAllBytes(second.File(result)));
        // One settings record, one canonical form: the re-run records the very same parameters, in the same order.
        Assert.Equal(Parameters(first.File("manifest.json")), Parameters(second.File("manifest.json")));
    }

    static string Parameters(string manifest) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!["parameters"]!.ToJsonString();

    [Fact]
    public void ARelativeOutIsBesideTheRunFile()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("study.json"),
            "{\"command\": \"pressure\", \"parameters\": {\"target\": \"N(0,1)\", \"q\": \"N(1,1)\", \"x\": \"-3:3:7\"}, \"out\": \"result\"}");
        var run = CliRun.Of("run", folder.File("study.json"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(File.Exists(Path.Combine(folder.Path, "result", "pressure.csv")));
    }

    [Theory]
    [InlineData("{\"command\": \"basins\", \"parameters\": {\"restart\": 10}}", "parameters.restart")]
    [InlineData("{\"command\": \"basins\", \"parameters\": {\"restarts\": {\"n\": 1}}}", "parameters.restarts")]
    [InlineData("{\"command\": \"fit\"}", "command")]
    [InlineData("{\"parameters\": {}}", "command is missing")]
    [InlineData("{\"command\": \"basins\", \"outdir\": \"x\"}", "outdir")]
    [InlineData("[1, 2]", "one JSON object")]
    [InlineData("{\"command\": \"basins\",", "not valid JSON")]
    [InlineData("{\"command\": \"basins\", \"parameters\": {\"restarts\": 0}}", "--restarts")]
    [InlineData("{\"command\": \"basins\", \"parameters\": {\"restarts\": 10, \"restarts\": 20}}", "parameters.restarts is given twice")]
    [InlineData("{\"command\": \"basins\", \"command\": \"sweep\"}", "command is given twice")]
    [InlineData("{\"tool\": \"otherfit\", \"command\": \"basins\", \"parameters\": {}}", "written by \"otherfit\", not klgpu")]
    [InlineData("{\"command\": \"landscape\", \"parameters\": {\"svg\": \"yes\"}}", "parameters.svg of landscape: expected true or false")]
    public void ARunFileThatDoesNotFitNamesTheField(string json, string expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("study.json"), json);
        var run = CliRun.Of("run", folder.File("study.json"), "--out", folder.File("out"));
        run.AssertUsageError();
        Assert.Contains(expected, run.Stderr);
    }
}
