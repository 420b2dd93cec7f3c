using KlGpu.Specs;

namespace KlGpu.Basins;

/// <summary>The model q being fitted: a Gaussian with free σ, with σ fixed (a line of μ instead of a plane), a
/// mixture of <see cref="Components"/> Gaussians, or a Student-t t_ν(μ, s) with ν = <see cref="StudentNu"/> fixed (basins only).</summary>
public sealed record FitFamily(double? FixedSigma, int Components = 1, double? StudentNu = null)
{
    /// <summary>q = t_ν(μ, s) with ν fixed: <c>--family student:NU</c> (<see cref="StudentFamilySpec"/>).</summary>
    public static FitFamily Student(double nu) => new(null, 1, nu);

    public static FitFamily Gaussian { get; } = new((double?)null);

    /// <summary>The most components a mixture q may have.</summary>
    public const int MaxComponents = 8;

    public bool SigmaFixed => FixedSigma is not null;
    public bool IsMixture => Components > 1;

    /// <summary>The user's name: <c>gaussian</c>, <c>gaussian-fixed-sigma:S</c>, <c>mixture:K</c> or <c>student:NU</c>.</summary>
    public string Name => FixedSigma is { } s ? "gaussian-fixed-sigma:" + SpecText.Show(s) : IsMixture ? $"mixture:{Components}"
        : StudentNu is { } nu ? "student:" + SpecText.Show(nu) : "gaussian";

    /// <summary>σ fixed is a family of 1-D Gaussians; the d-dimensional target needs a q with a free covariance.</summary>
    public void CheckTarget(Numerics.Target target, string what = "--target")
    {
        if (SigmaFixed && target.Dimension > 1)
            throw new UsageException($"{what}: {Name} fits a 1-D Gaussian; {target} is {target.Dimension}-dimensional (use --family gaussian)");
    }

    public static FitFamily Parse(string? text)
    {
        string t = (text ?? "").Trim();
        if (t.Equals("gaussian", StringComparison.OrdinalIgnoreCase)) return Gaussian;
        const string prefix = "gaussian-fixed-sigma:";
        if (t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            double s = SpecText.ParseNumber(t[prefix.Length..], "--family", "the fixed σ");
            if (!(s > 0)) throw new UsageException($"--family: the fixed σ must be positive, got {SpecText.Show(s)}");
            return new FitFamily(s);
        }
        const string mixture = "mixture:";
        if (t.StartsWith(mixture, StringComparison.OrdinalIgnoreCase))
        {
            double k = SpecText.ParseNumber(t[mixture.Length..], "--family", "the number of components");
            if (k != Math.Floor(k) || k < 1 || k > MaxComponents)
                throw new UsageException($"--family: mixture:K needs K a whole number from 1 to {MaxComponents}, got {SpecText.Show(k)}");
            return k == 1 ? Gaussian : new FitFamily(null, (int)k);
        }
        throw new UsageException($"--family: unknown family {(t.Length == 0 ? "(empty)" : SpecText.Quote(t))} (valid: gaussian, gaussian-fixed-sigma:S, mixture:K)");
    }
}

/// <summary>The update rule of every restart.</summary>
public enum Optimizer
{
    /// <summary>Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8: per-coordinate step sizes, the default.</summary>
    Adam,
    /// <summary>Plain gradient descent.</summary>
    Sgd,
    /// <summary>Heavy-ball momentum, β = 0.9.</summary>
    Momentum,
}
