namespace KlGpu.Specs;

/// <summary>
/// One value from an enum, by name, case-insensitive: <c>--precision double|single</c>,
/// <c>--accelerator auto|cuda|opencl|cpu</c>. The user's name is the member name in lower case
/// unless a naming function is given. Numbers ("1") are not names.
/// </summary>
public static class Choice
{
    public static TEnum Parse<TEnum>(string? text, string what) where TEnum : struct, Enum =>
        Parse<TEnum>(text, what, DefaultName, "value");

    /// <param name="name">The user's name for each member.</param>
    /// <param name="noun">What a value is called in the message ("unknown divergence ...").</param>
    public static TEnum Parse<TEnum>(string? text, string what, Func<TEnum, string> name, string noun) where TEnum : struct, Enum
    {
        string t = (text ?? "").Trim();
        foreach (TEnum value in Enum.GetValues<TEnum>())
            if (string.Equals(name(value), t, StringComparison.OrdinalIgnoreCase))
                return value;
        string shown = t.Length == 0 ? "(empty)" : SpecText.Quote(t);
        throw new UsageException($"{what}: unknown {noun} {shown} ({ValidList(name)})");
    }

    /// <summary>The user's names, in declaration order: for help text.</summary>
    public static IReadOnlyList<string> Names<TEnum>() where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Select(DefaultName).ToArray();

    internal static string ValidList<TEnum>(Func<TEnum, string> name) where TEnum : struct, Enum =>
        "valid: " + string.Join(", ", Enum.GetValues<TEnum>().Select(name));

    static string DefaultName<TEnum>(TEnum value) where TEnum : struct, Enum =>
        value.ToString().ToLowerInvariant();
}
