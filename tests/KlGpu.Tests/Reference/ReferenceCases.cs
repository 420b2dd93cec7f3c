using System.Text.Json;
using KlGpu.Numerics;

namespace KlGpu.Tests.Reference;

/// <summary>One (p, q) pair from kl-cases.json. Gradients are [∂/∂μ, ∂/∂σ] and are given only for Gaussian q.</summary>
public sealed record KlCase(
    string Name, GaussianMixture P, GaussianMixture Q, bool QIsGaussian,
    double Forward, double Reverse, double[]? ForwardGrad, double[]? ReverseGrad)
{
    public override string ToString() => Name;
}

/// <summary>One (p, q) pair from divergence-cases.json; "inf" in the file is +∞ here.</summary>
public sealed record DivergenceCase(
    string Name, GaussianMixture P, GaussianMixture Q, bool QIsGaussian, IReadOnlyDictionary<string, double> Values)
{
    public override string ToString() => Name;
}

/// <summary>
/// Loads the reference cases from the repository's copy of ../shared/reference/ (tests/KlGpu.Tests/Reference/cases), so a
/// fresh clone runs them. A missing file is an error, never a skip.
/// </summary>
public static class ReferenceCases
{
    public const string KlFile = "kl-cases.json";
    public const string DivergenceFile = "divergence-cases.json";

    static readonly Lazy<IReadOnlyList<KlCase>> KlCases = new(() => LoadKl(Locate(KlFile)));
    static readonly Lazy<IReadOnlyList<DivergenceCase>> DivergenceCases = new(() => LoadDivergence(Locate(DivergenceFile)));

    public static IReadOnlyList<KlCase> Kl() => KlCases.Value;

    public static IReadOnlyList<DivergenceCase> Divergence() => DivergenceCases.Value;

    public static KlCase Kl(string name) =>
        Kl().SingleOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"no KL reference case named '{name}'");

    public static DivergenceCase Divergence(string name) =>
        Divergence().SingleOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"no divergence reference case named '{name}'");

    /// <summary>xunit MemberData: one row per KL case, its name (so test output reads as the case).</summary>
    public static IEnumerable<object[]> KlCaseNames() => Kl().Select(c => new object[] { c.Name });

    /// <summary>xunit MemberData: the KL cases whose q is Gaussian and which carry gradients.</summary>
    public static IEnumerable<object[]> KlGradientCaseNames() =>
        Kl().Where(c => c.ForwardGrad is not null || c.ReverseGrad is not null).Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> DivergenceCaseNames() => Divergence().Select(c => new object[] { c.Name });

    /// <summary>The folder of KlGpu.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        var searched = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            searched.Add(dir.FullName);
            if (File.Exists(Path.Combine(dir.FullName, "KlGpu.sln"))) return dir.FullName;
        }
        throw new FileNotFoundException(
            $"cannot find the reference cases: no KlGpu.sln in {AppContext.BaseDirectory} or any parent (searched {string.Join(", ", searched)})");
    }

    /// <summary>The folder holding the reference files: the repository's copy in tests/KlGpu.Tests/Reference/cases.</summary>
    public static string Directory() => Path.Combine(RepositoryRoot(), "tests", "KlGpu.Tests", "Reference", "cases");

    /// <summary>Where the cases were computed and are kept beside the repository: &lt;folder of KlGpu.sln&gt;/../shared/reference.</summary>
    public static string SharedDirectory() => Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "reference"));

    static string Locate(string fileName) => Path.Combine(Directory(), fileName);

    /// <summary>Reads a kl-cases.json file; a missing or malformed file throws with its path.</summary>
    public static IReadOnlyList<KlCase> LoadKl(string path)
    {
        using JsonDocument doc = Parse(path);
        var cases = new List<KlCase>();
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            try
            {
                (GaussianMixture q, bool qIsGaussian) = ReadQ(c.GetProperty("q"));
                cases.Add(new KlCase(name, ReadMixture(c.GetProperty("p")), q, qIsGaussian,
                    c.GetProperty("forward").GetDouble(), c.GetProperty("reverse").GetDouble(),
                    ReadOptionalPair(c, "forward_grad"), ReadOptionalPair(c, "reverse_grad")));
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new InvalidDataException($"{path}: case '{name}': {e.Message}", e);
            }
        }
        return Checked(cases, c => c.Name, path);
    }

    /// <summary>Reads a divergence-cases.json file; a missing or malformed file throws with its path.</summary>
    public static IReadOnlyList<DivergenceCase> LoadDivergence(string path)
    {
        using JsonDocument doc = Parse(path);
        var cases = new List<DivergenceCase>();
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            try
            {
                (GaussianMixture q, bool qIsGaussian) = ReadQ(c.GetProperty("q"));
                var values = new Dictionary<string, double>();
                foreach (JsonProperty v in c.GetProperty("values").EnumerateObject())
                    values[v.Name] = ReadNumberOrInfinity(v.Value);
                cases.Add(new DivergenceCase(name, ReadMixture(c.GetProperty("p")), q, qIsGaussian, values));
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new InvalidDataException($"{path}: case '{name}': {e.Message}", e);
            }
        }
        return Checked(cases, c => c.Name, path);
    }

    static JsonDocument Parse(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"reference case file not found at {path} (a copy of ../shared/reference/ kept in tests/KlGpu.Tests/Reference/cases); " +
                "reference tests cannot run without it", path);
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    static IReadOnlyList<T> Checked<T>(List<T> cases, Func<T, string> name, string path)
    {
        if (cases.Count == 0) throw new InvalidDataException($"{path} holds no cases");
        string? duplicate = cases.GroupBy(name).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null) throw new InvalidDataException($"{path}: case name '{duplicate}' appears twice");
        return cases;
    }

    static GaussianMixture ReadMixture(JsonElement e) =>
        new(ReadArray(e.GetProperty("w")), ReadArray(e.GetProperty("m")), ReadArray(e.GetProperty("s")));

    static (GaussianMixture Q, bool IsGaussian) ReadQ(JsonElement e) =>
        e.TryGetProperty("mu", out JsonElement mu)
            ? (GaussianMixture.Gaussian(mu.GetDouble(), e.GetProperty("sigma").GetDouble()), true)
            : (ReadMixture(e), false);

    static double[] ReadArray(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    static double[]? ReadOptionalPair(JsonElement c, string property)
    {
        if (!c.TryGetProperty(property, out JsonElement e) || e.ValueKind == JsonValueKind.Null) return null;
        double[] pair = ReadArray(e);
        if (pair.Length != 2) throw new FormatException($"{property} has {pair.Length} entries, expected [d/dmu, d/dsigma]");
        return pair;
    }

    static double ReadNumberOrInfinity(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when e.GetString() is "inf" or "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when e.GetString() is "-inf" or "-Infinity" => double.NegativeInfinity,
        _ => throw new FormatException($"expected a number or \"inf\", got {e}"),
    };
}
