using KlGpu.Families;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Plotting;
using KlGpu.Report;
using KlGpu.Sharding;
using ScottPlot;
using SkiaSharp;

namespace KlGpu.Landscape;

/// <summary>What `klgpu landscape` computes and where it writes; built by the CLI from its options.</summary>
public sealed record LandscapeSettings(
    Target Target,
    GridAxis Mu,
    GridAxis Sigma,
    IReadOnlyList<Divergence> Divergences,
    Precision Precision,
    AcceleratorChoice Accelerator,
    string OutDir,
    bool Svg,
    bool LogColor,
    LocationScaleFamily? Family = null,
    bool Csv = false,
    bool Html = false)
{
    /// <summary>The most grid points whose long-format table is written unasked: 512², about 25 MB for two divergences.
    /// Beyond it the table costs more time than the grids and figures together, and the .npy grids hold every value.</summary>
    public const long CsvAutoPoints = 512L * 512;

    /// <summary>q's family: the Gaussian unless another is given.</summary>
    public LocationScaleFamily Fit => Family ?? FitFamily.Gaussian;

    /// <summary>Whether landscape.csv is written: asked for, or the grid is at most <see cref="CsvAutoPoints"/>.</summary>
    public bool WritesCsv => Csv || (long)Mu.Count * Sigma.Count <= CsvAutoPoints;
}

/// <summary>One file a run wrote: its path relative to the output folder and what it holds.</summary>
public sealed record OutputFileEntry(string Path, string Role)
{
    /// <summary>The content's SHA-256 (lower-case hex), so a later run removes this file only if it is still what klgpu wrote; none for the manifest itself.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha256 { get; init; }
}

/// <summary>What a landscape run produced.</summary>
public sealed record LandscapeResult(
    string OutDir,
    string DeviceKind,
    string DeviceName,
    long GridPoints,
    int Tiles,
    double ComputeSeconds,
    double WriteSeconds,
    double TotalSeconds,
    IReadOnlyDictionary<Divergence, GridMinimum> Minima,
    IReadOnlyList<OutputFileEntry> Files)
{
    /// <summary>Each map's local minima and saddles, polished (<see cref="StationarySearch"/>); they are also in <see cref="LandscapeJob.PointsName"/>.</summary>
    public IReadOnlyDictionary<Divergence, MapStationaryPoints> Stationary { get; init; } = new Dictionary<Divergence, MapStationaryPoints>();

    /// <summary>The time the search and polish of the stationary points took (within <see cref="TotalSeconds"/>, not in compute or write).</summary>
    public double PolishSeconds { get; init; }
}

/// <summary>
/// Computes a landscape with an engine and writes it: per divergence a float64 [σ, μ] <c>.npy</c> grid
/// and a figure, the long-format <c>landscape.csv</c> (up to <see cref="LandscapeSettings.CsvAutoPoints"/> points, or when asked), the axes <c>mu.npy</c> and <c>sigma.npy</c>,
/// a figure of all of them (side by side for one or two, else a grid of panels), each map's local minima and saddles
/// (<see cref="StationarySearch"/>, from the preview's grid, polished in double precision; drawn on the figures and written to
/// <see cref="PointsName"/>), and <c>manifest.json</c> last. The grid streams through in the engine's
/// tiles: only a preview (at most <see cref="PreviewPoints"/> per axis) is kept for the figures, and
/// the minima come from the full grid. Every file is an <see cref="AtomicFile"/> committed only after
/// everything has been computed and rendered, so a failure or Ctrl-C leaves no output at all.
/// </summary>
public static class LandscapeJob
{
    public const int PreviewPoints = 512;
    public const string ManifestName = OutputBatch.ManifestName;
    public const string TableName = "landscape.csv";
    public const string SideBySideName = "landscape";
    public const string PointsName = "landscape-points.json";

