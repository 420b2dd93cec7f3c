using Xunit;

namespace KlGpu.Tests.Reference;

/// <summary>The repository's copy of the reference cases is what the independent computation wrote.</summary>
public class ReferenceCaseCopyTests
{
    [Theory]
    [InlineData(ReferenceCases.KlFile)]
    [InlineData(ReferenceCases.DivergenceFile)]
    public void TheCopyEqualsTheSharedFileWhereItIsPresent(string name)
    {
        string copy = Path.Combine(ReferenceCases.Directory(), name);
        Assert.True(File.Exists(copy), $"{copy} is missing");
        string shared = Path.Combine(ReferenceCases.SharedDirectory(), name);
        // In a fresh clone without ../shared the copy stands alone; it must still hold its 20 cases.
        if (File.Exists(shared)) Assert.Equal(File.ReadAllBytes(shared), File.ReadAllBytes(copy));
        int cases = name == ReferenceCases.KlFile ? ReferenceCases.Kl().Count : ReferenceCases.Divergence().Count;
        Assert.Equal(20, cases);
    }
}
