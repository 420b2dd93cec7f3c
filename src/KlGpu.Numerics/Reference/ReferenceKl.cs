namespace KlGpu.Numerics.Reference;

/// <summary>
/// High-accuracy CPU reference for KL divergences between 1-D Gaussian mixtures, for tests only.
/// Every value is a direct, globally adaptive Gauss–Kronrod quadrature of the defining integral on a finite
/// interval that covers ±40 std of every component of both distributions, pre-split at every component mean
/// and at ±1, ±3, ±10 std, so that a narrow component under a broad one is never stepped over. Densities are
/// evaluated as exp(log-density) with log-densities by log-sum-exp. No closed-form divergences and nothing from the
/// engine's quadrature are used, so the engine can be tested against it.
/// </summary>
public static class ReferenceKl
{
    /// <summary>Half-width of the integration interval around each component, in that component's stds.</summary>
    public const double CoverStds = 40;

    /// <summary>Break points inside the interval, in stds from each component's mean (and the mean itself).</summary>
    static readonly double[] SplitStds = [-10, -3, -1, 0, 1, 3, 10];

    public const double RelativeTolerance = 1e-14;
    public const double AbsoluteTolerance = 1e-14;
    public const int MaxIntervals = 20000;

    /// <summary>KL(p||q) = ∫ p log(p/q) dx.</summary>
    public static double Forward(GaussianMixture p, GaussianMixture q) =>
        Integrate(x => WeightedLogRatio(p.LogDensity(x), q.LogDensity(x)), p, q).Value;

    /// <summary>KL(q||p) = ∫ q log(q/p) dx.</summary>
    public static double Reverse(GaussianMixture p, GaussianMixture q) =>
        Integrate(x => WeightedLogRatio(q.LogDensity(x), p.LogDensity(x)), p, q).Value;

    /// <summary>
    /// ∂/∂μ and ∂/∂σ of KL(N(μ,σ)||p). Because ∫ ∂q/∂θ dx = 0, ∂/∂θ ∫ q log(q/p) = ∫ (∂q/∂θ) (log(q/p) − c) dx for
    /// any constant c, with ∂q/∂μ = q z/σ and ∂q/∂σ = q (z² − 1)/σ, z = (x − μ)/σ.
    /// <para>Two precautions keep digits when q is narrow and far from p (log p ~ −10⁸ under q): c = log(q/p)(μ)
    /// removes the large constant part of the log-ratio, and the integral is taken over z (q(x) dx = φ(z) dz)
    /// with log p(x) − log p(μ) = log Σ_k r_k(μ) exp(−σz(2(μ − m_k) + σz)/(2s_k²)), r_k(μ) the responsibilities
    /// at μ, so that neither x = μ + σz nor the difference of two huge log-densities is ever rounded.</para>
    /// </summary>
    public static (double dMu, double dSigma) ReverseGradient(GaussianMixture p, double mu, double sigma)
    {
        var q = GaussianMixture.Gaussian(mu, sigma);
        int count = p.Count;
        double lpAtMu = p.LogDensity(mu);
        var logResponsibility = new double[count];
        for (int k = 0; k < count; k++)
            logResponsibility[k] = Math.Log(p.Weights[k]) + Normal.LogPdf(mu, p.Means[k], p.Stds[k]) - lpAtMu;

        // log(q/p)(μ + σz) − log(q/p)(μ) = −z²/2 − (log p(μ + σz) − log p(μ)).
        double CentredLogRatio(double z)
        {
            Span<double> terms = count <= 16 ? stackalloc double[count] : new double[count];
            double max = double.NegativeInfinity;
            for (int k = 0; k < count; k++)
            {
                double s = p.Stds[k];
                terms[k] = logResponsibility[k] - sigma * z * (2 * (mu - p.Means[k]) + sigma * z) / (2 * s * s);
                max = Math.Max(max, terms[k]);
            }
            double sum = 0;
            for (int k = 0; k < count; k++) sum += Math.Exp(terms[k] - max);
            return -0.5 * z * z - (max + Math.Log(sum));
        }

        double[] zBreaks = BreakPoints(p, q).Select(x => (x - mu) / sigma).Distinct().ToArray();
        double dMu = Integrate(z => StandardNormalPdf(z) * (z / sigma) * CentredLogRatio(z), zBreaks, p, q).Value;
        double dSigma = Integrate(z => StandardNormalPdf(z) * ((z * z - 1) / sigma) * CentredLogRatio(z), zBreaks, p, q).Value;
        return (dMu, dSigma);
    }

    /// <summary>
    /// ∂/∂μ and ∂/∂σ of KL(p||N(μ,σ)) = −∫ p ∂log q/∂θ dx, with ∂log q/∂μ = z/σ and ∂log q/∂σ = (z² − 1)/σ.
    /// </summary>
    public static (double dMu, double dSigma) ForwardGradient(GaussianMixture p, double mu, double sigma)
    {
        var q = GaussianMixture.Gaussian(mu, sigma);
        double dMu = -Integrate(x =>
        {
            double z = (x - mu) / sigma;
            return Density(p.LogDensity(x)) * (z / sigma);
        }, p, q).Value;
        double dSigma = -Integrate(x =>
        {
            double z = (x - mu) / sigma;
            return Density(p.LogDensity(x)) * ((z * z - 1) / sigma);
        }, p, q).Value;
        return (dMu, dSigma);
    }

    /// <summary>
    /// ∫ f dx over the interval and break points of <see cref="BreakPoints"/>, with the reference tolerances.
    /// Throws if the tolerance is not reached: a reference that silently missed it would make tests lie.
    /// </summary>
    public static QuadratureResult Integrate(Func<double, double> f, GaussianMixture p, GaussianMixture q) =>
        Integrate(f, BreakPoints(p, q), p, q);

    static QuadratureResult Integrate(Func<double, double> f, double[] breakPoints, GaussianMixture p, GaussianMixture q)
    {
        QuadratureResult result = GaussKronrod.G10K21.Integrate(
            f, breakPoints, RelativeTolerance, AbsoluteTolerance, MaxIntervals);
        if (!result.Converged)
            throw new InvalidOperationException(
                $"reference quadrature did not converge for p = {p}, q = {q}: value {result.Value:R}, " +
                $"error estimate {result.Error:R} after {result.Intervals} intervals");
        return result;
    }

    /// <summary>
    /// The interval [min(m − 40 s), max(m + 40 s)] over the components of p and q, split at every component's
    /// mean and at ±1, ±3, ±10 of its stds; sorted and without repeats.
    /// </summary>
    public static double[] BreakPoints(GaussianMixture p, GaussianMixture q)
    {
        var components = new List<(double Mean, double Std)>();
        foreach (GaussianMixture g in new[] { p, q })
            for (int k = 0; k < g.Count; k++) components.Add((g.Means[k], g.Stds[k]));

        double lo = components.Min(c => c.Mean - CoverStds * c.Std);
        double hi = components.Max(c => c.Mean + CoverStds * c.Std);
        var points = new SortedSet<double> { lo, hi };
        foreach ((double mean, double std) in components)
            foreach (double t in SplitStds)
            {
                double x = mean + t * std;
                if (x > lo && x < hi) points.Add(x);
            }
        return points.ToArray();
    }

    /// <summary>a log(a/b) from log a and log b; zero where a underflows.</summary>
    static double WeightedLogRatio(double logA, double logB) => Density(logA) * (logA - logB);

    static double Density(double logDensity) => Math.Exp(logDensity);

    static double StandardNormalPdf(double z) => Math.Exp(-0.5 * z * z - Normal.LogSqrt2Pi);
}
