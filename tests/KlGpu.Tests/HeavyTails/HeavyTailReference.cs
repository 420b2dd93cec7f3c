using KlGpu.Numerics;
using KlGpu.Numerics.Reference;

namespace KlGpu.Tests.HeavyTails;

/// <summary>
/// An independent double-precision reference for heavy-tailed targets: its own log-densities (double.LogP1, a two-pass
/// log-sum-exp), and globally adaptive Gauss–Kronrod on the whole real line through substitutions, so neither the
/// engine's break points, its panels nor its truncation enter. Only log Γ is shared (tested on its own against exact values).
/// </summary>
static class HeavyTailReference
{
    public record Component(ComponentKind Kind, double Weight, double Mean, double Scale, double Nu = 0);

    public static double LogDensity(IReadOnlyList<Component> p, double x)
    {
        var logs = p.Select(c =>
        {
            double z = (x - c.Mean) / c.Scale;
            double own = c.Kind switch
            {
                ComponentKind.Normal => -0.5 * z * z - 0.5 * Math.Log(2 * Math.PI) - Math.Log(c.Scale),
                ComponentKind.Laplace => -Math.Abs(z) - Math.Log(2 * c.Scale),
                _ => SpecialFunctions.LogGamma((c.Nu + 1) / 2) - SpecialFunctions.LogGamma(c.Nu / 2) - 0.5 * Math.Log(c.Nu * Math.PI)
                     - Math.Log(c.Scale) - (c.Nu + 1) / 2 * (Math.Abs(z) < 1e150 ? double.LogP1(z * z / c.Nu) : 2 * Math.Log(Math.Abs(z)) - Math.Log(c.Nu)),
            };
            return Math.Log(c.Weight) + own;
        }).ToArray();
        double max = logs.Max();
        return max + Math.Log(logs.Sum(l => Math.Exp(l - max)));
    }

    /// <summary>E_{N(μ,σ)}[log p] over the whole line: z = t/(1 − t²), t ∈ (−1, 1), break points at the components' centres.</summary>
    public static double ExpectedLog(IReadOnlyList<Component> p, double mu, double sigma)
    {
        double Integrand(double t)
        {
            double d = 1 - t * t, z = t / d;
            if (d <= 0 || Math.Abs(z) > 60) return 0;
            return Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI) * LogDensity(p, mu + sigma * z) * (1 + t * t) / (d * d);
        }
        var breaks = new List<double> { -1, 1 };
        foreach (double x in Landmarks(p))
        {
            double z = (x - mu) / sigma;
            if (Math.Abs(z) < 60) breaks.Add(z == 0 ? 0 : 2 * z / (1 + Math.Sqrt(1 + 4 * z * z)));
        }
        return Integrate(Integrand, breaks);
    }

    /// <summary>∫ p·g dx over the whole line: x = c + S·sinh(u), |u| ≤ U, break points at the components' centres.</summary>
    public static double ExpectationUnderP(IReadOnlyList<Component> p, Func<double, double, double> g, double uMax,
        IReadOnlyList<Component>? other = null)
    {
        double c = p.Sum(k => k.Weight * k.Mean), scale = p.Min(k => k.Scale);
        double Integrand(double u)
        {
            double x = c + scale * Math.Sinh(u), l = LogDensity(p, x), density = Math.Exp(l);
            return density == 0 ? 0 : density * g(x, l) * scale * Math.Cosh(u);
        }
        var breaks = new List<double> { -uMax, uMax };
        foreach (double x in Landmarks(p).Concat(other is null ? [] : Landmarks(other)))
            if (Math.Abs(Math.Asinh((x - c) / scale)) < uMax) breaks.Add(Math.Asinh((x - c) / scale));
        return Integrate(Integrand, breaks);
    }

    /// <summary>Each component's centre and centre ± 2^k scales up to 64: an adaptive rule whose first nodes all miss a narrow
    /// component would call it zero and stop, so the start intervals must see each one.</summary>
    static IEnumerable<double> Landmarks(IReadOnlyList<Component> p) =>
        p.SelectMany(c => new[] { 0.0, -1, 1, -2, 2, -4, 4, -8, 8, -16, 16, -32, 32, -64, 64 }.Select(k => c.Mean + k * c.Scale));

    /// <summary>H(p) = −∫ p log p.</summary>
    public static double Entropy(IReadOnlyList<Component> p) =>
        -ExpectationUnderP(p, (_, l) => l, TailExtent(p, 0));

    /// <summary>KL(p || N(μ, σ)) = ∫ p (log p − log q), directly (no moments).</summary>
    public static double Forward(IReadOnlyList<Component> p, double mu, double sigma) =>
        ExpectationUnderP(p, (x, l) => l - Normal.LogPdf(x, mu, sigma), TailExtent(p, 2));

    /// <summary>KL(t_ν(μ, s) || p) = ∫ q (log q − log p), directly: no entropy formula, no moments.</summary>
    public static double ReverseStudent(IReadOnlyList<Component> p, double nu, double mu, double s)
    {
        Component[] q = [new(ComponentKind.StudentT, 1, mu, s, nu)];
        double growth = p.Any(c => c.Kind == ComponentKind.StudentT) ? 0 : p.Any(c => c.Kind == ComponentKind.Laplace) ? 1 : 2;
        return ExpectationUnderP(q, (x, l) => l - LogDensity(p, x), Math.Min(700, 50 + 45 / Math.Min(nu - growth, 1)), p);
    }

    /// <summary>KL(p || t_ν(μ, s)) = ∫ p (log p − log q).</summary>
    public static double ForwardStudent(IReadOnlyList<Component> p, double nu, double mu, double s)
    {
        Component[] q = [new(ComponentKind.StudentT, 1, mu, s, nu)];
        return ExpectationUnderP(p, (x, l) => l - LogDensity(q, x), TailExtent(p, 0), q);
    }

    /// <summary>KL(N(μ, σ) || p).</summary>
    public static double Reverse(IReadOnlyList<Component> p, double mu, double sigma) => -Normal.Entropy(sigma) - ExpectedLog(p, mu, sigma);

    /// <summary>How far in u = asinh(x/S) the integrand must go: a t's p·|x|^power falls like e^{−(ν−power)u}, 40 e-folds past 1e-16.</summary>
    static double TailExtent(IReadOnlyList<Component> p, double power)
    {
        double slowest = p.Where(c => c.Kind == ComponentKind.StudentT).Select(c => c.Nu - power).DefaultIfEmpty(double.PositiveInfinity).Min();
        return Math.Min(700, 50 + 45 / Math.Min(slowest, 1));
    }

    static double Integrate(Func<double, double> f, List<double> breaks)
    {
        var sorted = breaks.Distinct().Order().ToList();
        var result = GaussKronrod.G10K21.Integrate(f, sorted, relTol: 1e-14, absTol: 1e-15, maxIntervals: 200_000);
        if (!result.Converged) throw new InvalidOperationException($"the reference quadrature did not converge (error {result.Error:G3})");
        return result.Value;
    }

    public static HeavyTailedMixture Mixture(IReadOnlyList<Component> p) => new(p.Select(c => c.Weight).ToArray(),
        p.Select(c => c.Kind).ToArray(), p.Select(c => c.Nu).ToArray(), p.Select(c => c.Mean).ToArray(), p.Select(c => c.Scale).ToArray());
}
