using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Families;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Specs;
using Xunit;
using Xunit.Abstractions;
using static KlGpu.Tests.HeavyTails.HeavyTailReference;

namespace KlGpu.Tests.HeavyTails;

/// <summary>
/// A Student-t q under the f-divergences: the objective's value and gradient in (μ, log s) (engine.Gradient, the restart
/// kernel's objective on the CPU accelerator in double) against an independent Gauss–Kronrod over the whole line of
/// each defining integral, and its five-point differences; restarts whose best basin is stationary for that reference.
/// </summary>
public class StudentFDivergenceTests(ITestOutputHelper output)
{
    /// <summary>A Gaussian two-mode target with ν = 3 (Jeffreys needs ν &gt; 2), and a target with a t (ν_p = 2) and a
    /// Laplace with ν = 1.5.</summary>
    static readonly (string Target, double Nu)[] Fits = [("0.5*N(-2,0.5) + 0.5*N(2,1)", 3), ("0.6*T(2,-1,0.7) + 0.4*L(2,0.5)", 1.5)];

    static readonly string[] Names = ["js", "hellinger", "tv", "pearson", "neyman", "jeffreys", "alpha:0.5", "alpha:2", "alpha:-0.5", "renyi:0.5", "renyi:2"];

    static readonly (double Mu, double Scale)[] Points = [(0.3, 1.2), (2, 0.4), (-5, 0.2)];

    public static IEnumerable<object[]> Cases() =>
        from f in Enumerable.Range(0, Fits.Length) from name in Names from i in Enumerable.Range(0, Points.Length)
        select new object[] { f, name, i };

    static Component[] Components(Target p)
    {
        var h = p.AsHeavyTailed;
        return Enumerable.Range(0, h.Count).Select(k => new Component(h.Kinds[k], h.Weights[k], h.Means[k], h.Scales[k], h.Nus[k])).ToArray();
    }

    /// <summary>
    /// ∫ g(p, q) dx by Gauss–Kronrod (1e-14) through x = μ + S sinh(u), S the smallest scale, out to where the integrand's
    /// tail |x|^{−(1 + excess)} has fallen 40 e-folds past 1e-16; break points at every component's landmarks and, for TV,
    /// at each p = q found on a scan in u and bisected. Densities from <see cref="HeavyTailReference.LogDensity"/>.
    /// </summary>
    static double Reference(Divergence d, Component[] p, double nu, double mu, double s)
    {
        Component[] q = [new(ComponentKind.StudentT, 1, mu, s, nu)];
        double beta = d.Kind switch { DivergenceKind.Pearson => 2, DivergenceKind.Neyman => -1, _ => d.Order };
        bool power = d.Kind is DivergenceKind.Pearson or DivergenceKind.Neyman or DivergenceKind.Alpha or DivergenceKind.Renyi;
        double nuP = p.Where(c => c.Kind == ComponentKind.StudentT).Select(c => c.Nu).DefaultIfEmpty(double.PositiveInfinity).Min();
        double excess = power && double.IsFinite(nuP) ? beta * nuP + (1 - beta) * nu : d.Kind == DivergenceKind.Jeffreys ? nu - (double.IsFinite(nuP) ? 0 : 1) : nu;
        double uMax = Math.Min(700, 50 + 45 / Math.Min(Math.Min(excess, nu), 1));
        double scale = Math.Min(s, p.Min(c => c.Scale));
        double g(double x)
        {
            double lp = LogDensity(p, x), lq = LogDensity(q, x), a = Math.Exp(lp), b = Math.Exp(lq);
            if (a == 0 && b == 0) return 0;
            return d.Kind switch
            {
                DivergenceKind.JensenShannon => 0.5 * ((a == 0 ? 0 : a * Math.Log(2 * a / (a + b))) + (b == 0 ? 0 : b * Math.Log(2 * b / (a + b)))),
                DivergenceKind.Hellinger => 0.5 * Math.Pow(Math.Sqrt(a) - Math.Sqrt(b), 2),
                DivergenceKind.TotalVariation => 0.5 * Math.Abs(a - b),
                DivergenceKind.Pearson => (a - b) * (a - b) / b,
                DivergenceKind.Neyman => (a - b) * (a - b) / a,
                DivergenceKind.Jeffreys => (a - b) * (lp - lq),
                _ => Math.Exp(beta * lp + (1 - beta) * lq),
            };
        }
        double f(double u) => g(mu + scale * Math.Sinh(u)) * scale * Math.Cosh(u);
        var breaks = new SortedSet<double> { -uMax, uMax };
        foreach (var c in p.Concat(q))
            foreach (double k in new[] { 0.0, -1, 1, -2, 2, -4, 4, -8, 8, -16, 16, -32, 32, -64, 64 })
            {
                double u = Math.Asinh((c.Mean + k * c.Scale - mu) / scale);
                if (Math.Abs(u) < uMax) breaks.Add(u);
            }
        if (d.Kind == DivergenceKind.TotalVariation)
        {
            double Gap(double u) => LogDensity(p, mu + scale * Math.Sinh(u)) - LogDensity(q, mu + scale * Math.Sinh(u));
            const int scan = 40_000;
            double lo = -60, hi = 60, v0 = lo, g0 = Gap(lo);
            for (int i = 1; i <= scan; i++)
            {
                double v1 = lo + (hi - lo) * i / scan, g1 = Gap(v1);
                if (g0 < 0 != g1 < 0 && double.IsFinite(g0) && double.IsFinite(g1))
                {
                    double x0 = v0, x1 = v1;
                    for (int k = 0; k < 200; k++)
                    {
                        double m = 0.5 * (x0 + x1);
                        if (m <= x0 || m >= x1) break;
                        if (Gap(m) < 0 == g0 < 0) x0 = m; else x1 = m;
                    }
                    breaks.Add(0.5 * (x0 + x1));
                }
                (v0, g0) = (v1, g1);
            }
        }
        var r = GaussKronrod.G10K21.Integrate(f, breaks.ToArray(), 1e-14, 1e-16, 200_000);
        if (!r.Converged) throw new InvalidOperationException($"reference for {d.Name()} did not converge: {r.Value:R} ± {r.Error:E2}");
        return d.Kind switch
        {
            DivergenceKind.Alpha => (1 - r.Value) / (d.Order * (1 - d.Order)),
            DivergenceKind.Renyi => Math.Log(r.Value) / (d.Order - 1),
            _ => r.Value,
        };
    }

