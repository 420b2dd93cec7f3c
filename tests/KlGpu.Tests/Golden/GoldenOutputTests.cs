using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlGpu.Tests.Cli;
using KlGpu.Tests.Output;
using Xunit;

namespace KlGpu.Tests.Golden;

/// <summary>
/// A regression snapshot of the answers before the engine/jobs/commands reshaping: each case runs the real CLI
/// in-process and its grids and optima must match Golden/snapshots/NAME.json within the tolerances of
/// <see cref="Allowed"/>. It tells "unchanged", not "correct" (the reference tests do that). With
/// KLGPU_GOLDEN_WRITE=1 the cases write the snapshots into the source tree instead of comparing; do that only
/// for an intended change of answers, and review the diff (see Golden/README.md).
/// </summary>
public sealed class GoldenOutputTests
{
    enum Reads { Stdout, Grids, Curve, Basins, Sweep }

    sealed record Case(string Name, Reads Reads, string[] Args);

    const string TwoModes = "0.5*N(-2.75,1) + 0.5*N(2.75,1)";
    const string ThreeModes = "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)";
    const string Bimodal = "0.5*N(-2,1) + 0.5*N(2,1)";
    const string HeavyTails = "0.5*T(1.5,-2,1) + 0.5*L(2,0.5)";
    const string Separated = "0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)";

