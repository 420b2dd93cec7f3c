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
        Divergence = r.Settings.Divergence.Name(),
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
        var pending = new List<(AtomicFile File, OutputFileEntry Entry)>();
        AtomicFile Open(string name, string role)
        {
            var f = AtomicFile.Create(Path.Combine(dir, name));
            pending.Add((f, new OutputFileEntry(name, role)));
            return f;
        }
        try
        {
            Open("sweep.json", "sweep").Stream.Write(new UTF8Encoding(false).GetBytes(JsonFile.Serialize(Summary(r))));
            using (var w = new StreamWriter(Open("sweep.csv", "table").Stream, new UTF8Encoding(false), leaveOpen: true))
            {
                w.WriteLine($"{r.Settings.Parameter},basin,kind,mu,sigma,value,fraction,count");
                foreach (var p in r.Points)
                    foreach (var b in p.Report.Basins)
                        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{p.Parameter:R},{b.Id},{b.Kind.ToString().ToLowerInvariant()},{b.Mu:R},{b.Sigma:R},{b.Value:R},{b.Fraction:R},{b.Count}"));
            }
            cancel.ThrowIfCancellationRequested();
            var figure = BifurcationFigure.Create(r);
            LandscapeJob.Render((c, rect) => figure.Render(c, rect), Open("bifurcation.png", "figure:bifurcation"), ".png", 1000, 1000);
            cancel.ThrowIfCancellationRequested();
            foreach (var (file, _) in pending) file.Commit();
            var files = pending.Select(p => p.Entry).Append(new OutputFileEntry("manifest.json", "manifest")).ToList();
            string manifest = Path.Combine(dir, "manifest.json");
            var previous = LandscapeJob.PreviousFiles(manifest);
            JsonFile.Write(manifest, new
            {
                Tool = "klgpu",
                Command = "sweep",
                Version = ComputeDevices.Version,
                Parameters = new
                {
                    Template = r.Settings.Template.Text,
                    Param = FormattableString.Invariant($"{r.Settings.Parameter}={r.Settings.Values.Min:R}:{r.Settings.Values.Max:R}:{r.Settings.Values.Count}"),
                    Divergence = r.Settings.Divergence.Name(),
                    Family = r.Settings.Family.Name,
                    r.Settings.Restarts,
                    r.Settings.Steps,
                    r.Settings.LearningRate,
                    r.Settings.Seed,
                    Precision = r.Settings.Precision,
                    Accelerator = r.Settings.Accelerator,
                },
                r.Seconds,
                Files = files,
            });
            LandscapeJob.RemoveStale(dir, previous, files);
            return files;
        }
        finally
        {
            foreach (var (file, _) in pending) file.Dispose();
        }
    }
}
