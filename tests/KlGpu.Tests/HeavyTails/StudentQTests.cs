using KlGpu.Numerics;
using Xunit;
using static KlGpu.Tests.HeavyTails.HeavyTailReference;

namespace KlGpu.Tests.HeavyTails;

/// <summary>q = t_ν(μ, s): its entropy's closed form and both KLs against the independent reference, 1e-9 relative.</summary>
public class StudentQTests
{
    const double Relative = 1e-9, Absolute = 1e-10, AbsoluteBelow = 0.1;

    static void AssertClose(double expected, double actual, string what)
    {
        double bound = Math.Abs(expected) < AbsoluteBelow ? Absolute : Relative * Math.Abs(expected);
        Assert.True(double.IsFinite(actual) && Math.Abs(actual - expected) <= bound,
            $"{what}: got {actual:R}, expected {expected:R} (|diff| {Math.Abs(actual - expected):G3} > {bound:G3})");
    }

    static readonly Dictionary<string, Component[]> Targets = new()
    {
        ["gaussians"] = [new(ComponentKind.Normal, 0.5, -2, 1), new(ComponentKind.Normal, 0.5, 2, 1)],
        ["t + laplace"] = [new(ComponentKind.StudentT, 0.5, -2, 1, 3), new(ComponentKind.Laplace, 0.5, 2, 0.5)],
        ["cauchy"] = [new(ComponentKind.StudentT, 1, 0, 2, 1)],
        ["laplace + gaussian"] = [new(ComponentKind.Laplace, 0.6, 0, 1), new(ComponentKind.Normal, 0.4, 3, 0.3)],
    };

    static readonly (double Nu, double Mu, double Scale)[] Qs = [(3, 0, 1), (0.5, 1, 0.3), (30, -3, 4), (2.5, 10, 0.05), (1, 0, 20)];

    public static IEnumerable<object[]> Cases() =>
        from k in Targets.Keys from i in Enumerable.Range(0, Qs.Length) select new object[] { k, i };

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(30.0)]
    public void EntropyConstantMatchesQuadrature(double nu) =>
        AssertClose(Entropy([new(ComponentKind.StudentT, 1, 0, 1, nu)]), StudentQ.EntropyConstant(nu), $"h_{nu}");

    [Theory]
    [MemberData(nameof(Cases))]
    public void BothKlsMatchReference(string name, int qIndex)
    {
        var p = Targets[name];
        var (nu, mu, scale) = Qs[qIndex];
        var plan = new HeavyTailPlan(Mixture(p));
        var shape = StudentQ.Shape(nu, plan.Mixture);
        double reverse = StudentQ.Reverse<double, F64, HeavyTailPlan>(mu, scale, shape, plan);
        if (shape.ReverseInfinite != 0)
            Assert.True(double.IsPositiveInfinity(reverse), $"{name}: KL(t_{nu}||p) should be +∞ (log p falls too fast for q's tails)");
        else
            AssertClose(ReverseStudent(p, nu, mu, scale), reverse, $"KL(q||p), {name}, q = t_{nu}({mu}, {scale})");
        double forward = StudentQ.Forward<double, F64, HeavyTailPlan>(mu, scale, shape, plan, plan.Entropy());
        AssertClose(ForwardStudent(p, nu, mu, scale), forward, $"KL(p||q), {name}, q = t_{nu}({mu}, {scale})");
    }
}
