using KlGpu.Accelerators;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Specs;
using Xunit;
using Xunit.Abstractions;

namespace KlGpu.Tests.Specs;

/// <summary>
/// Samples the parameter domain (fixed seed): 1- to 3-component targets at length scales from 1e-80 to 1e80, component
/// widths spread over twelve decades, q anywhere the domain allows. Both KLs must match an adaptive Gauss–Legendre
/// quadrature written here (it shares no code with the kernels or the plans), and the f-divergences must be finite and
/// within their bounds, KSD² finite and non-negative where the domain takes it.
/// </summary>
public sealed class ParameterDomainPropertyTests(ITestOutputHelper output)
{
    const int Samples = 40;

    [Fact]
    public void InsideTheDomainBothKlsMatchAnIndependentQuadratureAndTheFamilyIsBounded()
    {
        var rng = new Random(19);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        var family = DivergenceList.Parse("js,hellinger,tv,alpha:0.5,jeffreys");
        double worst = 0;
        for (int n = 0; n < Samples; n++)
        {
            var (p, q) = Sample(rng);
            double fwd = engine.Evaluate(p, q, Divergence.Forward), rev = engine.Evaluate(p, q, Divergence.Reverse);
            double refFwd = ReferenceForward(p, q.Means[0], q.Stds[0]), refRev = ReferenceReverse(p, q.Means[0], q.Stds[0]);
            foreach (var (got, want, name) in new[] { (fwd, refFwd, "forward"), (rev, refRev, "reverse") })
            {
                double error = Math.Abs(got - want) / Math.Max(1, Math.Abs(want));
                worst = Math.Max(worst, error);
                Assert.True(double.IsFinite(got) && got >= 0 && error <= 1e-8, $"{name} KL({p} , {q}) = {got:R}, reference {want:R}");
            }
            foreach (var d in family)
            {
                double v = engine.Evaluate(p, q, d);
                double bound = d.Kind == DivergenceKind.JensenShannon ? Math.Log(2) : d.Kind is DivergenceKind.Hellinger or DivergenceKind.TotalVariation ? 1 : double.PositiveInfinity;
                Assert.True(!double.IsNaN(v) && v >= 0 && v <= bound, $"{d.Name()}({p}, {q}) = {v:R}");
            }
            // KSD² (c = 1) where the domain takes it, σ ≥ c/100: finite and non-negative.
            if (q.Stds[0] >= 0.01)
            {
                double ksd = engine.Evaluate(p, q, Divergence.Ksd);
                Assert.True(double.IsFinite(ksd) && ksd >= 0, $"ksd({p}, {q}) = {ksd:R}");
            }
        }
        output.WriteLine($"{Samples} samples; worst relative KL error {worst:E2}");
    }

    /// <summary>A two-component q: both KLs against Σ-over-components of the same reference quadrature.</summary>
    [Fact]
    public void InsideTheDomainMixtureQKlsMatchTheIndependentQuadrature()
    {
        var rng = new Random(1919);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        for (int n = 0; n < Samples / 4; n++)
        {
            var (p, first) = Sample(rng);
            var (_, second) = Sample(rng, p);
            var q = new GaussianMixture([0.3, 0.7], [first.Means[0], second.Means[0]], [first.Stds[0], second.Stds[0]]);
            // E_g[log f] = Σ_j g_j E_{N_j}[log f].
            double Cross(GaussianMixture g, GaussianMixture f) => Enumerable.Range(0, g.Count).Sum(j => g.Weights[j] * ExpectedLogP(f, g.Means[j], g.Stds[j]));
            double refFwd = Cross(p, p) - Cross(p, q), refRev = Cross(q, q) - Cross(q, p);
            double fwd = engine.Evaluate(p, q, Divergence.Forward), rev = engine.Evaluate(p, q, Divergence.Reverse);
            foreach (var (got, want, name) in new[] { (fwd, refFwd, "forward"), (rev, refRev, "reverse") })
                Assert.True(double.IsFinite(got) && got >= -1e-9 * Math.Max(1, Math.Abs(want)) && Math.Abs(got - want) <= 1e-8 * Math.Max(1, Math.Abs(want)),
                    $"{name} KL({p}, {q}) = {got:R}, reference {want:R}");
        }
    }