    // Sizes are the smallest at which each case still finds all its basins and transitions (the whole class
    // should stay near a minute on 2 cores); every case runs on the CPU accelerator, the only one always there.
    static readonly Case[] Cases =
    [
        new("eval-gaussian-q", Reads.Stdout, ["eval", "--target", Bimodal, "--q", "N(0.3,1.7)", "--json", "--divergence",
            "forward,reverse,js,hellinger,tv,pearson,neyman,jeffreys,alpha:0.5,alpha:-1,renyi:2,ksd,ksd:c=2:beta=-0.7"]),
        new("eval-mixture-q", Reads.Stdout, ["eval", "--target", ThreeModes, "--q", "0.5*N(-1,0.5) + 0.5*N(1,0.8)", "--json",
            "--divergence", "forward,reverse,js,hellinger,tv,pearson,neyman,jeffreys,alpha:0.5,alpha:2,renyi:2"]),
        new("eval-heavy-tails", Reads.Stdout, ["eval", "--target", HeavyTails, "--q", "N(0,2)", "--json"]),
        new("eval-student-q", Reads.Stdout, ["eval", "--target", HeavyTails, "--q", "T(3,0,2)", "--json"]),
        new("eval-two-modes", Reads.Stdout, ["eval", "--target", "two-modes(d=20, sep=5)", "--q", "N(1,2)", "--json"]),

        new("landscape-kl", Reads.Grids, ["landscape", "--target", Bimodal, "--mu", "-5:5:24", "--sigma", "0.1:4:20"]),
        new("landscape-f-family", Reads.Grids, ["landscape", "--target", Bimodal, "--mu", "-5:5:24", "--sigma", "0.1:4:20", "--log-sigma",
            "--divergence", "js,hellinger,tv,pearson,neyman,jeffreys,alpha:0.5,alpha:-1,renyi:2,ksd,ksd:c=2:beta=-0.7"]),
        new("landscape-heavy-tails", Reads.Grids, ["landscape", "--target", HeavyTails, "--mu", "-5:5:24", "--sigma", "0.1:5:20"]),
        new("landscape-student-q", Reads.Grids, ["landscape", "--target", HeavyTails, "--family", "student:3", "--mu", "-5:5:24", "--sigma", "0.1:5:20"]),
        new("landscape-two-modes", Reads.Grids, ["landscape", "--target", "two-modes(d=20, sep=5)", "--mu", "-3:8:24", "--sigma", "0.2:4:20"]),
        new("landscape-mixture-slice", Reads.Grids, ["landscape", "--family", "mixture:2", "--q", "0.5*N(-1,0.5) + 0.5*N(1,0.5)",
            "--vary", "mean1,mean2", "--x", "-3:3:24", "--y", "-3:3:20", "--divergence", "forward,reverse,js,alpha:0.5"]),
        new("landscape-flow-slice", Reads.Grids, ["landscape", "--family", "flow:1", "--target", TwoModes, "--q", "flow(0, 2; S(0, 2, 0, 0.5))",
            "--vary", "alpha1,gamma1", "--x", "-1:1:12", "--y", "-1:0.5:10", "--divergence", "forward,reverse"]),
        new("landscape-fixed-sigma", Reads.Curve, ["landscape", "--target", "0.5*N(-1.5,1) + 0.5*N(1.5,1)",
            "--family", "gaussian-fixed-sigma:1", "--mu", "-4:4:41"]),

        // Reverse KL on TwoModes has 3 minima; forward KL has one, with some restarts left unconverged by Adam.
        new("basins-gaussian-reverse", Reads.Basins, ["basins", "--target", TwoModes, "--restarts", "400"]),
        new("basins-gaussian-forward", Reads.Basins, ["basins", "--target", TwoModes, "--divergence", "forward", "--restarts", "200"]),
        // Past the pitchfork: two minima and the symmetric saddle.
        new("basins-fixed-sigma", Reads.Basins, ["basins", "--target", "0.5*N(-1.5,1) + 0.5*N(1.5,1)",
            "--family", "gaussian-fixed-sigma:1", "--starts", "grid:21", "--mu", "-3:3"]),
        // With σ free, basins.png maps a 256² landscape, slow (whatever the restarts) for an f-divergence, a heavy-tailed
        // target or a Student-t q; with σ fixed it is a curve. So these fix σ, and the grid's middle start stops on the
        // symmetric saddle; the σ-free heavy-tailed case takes Laplace terms, the cheapest ones to map.
        new("basins-js-fixed-sigma", Reads.Basins, ["basins", "--target", "0.5*N(-3,1) + 0.5*N(3,1)", "--divergence", "js",
            "--family", "gaussian-fixed-sigma:1", "--starts", "grid:21", "--mu", "-5:5"]),
        new("basins-heavy-tails-fixed-sigma", Reads.Basins, ["basins", "--target", "0.5*T(3,-5,1) + 0.5*T(3,5,1)",
            "--family", "gaussian-fixed-sigma:1.3", "--starts", "grid:21", "--mu", "-8:8"]),
        new("basins-heavy-tails", Reads.Basins, ["basins", "--target", "0.5*L(-4,1) + 0.5*L(4,1)", "--restarts", "24"]),
        new("basins-student-q", Reads.Basins, ["basins", "--family", "student:3", "--target", "0.5*N(-3,1) + 0.5*N(3,1)", "--restarts", "16"]),
        new("basins-two-modes", Reads.Basins, ["basins", "--target", "two-modes(d=3, sep=5.5)", "--restarts", "256"]),
        // 16 restarts of 800 steps find all six reverse and all three forward minima of a two-component q.
        new("basins-mixture-reverse", Reads.Basins, ["basins", "--family", "mixture:2", "--target", ThreeModes,
            "--divergence", "reverse", "--restarts", "16", "--steps", "800"]),
        new("basins-mixture-forward", Reads.Basins, ["basins", "--family", "mixture:2", "--target", ThreeModes,
            "--divergence", "forward", "--restarts", "16", "--steps", "800"]),
        // A flow q on a skewed target: one polished minimum and three ends still drifting (β → ∞) after 300 steps. A
        // regression snapshot through the θ-family reshaping (accuracy is tested in Flow/ against Gauss–Kronrod).
        new("basins-flow-reverse", Reads.Basins, ["basins", "--family", "flow:1", "--target", "0.3*N(-1,0.6) + 0.7*N(1.5,1.2)",
            "--divergence", "reverse", "--restarts", "16", "--steps", "300"]),

        // Two mirror folds (d = 4.82) and a switch (5.60); a pitchfork (2.92); a switch and two folds in α (0.115, 0.468).
        new("sweep-gaussian", Reads.Sweep, ["sweep", "--target-template", Separated, "--param", "d=4:7:4", "--restarts", "128"]),
        new("sweep-fixed-sigma", Reads.Sweep, ["sweep", "--target-template", Separated, "--param", "d=2:4:5",
            "--family", "gaussian-fixed-sigma:1", "--restarts", "64"]),
        new("sweep-two-modes", Reads.Sweep, ["sweep", "--target-template", "two-modes(d=2, sep={s})", "--param", "s=4:7:4", "--restarts", "128"]),
        // Short of the mixture's transitions (d = 2.73 to 2.95): locating them costs over a minute.
        new("sweep-mixture", Reads.Sweep, ["sweep", "--family", "mixture:2", "--target-template", "0.3*N(-{d},1) + 0.4*N(0,1) + 0.3*N({d},1)",
            "--param", "d=2:2.4:2", "--restarts", "8", "--steps", "600"]),
        new("sweep-alpha", Reads.Sweep, ["sweep-alpha", "--target", "0.5*N(-3,1) + 0.5*N(3,1)", "--alpha", "0:0.5:3", "--restarts", "32"]),
    ];

