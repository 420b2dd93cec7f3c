using System.Globalization;
using System.Text;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Output;
using KlGpu.Report;
using ScottPlot;

namespace KlGpu.Sweeps;

/// <summary>A sweep's JSON, CSV, figures and manifest; every file committed only when all are written.</summary>
public static class SweepOutput
{
    public static object Summary(SweepResult r) => Summary(r.Settings,
        r.Points.Select(p => Value(p.Parameter, p.Target, p.Report.Converged, p.Report.Minima,
            p.Report.Basins.Select(b => new { b.Mu, b.Sigma, b.Value, b.Fraction, b.Count, Kind = b.Kind, b.HessianEigenvalues }))),
        r.Transitions.Select(t => Transition(t.Parameter, t.Kind, t.Description,
            new[] { new { Mu = t.Mu, Sigma = t.Sigma } }.Concat(t.OtherMu is { } om ? [new { Mu = om, Sigma = t.OtherSigma!.Value }] : []))));

    /// <summary>The object `--json` prints and sweep.json holds: the same for every family, but for what a basin is.</summary>
    static object Summary(SweepSettings s, IEnumerable<object> values, IEnumerable<object> transitions) => new
    {
        Template = s.Template.Text,
        Parameter = s.Parameter,
        Divergence = s.Divergence.Text,
        Family = s.Family.Name,
        RestartsPerValue = s.Restarts,
        Values = values.ToArray(),
        Transitions = transitions.ToArray(),
    };

    static object Value<TBasin>(double parameter, Numerics.Target target, int converged, int minima, IEnumerable<TBasin> basins) =>
        new { Param = parameter, Target = target.ToString(), Converged = converged, Minima = minima, Basins = basins.ToArray() };

    static object Transition<TBasin>(double parameter, TransitionKind kind, string description, IEnumerable<TBasin> basins) =>
        new { Param = parameter, Kind = kind, Description = description, Basins = basins.ToArray() };

    public static IReadOnlyList<OutputFileEntry> Write(SweepResult r, string dir, CancellationToken cancel = default, RunParameters? parameters = null,
        bool html = false, string? invokedAs = null)
    {
        using var batch = new OutputBatch(dir);
        batch.Open("sweep.json", "sweep").Stream.Write(new UTF8Encoding(false).GetBytes(JsonFile.Serialize(Summary(r))));
        using (var w = new StreamWriter(batch.Open("sweep.csv", "table").Stream, new UTF8Encoding(false), leaveOpen: true))
        {
            w.WriteLine($"{r.Settings.Parameter},basin,kind,mu,sigma,value,fraction,count");
            foreach (var p in r.Points)
                foreach (var b in p.Report.Basins)
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{p.Parameter:R},{b.Id},{b.Kind.ToString().ToLowerInvariant()},{b.Mu:R},{b.Sigma:R},{b.Value:R},{b.Fraction:R},{b.Count}"));
        }
        if (html) WriteReport(batch, r.Settings, ReportData.Sweep(r), cancel);
        return Finish(batch, BifurcationFigure.Create(r), parameters, r.Seconds, cancel, invokedAs);
    }

    /// <summary>report.html: the slider over the values beside the bifurcation diagram.</summary>
    static void WriteReport(OutputBatch batch, SweepSettings s, System.Text.Json.Nodes.JsonObject data, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        batch.Open(ReportPage.FileName, ReportPage.Role).Stream.Write(
            ReportPage.Html($"Sweep of {s.Divergence.Label()} over {s.Parameter}: p = {s.Template.Text}", data));
    }

    /// <summary>A mixture q's basins are mixtures: weights, means and stds, K of each (fewer for a collapsed optimum).</summary>
    public static object Summary(MixtureSweepResult r) => Summary(r.Settings,
        r.Points.Select(p => Value(p.Parameter, p.Target, p.Run.Converged, p.Run.Minima,
            p.Run.Basins.Select(b => new { b.Q.Weights, b.Q.Means, b.Q.Stds, b.Value, b.Fraction, b.Count, Kind = b.Kind, b.HessianEigenvalues, b.Polished }))),
        r.Transitions.Select(t => Transition(t.Parameter, t.Kind, t.Description,
            new[] { t.Q }.Concat(t.Other is { } o ? [o] : []).Select(q => new { q.Weights, q.Means, q.Stds }))));

    public static IReadOnlyList<OutputFileEntry> Write(MixtureSweepResult r, string dir, CancellationToken cancel = default, RunParameters? parameters = null,
        bool html = false)
    {
        using var batch = new OutputBatch(dir);
        batch.Open("sweep.json", "sweep").Stream.Write(new UTF8Encoding(false).GetBytes(JsonFile.Serialize(Summary(r))));
        int k = r.Settings.Components;
        using (var w = new StreamWriter(batch.Open("sweep.csv", "table").Stream, new UTF8Encoding(false), leaveOpen: true))
        {
            string Columns(string name) => string.Join(",", Enumerable.Range(1, k).Select(j => name + j));
            w.WriteLine($"{r.Settings.Parameter},basin,kind,value,fraction,count,{Columns("weight")},{Columns("mean")},{Columns("std")}");
            // A collapsed optimum has fewer components: its missing ones are empty cells.
            string Cells(double[] v) => string.Join(",", Enumerable.Range(0, k).Select(j => j < v.Length ? v[j].ToString("R", CultureInfo.InvariantCulture) : ""));
            foreach (var p in r.Points)
                foreach (var b in p.Run.Basins)
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{p.Parameter:R},{b.Id},{b.Kind.ToString().ToLowerInvariant()},{b.Value:R},{b.Fraction:R},{b.Count},{Cells(b.Q.Weights)},{Cells(b.Q.Means)},{Cells(b.Q.Stds)}"));
        }
        if (html) WriteReport(batch, r.Settings, ReportData.Sweep(r), cancel);
        return Finish(batch, BifurcationFigure.Create(r), parameters, r.Seconds, cancel);
    }

    /// <summary>The figure and the manifest (whose parameters replay the sweep with `klgpu run`), then every file at once.</summary>
    static IReadOnlyList<OutputFileEntry> Finish(OutputBatch batch, Multiplot figure, RunParameters? parameters, double seconds, CancellationToken cancel,
        string? invokedAs = null)
    {
        cancel.ThrowIfCancellationRequested();
        batch.Figure((c, rect) => figure.Render(c, rect), "bifurcation.png", "figure:bifurcation", BifurcationFigure.Width, BifurcationFigure.Height);
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => RunManifest.Of("sweep", parameters, new
        {
            Seconds = seconds,
            Files = files,
        }, invokedAs));
    }
}