    /// <summary>
    /// What the landscape holds at once (the axes, one tile of every divergence in the kernels' and the host's arrays, the
    /// figures' preview) and what it writes (a .npy per divergence, the CSV, the axes, the figures).
    /// </summary>
    public static MachineBudget Budget(LandscapeSettings s, int tilePoints = KlEngine.DefaultTilePoints)
    {
        double nMu = s.Mu.Count, nSigma = s.Sigma.Count, k = s.Divergences.Count, points = nMu * nSigma;
        double tile = Math.Clamp(Math.Floor(tilePoints / nMu), 1, nSigma) * nMu;
        double preview = Math.Min(nMu, PreviewPoints) * Math.Min(nSigma, PreviewPoints);
        long memory = MachineBudget.Times(8, 2 * (nMu + nSigma)) + MachineBudget.Times(8, tile, 3 * k + 2) + MachineBudget.Times(8, preview, k);
        long disk = MachineBudget.Times(8, points, k) + (s.WritesCsv ? MachineBudget.Times(points, k + 2, MachineBudget.CsvBytesPerNumber) : 0)
            + MachineBudget.Times(8, nMu + nSigma) + MachineBudget.Times(k + 1, s.Svg ? 2 : 1, 4e6)
            + (s.Html ? MachineBudget.Times(preview, k, 25) + 2_000_000 : 0);
        return new MachineBudget(string.Create(CultureInfo.InvariantCulture, $"a {nMu:N0} × {nSigma:N0} landscape of {k} divergence{(k == 1 ? "" : "s")}"), memory, disk);
    }

    /// <summary>Where a landscape's tiles come from: an engine computing them, or a merge reading its shards' rows back.</summary>
    /// <param name="Engine">The engine that computed the tiles, reused to polish the stationary points where it is the CPU in double; null for a merge.</param>
    sealed record TileSource(string DeviceKind, string DeviceName, Precision Precision, int TilePoints, Action<Action<LandscapeTile>> Tiles, KlEngine? Engine = null);

    public static LandscapeResult Run(LandscapeSettings settings, KlEngine engine, CancellationToken cancel = default, RunParameters? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(engine);
        return Write(settings, new TileSource(engine.DeviceKind, engine.DeviceName, engine.Precision, engine.TilePoints,
            onTile => engine.Landscape(settings.Target, settings.Fit, settings.Mu, settings.Sigma, settings.Divergences, onTile, cancel), engine), cancel, parameters);
    }

    /// <summary>
    /// One shard's σ rows (those with <c>row % N == I</c>, interleaved because narrow σ costs more), each divergence's as a
    /// float64 [rows, μ] .npy with a manifest, into <paramref name="dir"/>; <see cref="Merge"/> joins the shards.
    /// </summary>
    public static IReadOnlyList<OutputFileEntry> ComputeShard(LandscapeSettings settings, KlEngine engine, Shard shard, string dir,
        RunParameters parameters, CancellationToken cancel = default)
    {
        if (settings.Divergences.Count == 0) throw new ArgumentException("no divergences to compute", nameof(settings));
        shard.CheckItems(settings.Sigma.Count, "σ rows");
        int[] rows = shard.Interleaved(settings.Sigma.Count);
        var clock = Stopwatch.StartNew();
        using var batch = new OutputBatch(OutputFolder.Prepare(dir));
        var divergences = settings.Divergences;
        var grids = divergences.Select(d => new NpyWriter(batch.Open(d.FileStem() + ".npy", "part:" + d.Name()).Stream, rows.Length, settings.Mu.Count)).ToArray();
        engine.Landscape(settings.Target, settings.Fit, settings.Mu, settings.Sigma, divergences, tile =>
        {
            for (int k = 0; k < divergences.Count; k++)
            {
                double[] values = tile.Values.GetValueOrDefault(divergences[k]) ?? throw new InvalidOperationException($"the engine returned no {divergences[k].Name()} values");
                for (int i = 0; i < values.Length; i++)
                    if (double.IsNaN(values[i]) || double.IsNegativeInfinity(values[i])) // as the whole run refuses them (Scan)
                        throw new InvalidOperationException($"{divergences[k].Name()}{(divergences[k].IsKl ? " KL" : "")} is {values[i]} at μ = {settings.Mu.At(i % tile.Columns):R}, σ = {settings.Sigma.At(rows[tile.FirstRow + i / tile.Columns]):R}; no files were written");
                grids[k].WriteRows(values);
            }
            cancel.ThrowIfCancellationRequested();
        }, cancel, rows);
        foreach (var g in grids) g.Finish();
        double seconds = clock.Elapsed.TotalSeconds;
        cancel.ThrowIfCancellationRequested();
        return batch.Commit(files => RunManifest.Of("landscape", parameters, new
        {
            Shard = ShardRecord.Of(shard, parameters, engine.DeviceKind, engine.DeviceName, seconds),
            Files = files,
        }));
    }

