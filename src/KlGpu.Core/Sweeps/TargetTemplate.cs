using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using KlGpu.Numerics;
using KlGpu.Specs;

namespace KlGpu.Sweeps;

/// <summary>
/// A target spec with <c>{name}</c> placeholders, e.g. <c>0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)</c> or, with heavy tails,
/// <c>0.5*T(3,-{d}/2,1) + 0.5*T(3,{d}/2,1)</c>. Each weight and each argument of N(…), T(…) or L(…) may be an arithmetic
/// expression (+ − * / and parentheses) in the placeholders; an instance at a parameter value is evaluated to numbers and
/// then parsed and checked like any other spec (heavy tails as basins takes them). A template without placeholders is one
/// fixed target (a sweep of the divergence's order).
/// </summary>
public sealed partial class TargetTemplate
{
    public string Text { get; }
    public IReadOnlyList<string> Placeholders { get; }

    public TargetTemplate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new UsageException("--target-template: empty template; expected e.g. \"0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)\"");
        Text = text.Trim();
        Placeholders = Placeholder().Matches(Text).Select(m => m.Groups[1].Value).Distinct().ToArray();
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();

    /// <summary>The target at <paramref name="name"/> = <paramref name="value"/>; an invalid instance says which value and why.</summary>
    public Target At(string name, double value)
    {
        string shown = value.ToString("R", CultureInfo.InvariantCulture);
        string what = $"--target-template at {name} = {shown}";
        string text = Placeholder().Replace(Text, m => m.Groups[1].Value == name
            ? "(" + shown + ")"
            : throw new UsageException($"--target-template: placeholder {{{m.Groups[1].Value}}} is not given in --param (it sets {name})"));
        return text.TrimStart().StartsWith(TargetSpec.TwoModesName, StringComparison.OrdinalIgnoreCase)
            ? TargetSpec.Parse(text, what) // its arguments are evaluated as expressions already
            : TargetSpec.Parse(Evaluate(text, what), what, heavyTails: true);
    }

    /// <summary>Rewrites every weight and every argument of N(…), T(…) or L(…) that is an expression as its value.</summary>
    static string Evaluate(string text, string what)
    {
        var output = new StringBuilder();
        foreach (string term in SplitTopLevel(text, '+', keepEmptyAfterOperator: true))
        {
            string t = term.Trim();
            // The term's law is the letter before the '(' that opens its last ')': a weight may hold parentheses of its own.
            int open = t.EndsWith(')') ? OpeningOfLast(t) : -1;
            int letter = open - 1;
            while (letter >= 0 && char.IsWhiteSpace(t[letter])) letter--;
            if (letter < 0 || t[letter] is not ('N' or 'T' or 'L'))
                throw new UsageException($"{what}: expected a term [w*]N(mean,std), [w*]T(nu,mean,scale) or [w*]L(mean,scale), got {SpecText.Quote(t)}");
            string weight = t[..letter].Trim();
            if (weight.EndsWith('*')) weight = weight[..^1].Trim();
            else if (weight.Length > 0) throw new UsageException($"{what}: expected '*' between the weight and {t[letter]}( in {SpecText.Quote(t)}");
            var args = SplitTopLevel(t[(open + 1)..^1], ',', keepEmptyAfterOperator: false);
            if (output.Length > 0) output.Append(" + ");
            if (weight.Length > 0) output.Append(Number(weight, what)).Append('*');
            output.Append(t[letter]).Append('(').Append(string.Join(",", args.Select(a => Number(a, what)))).Append(')');
        }
        return output.ToString();
    }

    /// <summary>The index of the '(' matching the final ')' of <paramref name="t"/>, or −1 if unbalanced.</summary>
    static int OpeningOfLast(string t)
    {
        int depth = 0;
        for (int i = t.Length - 1; i >= 0; i--)
        {
            if (t[i] == ')') depth++;
            else if (t[i] == '(' && --depth == 0) return i;
        }
        return -1;
    }

    static string Number(string expression, string what) =>
        Arithmetic.Evaluate(expression, what).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Splits at a separator outside parentheses. For '+', a sign after an operator or '(' is not a separator.</summary>
    static List<string> SplitTopLevel(string s, char separator, bool keepEmptyAfterOperator)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == separator && depth == 0)
            {
                if (keepEmptyAfterOperator && PreviousIsOperator(s, i)) continue;
                parts.Add(s[start..i]);
                start = i + 1;
            }
        }
        parts.Add(s[start..]);
        return parts;
    }

    static bool PreviousIsOperator(string s, int i)
    {
        int j = i - 1;
        while (j >= 0 && char.IsWhiteSpace(s[j])) j--;
        return j < 0 || "*/+-(eE".Contains(s[j]) && !(s[j] is 'e' or 'E' && (j == 0 || !char.IsAsciiDigit(s[j - 1]) && s[j - 1] != '.'));
    }
}

/// <summary>+ − * / and parentheses over invariant-culture numbers, by recursive descent.</summary>
public static class Arithmetic
{
    public static double Evaluate(string text, string what)
    {
        int pos = 0;
        double v = Sum(text, ref pos, what);
        pos = SpecText.SkipSpace(text, pos);
        if (pos != text.Length) throw new UsageException($"{what}: unexpected {SpecText.At(text, pos)} in {SpecText.Quote(text.Trim())}");
        if (!double.IsFinite(v)) throw new UsageException($"{what}: {SpecText.Quote(text.Trim())} is not a finite number (division by zero?)");
        return v;
    }

    static double Sum(string s, ref int pos, string what)
    {
        double v = Product(s, ref pos, what);
        while (true)
        {
            pos = SpecText.SkipSpace(s, pos);
            if (pos < s.Length && s[pos] is '+' or '-')
            {
                char op = s[pos++];
                double r = Product(s, ref pos, what);
                v = op == '+' ? v + r : v - r;
            }
            else return v;
        }
    }

    static double Product(string s, ref int pos, string what)
    {
        double v = Unary(s, ref pos, what);
        while (true)
        {
            pos = SpecText.SkipSpace(s, pos);
            if (pos < s.Length && s[pos] is '*' or '/')
            {
                char op = s[pos++];
                double r = Unary(s, ref pos, what);
                v = op == '*' ? v * r : v / r;
            }
            else return v;
        }
    }

    static double Unary(string s, ref int pos, string what)
    {
        pos = SpecText.SkipSpace(s, pos);
        if (pos < s.Length && s[pos] == '-') { pos++; return -Unary(s, ref pos, what); }
        if (pos < s.Length && s[pos] == '+') { pos++; return Unary(s, ref pos, what); }
        if (pos < s.Length && s[pos] == '(')
        {
            pos++;
            double v = Sum(s, ref pos, what);
            pos = SpecText.SkipSpace(s, pos);
            if (pos >= s.Length || s[pos] != ')') throw new UsageException($"{what}: missing ')' in {SpecText.Quote(s.Trim())}");
            pos++;
            return v;
        }
        return SpecText.ReadNumber(s, ref pos, what, "a number");
    }
}
