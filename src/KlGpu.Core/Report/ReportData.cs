using System.Text.Json.Nodes;
using KlGpu.Basins;
using KlGpu.Families;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Plotting;
using KlGpu.Sweeps;

namespace KlGpu.Report;

/// <summary>
/// The data a report draws, read from a run's results: grids (at most <see cref="MaxAxisPoints"/> per axis), basins,
/// paths, transitions, and the densities the page draws, sampled here from the target and the fitted q. Keys are
/// camelCase for the page's script; a value that is not finite (a diverging integral's +∞) is null.
/// </summary>
public static class ReportData
{
    /// <summary>The most points per axis of a grid in the page; the full grids stay in the .npy files.</summary>
    public const int MaxAxisPoints = 512;

    /// <summary>Points of every sampled density.</summary>
    public const int DensityPoints = 801;

    /// <summary>Points of a sweep's densities, sampled at every value: fewer, since there are many.</summary>
    public const int SweepDensityPoints = 401;

    /// <summary>The most points kept of one recorded path.</summary>
    public const int MaxPathPoints = 400;

    /// <summary>q's standard shape f(z) (q = f((x − μ)/σ)/σ) is sampled on [−<see cref="ShapeReach"/>, <see cref="ShapeReach"/>].</summary>
    public const double ShapeReach = 50;
    public const int ShapePoints = 4001;

    /// <summary>A landscape: each divergence's map (the preview the figures draw: at most 512 per axis, at the grid's own μ and σ),
    /// its minimum on the full grid, and what the density panel needs to draw q over p at any point.</summary>
    public static JsonObject Landscape(LandscapeSettings s, IReadOnlyList<DivergenceMap> maps, double[] mu, double[] sigma)
    {
        var x = Axis(DensityFigure.Range(s.Target, []), s.Mu.Min, s.Mu.Max);
        var data = Common("landscape", s.Target, s.Fit, x);
        data["logSigma"] = s.Sigma.Geometric;
        data["logColor"] = s.LogColor;
        data["maps"] = new JsonArray(maps.Select(m => (JsonNode)Map(m, mu, sigma)).ToArray());
        return data;
    }

    /// <summary>A basins run: the landscape under it (or the curve over μ for a fixed σ), every basin with its q sampled, the paths.</summary>
    public static JsonObject Basins(BasinsRun run, BasinsPicture picture)
    {
        var s = run.Settings;
        var basins = run.Report.Basins;
        var fits = basins.Select(b => new DensityFit(b.Mu, b.Sigma, "", b.Fraction, default, Family: s.Family)).ToList();
        double muLo = picture.Map?.Mu.Min ?? picture.CurveMu!.Min(), muHi = picture.Map?.Mu.Max ?? picture.CurveMu!.Max();
        var x = Axis(DensityFigure.Range(s.Target, fits), muLo, muHi);
        var data = Common("basins", s.Target, s.Family, x);
        data["divergence"] = Divergence(s.Divergence);
        data["fixedScale"] = s.Family.FixedScale;
        data["restarts"] = run.Report.Restarts;
        data["converged"] = run.Report.Converged;
        data["summary"] = run.Report.Summary();
        if (picture.Map is { } map)
        {
            data["logSigma"] = map.Sigma.Geometric;
            data["map"] = Map(map, map.Mu.Values(), map.Sigma.Values());
        }
        else data["curve"] = new JsonObject { ["mu"] = Numbers(picture.CurveMu!), ["values"] = Numbers(picture.CurveValues!) };
        data["basins"] = new JsonArray(basins.Select(b => (JsonNode)new JsonObject
        {
            ["id"] = b.Id,
            ["kind"] = Kind(b.Kind),
            ["mu"] = b.Mu,
            ["sigma"] = b.Sigma,
            ["value"] = Number(b.Value),
            ["fraction"] = b.Fraction,
            ["count"] = b.Count,
            ["hessian"] = Numbers(b.HessianEigenvalues),
            ["polished"] = b.Polished,
            ["q"] = Numbers(x.Select(v => Math.Exp(s.Family.LogDensity(v, b.Mu, b.Sigma)))),
        }).ToArray());
        data["paths"] = new JsonArray(run.Paths().Select(p =>
        {
            int[] keep = Thin(p.Mu.Length, MaxPathPoints);
            return (JsonNode)new JsonObject { ["mu"] = Numbers(keep.Select(i => p.Mu[i])), ["sigma"] = Numbers(keep.Select(i => p.Sigma[i])) };
        }).ToArray());
        return data;
    }

