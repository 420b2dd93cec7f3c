// TEMPORARY STUB (not to be committed): replaced by helper/figs.
using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Numerics;
using ScottPlot;
namespace KlGpu.Plotting;
public static class BasinFigure
{
    public static Plot Landscape(DivergenceMap map, GaussianMixture target, IReadOnlyList<Basin> basins, IReadOnlyList<(double[] Mu, double[] Sigma)> trajectories, FigureOptions? options = null) => LandscapeFigure.Heatmap(map, target, options);
    public static Plot Curve(GaussianMixture target, string divergenceLabel, double sigma, double[] mu, double[] values, IReadOnlyList<Basin> basins, IReadOnlyList<double[]> trajectories, FigureOptions? options = null) { var p = new Plot(); p.Add.Scatter(mu, values); return p; }
    public static Plot BasinMap(StartDesign design, int[] basinOfRestart, IReadOnlyList<Basin> basins, GaussianMixture target, string divergenceLabel) => new Plot();
}
