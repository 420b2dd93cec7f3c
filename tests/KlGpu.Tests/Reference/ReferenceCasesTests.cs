using Xunit;

namespace KlGpu.Tests.Reference;

/// <summary>The loader finds the shared files, reads every case, and fails loudly when a file is missing.</summary>
public class ReferenceCasesTests
{
    [Fact]
    public void KlCasesLoadWithGradientsForGaussianQOnly()
    {
        var cases = ReferenceCases.Kl();
        Assert.Equal(20, cases.Count);
        Assert.All(cases, c => Assert.Equal(c.QIsGaussian, c.ForwardGrad is not null));
        Assert.All(cases, c => Assert.Equal(c.QIsGaussian, c.ReverseGrad is not null));
        Assert.Contains(cases, c => !c.QIsGaussian);
        Assert.Equal(cases.Count, ReferenceCases.KlCaseNames().Count());
    }

    [Fact]
    public void DivergenceCasesLoadWithInfinitiesForTheSamePairs()
    {
        var cases = ReferenceCases.Divergence();
        Assert.Equal(ReferenceCases.Kl().Select(c => c.Name), cases.Select(c => c.Name));
        Assert.Contains(cases, c => c.Values.Values.Any(double.IsPositiveInfinity));
        Assert.All(cases, c => Assert.True(c.Values.ContainsKey("js") && c.Values.ContainsKey("hellinger")));
    }

    [Fact]
    public void MissingFileThrowsNamingThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), "klgpu-no-such-dir", "kl-cases.json");
        var e = Assert.Throws<FileNotFoundException>(() => ReferenceCases.LoadKl(path));
        Assert.Contains(path, e.Message);
    }
}
