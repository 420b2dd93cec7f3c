using KlGpu.Families;
using KlGpu.Engine;
using KlGpu.Tests.Reference;
using Xunit;

namespace KlGpu.Tests.Kernels;

/// <summary>The engine's kernels against ../shared/reference/kl-cases.json (scipy, computed independently).</summary>
public class ReferenceCaseTests
{
    public static IEnumerable<object[]> CasesOnEachExecution() =>
        from c in ReferenceCases.KlCaseNames()
        from e in Accelerators.Executions()
        select new[] { c[0], e[0] };

    [Theory]
    [MemberData(nameof(CasesOnEachExecution))]
    public void ForwardAndReverseMatchTheReference(string name, CpuExecution execution)
    {
        var c = ReferenceCases.Kl(name);
        using var engine = Accelerators.Engine(execution);
        KlTolerance.AssertClose(c.Forward, engine.Forward(c.P, c.Q), $"{name} forward");
        KlTolerance.AssertClose(c.Reverse, engine.Reverse(c.P, c.Q), $"{name} reverse");
    }

    [Theory]
    [MemberData(nameof(ReferenceCases.KlCaseNames), MemberType = typeof(ReferenceCases))]
    public void GaussianQOnTheLandscapeKernelMatchesTheReference(string name)
    {
        var c = ReferenceCases.Kl(name);
        if (!c.QIsGaussian) return;
        using var engine = Accelerators.Engine(CpuExecution.Simulator);
        double mu = c.Q.Means[0], sigma = c.Q.Stds[0];
        double forward = 0, reverse = 0;
        engine.Landscape(c.P, FitFamily.Gaussian, new(mu, mu + 1, 2), new(sigma, 2 * sigma, 2), [Landscape.Divergence.Forward, Landscape.Divergence.Reverse],
            t => { forward = t.Forward![0]; reverse = t.Reverse![0]; });
        KlTolerance.AssertClose(c.Forward, forward, $"{name} forward");
        KlTolerance.AssertClose(c.Reverse, reverse, $"{name} reverse");
    }

    /// <summary>Single precision is an option, not the reference: its error is measured here and bounded loosely.</summary>
    [Theory]
    [MemberData(nameof(ReferenceCases.KlCaseNames), MemberType = typeof(ReferenceCases))]
    public void SinglePrecisionStaysWithinItsDocumentedError(string name)
    {
        var c = ReferenceCases.Kl(name);
        using var engine = Accelerators.Engine(CpuExecution.Parallel, Precision.Single);
        foreach (var (expected, actual) in new[] { (c.Forward, engine.Forward(c.P, c.Q)), (c.Reverse, engine.Reverse(c.P, c.Q)) })
            Assert.True(Math.Abs(actual - expected) <= 5e-5 * Math.Max(Math.Abs(expected), 0.1), $"{name}: {actual} vs {expected}");
    }
}
