using System.Globalization;
using KlGpu.Numerics;
using KlGpu.Sweeps;

namespace KlGpu.Specs;

/// <summary>
/// A target in the user's language: a 1-D mixture (<see cref="MixtureSpec"/>), or the d-dimensional two-mode target
/// <c>two-modes(d=20, sep=5)</c> (keys in any order, each value a number or an arithmetic expression).
/// Every failure is a one-line <see cref="UsageException"/> starting with <c>what</c>.
/// </summary>
public static class TargetSpec
{
    public const string TwoModesName = "two-modes";
    public const string TwoModesExample = "two-modes(d=20, sep=5)";

    /// <summary>With <paramref name="heavyTails"/>, a mixture may also hold Student-t and Laplace components
    /// (<see cref="MixtureSpec.ParseWithTails"/>); elsewhere such a term is refused with a line naming it.</summary>
    public static Target Parse(string? text, string what = "--target", bool heavyTails = false)
    {
        string t = (text ?? "").Trim();
        if (!t.StartsWith(TwoModesName, StringComparison.OrdinalIgnoreCase))
        {
            if (!heavyTails) return ParameterDomain.CheckTarget(Target.OneDimensional(MixtureSpec.Parse(text, what)), what);
            var (gaussian, tails) = MixtureSpec.ParseWithTails(text, what);
            return ParameterDomain.CheckTarget(gaussian is not null ? Target.OneDimensional(gaussian) : Target.HeavyTailed(tails!), what);
        }

        string rest = t[TwoModesName.Length..].Trim();
        if (!rest.StartsWith('(') || !rest.EndsWith(')'))
            throw new UsageException($"{what}: expected {TwoModesExample}, got {SpecText.Quote(t)}");
        var values = new Dictionary<string, double>();
        foreach (string part in rest[1..^1].Split(','))
        {
            int eq = part.IndexOf('=');
            string key = (eq < 0 ? part : part[..eq]).Trim().ToLowerInvariant();
            if (eq < 0 || key.Length == 0)
                throw new UsageException($"{what}: expected key=value in {SpecText.Quote(t)}, got {SpecText.Quote(part.Trim())} (e.g. {TwoModesExample})");
            if (key is not ("d" or "sep"))
                throw new UsageException($"{what}: two-modes has no parameter {SpecText.Quote(key)} (it takes d and sep, e.g. {TwoModesExample})");
            if (!values.TryAdd(key, Arithmetic.Evaluate(part[(eq + 1)..], $"{what}: two-modes {key}")))
                throw new UsageException($"{what}: two-modes gives {key} twice in {SpecText.Quote(t)}");
        }
        foreach (string key in new[] { "d", "sep" })
            if (!values.ContainsKey(key))
                throw new UsageException($"{what}: two-modes needs {key} (e.g. {TwoModesExample})");

        double d = values["d"], sep = values["sep"];
        if (d != Math.Floor(d) || d < 1 || d > Target.MaxDimension)
            throw new UsageException($"{what}: two-modes d = {Show(d)}; the dimension must be an integer from 1 to {Target.MaxDimension}");
        if (sep < 0)
            throw new UsageException($"{what}: two-modes sep = {Show(sep)}; the separation ‖u‖ must be ≥ 0");
        return ParameterDomain.CheckTarget(Target.TwoModes((int)d, sep), what);
    }

    static string Show(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
