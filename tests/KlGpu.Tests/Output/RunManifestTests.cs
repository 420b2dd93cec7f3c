using System.Text.Json.Nodes;
using KlGpu.Output;
using Xunit;

namespace KlGpu.Tests.Output;

/// <summary>A run's parameters in one canonical form, and the manifest that carries them ahead of what the run measured.</summary>
public sealed class RunManifestTests
{
    static RunParameters Sample(double lr) => new(
    [
        KeyValuePair.Create("target", (JsonNode?)"0.5*N(-2,1) + 0.5*N(2,1)"),
        KeyValuePair.Create("mu", (JsonNode?)null),
        KeyValuePair.Create("learning_rate", (JsonNode?)lr),
        KeyValuePair.Create("seed", (JsonNode?)18446744073709551615UL),
        KeyValuePair.Create("divergences", (JsonNode?)new JsonArray("forward", "js")),
    ]);

    [Fact]
    public void TheCanonicalFormKeepsTheOrderLeavesOutWhatHasNoValueAndRoundTripsNumbers()
    {
        Assert.Equal("""{"target":"0.5*N(-2,1) + 0.5*N(2,1)","learning_rate":0.1,"seed":18446744073709551615,"divergences":["forward","js"]}""",
            Sample(0.1).Canonical());
        Assert.Contains("\"learning_rate\":0.30000000000000004,", Sample(0.1 + 0.2).Canonical());
    }

    [Fact]
    public void AKeyGivenTwiceIsAMistakeInTheTable() =>
        Assert.ThrowsAny<ArgumentException>(() => new RunParameters([KeyValuePair.Create("seed", (JsonNode?)1), KeyValuePair.Create("seed", (JsonNode?)2)]));

    [Fact]
    public void TheManifestSaysWhoWroteItThenTheRunThenWhatItMeasured()
    {
        var manifest = RunManifest.Of("basins", Sample(0.05), new { Device = new { Kind = "cpu" }, Seconds = 1.5 });
        Assert.Equal(["tool", "command", "version", "parameters", "device", "seconds"], manifest.Select(p => p.Key).ToArray());
        Assert.Equal("klgpu", (string?)manifest["tool"]);
        Assert.True(JsonNode.DeepEquals(Sample(0.05).Values, manifest["parameters"]));
    }
}
