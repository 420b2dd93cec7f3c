namespace KlGpu.Specs;

/// <summary><c>--family student:NU</c>: q = t_ν(μ, s) with ν fixed. Failures are one-line <see cref="UsageException"/>s.</summary>
public static class StudentFamilySpec
{
    /// <summary>ν, or null when the text names another family.</summary>
    public static double? Parse(string? text, string what)
    {
        string t = (text ?? "").Trim();
        if (!t.StartsWith("student", StringComparison.OrdinalIgnoreCase)) return null;
        string rest = t["student".Length..].Trim();
        if (!rest.StartsWith(':'))
            throw new UsageException($"{what}: expected student:NU with ν > 0, e.g. --family student:3, got {SpecText.Quote(t)}");
        double nu = SpecText.ParseNumber(rest[1..].Trim(), what, "ν");
        if (!(nu > 0) || !double.IsFinite(nu))
            throw new UsageException($"{what}: student:NU needs ν > 0, got {SpecText.Show(nu)}");
        ParameterDomain.CheckNumbers([0.0], [1.0], [nu], what); // ν's range, as for a T(…) term
        return nu;
    }
}
