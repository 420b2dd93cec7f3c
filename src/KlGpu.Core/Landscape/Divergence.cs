using System.Globalization;
using KlGpu.Numerics;

namespace KlGpu.Landscape;

/// <summary>The members of the divergence family the tool evaluates.</summary>
public enum DivergenceKind
{
    /// <summary>KL(p||q), mass-covering.</summary>
    Forward,
    /// <summary>KL(q||p), mode-seeking.</summary>
    Reverse,
    /// <summary>½KL(p||m) + ½KL(q||m), m = (p+q)/2.</summary>
    JensenShannon,
    /// <summary>Squared Hellinger, 1 − ∫√(pq).</summary>
    Hellinger,
    /// <summary>Total variation, ½∫|p−q|.</summary>
    TotalVariation,
    /// <summary>Pearson χ², ∫(p−q)²/q.</summary>
    Pearson,
    /// <summary>Neyman χ², ∫(p−q)²/p.</summary>
    Neyman,
    /// <summary>KL(p||q) + KL(q||p).</summary>
    Jeffreys,
    /// <summary>Amari α, (1 − ∫p^α q^{1−α})/(α(1−α)).</summary>
    Alpha,
    /// <summary>Rényi, log(∫p^α q^{1−α})/(α−1), α &gt; 0.</summary>
    Renyi,
    /// <summary>Squared kernel Stein discrepancy KSD²(q, p) with an inverse multiquadric kernel; needs only p's score.</summary>
    Ksd,
}

/// <summary>The inverse multiquadric kernel k(x, y) = (c² + (x − y)²)^β of the kernel Stein discrepancy: c &gt; 0, β &lt; 0.</summary>
public sealed record ImqKernel(double C = 1, double Beta = -0.5)
{
    public static readonly ImqKernel Default = new();
}

/// <summary>
/// One divergence between the target p and the approximation q: a kind and, for α and Rényi, its order α.
/// Spelled on the command line as <see cref="Name"/> (<c>forward</c>, <c>js</c>, <c>alpha:0.5</c>, <c>ksd:c=2:beta=-0.5</c>).
/// The kernel Stein discrepancy carries its kernel in <see cref="Kernel"/> (null for every other kind).
/// </summary>
public sealed record Divergence(DivergenceKind Kind, double Order = 0, ImqKernel? Kernel = null)
{
    public static readonly Divergence Forward = new(DivergenceKind.Forward);
    public static readonly Divergence Reverse = new(DivergenceKind.Reverse);

    /// <summary>The names a user may type; α and Rényi take their order after a colon.</summary>
    public const string ValidNames = "forward, reverse, js, hellinger, tv, pearson, neyman, jeffreys, alpha:A (any real A), renyi:A (A > 0), "
        + "ksd or ksd:c=C:beta=B (C > 0, B < 0; defaults c=1, beta=-0.5)";

    /// <summary>KSD² with the default kernel c = 1, β = −½.</summary>
    public static readonly Divergence Ksd = new(DivergenceKind.Ksd, 0, ImqKernel.Default);

    static readonly (string Name, DivergenceKind Kind)[] Plain =
    [
        ("forward", DivergenceKind.Forward), ("reverse", DivergenceKind.Reverse), ("js", DivergenceKind.JensenShannon),
        ("hellinger", DivergenceKind.Hellinger), ("tv", DivergenceKind.TotalVariation), ("pearson", DivergenceKind.Pearson),
        ("neyman", DivergenceKind.Neyman), ("jeffreys", DivergenceKind.Jeffreys),
    ];

    /// <summary>Parses one name, case-insensitive; null when it is not a divergence (the caller words the error).</summary>
    public static Divergence? TryParse(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        foreach (var (name, kind) in Plain)
            if (s == name) return new Divergence(kind);
        if (s == "ksd" || s.StartsWith("ksd:", StringComparison.Ordinal)) return ParseKsd(s);
        int colon = s.IndexOf(':');
        if (colon < 0) return null;
        string head = s[..colon], tail = s[(colon + 1)..];
        if (!double.TryParse(tail, NumberStyles.Float, CultureInfo.InvariantCulture, out double a) || !double.IsFinite(a)) return null;
        return head switch
        {
            "alpha" => new Divergence(DivergenceKind.Alpha, a),
            "renyi" when a > 0 => new Divergence(DivergenceKind.Renyi, a),
            _ => null,
        };
    }

