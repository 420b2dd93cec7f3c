using System.Text.Json;
using KlGpu.Numerics;

namespace KlGpu.Specs;

/// <summary>
/// The user's language for a 1-D Gaussian mixture:
/// <c>0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)</c>, or <c>N(0,1)</c> for one Gaussian, or
/// <c>@file.json</c> holding <c>{"weights": [...], "means": [...], "stds": [...]}</c>, or <c>{"components": [...]}</c> with one
/// object per component, <c>{"kind": "N", "weight": w, "mean": m, "std": s}</c>, <c>{"kind": "T", "weight": w, "nu": ν,
/// "mean": m, "scale": s}</c> or <c>{"kind": "L", "weight": w, "mean": m, "scale": b}</c> (weights on all or none).
/// Weights are given on every term or on none (then they are equal); given weights must be
/// positive and sum to 1 within <see cref="GaussianMixture.WeightSumTolerance"/>.
/// Numbers use '.' for decimals whatever the machine's culture. Every failure is a
/// <see cref="UsageException"/> whose one-line message starts with <c>what</c>.
/// </summary>
public static class MixtureSpec
{
    /// <summary>An example for help text and messages.</summary>
    public const string Example = "0.3*N(-2,0.3) + 0.4*N(0,0.4) + 0.3*N(2,0.3)";

    /// <summary>
    /// The most components a mixture may have. The KLs' plans take about 4 s to build at 1,000 components; the other
    /// divergences' panels grow with every pair of components (JS of one q: 0.6 s at 16, 10 s at 64), so a large mixture
    /// is for the KLs.
    /// </summary>
    public const int MaxComponents = 1000;

    /// <summary>A heavy-tailed example: Student-t T(ν, mean, scale) and Laplace L(mean, scale) components beside Gaussians.</summary>
    public const string HeavyTailedExample = "0.5*T(3,-2,1) + 0.5*L(2,0.5)";

    public static GaussianMixture Parse(string? text, string what = "target") =>
        ParseAny(text, what, heavyTails: false).Gaussian!;

    /// <summary>
    /// A mixture whose terms may also be <c>T(nu,mean,scale)</c> (Student-t, ν &gt; 0) and <c>L(mean,scale)</c> (Laplace):
    /// a Gaussian mixture when every term is N (so Gaussian targets keep their own paths, unchanged), else a
    /// <see cref="HeavyTailedMixture"/>. Exactly one of the two is set.
    /// </summary>
    public static (GaussianMixture? Gaussian, HeavyTailedMixture? HeavyTailed) ParseWithTails(string? text, string what = "target") =>
        ParseAny(text, what, heavyTails: true);