    /// <summary>The landscape of the whole study from its shards: every σ row read back from the shard that computed it, in
    /// order, through the same writing as <see cref="Run"/>, so the grids are byte for byte the unsharded run's.</summary>
    public static LandscapeResult Merge(LandscapeSettings settings, ShardSet shards, CancellationToken cancel = default, RunParameters? parameters = null)
    {
        var (kind, name, _) = shards.Device;
        var divergences = settings.Divergences;
        int columns = settings.Mu.Count, n = shards.Count;
        var readers = shards.Shards.Select(e => divergences.Select(d => new NpyReader(e.File(d.FileStem() + ".npy"))).ToArray()).ToArray();
        try
        {
            for (int i = 0; i < n; i++)
                foreach (var r in readers[i])
                    if (r.Columns != columns || r.Rows != shards.Shards[i].Shard.Interleaved(settings.Sigma.Count).Length)
                        throw new UsageException($"merge: shard {i} of {n} holds {r.Rows} × {r.Columns} values, not its rows of this {settings.Sigma.Count} × {columns} grid");
            void Tiles(Action<LandscapeTile> onTile)
            {
                int rowsPerTile = Math.Clamp(KlEngine.DefaultTilePoints / columns, 1, settings.Sigma.Count);
                for (int first = 0; first < settings.Sigma.Count; first += rowsPerTile)
                {
                    cancel.ThrowIfCancellationRequested();
                    int count = Math.Min(rowsPerTile, settings.Sigma.Count - first);
                    var values = new Dictionary<Divergence, double[]>();
                    for (int k = 0; k < divergences.Count; k++)
                    {
                        var v = new double[count * columns];
                        for (int row = first; row < first + count; row++)
                            readers[row % n][k].ReadRow(row / n, v.AsSpan((row - first) * columns, columns));
                        values[divergences[k]] = v;
                    }
                    onTile(new LandscapeTile(first, count, columns, values));
                }
            }
            return Write(settings, new TileSource(kind, name, settings.Precision, KlEngine.DefaultTilePoints, Tiles), cancel, parameters);
        }
        finally
        {
            foreach (var r in readers.SelectMany(x => x)) r.Dispose();
        }
    }

