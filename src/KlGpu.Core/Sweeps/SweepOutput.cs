using System.Globalization;
using System.Text;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Landscape;
using KlGpu.Output;
using ScottPlot;

namespace KlGpu.Sweeps;

/// <summary>A sweep's JSON, CSV, figures and manifest; every file committed only when all are written.</summary>
public static class SweepOutput
{
    public static object Summary(SweepResult r) => new
    {
        Template = r.Settings.Template.Text,
        Parameter = r.Settings.Parameter,
        Divergence = r.Settings.Divergence.Text,
        Family = r.Settings.Family.Name,
        RestartsPerValue = r.Settings.Restarts,
        Values = r.Points.Select(p => new
        {
            Param = p.Parameter,
            Target = p.Target.ToString(),
            p.Report.Converged,
            p.Report.Minima,
            Basins = p.Report.Basins.Select(b => new { b.Mu, b.Sigma, b.Value, b.Fraction, b.Count, Kind = b.Kind, b.HessianEigenvalues }).ToArray(),
        }).ToArray(),
        Transitions = r.Transitions.Select(t => new
        {
            Param = t.Parameter,
            Kind = t.Kind,
            t.Description,
            Basins = t.OtherMu is { } om
                ? new[] { new { Mu = t.Mu, Sigma = t.Sigma }, new { Mu = om, Sigma = t.OtherSigma!.Value } }
                : new[] { new { Mu = t.Mu, Sigma = t.Sigma } },
        }).ToArray(),
    };

    public static IReadOnlyList<OutputFileEntry> Write(SweepResult r, string dir, CancellationToken cancel = default)
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
        cancel.ThrowIfCancellationRequested();
        var figure = BifurcationFigure.Create(r);
        batch.Figure((c, rect) => figure.Render(c, rect), "bifurcation.png", "figure:bifurcation", 1000, 1000);
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => new
        {
            Tool = "klgpu",
            Command = "sweep",
            Version = ComputeDevices.Version,
            Parameters = new
            {
                Template = r.Settings.Template.Text,
                Param = FormattableString.Invariant($"{r.Settings.Parameter}={r.Settings.Values.Min:R}:{r.Settings.Values.Max:R}:{r.Settings.Values.Count}"),
                Divergence = r.Settings.Divergence.Text,
                Family = r.Settings.Family.Name,
                r.Settings.Restarts,
                r.Settings.Steps,
                r.Settings.LearningRate,
                r.Settings.Seed,
                Mu = r.Settings.Mu is { } m ? FormattableString.Invariant($"{m.Min:R}:{m.Max:R}") : null,
                Sigma = r.Settings.Sigma is { } sg ? FormattableString.Invariant($"{sg.Min:R}:{sg.Max:R}") : null,
                Precision = r.Settings.Precision,
                Accelerator = r.Settings.Accelerator,
            },
            r.Seconds,
            Files = files,
        });
    }
}
