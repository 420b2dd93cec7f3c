using System.Globalization;
using System.Text;

namespace KlGpu.Specs;

/// <summary>
/// What the spec parsers share: the number syntax (invariant culture, '.' decimals, optional
/// exponent, no NaN or Infinity) and the quoting of offending text in one-line messages.
/// </summary>
internal static class SpecText
{
    /// <summary>Offending text longer than this is cut in messages.</summary>
    const int SnippetLength = 32;

    static readonly string[] NonNumbers = ["nan", "inf", "infinity", "∞"];

    /// <summary>
    /// The length of the number token <c>[+-]digits[.digits][(e|E)[+-]digits]</c> starting at
    /// <paramref name="start"/>, or 0 when none starts there. No whitespace is skipped.
    /// </summary>
    public static int ScanNumber(string s, int start)
    {
        int j = start;
        if (j < s.Length && (s[j] == '+' || s[j] == '-')) j++;
        int intStart = j;
        while (j < s.Length && char.IsAsciiDigit(s[j])) j++;
        int digits = j - intStart;
        if (j < s.Length && s[j] == '.')
        {
            int k = j + 1;
            while (k < s.Length && char.IsAsciiDigit(s[k])) k++;
            digits += k - j - 1;
            if (digits > 0) j = k;
        }
        if (digits == 0) return 0;
        if (j < s.Length && (s[j] == 'e' || s[j] == 'E'))
        {
            int k = j + 1;
            if (k < s.Length && (s[k] == '+' || s[k] == '-')) k++;
            int expStart = k;
            while (k < s.Length && char.IsAsciiDigit(s[k])) k++;
            if (k > expStart) j = k;
        }
        return j - start;
    }

    /// <summary>
    /// Reads one number at <paramref name="pos"/> (after optional whitespace), advancing it.
    /// <paramref name="role"/> names what was expected ("a number", "the mean") for the message.
    /// </summary>
    public static double ReadNumber(string s, ref int pos, string what, string role)
    {
        pos = SkipSpace(s, pos);
        int length = ScanNumber(s, pos);
        if (length == 0)
        {
            string word = WordAt(s, pos);
            if (IsNonNumber(word))
                throw new UsageException($"{what}: {word} is not a number here");
            throw new UsageException($"{what}: expected {role} at {At(s, pos)}");
        }
        int end = pos + length;
        // "1e", "1.2.3", "2e-": a number that runs on is malformed, not a number followed by junk.
        if (end < s.Length && (s[end] == '.' || s[end] == 'e' || s[end] == 'E' || char.IsAsciiDigit(s[end])))
            throw new UsageException($"{what}: malformed number at {At(s, pos)}");
        string token = s[pos..end];
        double value = double.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
            throw new UsageException($"{what}: {token} is too large for a double");
        pos = end;
        return value;
    }

    /// <summary>Parses text that must be exactly one number (surrounding whitespace allowed).</summary>
    public static double ParseNumber(string text, string what, string role)
    {
        int pos = 0;
        double value = ReadNumber(text, ref pos, what, role);
        pos = SkipSpace(text, pos);
        if (pos != text.Length)
            throw new UsageException($"{what}: {Quote(text)} is not a number");
        return value;
    }

    /// <summary>Whether NaN, Infinity or the like (optionally signed) is written at <paramref name="pos"/>.</summary>
    public static bool IsNonNumberAt(string s, int pos) => IsNonNumber(WordAt(s, pos));

    static bool IsNonNumber(string word)
    {
        string bare = word.TrimStart('+', '-');
        return NonNumbers.Any(n => string.Equals(bare, n, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An optional sign followed by letters, as written (for "NaN", "-Infinity").</summary>
    static string WordAt(string s, int pos)
    {
        int j = pos;
        if (j < s.Length && (s[j] == '+' || s[j] == '-')) j++;
        while (j < s.Length && (char.IsLetter(s[j]) || s[j] == '∞')) j++;
        return s[pos..j];
    }

    public static int SkipSpace(string s, int pos)
    {
        while (pos < s.Length && char.IsWhiteSpace(s[pos])) pos++;
        return pos;
    }

    /// <summary>The rest of the text from <paramref name="pos"/>, quoted, or "end of input".</summary>
    public static string At(string s, int pos)
    {
        pos = SkipSpace(s, pos);
        if (pos >= s.Length) return "end of input";
        string rest = Quote(s[pos..]);
        // After a digit, a decimal comma is the likeliest reason to meet a ',' where none belongs.
        return s[pos] == ',' && pos > 0 && char.IsAsciiDigit(s[pos - 1]) ? rest + " (numbers use '.' for decimals)" : rest;
    }

    /// <summary>Text in double quotes on one line: whitespace runs collapsed, long text cut.</summary>
    public static string Quote(string text)
    {
        var b = new StringBuilder();
        bool space = false;
        foreach (char c in text.Trim())
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c)) { space = true; continue; }
            if (space) { b.Append(' '); space = false; }
            b.Append(c);
        }
        string one = b.ToString();
        if (one.Length > SnippetLength) one = one[..SnippetLength] + "...";
        return $"\"{one}\"";
    }

    /// <summary>A number for a message: short, but enough digits to show a miss of 1e-9.</summary>
    public static string Show(double v) => v.ToString("G12", CultureInfo.InvariantCulture);

    /// <summary>An exception's message as one line, for messages that quote it.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