    /// <summary><c>ksd</c>, or <c>ksd:</c> and colon-separated <c>c=C</c>, <c>beta=B</c> in any order, each at most once
    /// (a colon, since commas separate divergences). Null for c ≤ 0, β ≥ 0, a non-finite number or any other key.</summary>
    static Divergence? ParseKsd(string s)
    {
        double c = ImqKernel.Default.C, beta = ImqKernel.Default.Beta;
        bool seenC = false, seenBeta = false;
        string[] parts = s.Split(':');
        if (parts.Length == 1) return Ksd;
        for (int i = 1; i < parts.Length; i++)
        {
            int eq = parts[i].IndexOf('=');
            if (eq < 0) return null;
            string key = parts[i][..eq].Trim(), text = parts[i][(eq + 1)..].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v)) return null;
            if (key == "c" && !seenC) { c = v; seenC = true; }
            else if (key == "beta" && !seenBeta) { beta = v; seenBeta = true; }
            else return null;
        }
        if (!(c > 0) || !(beta < 0)) return null;
        return new Divergence(DivergenceKind.Ksd, 0, new ImqKernel(c, beta));
    }

    public string Name() => Kind switch
    {
        DivergenceKind.Ksd => Kernel == ImqKernel.Default ? "ksd"
            : "ksd:c=" + Kernel!.C.ToString("R", CultureInfo.InvariantCulture) + ":beta=" + Kernel.Beta.ToString("R", CultureInfo.InvariantCulture),
        DivergenceKind.Alpha => "alpha:" + OrderText,
        DivergenceKind.Renyi => "renyi:" + OrderText,
        _ => Plain.First(x => x.Kind == Kind).Name,
    };

    /// <summary>The mathematical label used in titles and colour bars.</summary>
    public string Label() => Kind switch
    {
        DivergenceKind.Forward => "KL(p || q)",
        DivergenceKind.Reverse => "KL(q || p)",
        DivergenceKind.JensenShannon => "JS(p, q)",
        DivergenceKind.Hellinger => "H²(p, q)",
        DivergenceKind.TotalVariation => "TV(p, q)",
        DivergenceKind.Pearson => "χ²(p || q)",
        DivergenceKind.Neyman => "χ²(q || p)",
        DivergenceKind.Jeffreys => "J(p, q)",
        DivergenceKind.Alpha => $"D_α(p || q), α = {OrderText}",
        DivergenceKind.Renyi => $"D_α^Rényi(p || q), α = {OrderText}",
        DivergenceKind.Ksd => Kernel == ImqKernel.Default ? "KSD²(q, p)"
            : string.Create(CultureInfo.InvariantCulture, $"KSD²(q, p), c = {Kernel!.C:R}, β = {Kernel.Beta:R}"),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };

    /// <summary>The divergence's name in words, as a figure's title starts.</summary>
    public string Title() => Kind switch
    {
        DivergenceKind.Forward => "Forward",
        DivergenceKind.Reverse => "Reverse",
        DivergenceKind.JensenShannon => "Jensen–Shannon",
        DivergenceKind.Hellinger => "Squared Hellinger",
        DivergenceKind.TotalVariation => "Total variation",
        DivergenceKind.Pearson => "Pearson",
        DivergenceKind.Neyman => "Neyman",
        DivergenceKind.Jeffreys => "Jeffreys",
        DivergenceKind.Alpha => "Amari",
        DivergenceKind.Renyi => "Rényi",
        DivergenceKind.Ksd => "Kernel Stein (IMQ)",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };

    string OrderText => Order.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The name as a file stem: the order's colon becomes an underscore (alpha_0.5.npy), which every file system takes.</summary>
    public string FileStem() => Name().Replace(':', '_');

    /// <summary>" nats" for the divergences built on a logarithm (the KLs, JS, Jeffreys, Rényi); the others
    /// (Hellinger, TV, χ², α) are plain numbers.</summary>
    public string Unit => Kind is DivergenceKind.Forward or DivergenceKind.Reverse or DivergenceKind.JensenShannon
        or DivergenceKind.Jeffreys or DivergenceKind.Renyi ? " nats" : "";

    public bool IsKl => Kind is DivergenceKind.Forward or DivergenceKind.Reverse;

    /// <summary>
    /// The KL this divergence is exactly, or null: α = 1 and Rényi α = 1 are KL(p||q), α = 0 is KL(q||p).
    /// These limits go to the KL code instead of an order near 0 or 1.
    /// </summary>
    public Divergence? AsKl => Kind switch
    {
        DivergenceKind.Forward or DivergenceKind.Reverse => this,
        DivergenceKind.Alpha when Order == 1 => Forward,
        DivergenceKind.Alpha when Order == 0 => Reverse,
        DivergenceKind.Renyi when Order == 1 => Forward,
        _ => null,
    };

    /// <summary>The code the numerics and kernels know this divergence by: a KL (α and Rényi at their KL orders included) as
    /// <see cref="FIntegrand.ForwardKl"/> or <see cref="FIntegrand.ReverseKl"/>, every other but the KSD as its f-integrand,
    /// of order <see cref="Order"/>.</summary>
    public FIntegrand Integrand => AsKl?.Kind switch
    {
        DivergenceKind.Forward => FIntegrand.ForwardKl,
        DivergenceKind.Reverse => FIntegrand.ReverseKl,
        _ => Kind switch
        {
            DivergenceKind.JensenShannon => FIntegrand.JensenShannon,
            DivergenceKind.Hellinger => FIntegrand.Hellinger,
            DivergenceKind.TotalVariation => FIntegrand.TotalVariation,
            DivergenceKind.Pearson => FIntegrand.Pearson,
            DivergenceKind.Neyman => FIntegrand.Neyman,
            DivergenceKind.Jeffreys => FIntegrand.Jeffreys,
            DivergenceKind.Alpha => FIntegrand.Alpha,
            DivergenceKind.Renyi => FIntegrand.Renyi,
            _ => throw new InvalidOperationException($"{Name()} is a double integral, not an integrand"),
        },
    };

    public override string ToString() => Name();
}
