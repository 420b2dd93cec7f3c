namespace KlGpu.Numerics;

/// <summary>
/// Distances between two Gaussian mixtures as laws (so the order of their components does not matter), in closed form:
/// ∫ N(x; m, s²) N(x; n, t²) dx = N(m − n; 0, s² + t²), so every L² inner product of mixtures is a double sum.
/// </summary>
public static class MixtureDistance
{
    /// <summary>⟨a, b⟩ = ∫ a(x) b(x) dx.</summary>
    public static double Inner(GaussianMixture a, GaussianMixture b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        double sum = 0;
        for (int i = 0; i < a.Count; i++)
            for (int j = 0; j < b.Count; j++)
            {
                double v = a.Stds[i] * a.Stds[i] + b.Stds[j] * b.Stds[j], d = a.Means[i] - b.Means[j];
                sum += a.Weights[i] * b.Weights[j] * Math.Exp(-d * d / (2 * v)) / Math.Sqrt(2 * Math.PI * v);
            }
        return sum;
    }

    /// <summary>‖a − b‖₂ / (‖a‖₂ + ‖b‖₂): 0 for the same law, at most 1, about 0.71 for equally peaked laws that do not overlap.
    /// Scaled so that it reads the same for narrow and wide laws.</summary>
    public static double RelativeL2(GaussianMixture a, GaussianMixture b)
    {
        double aa = Inner(a, a), bb = Inner(b, b);
        // ‖a − b‖² as a difference of O(1) terms: clamp the rounding below 0 for (nearly) equal laws.
        double diff = Math.Max(0, aa + bb - 2 * Inner(a, b));
        return Math.Sqrt(diff) / (Math.Sqrt(aa) + Math.Sqrt(bb));
    }
}