    /// <summary>A target and a Gaussian q inside the domain, drawn until the domain's own checks pass.</summary>
    static (GaussianMixture P, GaussianMixture Q) Sample(Random rng, GaussianMixture? given = null)
    {
        double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
        for (int attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 10_000, "no sample inside the domain");
            double length = Math.Pow(10, U(-80, 80));
            int k = rng.Next(1, 4);
            var stds = Enumerable.Range(0, k).Select(_ => length * Math.Pow(10, -U(0, 12))).ToArray();
            var means = stds.Select(s => s * Math.Pow(10, U(-2, 6)) * (rng.Next(2) == 0 ? -1 : 1)).ToArray();
            var weights = Enumerable.Range(0, k).Select(_ => U(0.1, 1)).ToArray();
            double total = weights.Sum();
            weights = weights.Select(w => w / total).ToArray();
            var p = given ?? new GaussianMixture(weights, means, stds);
            try { ParameterDomain.CheckTarget(p, "p"); }
            catch (UsageException) { continue; }
            var (w, c) = ParameterDomain.Scale(p);
            double sigma = w * Math.Pow(10, U(-12, 12));
            double mu = c + w * Math.Pow(10, U(-12, 12)) * (rng.Next(2) == 0 ? -1 : 1);
            try { ParameterDomain.CheckQ(p, mu, mu, sigma, sigma, "q"); }
            catch (UsageException) { continue; }
            return (p, GaussianMixture.Gaussian(mu, sigma));
        }
    }

    // ---- the independent reference: closed forms around one quadrature of E_{N(μ,σ)}[log p] ----

    static double ReferenceReverse(GaussianMixture p, double mu, double sigma) =>
        -(0.5 * Math.Log(2 * Math.PI * Math.E) + Math.Log(sigma)) - ExpectedLogP(p, mu, sigma);

    /// <summary>KL(p||N(μ,σ)) = −H(p) + ½log(2πσ²) + (V_p + (m_p − μ)²)/(2σ²), H(p) = −Σ π_k E_{N_k}[log p].</summary>
    static double ReferenceForward(GaussianMixture p, double mu, double sigma)
    {
        double entropy = 0, mean = 0, second = 0;
        for (int k = 0; k < p.Count; k++)
        {
            entropy -= p.Weights[k] * ExpectedLogP(p, p.Means[k], p.Stds[k]);
            mean += p.Weights[k] * p.Means[k];
        }
        // V_p + (m_p − μ)² = Σ π_k (s_k² + (m_k − μ)²), free of the cancellation in Σ π_k m_k² − m_p².
        for (int k = 0; k < p.Count; k++) second += p.Weights[k] * (p.Stds[k] * p.Stds[k] + (p.Means[k] - mu) * (p.Means[k] - mu));
        double z = Math.Sqrt(second) / sigma;
        return -entropy + 0.5 * Math.Log(2 * Math.PI) + Math.Log(sigma) + 0.5 * z * z;
    }

    static double LogP(GaussianMixture p, double x)
    {
        var terms = Enumerable.Range(0, p.Count).Select(k =>
        {
            double z = (x - p.Means[k]) / p.Stds[k];
            return Math.Log(p.Weights[k]) - Math.Log(p.Stds[k]) - 0.5 * Math.Log(2 * Math.PI) - 0.5 * z * z;
        }).ToArray();
        double max = terms.Max();
        return max + Math.Log(terms.Sum(t => Math.Exp(t - max)));
    }

    /// <summary>
    /// ∫ N(x; μ, σ) log p(x) dx over μ ± 40σ, cut at q's and every component's scales and at every pair's crossing
    /// (where the dominant component switches), each piece by adaptive 10-point Gauss–Legendre.
    /// </summary>
    static double ExpectedLogP(GaussianMixture p, double mu, double sigma)
    {
        double lo = mu - 40 * sigma, hi = mu + 40 * sigma;
        double[] steps = [0, 0.5, 1, 2, 4, 8, 16, 32, 40];
        var cuts = new List<double> { lo, hi };
        foreach (double step in steps) { cuts.Add(mu - step * sigma); cuts.Add(mu + step * sigma); }
        for (int k = 0; k < p.Count; k++)
            foreach (double step in steps) { cuts.Add(p.Means[k] - step * p.Stds[k]); cuts.Add(p.Means[k] + step * p.Stds[k]); }
        for (int i = 0; i < p.Count; i++)
            for (int j = i + 1; j < p.Count; j++)
                foreach (double t in Crossings(p, i, j))
                {
                    double width = Math.Min(p.Stds[i], p.Stds[j]);
                    for (int e = -40; e <= 0; e++) { cuts.Add(t - width * Math.Pow(2, e)); cuts.Add(t + width * Math.Pow(2, e)); }
                    cuts.Add(t);
                }
        var edges = cuts.Where(x => x >= lo && x <= hi && double.IsFinite(x)).Distinct().Order().ToArray();
        double f(double x) { double z = (x - mu) / sigma; return Math.Exp(-0.5 * z * z) * LogP(p, x); }
        double coarse = 0;
        for (int i = 0; i + 1 < edges.Length; i++) coarse += Rule(f, edges[i], edges[i + 1]);
        double tolerance = 1e-14 * Math.Max(Math.Abs(coarse), sigma);
        double total = 0;
        for (int i = 0; i + 1 < edges.Length; i++) total += Adaptive(f, edges[i], edges[i + 1], tolerance, 0);
        return total / (sigma * Math.Sqrt(2 * Math.PI));
    }

    static IEnumerable<double> Crossings(GaussianMixture p, int i, int j)
    {
        double ti = 1 / (p.Stds[i] * p.Stds[i]), tj = 1 / (p.Stds[j] * p.Stds[j]);
        double a = 0.5 * (tj - ti), b = ti * p.Means[i] - tj * p.Means[j];
        double c = Math.Log(p.Weights[i] / p.Stds[i]) - Math.Log(p.Weights[j] / p.Stds[j]) - 0.5 * ti * p.Means[i] * p.Means[i] + 0.5 * tj * p.Means[j] * p.Means[j];
        if (a == 0) return b == 0 ? [] : [-c / b];
        double disc = b * b - 4 * a * c;
        if (disc < 0) return [];
        double r = -0.5 * (b + Math.CopySign(Math.Sqrt(disc), b));
        return r == 0 ? [0.0] : [r / a, c / r];
    }

    static double Adaptive(Func<double, double> f, double a, double b, double tolerance, int depth)
    {
        double m = 0.5 * (a + b), whole = Rule(f, a, b), halves = Rule(f, a, m) + Rule(f, m, b);
        if (Math.Abs(whole - halves) <= tolerance || depth >= 60 || m <= a || m >= b) return halves;
        return Adaptive(f, a, m, tolerance, depth + 1) + Adaptive(f, m, b, tolerance, depth + 1);
    }

    static readonly (double[] Nodes, double[] Weights) Legendre10 = Legendre(10);

    static double Rule(Func<double, double> f, double a, double b)
    {
        double c = 0.5 * (a + b), h = 0.5 * (b - a), s = 0;
        for (int i = 0; i < Legendre10.Nodes.Length; i++) s += Legendre10.Weights[i] * f(c + h * Legendre10.Nodes[i]);
        return s * h;
    }

    /// <summary>Gauss–Legendre nodes and weights by Newton's method on the Legendre recurrence.</summary>
    static (double[], double[]) Legendre(int n)
    {
        var x = new double[n];
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            double t = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5)), dp = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                double p0 = 1, p1 = t;
                for (int k = 2; k <= n; k++) (p0, p1) = (p1, ((2 * k - 1) * t * p1 - (k - 1) * p0) / k);
                dp = n * (t * p1 - p0) / (t * t - 1);
                double step = p1 / dp;
                t -= step;
                if (Math.Abs(step) < 1e-16) break;
            }
            x[i] = t;
            w[i] = 2 / ((1 - t * t) * dp * dp);
        }
        return (x, w);
    }
}
