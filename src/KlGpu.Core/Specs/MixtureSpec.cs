using System.Text.Json;
using KlGpu.Numerics;

namespace KlGpu.Specs;

/// <summary>
/// The user's language for a 1-D Gaussian mixture:
/// <c>0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)</c>, or <c>N(0,1)</c> for one Gaussian, or
/// <c>@file.json</c> holding <c>{"weights": [...], "means": [...], "stds": [...]}</c>.
/// Weights are given on every term or on none (then they are equal); given weights must be
/// positive and sum to 1 within <see cref="GaussianMixture.WeightSumTolerance"/>.
/// Numbers use '.' for decimals whatever the machine's culture. Every failure is a
/// <see cref="UsageException"/> whose one-line message starts with <c>what</c>.
/// </summary>
public static class MixtureSpec
{
    /// <summary>An example for help text and messages.</summary>
    public const string Example = "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)";

    public static GaussianMixture Parse(string? text, string what = "target")
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new UsageException($"{what}: empty mixture; expected e.g. {Example}");
        string trimmed = text.Trim();
        return trimmed.StartsWith('@') ? ParseFile(trimmed[1..].Trim(), what) : ParseText(text, what);
    }

    readonly record struct Term(double? Weight, double Mean, double Std, string Text);

    static GaussianMixture ParseText(string s, string what)
    {
        var terms = new List<Term>();
        int pos = 0;
        while (true)
        {
            terms.Add(ReadTerm(s, ref pos, what));
            pos = SpecText.SkipSpace(s, pos);
            if (pos == s.Length) break;
            if (s[pos] != '+')
                throw new UsageException($"{what}: expected '+' or end of input at {SpecText.At(s, pos)}");
            pos++;
        }

        var weighted = terms.Where(t => t.Weight is not null).ToList();
        if (weighted.Count > 0 && weighted.Count < terms.Count)
        {
            Term bare = terms.First(t => t.Weight is null);
            throw new UsageException(
                $"{what}: give a weight on every term or on none; {SpecText.Quote(bare.Text)} has none");
        }
        double[] weights = weighted.Count == 0
            ? Enumerable.Repeat(1.0 / terms.Count, terms.Count).ToArray()
            : terms.Select(t => t.Weight!.Value).ToArray();
        CheckWeightSum(weights, what);
        return Build(weights, terms.Select(t => t.Mean).ToArray(), terms.Select(t => t.Std).ToArray(), s, what);
    }

    /// <summary><c>[w*]N(mean,std)</c>, whitespace anywhere between the pieces.</summary>
    static Term ReadTerm(string s, ref int pos, string what)
    {
        int start = SpecText.SkipSpace(s, pos);
        pos = start;
        double? weight = null;
        if (pos < s.Length && (s[pos] != 'N' || SpecText.IsNonNumberAt(s, pos)))
        {
            // Anything but 'N' must be a weight; a word here ("M(0,1)") is a malformed term.
            if (SpecText.ScanNumber(s, pos) == 0 && !SpecText.IsNonNumberAt(s, pos))
                throw ExpectedTerm(s, pos, what);
            weight = SpecText.ReadNumber(s, ref pos, what, "a weight");
            pos = SpecText.SkipSpace(s, pos);
            if (pos >= s.Length || s[pos] != '*')
                throw new UsageException($"{what}: expected '*' after the weight at {SpecText.At(s, pos)}");
            pos = SpecText.SkipSpace(s, pos + 1);
        }
        int nAt = pos;
        if (pos >= s.Length || s[pos] != 'N') throw ExpectedTerm(s, pos, what);
        pos = SpecText.SkipSpace(s, pos + 1);
        if (pos >= s.Length || s[pos] != '(') throw ExpectedTerm(s, nAt, what);
        pos++;
        double mean = SpecText.ReadNumber(s, ref pos, what, "the mean");
        Expect(s, ref pos, ',', "between mean and std", what);
        double std = SpecText.ReadNumber(s, ref pos, what, "the std");
        Expect(s, ref pos, ')', "after the std", what);

        string termText = s[start..pos];
        if (std <= 0)
            throw new UsageException($"{what}: std must be positive in {SpecText.Quote(termText)}");
        if (weight <= 0)
            throw new UsageException($"{what}: weight must be positive in {SpecText.Quote(termText)}");
        return new Term(weight, mean, std, termText);
    }

    static UsageException ExpectedTerm(string s, int pos, string what) =>
        new($"{what}: expected N(mean,std) at {SpecText.At(s, pos)}");

    static void Expect(string s, ref int pos, char c, string where, string what)
    {
        pos = SpecText.SkipSpace(s, pos);
        if (pos >= s.Length || s[pos] != c)
            throw new UsageException($"{what}: expected '{c}' {where} at {SpecText.At(s, pos)}");
        pos++;
    }

    static void CheckWeightSum(double[] weights, string what)
    {
        double sum = weights.Sum();
        if (Math.Abs(sum - 1) > GaussianMixture.WeightSumTolerance)
            throw new UsageException(
                $"{what}: weights sum to {SpecText.Show(sum)}, not 1 ({string.Join(" + ", weights.Select(SpecText.Show))})");
    }

    /// <summary>GaussianMixture validates again; its complaint, should one remain, becomes a usage error.</summary>
    static GaussianMixture Build(double[] weights, double[] means, double[] stds, string source, string what)
    {
        try
        {
            return new GaussianMixture(weights, means, stds);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{what}: {SpecText.OneLine(e.Message)} in {SpecText.Quote(source)}");
        }
    }

    // ---- @file.json ----

    static readonly string[] FileFields = ["weights", "means", "stds"];

    static GaussianMixture ParseFile(string path, string what)
    {
        string at = "@" + path;
        if (path.Length == 0)
            throw new UsageException($"{what}: expected a file name after '@'");
        if (Directory.Exists(path))
            throw new UsageException($"{what}: cannot read {at}: it is a folder, not a file");
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UsageException($"{what}: cannot read {at}: {ReadFailure(e)}");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new UsageException($"{what}: {at} is not valid JSON: {SpecText.OneLine(e.Message)}");
        }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new UsageException($"{what}: {at} must hold an object with \"means\", \"stds\" and optional \"weights\"");
            foreach (JsonProperty p in root.EnumerateObject())
                if (!FileFields.Contains(p.Name))
                    throw new UsageException($"{what}: {at} has unknown field \"{p.Name}\" (expected weights, means, stds)");

            double[] means = NumberArray(root, "means", at, what)
                ?? throw new UsageException($"{what}: {at} has no \"means\" array");
            double[] stds = NumberArray(root, "stds", at, what)
                ?? throw new UsageException($"{what}: {at} has no \"stds\" array");
            double[]? weights = NumberArray(root, "weights", at, what);
            if (means.Length == 0)
                throw new UsageException($"{what}: {at} has an empty \"means\" array");
            if (stds.Length != means.Length || (weights is not null && weights.Length != means.Length))
                throw new UsageException(
                    $"{what}: {at} has {means.Length} means, {stds.Length} stds and {weights?.Length ?? means.Length} weights; they must match");
            for (int k = 0; k < stds.Length; k++)
                if (stds[k] <= 0)
                    throw new UsageException($"{what}: std must be positive in {at}: stds[{k}] is {SpecText.Show(stds[k])}");
            if (weights is null)
            {
                weights = Enumerable.Repeat(1.0 / means.Length, means.Length).ToArray();
            }
            else
            {
                for (int k = 0; k < weights.Length; k++)
                    if (weights[k] <= 0)
                        throw new UsageException($"{what}: weight must be positive in {at}: weights[{k}] is {SpecText.Show(weights[k])}");
                CheckWeightSum(weights, what);
            }
            return Build(weights, means, stds, at, what);
        }
    }

    static double[]? NumberArray(JsonElement root, string name, string at, string what)
    {
        if (!root.TryGetProperty(name, out JsonElement array)) return null;
        if (array.ValueKind != JsonValueKind.Array)
            throw new UsageException($"{what}: {at}: \"{name}\" must be an array of numbers");
        var values = new double[array.GetArrayLength()];
        int k = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number)
                throw new UsageException($"{what}: {at}: {name}[{k}] must be a number, not {SpecText.Quote(e.GetRawText())}");
            if (!e.TryGetDouble(out double v) || !double.IsFinite(v))
                throw new UsageException($"{what}: {at}: {name}[{k}] = {e.GetRawText()} is too large for a double");
            values[k++] = v;
        }
        return values;
    }

    static string ReadFailure(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "file not found",
        UnauthorizedAccessException => "permission denied",
        _ => SpecText.OneLine(e.Message),
    };
}