    /// <summary>A Gaussian (or fixed-σ) q's sweep: every value's target density and stationary points with their q, and the transitions.</summary>
    public static JsonObject Sweep(SweepResult r)
    {
        var family = r.Settings.LocationScale;
        var ranges = r.Points.Select(p => DensityFigure.Range(p.Target,
            p.Report.Basins.Select(b => new DensityFit(b.Mu, b.Sigma, "", 0, default, Family: family))));
        var x = Axis((ranges.Min(v => v.Lo), ranges.Max(v => v.Hi)), double.NaN, double.NaN, SweepDensityPoints);
        var values = r.Points.Select(p => Value(p.Parameter, p.Target, p.Report.Converged, x, p.Report.Basins.Select(b => new JsonObject
        {
            ["kind"] = Kind(b.Kind),
            ["value"] = Number(b.Value),
            ["fraction"] = b.Fraction,
            ["count"] = b.Count,
            ["hessian"] = Numbers(b.HessianEigenvalues),
            ["weights"] = Numbers([1.0]),
            ["means"] = Numbers([b.Mu]),
            ["stds"] = Numbers([b.Sigma]),
            ["q"] = Numbers(x.Select(v => Math.Exp(family.LogDensity(v, b.Mu, b.Sigma)))),
        })));
        var transitions = r.Transitions.Select(t => Transition(t.Parameter, t.Kind, t.Description));
        return SweepData(r.Settings, x, values, transitions);
    }

    /// <summary>A mixture q's sweep: each stationary point is a mixture (weights, means, stds) whose density is sampled.</summary>
    public static JsonObject Sweep(MixtureSweepResult r)
    {
        var ranges = r.Points.Select(p => DensityFigure.Range(p.Target, p.Run.Basins.SelectMany(b =>
            Enumerable.Range(0, b.Q.Count).Select(k => new DensityFit(b.Q.Means[k], b.Q.Stds[k], "", 0, default)))));
        var x = Axis((ranges.Min(v => v.Lo), ranges.Max(v => v.Hi)), double.NaN, double.NaN, SweepDensityPoints);
        var values = r.Points.Select(p => Value(p.Parameter, p.Target, p.Run.Converged, x, p.Run.Basins.Select(b => new JsonObject
        {
            ["kind"] = b.Kind.ToString().ToLowerInvariant(),
            ["value"] = Number(b.Value),
            ["fraction"] = b.Fraction,
            ["count"] = b.Count,
            ["hessian"] = Numbers(b.HessianEigenvalues),
            ["weights"] = Numbers(b.Q.Weights),
            ["means"] = Numbers(b.Q.Means),
            ["stds"] = Numbers(b.Q.Stds),
            ["q"] = Numbers(x.Select(v => Math.Exp(b.Q.LogDensity(v)))),
        })));
        var transitions = r.Transitions.Select(t => Transition(t.Parameter, t.Kind, t.Description));
        return SweepData(r.Settings, x, values, transitions);
    }

    static JsonObject SweepData(SweepSettings s, double[] x, IEnumerable<JsonObject> values, IEnumerable<JsonObject> transitions) => new()
    {
        ["kind"] = "sweep",
        ["template"] = s.Template.Text,
        ["parameter"] = s.Parameter,
        ["divergence"] = s.Divergence.Text,
        ["divergenceLabel"] = s.Divergence.Label(),
        ["family"] = s.Family.Name,
        ["components"] = s.Components,
        ["restartsPerValue"] = s.Restarts,
        ["x"] = Numbers(x),
        ["values"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()),
        ["transitions"] = new JsonArray(transitions.Select(t => (JsonNode)t).ToArray()),
    };

