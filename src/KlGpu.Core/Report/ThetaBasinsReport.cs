using System.Globalization;
using System.Text.Json.Nodes;
using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Plotting;

namespace KlGpu.Report;

/// <summary>One basin of a q with many numbers θ (a mixture, a flow), as the report shows it: its row in the table and q's
/// density, sampled on the input's x.</summary>
public sealed record ThetaBasin(string Label, string Kind, double Value, double Fraction, int Count, IReadOnlyList<double> HessianEigenvalues,
    bool Polished, string Describe, IReadOnlyList<double> Q);

/// <summary>What a θ family's basins report draws: the run's words, p's density on X and every basin with its q on X.</summary>
public sealed record ThetaBasinsInput(string Target, string Family, Divergence Divergence, int Restarts, int Converged, string Summary,
    IReadOnlyList<double> X, IReadOnlyList<double> P, IReadOnlyList<ThetaBasin> Basins);

/// <summary>
/// report.html of `basins` for a family whose q has no (μ, σ) plane to draw basins on: a table of the basins (value, fraction,
/// count, Hessian eigenvalues, q's numbers) beside each basin's q drawn over p. Takes a neutral input, so every θ family's run
/// adapts to it in a few lines (<see cref="Of(MixtureBasinsRun)"/>, <see cref="Of(FlowBasinsRun)"/>).
/// </summary>
public static class ThetaBasinsReport
{
    public const string Kind = "theta-basins";

    /// <summary>The page's data; every basin's q must be sampled at the input's x.</summary>
    public static JsonObject Data(ThetaBasinsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.P.Count != input.X.Count) throw new ArgumentException($"p has {input.P.Count} samples for {input.X.Count} x", nameof(input));
        foreach (var b in input.Basins)
            if (b.Q.Count != input.X.Count) throw new ArgumentException($"{b.Label}'s q has {b.Q.Count} samples for {input.X.Count} x", nameof(input));
        var d = input.Divergence;
        return new JsonObject
        {
            ["kind"] = Kind,
            ["target"] = input.Target,
            ["family"] = input.Family,
            ["divergence"] = new JsonObject { ["name"] = d.Name(), ["label"] = d.Label(), ["title"] = d.Title(), ["unit"] = d.Unit.Trim() },
            ["restarts"] = input.Restarts,
            ["converged"] = input.Converged,
            ["summary"] = input.Summary,
            ["x"] = Numbers(input.X),
            ["p"] = Numbers(input.P),
            ["basins"] = new JsonArray(input.Basins.Select(b => (JsonNode)new JsonObject
            {
                ["label"] = b.Label,
                ["kind"] = b.Kind,
                ["value"] = Number(b.Value),
                ["fraction"] = b.Fraction,
                ["count"] = b.Count,
                ["hessian"] = Numbers(b.HessianEigenvalues),
                ["polished"] = b.Polished,
                ["describe"] = b.Describe,
                ["q"] = Numbers(b.Q),
            }).ToArray()),
        };
    }

    /// <summary>report.html into <paramref name="batch"/>, committed with the run's other files.</summary>
    public static void Write(OutputBatch batch, ThetaBasinsInput input)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(input);
        batch.Open(ReportPage.FileName, ReportPage.Role).Stream.Write(
            ReportPage.Html($"Basins of {input.Divergence.Name()} {input.Divergence.Label()}, q = {input.Family}: p = {input.Target}", Data(input)));
    }

    /// <summary>A mixture q's run: each basin's weights, means and stds, and its density.</summary>
    public static ThetaBasinsInput Of(MixtureBasinsRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Settings;
        var x = Axis(s.Target, run.Basins.SelectMany(b => Enumerable.Range(0, b.Q.Count).Select(k => (b.Q.Means[k], b.Q.Stds[k]))));
        var c = CultureInfo.InvariantCulture;
        string List(double[] v) => string.Join(", ", v.Select(a => a.ToString("G6", c)));
        return new ThetaBasinsInput(s.Target.ToString(), $"a mixture of {s.Components} Gaussians", s.Divergence, run.Status.Length, run.Converged, run.Summary(),
            x, Density(x, s.Target.LogDensity), run.Basins.Select(b => new ThetaBasin("B" + b.Id, b.Kind.ToString().ToLowerInvariant(), b.Value, b.Fraction,
                b.Count, b.HessianEigenvalues, b.Polished, $"w ({List(b.Q.Weights)}) μ ({List(b.Q.Means)}) σ ({List(b.Q.Stds)})",
                Density(x, b.Q.LogDensity))).ToList());
    }

    /// <summary>A flow q's run: each basin's θ and its density (q's quantiles at Φ(−1), ½, Φ(1) place it on x).</summary>
    public static ThetaBasinsInput Of(FlowBasinsRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Settings;
        var x = Axis(s.Target, run.Basins.Select(b => (b.Quantiles[1], Math.Max(b.Quantiles[2] - b.Quantiles[0], 1e-3))));
        var c = CultureInfo.InvariantCulture;
        return new ThetaBasinsInput(s.Target.ToString(), $"a flow of {s.Layers} sinh–arcsinh {(s.Layers == 1 ? "layer" : "layers")}", s.Divergence,
            run.Status.Length, run.Converged, run.Summary(), x, Density(x, s.Target.LogDensity), run.Basins.Select(b => new ThetaBasin("B" + b.Id,
                b.Kind.ToString().ToLowerInvariant(), b.Value, b.Fraction, b.Count, b.HessianEigenvalues, b.Polished,
                "θ (" + string.Join(", ", b.Theta.Select(t => t.ToString("G6", c))) + ")", Density(x, v => SinhArcsinhFlow.LogDensity(b.Theta, v)))).ToList());
    }

    /// <summary>x over the target and every basin's (location, spread), as the density figures choose it.</summary>
    static double[] Axis(Target target, IEnumerable<(double Mean, double Std)> components)
    {
        var (lo, hi) = DensityFigure.Range(target, components.Select(m => new DensityFit(m.Mean, m.Std, "", 0, default)));
        return new GridAxis(lo, hi, ReportData.DensityPoints).Values();
    }

    static double[] Density(double[] x, Func<double, double> logDensity) => x.Select(v => Math.Exp(logDensity(v))).Select(v => double.IsFinite(v) ? v : 0).ToArray();

    static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(Number).ToArray());
}