    public static TheoryData<string> Names => new(Cases.Select(c => c.Name));

    static bool Write => Environment.GetEnvironmentVariable("KLGPU_GOLDEN_WRITE") == "1";

    [Theory]
    [MemberData(nameof(Names))]
    public void AnswersMatchTheSnapshot(string name)
    {
        var c = Cases.Single(x => x.Name == name);
        using var folder = new TempFolder();
        var run = CliRun.Of([.. c.Args, "--accelerator", "cpu", .. c.Reads == Reads.Stdout ? [] : new[] { "--out", folder.Path }]);
        Assert.True(run.ExitCode == 0, run.Stderr);

        var answers = new JsonObject { ["args"] = new JsonArray([.. c.Args.Select(a => JsonValue.Create(a))]) };
        switch (c.Reads)
        {
            case Reads.Stdout:
                var values = JsonNode.Parse(run.Stdout)!.AsObject();
                values.Remove("device_name"); // names the core count: the machine, not the answer
                answers["quadrature"] = values;
                break;
            case Reads.Grids:
                answers["grids"] = new JsonObject(Directory.GetFiles(folder.Path, "*.npy").Order(StringComparer.Ordinal)
                    .Select(path => KeyValuePair.Create(Path.GetFileName(path), (JsonNode?)Grid(path))));
                break;
            case Reads.Curve:
                answers["grids"] = new JsonObject { ["curve.csv"] = Columns(folder.File("curve.csv")) };
                answers["optima"] = JsonNode.Parse(File.ReadAllText(folder.File("manifest.json")))!["minima"]!.DeepClone();
                break;
            case Reads.Basins:
                var basins = JsonNode.Parse(File.ReadAllText(folder.File("basins.json")))!;
                // Ids follow the order by value, in which mirror twins tie (basins are matched by content instead);
                // a gradient norm of 1e-12 against 1e-14 says nothing about the answer.
                foreach (var b in basins["basins"]!.AsArray())
                {
                    b!.AsObject().Remove("id");
                    b.AsObject().Remove("gradient_norm");
                }
                answers["optima"] = basins;
                break;
            case Reads.Sweep:
                answers["optima"] = JsonNode.Parse(File.ReadAllText(folder.File("sweep.json")));
                break;
        }

        string text = answers.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        if (Write)
        {
            string dir = Path.Combine(SourceRoot(), "tests", "KlGpu.Tests", "Golden", "snapshots");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, name + ".json"), text);
            return;
        }
        string snapshot = Path.Combine(AppContext.BaseDirectory, "Golden", "snapshots", name + ".json");
        Assert.True(File.Exists(snapshot), $"no snapshot {snapshot}; generate it with KLGPU_GOLDEN_WRITE=1");
        var expected = JsonNode.Parse(File.ReadAllText(snapshot))!;
        double restarts = (expected["optima"]?["restarts"] ?? expected["optima"]?["restarts_per_value"])?.GetValue<double>() ?? 0;
        var errors = new List<string>();
        Compare(expected, JsonNode.Parse(text), "", "", restarts, errors);
        Assert.True(errors.Count == 0, $"{name}: {errors.Count} differences from {snapshot}:\n" + string.Join("\n", errors.Take(30)));
    }

    /// <summary>How far a number may move from the snapshot, by where it is.</summary>
    static double Allowed(string path, string key, double expected, double restarts) => key switch
    {
        // Restart counts may shift by 2 % of the restarts (e.g. a start on a basin boundary going the other way).
        "count" or "converged" or "not_converged" or "step_limited" or "diverged" => 0.02 * restarts,
        "fraction" => 0.02,
        "param" => 1e-7, // the bisection's own resolution
        // Quadratures: relative 1e-9, with an absolute floor for values near 0.
        _ when path.StartsWith(".grids", StringComparison.Ordinal) || path.StartsWith(".quadrature", StringComparison.Ordinal)
            => Math.Max(1e-9 * Math.Abs(expected), 1e-12),
        // A transition's point sits within 1e-7 of a fold, where the Hessian is nearly singular and Newton's
        // location is good to only about 1e-10 / sqrt(1e-7).
        _ when path.StartsWith(".optima.transitions", StringComparison.Ordinal) => 1e-5,
        // Polished optima: locations, values, Hessian eigenvalues.
        _ => 1e-6 * Math.Max(1, Math.Abs(expected)),
    };

    /// <summary>
    /// Collects every difference of <paramref name="actual"/> from <paramref name="expected"/>: the same keys, array
    /// lengths, strings and booleans (so "inf" stays "Infinity"), and numbers within <see cref="Allowed"/>. An array
    /// of objects with a "kind" (basins, transitions) is matched as a set, since ties may reorder it.
    /// </summary>
    static void Compare(JsonNode? expected, JsonNode? actual, string path, string key, double restarts, List<string> errors)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                if (!e.Select(p => p.Key).Order().SequenceEqual(a.Select(p => p.Key).Order()))
                {
                    errors.Add($"{path}: keys {string.Join(",", a.Select(p => p.Key))}, snapshot {string.Join(",", e.Select(p => p.Key))}");
                    return;
                }
                foreach (var (k, v) in e) Compare(v, a[k], $"{path}.{k}", k, restarts, errors);
                break;
            case (JsonArray e, JsonArray a) when e.Count != a.Count:
                errors.Add($"{path}: {a.Count} elements, snapshot {e.Count}");
                break;
            case (JsonArray e, JsonArray a) when e.Count > 0 && e.All(x => x is JsonObject o && o.ContainsKey("kind")):
                var unmatched = Enumerable.Range(0, a.Count).ToList();
                for (int i = 0; i < e.Count; i++)
                {
                    int j = unmatched.FirstOrDefault(m => Differences(e[i], a[m], $"{path}[{i}]", key, restarts).Count == 0, -1);
                    if (j >= 0) unmatched.Remove(j);
                    else errors.Add($"{path}[{i}]: nothing matches the snapshot's element; against element [{i}]:\n  "
                        + string.Join("\n  ", Differences(e[i], a[i], $"{path}[{i}]", key, restarts)));
                }
                break;
            case (JsonArray e, JsonArray a):
                for (int i = 0; i < e.Count; i++) Compare(e[i], a[i], $"{path}[{i}]", key, restarts, errors);
                break;
            case (JsonValue e, JsonValue a) when e.GetValueKind() == JsonValueKind.Number && a.GetValueKind() == JsonValueKind.Number:
                double x = e.GetValue<double>(), y = a.GetValue<double>(), allowed = Allowed(path, key, x, restarts);
                if (!(Math.Abs(y - x) <= allowed)) errors.Add(FormattableString.Invariant($"{path}: {y:R}, snapshot {x:R} (allowed ±{allowed:G3})"));
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual)) errors.Add($"{path}: {actual?.ToJsonString()}, snapshot {expected?.ToJsonString()}");
                break;
        }
    }

    static List<string> Differences(JsonNode? expected, JsonNode? actual, string path, string key, double restarts)
    {
        var errors = new List<string>();
        Compare(expected, actual, path, key, restarts, errors);
        return errors;
    }

    static JsonObject Grid(string path)
    {
        var (shape, values) = Npy.Read(path);
        return new JsonObject { ["shape"] = new JsonArray([.. shape.Select(n => JsonValue.Create(n))]), ["values"] = Numbers(values) };
    }

    /// <summary>A CSV of numbers as one array per column ("inf" is how the CSV writer spells +∞).</summary>
    static JsonObject Columns(string path)
    {
        string[][] rows = File.ReadAllLines(path).Select(l => l.Split(',')).ToArray();
        return new JsonObject(rows[0].Select((column, i) => KeyValuePair.Create(column, (JsonNode?)Numbers(rows.Skip(1)
            .Select(r => r[i] == "inf" ? double.PositiveInfinity : double.Parse(r[i], CultureInfo.InvariantCulture))))));
    }

    // JSON has no ±∞ or NaN: they are stored as the strings the CLI's own JSON uses, and compared exactly.
    static JsonArray Numbers(IEnumerable<double> values) =>
        new([.. values.Select(v => double.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(v.ToString(CultureInfo.InvariantCulture)))]);

    static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KlGpu.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no KlGpu.sln above {AppContext.BaseDirectory}");
    }
}
