using System.Text.Json;
using System.Text.Json.Nodes;

namespace KlGpu.Cli;

/// <summary>
/// One parameter of a command, declared once: its typed option (name, aliases, help, default, parser) and its key in
/// manifest.json and run files. The option set, the binding into the settings record (<c>r.GetValue(p)</c>), the
/// manifest's parameters (<see cref="RunRecord{TSettings}"/>) and the reading of run files (<see cref="Tokens"/>) all
/// come from it. A bad value is a one-line <see cref="UsageException"/> naming the flag, thrown by the parser.
/// </summary>
internal abstract class Parameter(string key)
{
    /// <summary>The snake_case key in manifest.json and run files.</summary>
    public string Key { get; } = key;

    public abstract Option Option { get; }

    /// <summary>Other keys a run file may use for it (never written).</summary>
    public List<string> Aliases { get; } = [];

    /// <summary>The command-line tokens a run file's value stands for; none for null (the default) or a switch that is off.</summary>
    public IEnumerable<string> Tokens(JsonElement value, RunFile file)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return [];
            case JsonValueKind.True or JsonValueKind.False when Option is Option<bool>:
                return value.GetBoolean() ^ Inverted ? [Option.Name] : [];
            case JsonValueKind.String when Option is not Option<bool>:
                return [Option.Name, value.GetString()!];
            case JsonValueKind.Number when Option is not Option<bool>:
                return [Option.Name, value.GetRawText()]; // exactly as written: a 64-bit seed keeps every digit
            case JsonValueKind.Array when Option is not Option<bool> && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                return [Option.Name, string.Join(",", value.EnumerateArray().Select(e => e.GetString()))];
            default:
                throw file.Error($"parameters.{Key} of {file.Command}: expected {(Option is Option<bool> ? "true or false" : "a string, a number or a list of strings")}, got {value.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    /// <summary>A switch whose key records the opposite (log_color for --linear-color).</summary>
    protected virtual bool Inverted => false;

    /// <summary>A typed option parsed from its one token (or from its default text) by <paramref name="parse"/>, which gets the flag to name.</summary>
    public static Parameter<T> Of<T>(string key, string name, string? alias, string helpName, string description, string? defaultText,
        Func<string, string, T> parse, Func<T, JsonNode?> show, bool required = false)
    {
        var option = alias is null ? new Option<T>(name) : new Option<T>(name, alias);
        // The help shows the default as the user would type it (a DefaultValueFactory would show the value's ToString).
        option.Description = defaultText is null ? description : $"{description} [default: {defaultText}]";
        option.HelpName = helpName;
        option.Required = required;
        option.CustomParser = r => parse(r.Tokens.Count == 0 ? "" : r.Tokens[^1].Value, name);
        return new Parameter<T>(key, option, show, defaultText is null ? null : () => parse(defaultText, name));
    }

    /// <summary>A text option kept as given (trimmed), for values another parameter decides how to read.</summary>
    public static Parameter<string?> Text(string key, string name, string helpName, string description, string? defaultText = null) =>
        Of<string?>(key, name, null, helpName, description, defaultText, (t, _) => t, t => t);

    /// <summary>An on/off switch; <paramref name="inverted"/> when the key records the opposite of the flag.</summary>
    public static Parameter<bool> Switch(string key, string name, string description, bool inverted = false) =>
        new Parameter<bool>(key, new Option<bool>(name) { Description = description }, v => v ^ inverted, null, inverted);

    /// <summary>A whole number in [min, max].</summary>
    public static Parameter<int> Count(string key, string name, string helpName, string description, string? defaultText, int min, int max) =>
        Of(key, name, null, helpName, description, defaultText, (t, what) => BasinsSpec.Count(t, what, min, max), v => v);

    /// <summary>A finite number above 0.</summary>
    public static Parameter<double> Positive(string key, string name, string helpName, string description, string defaultText) =>
        Of(key, name, null, helpName, description, defaultText, BasinsSpec.Positive, v => v);

    /// <summary>An enum by its lower-case name.</summary>
    public static Parameter<TEnum> Choice<TEnum>(string key, string name, string? alias, string helpName, string description, string defaultText)
        where TEnum : struct, Enum =>
        Of(key, name, alias, helpName, description, defaultText, Specs.Choice.Parse<TEnum>, v => v.ToString().ToLowerInvariant());

    /// <summary>MIN:MAX:N as written back: round-trip numbers.</summary>
    public static string AxisText(Landscape.GridAxis a) => FormattableString.Invariant($"{a.Min:R}:{a.Max:R}:{a.Count}");

    /// <summary>MIN:MAX as written back: round-trip numbers.</summary>
    public static string IntervalText((double Min, double Max) a) => FormattableString.Invariant($"{a.Min:R}:{a.Max:R}");

    /// <summary>A list of names as a JSON list.</summary>
    public static JsonNode Names(IEnumerable<string> names) => new JsonArray(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
}

internal sealed class Parameter<T>(string key, Option<T> option, Func<T, JsonNode?> show, Func<T>? defaultValue, bool inverted = false) : Parameter(key)
{
    public override Option<T> Option { get; } = option;
    protected override bool Inverted { get; } = inverted;

    /// <summary>The value given, else the default parsed from its text, else default(T).</summary>
    public T ValueIn(ParseResult r) => r.GetResult(Option) is null && defaultValue is not null ? defaultValue() : r.GetValue(Option)!;

    /// <summary>This parameter, read also under <paramref name="key"/> in run files.</summary>
    public Parameter<T> AlsoReads(string key)
    {
        Aliases.Add(key);
        return this;
    }

    /// <summary>The value as the manifest records it; null leaves the key out.</summary>
    public JsonNode? Show(T value) => show(value);

    public static implicit operator Option<T>(Parameter<T> p) => p.Option;
}

/// <summary>
/// A settings record written as a manifest's parameters: which of the command's parameters it holds, and where each
/// value sits in it. The keys come out in the command's order, so one record has one canonical form.
/// </summary>
internal sealed class RunRecord<TSettings>(IReadOnlyList<Parameter> order) : System.Collections.IEnumerable
{
    readonly Dictionary<Parameter, Func<TSettings, JsonNode?>> values = [];

    public void Add<T>(Parameter<T> parameter, Func<TSettings, T> value)
    {
        if (!order.Contains(parameter)) throw new InvalidOperationException($"{parameter.Key} is not a parameter of this command");
        values.Add(parameter, s => parameter.Show(value(s)));
    }

    /// <summary>A parameter recorded only where <paramref name="recorded"/> holds (a restart count that one start makes moot).</summary>
    public void Add<T>(Parameter<T> parameter, Func<TSettings, T> value, Func<TSettings, bool> recorded)
    {
        if (!order.Contains(parameter)) throw new InvalidOperationException($"{parameter.Key} is not a parameter of this command");
        values.Add(parameter, s => recorded(s) ? parameter.Show(value(s)) : null);
    }

    public RunParameters Of(TSettings settings) =>
        new(order.Where(values.ContainsKey).Select(p => KeyValuePair.Create(p.Key, values[p](settings))));

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => values.Keys.GetEnumerator();
}

internal static class ParameterValues
{
    /// <summary>The parsed (or default) value of a parameter's option.</summary>
    public static T GetValue<T>(this ParseResult r, Parameter<T> p) => p.ValueIn(r);

    /// <summary>Whether the user gave the option (a default is not given).</summary>
    public static bool Given(this ParseResult r, Parameter p) => r.GetResult(p.Option) is not null;
}