    static LandscapeResult Write(LandscapeSettings settings, TileSource source, CancellationToken cancel, RunParameters? parameters)
    {
        if (settings.Divergences.Count == 0) throw new ArgumentException("no divergences to compute", nameof(settings));
        var total = Stopwatch.StartNew();
        string dir = OutputFolder.Prepare(settings.OutDir);
        Budget(settings, source.TilePoints).Check(dir, force: true); // memory; the caller checks the disk, with its --force
        var divergences = settings.Divergences;
        GridAxis mu = settings.Mu, sigma = settings.Sigma;
        int[] previewMu = mu.PreviewIndices(PreviewPoints), previewSigma = sigma.PreviewIndices(PreviewPoints);
        var writeTime = new Stopwatch();
        using var batch = new OutputBatch(dir);
        AtomicFile Open(string name, string role) => batch.Open(name, role);
        {
            // ---- the grids, streamed ----
            writeTime.Start();
            var grids = divergences.Select(d => new NpyWriter(Open(d.FileStem() + ".npy", "grid:" + d.Name()).Stream, sigma.Count, mu.Count)).ToArray();
            var csv = settings.WritesCsv ? new CsvGridWriter(Open(TableName, "table").Stream, mu, sigma, divergences) : null;
            writeTime.Stop();
            var previews = divergences.Select(_ => new double[previewSigma.Length, previewMu.Length]).ToArray();
            var minima = new GridMinimum?[divergences.Count];
            // Preview row of each full-grid σ index, or -1.
            var previewRow = new int[sigma.Count];
            Array.Fill(previewRow, -1);
            for (int r = 0; r < previewSigma.Length; r++) previewRow[previewSigma[r]] = r;
            int tiles = 0;

            TimeSpan writtenBefore = writeTime.Elapsed;
            var compute = Stopwatch.StartNew();
            void OnTile(LandscapeTile tile)
            {
                writeTime.Start();
                var blocks = new ReadOnlyMemory<double>[divergences.Count];
                for (int k = 0; k < divergences.Count; k++)
                {
                    Divergence d = divergences[k];
                    double[] values = tile.Values.GetValueOrDefault(d)
                        ?? throw new InvalidOperationException($"the engine returned no {d.Name()} values");
                    Scan(values, tile, d, mu, sigma, ref minima[k]);
                    for (int i = 0; i < tile.Rows; i++)
                    {
                        int r = previewRow[tile.FirstRow + i];
                        if (r < 0) continue;
                        for (int c = 0; c < previewMu.Length; c++) previews[k][r, c] = values[i * tile.Columns + previewMu[c]];
                    }
                    grids[k].WriteRows(values);
                    blocks[k] = values;
                }
                csv?.WriteTile(tile.FirstRow, tile.Rows, 0, tile.Columns, blocks);
                tiles++;
                writeTime.Stop();
                cancel.ThrowIfCancellationRequested();
            }
            source.Tiles(OnTile);
            compute.Stop();
            double computeSeconds = (compute.Elapsed - (writeTime.Elapsed - writtenBefore)).TotalSeconds; // the tiles' writing is not compute

            writeTime.Start();
            foreach (var g in grids) g.Finish();
            csv?.Finish();
            WriteAxis(Open("mu.npy", "axis:mu"), mu);
            WriteAxis(Open("sigma.npy", "axis:sigma"), sigma);

            writeTime.Stop();

            // ---- each map's stationary points, from the preview's grid ----
            var polishClock = Stopwatch.StartNew();
            var stationary = StationaryPoints(settings, source.Engine, previews, previewMu.Select(mu.At).ToArray(), previewSigma.Select(sigma.At).ToArray(), cancel);
            polishClock.Stop();
            writeTime.Start();
            batch.Open(PointsName, "stationary-points").Stream.Write(new UTF8Encoding(false).GetBytes(JsonFile.Serialize(PointsFile(settings, stationary))));

            // ---- figures, from the preview ----
            var previewMuAxis = PreviewAxis(mu, previewMu);
            var previewSigmaAxis = PreviewAxis(sigma, previewSigma);
            var maps = divergences.Select((d, k) => new DivergenceMap(d, previewMuAxis, previewSigmaAxis, previews[k], minima[k]!) { Stationary = stationary[k] }).ToArray();
            var options = FigureOptions.For(settings.Fit) with { LogColor = settings.LogColor };
            string[] extensions = settings.Svg ? [".png", ".svg"] : [".png"];
            foreach (string ext in extensions)
            {
                foreach (var map in maps)
                {
                    cancel.ThrowIfCancellationRequested();
                    var plot = LandscapeFigure.Heatmap(map, settings.Target, options);
                    batch.Figure((c, r) => plot.Render(c, r), map.Divergence.FileStem() + ext, "figure:" + map.Divergence.Name(), options.Width, options.Height);
                }
                cancel.ThrowIfCancellationRequested();
                if (maps.Length <= 2)
                {
                    var side = LandscapeFigure.SideBySide(maps, settings.Target, options);
                    batch.Figure((c, r) => side.Render(c, r), SideBySideName + ext, "figure:side-by-side", options.Width * maps.Length, options.Height);
                }
                else
                {
                    var grid = LandscapeFigure.Panels(maps, settings.Target, options);
                    batch.Figure(grid.Render, SideBySideName + ext, "figure:panels", options.Width * grid.Columns, options.Height * grid.Rows);
                }
            }
            if (settings.Html)
            {
                cancel.ThrowIfCancellationRequested();
                var data = ReportData.Landscape(settings, maps, previewMu.Select(mu.At).ToArray(), previewSigma.Select(sigma.At).ToArray());
                batch.Open(ReportPage.FileName, ReportPage.Role).Stream.Write(ReportPage.Html($"Divergence landscape of q = {settings.Fit.Describe} against p = {settings.Target}", data));
            }
            writeTime.Stop();

            // ---- commit everything, the manifest last ----
            cancel.ThrowIfCancellationRequested();
            var minimaByDivergence = divergences.Select((d, k) => (d, m: minima[k]!)).ToDictionary(x => x.d, x => x.m);
            LandscapeResult? result = null;
            writeTime.Start();
            batch.Commit(files =>
            {
                writeTime.Stop();
                result = new LandscapeResult(dir, source.DeviceKind, source.DeviceName, (long)mu.Count * sigma.Count, tiles,
                    computeSeconds, writeTime.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds, minimaByDivergence, files)
                {
                    Stationary = divergences.Select((d, k) => (d, stationary[k])).ToDictionary(x => x.d, x => x.Item2),
                    PolishSeconds = polishClock.Elapsed.TotalSeconds,
                };
                return Manifest(parameters, settings, source, result);
            });
            return result! with { TotalSeconds = total.Elapsed.TotalSeconds };
        }
    }

