using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using Xunit;

namespace KlGpu.Tests.Numerics;

public class LogMixturePlanTests
{
    public static TheoryData<string, double[], double[], double[]> Mixtures() => new()
    {
        { "three modes", [0.3, 0.4, 0.3], [-2, 0, 2], [0.3, 0.4, 0.3] },
        { "narrow under broad", [0.5, 0.5], [0, 0.5], [1e-3, 2] },
        { "equal stds", [0.5, 0.5], [-1, 1], [1, 1] },
        { "hidden component", [0.95, 0.05], [0, 0.1], [1, 0.9] },
        { "identical components", [0.25, 0.75], [1, 1], [2, 2] },
    };

    [Theory]
    [MemberData(nameof(Mixtures))]
    public void OwnersAreTheLargestComponentAndBreakpointsAreCrossings(string name, double[] w, double[] m, double[] s)
    {
        var plan = new LogMixturePlan(new GaussianMixture(w, m, s));
        for (int j = 0; j < plan.Breakpoints.Length; j++)
        {
            double x = plan.Breakpoints[j];
            double left = plan.Component(plan.IntervalOwners[j], x), right = plan.Component(plan.IntervalOwners[j + 1], x);
            Assert.True(Math.Abs(left - right) <= 1e-9 * Math.Max(1, Math.Abs(left)), $"{name}: owners differ at breakpoint {x}");
        }
        // Between breakpoints the owner is the argmax, so r stays in [0, log K].
        var probes = Enumerable.Range(-400, 801).Select(i => i * 0.025);
        foreach (double x in probes)
        {
            int interval = plan.Breakpoints.Count(b => b < x);
            double r = plan.Remainder(plan.IntervalOwners[interval], x);
            Assert.InRange(r, 0, Math.Log(plan.Offsets.Length) + 1e-12);
        }
    }

    [Theory]
    [MemberData(nameof(Mixtures))]
    public void PanelsIntegrateTheRemainderLikeAnIndependentQuadrature(string name, double[] w, double[] m, double[] s)
    {
        var plan = new LogMixturePlan(new GaussianMixture(w, m, s));
        double panels = plan.NodeWeightedRemainder.Sum();
        if (plan.PanelStarts.Length == 0)
        {
            // Only when merging identical components leaves one, and r ≡ 0.
            Assert.Single(plan.Offsets);
            return;
        }
        // Independent: adaptive Gauss–Kronrod of log p − ℓ_owner over each envelope interval, out to where r is
        // negligible (checked here, not taken from the plan: near-duplicate components keep r ≈ log 2 for |x| ~ 1e4).
        var mixture = new GaussianMixture(w, m, s);
        double lo = plan.PanelStarts.Min() - 10, hi = plan.PanelEnds.Max() + 10;
        Assert.True(plan.Remainder(plan.IntervalOwners[0], lo) < 1e-16 && plan.Remainder(plan.IntervalOwners[^1], hi) < 1e-16);
        var cuts = new[] { lo }.Concat(plan.Breakpoints.Where(b => b > lo && b < hi)).Append(hi).ToArray();
        double exact = 0;
        for (int j = 0; j + 1 < cuts.Length; j++)
        {
            int owner = plan.IntervalOwners[plan.Breakpoints.Count(b => b <= cuts[j])];
            exact += GaussKronrod.G10K21.Integrate(x => mixture.LogDensity(x) - plan.Component(owner, x), [cuts[j], cuts[j + 1]], 1e-14, 1e-16).Value;
        }
        // The reference integrand is itself a difference of log-densities as large as ~1e3, so it carries ~1e-12 of noise.
        Assert.True(Math.Abs(panels - exact) <= 1e-10 * Math.Max(1, Math.Abs(exact)), $"{name}: panels {panels} vs {exact}");
        Assert.True(plan.PanelStarts.Length < 200, $"{name}: {plan.PanelStarts.Length} panels");
    }

    /// <summary>
    /// Equal weights and stds, means 1e-3 apart: r = log(1 + e^{−a|x − x_b|}) with a = Δm/s², so ∫ r = π²/(6a)
    /// exactly. r stays near log 2 out to |x| ~ 1e4, where each log-quadratic is ~1e8: a test of the outer walk
    /// and of the cancellation-free difference.
    /// </summary>
    [Fact]
    public void NearDuplicateComponentsIntegrateToTheClosedForm()
    {
        var plan = new LogMixturePlan(new GaussianMixture([0.5, 0.5], [0, 1e-3], [1, 1]));
        double exact = Math.PI * Math.PI / 6 / 1e-3;
        Assert.Equal(1, Math.Round(plan.NodeWeightedRemainder.Sum() / exact, 11));
    }
}
