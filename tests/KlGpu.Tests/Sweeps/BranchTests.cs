using KlGpu.Families;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Numerics.Reference;
using KlGpu.Sweeps;
using Xunit;

namespace KlGpu.Tests.Sweeps;

/// <summary>The branches a sweep's transition search traced (what the bifurcation figure draws as lines), checked against
/// reverse KL and its gradient by Gauss–Kronrod quadrature (<see cref="ReferenceKl"/>), which shares no code with the engine.</summary>
public class BranchTests
{
    const string Template = "0.5*N(-{d}/2,1) + 0.5*N({d}/2,1)";

    static GaussianMixture TwoModes(double d) => new([0.5, 0.5], [-d / 2, d / 2], [1, 1]);

    [Fact]
    public void EveryBranchPieceJoinsStationaryPointsOfNeighbouringValuesAndTheSwitchIsWhereTwoBranchesCross()
    {
        var settings = new SweepSettings(new TargetTemplate(Template), "d", new GridAxis(4.5, 7, 6), Divergence.Reverse, FitFamily.Gaussian,
            128, BasinsSettings.DefaultSteps, BasinsSettings.DefaultLearningRate, 1, (-6, 6), (0.2, 6), Precision.Double, AcceleratorKind.Cpu);
        SweepResult r;
        using (var engine = KlEngine.Create(AcceleratorKind.Cpu)) r = SweepJob.Run(settings, engine);
        double[] values = settings.Values.Values();
        Assert.NotEmpty(r.Branches);
        foreach (var b in r.Branches)
        {
            int i = Array.IndexOf(values, b.From);
            Assert.True(i >= 0 && i + 1 < values.Length && values[i + 1] == b.To, $"a piece from {b.From} to {b.To} does not join neighbours");
            foreach (var (d, mu, sigma, value) in new[] { (b.From, b.MuFrom, b.SigmaFrom, b.ValueFrom), (b.To, b.MuTo, b.SigmaTo, b.ValueTo) })
            {
                var p = TwoModes(d);
                Assert.Equal(ReferenceKl.Reverse(p, GaussianMixture.Gaussian(mu, sigma)), value, 1e-9);
                var (dMu, dSigma) = ReferenceKl.ReverseGradient(p, mu, sigma);
                Assert.True(Math.Abs(dMu) < 1e-6 && Math.Abs(dSigma * sigma) < 1e-6, $"not stationary at d = {d}: ({mu}, {sigma})");
            }
        }
        // d = 4.5 has one minimum (μ = 0); by d = 5 the two side branches have appeared (folds near 4.82), and at 5.6 the
        // global minimum switches to them: the middle branch and a side branch change order across that piece.
        var sw = Assert.Single(r.Transitions, t => t.Kind == TransitionKind.Switch);
        var across = r.Branches.Where(b => b.From < sw.Parameter && sw.Parameter < b.To).ToList();
        var middle = Assert.Single(across, b => Math.Abs(b.MuFrom) < 1e-6);
        Assert.Contains(across, b => Math.Abs(b.MuFrom) > 1 && Math.Sign(b.ValueFrom - middle.ValueFrom) != Math.Sign(b.ValueTo - middle.ValueTo));
        Assert.True(Math.Abs(Assert.Single(r.Branches, b => b.From == values[0]).MuFrom) < 1e-6); // only the middle branch before the folds
    }
}
