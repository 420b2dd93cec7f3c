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
public sealed record ThetaBasinRow(string Label, string Kind, double Value, double Fraction, int Count, IReadOnlyList<double> HessianEigenvalues,
    bool Polished, string Describe, IReadOnlyList<double> Q);

/// <summary>What a θ family's basins report draws: the run's words, p's density on X and every basin with its q on X.</summary>
public sealed record ThetaBasinsInput(string Target, string Family, Divergence Divergence, int Restarts, int Converged, string Summary,
    IReadOnlyList<double> X, IReadOnlyList<double> P, IReadOnlyList<ThetaBasinRow> Basins);

/// <summary>
/// report.html of `basins` for a family whose q has no (μ, σ) plane to draw basins on: a table of the basins (value, fraction,
/// count, Hessian eigenvalues, q's numbers) beside each basin's q drawn over p. Takes a neutral input, so every θ family's run
/// adapts to it (<see cref="Of{TQ}(ThetaBasinsRun{TQ})"/>).
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

    /// <summary>A θ family's run: each basin's numbers and its density, on an x that spans p and every basin's q.</summary>
    public static ThetaBasinsInput Of<TQ>(ThetaBasinsRun<TQ> run) where TQ : class
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Settings;
        var f = s.Family;
        var (lo, hi) = ThetaDensityFigure.Range(s.Target.Marginal, f, run.Basins.Select(b => b.Q));
        var x = new GridAxis(lo, hi, ReportData.DensityPoints).Values();
        return new ThetaBasinsInput(s.Target.ToString(), f.FigureNoun, s.Divergence, run.Status.Length, run.Converged, run.Summary(),
            x, Density(x, s.Target.LogDensity), run.Basins.Select(b => new ThetaBasinRow("B" + b.Id, b.Kind.ToString().ToLowerInvariant(), b.Value,
                b.Fraction, b.Count, b.HessianEigenvalues, b.Polished, f.Numbers(b.Q), x.Select(v => f.Density(b.Q, v)).ToArray())).ToList());
    }

    static double[] Density(double[] x, Func<double, double> logDensity) => x.Select(v => Math.Exp(logDensity(v))).Select(v => double.IsFinite(v) ? v : 0).ToArray();

    static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(Number).ToArray());
}
