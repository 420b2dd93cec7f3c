using KlGpu.Specs;

namespace KlGpu.Basins;

/// <summary>The model q being fitted: a Gaussian with free σ, or with σ fixed (a line of μ instead of a plane).</summary>
public sealed record FitFamily(double? FixedSigma)
{
    public static FitFamily Gaussian { get; } = new((double?)null);

    public bool SigmaFixed => FixedSigma is not null;

    /// <summary>The user's name: <c>gaussian</c> or <c>gaussian-fixed-sigma:S</c>.</summary>
    public string Name => FixedSigma is { } s ? "gaussian-fixed-sigma:" + SpecText.Show(s) : "gaussian";

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
        throw new UsageException($"--family: unknown family {(t.Length == 0 ? "(empty)" : SpecText.Quote(t))} (valid: gaussian, gaussian-fixed-sigma:S)");
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