    static (GaussianMixture? Gaussian, HeavyTailedMixture? HeavyTailed) ParseAny(string? text, string what, bool heavyTails)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new UsageException($"{what}: empty mixture; expected e.g. {Example}");
        string trimmed = text.Trim();
        return trimmed.StartsWith('@') ? ParseFile(trimmed[1..].Trim(), what, heavyTails) : ParseText(text, what, heavyTails);
    }

    /// <summary>One term: its kind, ν (t only), mean and std or scale.</summary>
    readonly record struct Term(double? Weight, ComponentKind Kind, double Nu, double Mean, double Std, string Text);

    static (GaussianMixture?, HeavyTailedMixture?) ParseText(string s, string what, bool heavyTails)
    {
        var terms = new List<Term>();
        int pos = 0;
        while (true)
        {
            terms.Add(ReadTerm(s, ref pos, what, heavyTails));
            pos = SpecText.SkipSpace(s, pos);
            if (pos == s.Length) break;
            if (s[pos] != '+')
                throw new UsageException($"{what}: expected '+' or end of input at {SpecText.At(s, pos)}");
            pos++;
        }
        return FromTerms(terms, s, what);
    }

    /// <summary>The mixture of parsed terms: equal weights if none are given; Gaussian if every term is N.</summary>
    static (GaussianMixture?, HeavyTailedMixture?) FromTerms(List<Term> terms, string s, string what)
    {
        CheckCount(terms.Count, what);
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
        double[] means = terms.Select(t => t.Mean).ToArray(), stds = terms.Select(t => t.Std).ToArray();
        ParameterDomain.CheckNumbers(means, stds, terms.Select(t => t.Nu).ToArray(), what,
            terms.All(t => t.Kind == ComponentKind.Normal) ? "the std" : "the std or scale");
        if (terms.All(t => t.Kind == ComponentKind.Normal)) return (Build(weights, means, stds, s, what), null);
        try
        {
            return (null, new HeavyTailedMixture(weights, terms.Select(t => t.Kind).ToArray(), terms.Select(t => t.Nu).ToArray(), means, stds));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{what}: {SpecText.OneLine(e.Message)} in {SpecText.Quote(s)}");
        }
    }

    static bool IsKindLetter(char c, bool heavyTails) => c == 'N' || (heavyTails && c is 'T' or 'L');

    /// <summary><c>[w*]N(mean,std)</c>, and with heavy tails also <c>[w*]T(nu,mean,scale)</c> and <c>[w*]L(mean,scale)</c>,
    /// whitespace anywhere between the pieces.</summary>
    static Term ReadTerm(string s, ref int pos, string what, bool heavyTails)
    {
        int start = SpecText.SkipSpace(s, pos);
        pos = start;
        double? weight = null;
        if (pos < s.Length && (!IsKindLetter(s[pos], heavyTails) || SpecText.IsNonNumberAt(s, pos)))
        {
            // Anything but 'N' must be a weight; a word here ("M(0,1)") is a malformed term.
            if (SpecText.ScanNumber(s, pos) == 0 && !SpecText.IsNonNumberAt(s, pos))
            {
                if (!heavyTails && s[pos] is 'T' or 'L') throw HeavyTailsNotHere(s, pos, what);
                throw ExpectedTerm(s, pos, what, heavyTails);
            }
            weight = SpecText.ReadNumber(s, ref pos, what, "a weight");
            pos = SpecText.SkipSpace(s, pos);
            if (pos >= s.Length || s[pos] != '*')
                throw new UsageException($"{what}: expected '*' after the weight at {SpecText.At(s, pos)}");
            pos = SpecText.SkipSpace(s, pos + 1);
        }
        int nAt = pos;
        if (!heavyTails && pos < s.Length && s[pos] is 'T' or 'L') throw HeavyTailsNotHere(s, pos, what);
        if (pos >= s.Length || !IsKindLetter(s[pos], heavyTails)) throw ExpectedTerm(s, pos, what, heavyTails);
        char kind = s[pos];
        pos = SpecText.SkipSpace(s, pos + 1);
        if (pos >= s.Length || s[pos] != '(') throw ExpectedTerm(s, nAt, what, heavyTails);
        pos++;
        if (kind != 'N') return ReadHeavyTerm(s, ref pos, start, kind, weight, what);
        double mean = SpecText.ReadNumber(s, ref pos, what, "the mean");
        Expect(s, ref pos, ',', "between mean and std", what);
        double std = SpecText.ReadNumber(s, ref pos, what, "the std");
        Expect(s, ref pos, ')', "after the std", what);

        string termText = s[start..pos];
        if (std <= 0)
            throw new UsageException($"{what}: std must be positive in {SpecText.Quote(termText)}");
        if (weight <= 0)
            throw new UsageException($"{what}: weight must be positive in {SpecText.Quote(termText)}");
        return new Term(weight, ComponentKind.Normal, 0, mean, std, termText);
    }

    /// <summary>The numbers of <c>T(nu,mean,scale)</c> or <c>L(mean,scale)</c> after the '(' up to the ')', checked for
    /// their count (naming the term's form) and their ranges (ν &gt; 0, scale &gt; 0).</summary>
    static Term ReadHeavyTerm(string s, ref int pos, int start, char kind, double? weight, string what)
    {
        string form = kind == 'T' ? "T(nu,mean,scale)" : "L(mean,scale)";
        int arity = kind == 'T' ? 3 : 2;
        var numbers = new List<double>();
        while (true)
        {
            numbers.Add(SpecText.ReadNumber(s, ref pos, what, numbers.Count switch
            {
                0 => kind == 'T' ? "ν" : "the mean",
                1 => kind == 'T' ? "the mean" : "the scale",
                _ => kind == 'T' && numbers.Count == 2 ? "the scale" : "a number",
            }));
            pos = SpecText.SkipSpace(s, pos);
            if (pos < s.Length && s[pos] == ',') { pos++; continue; }
            if (pos < s.Length && s[pos] == ')') { pos++; break; }
            throw new UsageException($"{what}: expected ',' or ')' in {form} at {SpecText.At(s, pos)}");
        }
        string termText = s[start..pos].Trim();
        if (numbers.Count != arity)
            throw new UsageException($"{what}: {form} takes {arity} numbers; {SpecText.Quote(termText)} has {numbers.Count}");
        double nu = kind == 'T' ? numbers[0] : 0, mean = numbers[arity - 2], scale = numbers[arity - 1];
        if (kind == 'T' && nu <= 0)
            throw new UsageException($"{what}: ν must be positive in {SpecText.Quote(termText)}");
        if (scale <= 0)
            throw new UsageException($"{what}: scale must be positive in {SpecText.Quote(termText)}");
        if (weight <= 0)
            throw new UsageException($"{what}: weight must be positive in {SpecText.Quote(termText)}");
        return new Term(weight, kind == 'T' ? ComponentKind.StudentT : ComponentKind.Laplace, nu, mean, scale, termText);
    }

    static UsageException HeavyTailsNotHere(string s, int pos, string what) =>
        new($"{what}: {SpecText.Quote(TermAt(s, pos))} is a Student-t or Laplace component; only the --target of eval, of landscape "
            + $"(--family gaussian or student:NU) and of basins (--family gaussian, gaussian-fixed-sigma:S or student:NU) take them (e.g. --target \"{HeavyTailedExample}\"), eval's --q a single T(nu,mean,scale), and sweep's --target-template");

    /// <summary>The text of the term starting at pos, up to its ')' (or the end), for messages.</summary>
    static string TermAt(string s, int pos)
    {
        int close = s.IndexOf(')', pos);
        return close < 0 ? s[pos..].Trim() : s[pos..(close + 1)];
    }

    static UsageException ExpectedTerm(string s, int pos, string what, bool heavyTails) =>
        new($"{what}: expected {(heavyTails ? "N(mean,std), T(nu,mean,scale) or L(mean,scale)" : "N(mean,std)")} at {SpecText.At(s, pos)}");

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
    static void CheckCount(int components, string what)
    {
        if (components > MaxComponents)
            throw new UsageException($"{what}: {components:N0} components are more than a mixture may have ({MaxComponents:N0})");
    }

    static GaussianMixture Build(double[] weights, double[] means, double[] stds, string source, string what)
    {
        CheckCount(means.Length, what);
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

    static (GaussianMixture?, HeavyTailedMixture?) ParseFile(string path, string what, bool heavyTails)
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
            if (root.TryGetProperty("components", out _)) return ParseComponents(root, at, what, heavyTails);
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
            ParameterDomain.CheckNumbers(means, stds, null, what);
            return (Build(weights, means, stds, at, what), null);
        }
    }

    /// <summary>The fields each kind of component takes in a file, after "kind".</summary>
    static string[] ComponentFields(char kind) => kind switch
    {
        'N' => ["weight", "mean", "std"],
        'T' => ["weight", "nu", "mean", "scale"],
        _ => ["weight", "mean", "scale"],
    };

    /// <summary><c>{"components": [{"kind": "T", "weight": 0.5, "nu": 3, "mean": -2, "scale": 1}, …]}</c>: each field checked
    /// and named in a one-line message; a file whose components are all N is a Gaussian mixture, as in text.</summary>
    static (GaussianMixture?, HeavyTailedMixture?) ParseComponents(JsonElement root, string at, string what, bool heavyTails)
    {
        foreach (JsonProperty p in root.EnumerateObject())
            if (p.Name != "components")
                throw new UsageException($"{what}: {at} has unknown field \"{p.Name}\" beside \"components\" (the weights go in each component)");
        JsonElement array = root.GetProperty("components");
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
            throw new UsageException($"{what}: {at}: \"components\" must be a non-empty array of objects such as {{\"kind\": \"T\", \"weight\": 0.5, \"nu\": 3, \"mean\": 0, \"scale\": 1}}");
        var terms = new List<Term>();
        int k = 0;
        foreach (JsonElement c in array.EnumerateArray())
        {
            string name = $"components[{k++}]";
            if (c.ValueKind != JsonValueKind.Object)
                throw new UsageException($"{what}: {at}: {name} must be an object such as {{\"kind\": \"N\", \"mean\": 0, \"std\": 1}}");
            string? kindText = c.TryGetProperty("kind", out JsonElement kindElement) && kindElement.ValueKind == JsonValueKind.String
                ? kindElement.GetString() : null;
            if (kindText is null)
                throw new UsageException($"{what}: {at}: {name} has no \"kind\" (\"N\", \"T\" or \"L\")");
            if (kindText is not ("N" or "T" or "L"))
                throw new UsageException($"{what}: {at}: {name}.kind is {SpecText.Quote(kindText)}; expected \"N\" (normal), \"T\" (Student-t) or \"L\" (Laplace)");
            char kind = kindText[0];
            string[] fields = ComponentFields(kind);
            foreach (JsonProperty p in c.EnumerateObject())
                if (p.Name != "kind" && !fields.Contains(p.Name))
                    throw new UsageException($"{what}: {at}: {name} has unknown field \"{p.Name}\" (a {kind} component takes {string.Join(", ", fields)})");
            double? Field(string field)
            {
                if (!c.TryGetProperty(field, out JsonElement e)) return field == "weight" ? null
                    : throw new UsageException($"{what}: {at}: {name} (kind {kind}) has no \"{field}\" (it takes {string.Join(", ", fields)})");
                if (e.ValueKind != JsonValueKind.Number)
                    throw new UsageException($"{what}: {at}: {name}.{field} must be a number, not {SpecText.Quote(e.GetRawText())}");
                if (!e.TryGetDouble(out double v) || !double.IsFinite(v))
                    throw new UsageException($"{what}: {at}: {name}.{field} = {e.GetRawText()} is too large for a double");
                return v;
            }
            double? weight = Field("weight");
            double nu = kind == 'T' ? Field("nu")!.Value : 0, mean = Field("mean")!.Value;
            string widthField = kind == 'N' ? "std" : "scale";
            double width = Field(widthField)!.Value;
            if (kind == 'T' && nu <= 0)
                throw new UsageException($"{what}: ν must be positive in {at}: {name}.nu is {SpecText.Show(nu)}");
            if (width <= 0)
                throw new UsageException($"{what}: {widthField} must be positive in {at}: {name}.{widthField} is {SpecText.Show(width)}");
            if (weight <= 0)
                throw new UsageException($"{what}: weight must be positive in {at}: {name}.weight is {SpecText.Show(weight.Value)}");
            if (kind != 'N' && !heavyTails)
                throw new UsageException($"{what}: {at}: {name} is a Student-t or Laplace component; only the --target of eval, landscape "
                    + "and basins takes them");
            var componentKind = kind switch { 'N' => ComponentKind.Normal, 'T' => ComponentKind.StudentT, _ => ComponentKind.Laplace };
            terms.Add(new Term(weight, componentKind, nu, mean, width, $"{at}: {name}"));
        }
        return FromTerms(terms, at, what);
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