    static bool Available(Target p, StudentFamily q, Divergence d)
    {
        try { q.CheckRestarts(p, d, paths: false); return true; }
        catch (UnsupportedFitException) { return false; }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValueAndGradientMatchTheReference(int fit, string name, int point)
    {
        var (text, nu) = Fits[fit];
        var p = TargetSpec.Parse(text, heavyTails: true);
        var q = FitFamily.Student(nu);
        var d = Divergence.TryParse(name)!;
        if (!Available(p, q, d))
        {
            output.WriteLine($"{name} refused for ν = {nu} on {text}");
            Assert.True(name is "neyman" or "alpha:-0.5" && fit == 0, $"{name} refused on {text}");
            return;
        }
        var (mu, s) = Points[point];
        using var engine = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        var (value, gm, gs) = engine.Gradient(p, q, d, [mu], [Math.Log(s)]);
        var components = Components(p);
        double reference = Reference(d, components, nu, mu, s);
        const double h = 1e-3;
        double Stencil(Func<double, double> f) => (f(-2 * h) - 8 * f(-h) + 8 * f(h) - f(2 * h)) / (12 * h);
        double dMu = Stencil(o => Reference(d, components, nu, mu + o, s)), dS = Stencil(o => Reference(d, components, nu, mu, s * Math.Exp(o)));
        double valueError = Math.Abs(value[0] - reference) / Math.Max(Math.Abs(reference), 1e-3);
        double gradientError = Math.Max(Math.Abs(gm[0] - dMu), Math.Abs(gs[0] - dS)) / (Math.Max(1, Math.Max(Math.Abs(dMu), Math.Abs(dS))) + 1e-3 * Math.Abs(reference));
        output.WriteLine($"{name} ν={nu} ({mu}, {s}): {value[0]:R} vs {reference:R}, value error {valueError:E1}, gradient error {gradientError:E1}");
        Assert.True(valueError <= 1e-9, $"{name}: {value[0]:R} vs reference {reference:R}");
        Assert.True(gradientError <= 1e-9, $"{name}: ∂μ {gm[0]:R} vs {dMu:R}, ∂log s {gs[0]:R} vs {dS:R}");
    }

    /// <summary>Restarts on the kernels (CPU, double) and the polish: the best minimum's value is the reference's at its
    /// (μ, s) to 1e-9, and the reference's gradient there, by five-point differences, is zero to 1e-7.</summary>
    [Theory]
    [InlineData(0, "js")]
    [InlineData(0, "tv")]
    [InlineData(0, "pearson")]
    [InlineData(0, "renyi:2")]
    [InlineData(1, "hellinger")]
    [InlineData(1, "neyman")]
    public void TheBestBasinIsAStationaryPointOfTheReference(int fit, string name)
    {
        var (text, nu) = Fits[fit];
        var p = TargetSpec.Parse(text, heavyTails: true);
        var d = Divergence.TryParse(name)!;
        var box = BasinsSettings.DefaultRanges(p);
        var settings = new BasinsSettings(p, d, FitFamily.Student(nu), 8, BasinsSettings.DefaultSteps, Optimizer.Adam,
            BasinsSettings.DefaultLearningRate, new StartDesign(box.MuMin, box.MuMax, box.SigmaMin, box.SigmaMax, 1),
            BasinsSettings.DefaultTolerance, BasinsSettings.DefaultClusterRadius, 0, Precision.Double, AcceleratorKind.Cpu);
        using var engine = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        var run = BasinsJob.Compute(settings, engine);
        var best = run.Report.Basins.Where(b => b.Kind == StationaryKind.Minimum).MinBy(b => b.Value)!;
        var components = Components(p);
        double reference = Reference(d, components, nu, best.Mu, best.Sigma);
        const double h = 1e-3;
        double Stencil(Func<double, double> f) => (f(-2 * h) - 8 * f(-h) + 8 * f(h) - f(2 * h)) / (12 * h);
        double dMu = Stencil(o => Reference(d, components, nu, best.Mu + o, best.Sigma));
        double dS = Stencil(o => Reference(d, components, nu, best.Mu, best.Sigma * Math.Exp(o)));
        output.WriteLine($"{name} ν={nu}: {run.Report.Converged} of {run.Report.Restarts} converged; best ({best.Mu:R}, {best.Sigma:R}) "
            + $"{best.Value:R} vs reference {reference:R}; reference gradient ({dMu:E1}, {dS:E1})");
        Assert.True(Math.Abs(best.Value - reference) <= 1e-9 * Math.Max(1, Math.Abs(reference)), $"{best.Value:R} vs {reference:R}");
        Assert.True(Math.Abs(dMu) <= 1e-7 && Math.Abs(dS) <= 1e-7, $"reference gradient ({dMu:E2}, {dS:E2}) at the best basin");
    }
}