    static JsonObject Value(double parameter, Target target, int converged, double[] x, IEnumerable<JsonObject> basins) => new()
    {
        ["param"] = parameter,
        ["target"] = target.ToString(),
        ["converged"] = converged,
        ["p"] = Numbers(x.Select(v => Math.Exp(target.LogDensity(v)))),
        ["basins"] = new JsonArray(basins.Select(b => (JsonNode)b).ToArray()),
    };

    static JsonObject Transition(double parameter, TransitionKind kind, string description) => new()
    {
        ["param"] = parameter,
        ["kind"] = kind.ToString().ToLowerInvariant(),
        ["description"] = description,
    };

    /// <summary>What every map report holds: the target and its density on x, and q's family with its standard shape.</summary>
    static JsonObject Common(string kind, Target target, LocationScaleFamily family, double[] x)
    {
        double dz = 2 * ShapeReach / (ShapePoints - 1);
        return new JsonObject
        {
            ["kind"] = kind,
            ["target"] = target.ToString(),
            ["dimension"] = target.Dimension,
            ["family"] = new JsonObject { ["name"] = family.Name, ["symbol"] = family.Symbol, ["scale"] = family.ScaleName, ["describe"] = family.Describe },
            ["x"] = Numbers(x),
            ["p"] = Numbers(x.Select(v => Math.Exp(target.LogDensity(v)))),
            ["shape"] = new JsonObject
            {
                ["min"] = -ShapeReach,
                ["step"] = dz,
                ["f"] = Numbers(Enumerable.Range(0, ShapePoints).Select(i => Math.Exp(family.LogDensity(-ShapeReach + i * dz, 0, 1)))),
            },
        };
    }

    static JsonObject Divergence(Divergence d) => new() { ["name"] = d.Name(), ["label"] = d.Label(), ["title"] = d.Title(), ["unit"] = d.Unit.Trim() };

    /// <summary>One map: rows are σ, columns μ, as in the .npy grids.</summary>
    static JsonObject Map(DivergenceMap m, double[] mu, double[] sigma)
    {
        if (mu.Length != m.Values.GetLength(1) || sigma.Length != m.Values.GetLength(0))
            throw new ArgumentException($"the axes ({mu.Length} μ, {sigma.Length} σ) do not fit the map ({m.Values.GetLength(1)} × {m.Values.GetLength(0)})");
        if (mu.Length > MaxAxisPoints || sigma.Length > MaxAxisPoints)
            throw new ArgumentException($"a report's map holds at most {MaxAxisPoints} points per axis");
        var rows = new JsonNode[sigma.Length];
        for (int r = 0; r < sigma.Length; r++) rows[r] = Numbers(Enumerable.Range(0, mu.Length).Select(c => m.Values[r, c]));
        var o = Divergence(m.Divergence);
        o["mu"] = Numbers(mu);
        o["sigma"] = Numbers(sigma);
        o["values"] = new JsonArray(rows);
        o["minimum"] = new JsonObject { ["mu"] = m.Minimum.Mu, ["sigma"] = m.Minimum.Sigma, ["value"] = Number(m.Minimum.Value) };
        return o;
    }

    static string Kind(StationaryKind k) => k == StationaryKind.Minimum ? "minimum" : "saddle";

    /// <summary><paramref name="n"/> points over a range widened to hold [lo, hi] (NaN: nothing to hold).</summary>
    static double[] Axis((double Lo, double Hi) range, double lo, double hi, int n = DensityPoints)
    {
        double a = double.IsNaN(lo) ? range.Lo : Math.Min(range.Lo, lo), b = double.IsNaN(hi) ? range.Hi : Math.Max(range.Hi, hi);
        return new GridAxis(a, b, n).Values();
    }

    /// <summary>At most <paramref name="max"/> evenly spread indices of 0..n−1, the first and the last included.</summary>
    static int[] Thin(int n, int max) => n <= max ? Enumerable.Range(0, n).ToArray()
        : Enumerable.Range(0, max).Select(i => (int)Math.Round((double)i * (n - 1) / (max - 1))).Distinct().ToArray();

    static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(Number).ToArray());
}