    /// <summary>
    /// Throws on NaN or −∞; +∞ is a diverging integral (pearson, neyman, α, Rényi where a tail is too light) and is kept.
    /// Updates the running minimum; a map that is +∞ everywhere has its first point as minimum, at +∞.
    /// </summary>
    static void Scan(double[] values, LandscapeTile tile, Divergence d, GridAxis mu, GridAxis sigma, ref GridMinimum? minimum)
    {
        int best = -1;
        double bestValue = minimum?.Value ?? double.PositiveInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (double.IsNaN(v) || double.IsNegativeInfinity(v))
            {
                int row = tile.FirstRow + i / tile.Columns, col = i % tile.Columns;
                throw new InvalidOperationException(
                    $"{d.Name()}{(d.IsKl ? " KL" : "")} is {v} at μ = {mu.At(col):R}, σ = {sigma.At(row):R}; no files were written");
            }
            if (v < bestValue)
            {
                bestValue = v;
                best = i;
            }
        }
        if (best >= 0) minimum = new GridMinimum(mu.At(best % tile.Columns), sigma.At(tile.FirstRow + best / tile.Columns), bestValue);
        else minimum ??= new GridMinimum(mu.At(0), sigma.At(tile.FirstRow), double.PositiveInfinity);
    }

    /// <summary>
    /// Each map's local minima and saddles (<see cref="StationarySearch"/>), polished with the gradient in double precision on the
    /// CPU, as the basins are; a divergence without a gradient (KSD²) has none searched, and its figure marks the grid minimum.
    /// </summary>
    static MapStationaryPoints[] StationaryPoints(LandscapeSettings s, KlEngine? engine, double[][,] previews, double[] mu, double[] sigma,
        CancellationToken cancel)
    {
        var result = new MapStationaryPoints[s.Divergences.Count];
        KlEngine? cpu = null;
        try
        {
            for (int k = 0; k < s.Divergences.Count; k++)
            {
                Divergence d = s.Divergences[k];
                if (d.Kind == DivergenceKind.Ksd)
                {
                    result[k] = MapStationaryPoints.Unsearched("KSD² has no gradient here: only the grid minimum is marked");
                    continue;
                }
                // Polishing is always double precision on the CPU: reuse the engine only if it is exactly that.
                var polish = engine is { DeviceKind: "cpu", Precision: Precision.Double } ? engine : cpu ??= KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
                result[k] = StationarySearch.Find(previews[k], mu, sigma, (m, ls) => polish.Gradient(s.Target, s.Fit, d, m, ls), cancel);
            }
        }
        finally
        {
            cpu?.Dispose();
        }
        return result;
    }

    /// <summary>What <see cref="PointsName"/> holds: per divergence its polished local minima and saddles, by value.</summary>
    static object PointsFile(LandscapeSettings s, MapStationaryPoints[] points) => new
    {
        Target = s.Target.ToString(),
        Family = s.Fit.Name,
        Scale = s.Fit.ScaleName,
        HessianCoordinates = "(mu, log " + (s.Fit.ScaleName == "σ" ? "sigma" : "scale") + ")",
        PolishTolerance = BasinFinder.PolishTolerance,
        Maps = s.Divergences.Select((d, k) => new
        {
            Divergence = d.Name(),
            Searched = points[k].NotSearched is null,
            Why = points[k].NotSearched,
            Candidates = points[k].Candidates,
            Minima = points[k].Minima,
            Saddles = points[k].Saddles,
        }),
    };

    static void WriteAxis(AtomicFile file, GridAxis axis)
    {
        double[] values = axis.Values();
        var npy = new NpyWriter(file.Stream, 1, values.Length, vector: true);
        npy.WriteRows(values);
        npy.Finish();
    }

    /// <summary>
    /// The axis of the preview's points. PreviewIndices takes every k-th point and the last, so an even
    /// axis stays even except possibly for its last step; the figure labels cells by this axis.
    /// </summary>
    static GridAxis PreviewAxis(GridAxis axis, int[] indices) =>
        indices.Length == axis.Count ? axis : axis with { Count = indices.Length };

    static object Manifest(RunParameters? parameters, LandscapeSettings s, TileSource source, LandscapeResult r) => RunManifest.Of("landscape", parameters, new
    {
        Device = new { Kind = source.DeviceKind, Name = source.DeviceName, Precision = source.Precision },
        Grid = new { Mu = s.Mu.Count, Sigma = s.Sigma.Count, Points = r.GridPoints, Tiles = r.Tiles },
        Timings = new { ComputeSeconds = r.ComputeSeconds, PolishSeconds = r.PolishSeconds, WriteSeconds = r.WriteSeconds, TotalSeconds = r.TotalSeconds },
        Minima = r.Minima.ToDictionary(m => m.Key.Name(), m => m.Value),
        Files = r.Files,
    });
}
