using System.Globalization;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Families;
using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Bench;

/// <summary>
/// What <c>klgpu devices --check</c> compares: the benchmark's landscape (Grid² points, of which the CPU recomputes a
/// sub-grid), Restarts of its Gaussian restarts and MixtureRestarts mixture:2 restarts, each run on the device and again
/// in double on the CPU (the kernel bodies as parallel C#) from the same inputs.
/// </summary>
public sealed record AgreementSettings(AcceleratorChoice Accelerator, int Grid = 4096, int SubGrid = 128, int Restarts = 4096,
    int Steps = 2000, int MixtureRestarts = 16, int MixtureSteps = ThetaBasinsSettings.DefaultSteps);

/// <summary>One comparison: the worst difference found over Count values, against the bar it must stay under.</summary>
public sealed record AgreementFigure(string Name, string What, int Count, double Worst, double Bar)
{
    public bool Holds => Worst <= Bar; // a NaN difference does not hold
}

/// <summary>
/// The device path against the CPU path, from identical inputs. Differences are |device − cpu| / max(|cpu|, 0.1), the
/// benchmarks' measure, so the project's 1e-12 reads 1e-12 here. Restart end points are compared where both sides
/// stopped at the same step; a restart that stopped at another step (its gradient crossed the tolerance one step
/// apart) is counted, and at most 1 % of them may do so.
/// </summary>
public static class DeviceAgreement
{
    /// <summary>The bar for values computed once from the same inputs: grid values, gradients, end values.</summary>
    public const double ValueBar = 1e-12;

    /// <summary>The bar for end points after up to thousands of steps, where rounding differences can add up.</summary>
    public const double PointBar = 1e-9;

    /// <summary>The most restarts, as a fraction, that may stop at a different step on the two sides.</summary>
    public const double StepFractionBar = 0.01;

    static readonly GaussianMixture MixtureTarget = LandscapeBenchmark.Target;

    /// <summary>
    /// Runs the comparisons, printing each line as it is done. On the CPU the device side is ILGPU's CPU accelerator:
    /// the kernels as ILGPU compiles them for any device, against the same bodies as plain parallel C#.
    /// </summary>
    public static IReadOnlyList<AgreementFigure> Run(AgreementSettings s, TextWriter log, Precision precision = Precision.Double)
    {
        using var device = KlEngine.Create(s.Accelerator, precision, CpuExecution.Simulator);
        using var cpu = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double, CpuExecution.Parallel);
        var c = CultureInfo.InvariantCulture;
        log.WriteLine($"check: {device.DeviceKind} ({device.DeviceName}), {precision.ToString().ToLowerInvariant()} precision, against cpu ({cpu.DeviceName}), double precision");
        var figures = new List<AgreementFigure>();
        void Add(AgreementFigure f)
        {
            figures.Add(f);
            log.WriteLine(string.Create(c, $"  {f.Name,-10} {f.What}: worst {f.Worst:0.0E+00} over {f.Count:N0} (bar {f.Bar:0E+00}) {(f.Holds ? "ok" : "OUTSIDE")}"));
        }
        Landscape(s, device, cpu, Add);
        Restarts(s, device, cpu, Add);
        if (s.MixtureRestarts > 0) Mixture(s, device, cpu, Add);
        int outside = figures.Count(f => !f.Holds);
        log.WriteLine(outside == 0 ? $"agreement: all {figures.Count} comparisons within their bars"
            : $"agreement: {outside} of {figures.Count} comparisons outside their bars");
        return figures;
    }

    /// <summary>
    /// The smallest stride d dividing Grid − 1 that leaves at most SubGrid points per axis. Point j·d of the Grid-point axis
    /// and point j of the sub-axis are then the same double: both are Min + (Max − Min)·t with t the correctly rounded
    /// quotient of equal fractions, j·d/(Grid − 1) = j/(m − 1).
    /// </summary>
    public static int Stride(int grid, int subGrid)
    {
        int d = Math.Max(1, (grid - 1 + subGrid - 2) / Math.Max(1, subGrid - 1));
        while ((grid - 1) % d != 0) d++;
        return d;
    }

    static void Landscape(AgreementSettings s, KlEngine device, KlEngine cpu, Action<AgreementFigure> add)
    {
        var mu = new GridAxis(-5, 5, s.Grid);
        var sigma = new GridAxis(0.05, 5, s.Grid);
        int d = Stride(s.Grid, s.SubGrid), m = (s.Grid - 1) / d + 1;
        Divergence[] both = [Divergence.Forward, Divergence.Reverse];
        // The device computes the whole grid, as the benchmark does, and keeps every d-th row and column.
        var kept = both.ToDictionary(x => x, _ => new double[m * m]);
        device.Landscape(LandscapeBenchmark.Target, FitFamily.Gaussian, mu, sigma, both, tile =>
        {
            for (int r = 0; r < tile.Rows; r++)
            {
                int row = tile.FirstRow + r;
                if (row % d != 0) continue;
                foreach (var x in both)
                    for (int j = 0; j < m; j++)
                        kept[x][row / d * m + j] = tile.Values[x][r * tile.Columns + j * d];
            }
        });
        var subMu = new GridAxis(-5, 5, m);
        var subSigma = new GridAxis(0.05, 5, m);
        for (int j = 0; j < m; j++)
            if (subMu.At(j) != mu.At(j * d) || subSigma.At(j) != sigma.At(j * d))
                throw new InvalidOperationException($"sub-grid point {j} is not grid point {j * d}");
        double worst = 0;
        cpu.Landscape(LandscapeBenchmark.Target, FitFamily.Gaussian, subMu, subSigma, both, tile =>
        {
            foreach (var x in both)
                for (int k = 0; k < tile.Rows * tile.Columns; k++)
                    worst = Worse(worst, kept[x][tile.FirstRow * m + k], tile.Values[x][k]);
        });
        add(new AgreementFigure("landscape", $"{s.Grid}² forward+reverse, {(d == 1 ? "every point" : $"every {Ordinal(d)} row and column")} ({m}×{m}) recomputed on the CPU", 2 * m * m, worst, ValueBar));
    }

    static string Ordinal(int n) => n + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    static void Restarts(AgreementSettings s, KlEngine device, KlEngine cpu, Action<AgreementFigure> add)
    {
        var target = RestartsBenchmark.Target;
        var (mu, logSigma) = new StartDesign(-6, 6, 0.1, 10, 1).Generate(s.Restarts, FitFamily.Gaussian);
        int n = mu.Length;
        var onDevice = device.Gradient(target, FitFamily.Gaussian, Divergence.Reverse, mu, logSigma);
        var onCpu = cpu.Gradient(target, FitFamily.Gaussian, Divergence.Reverse, mu, logSigma);
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            worst = Worse(worst, onDevice.Value[i], onCpu.Value[i]);
            worst = Worse(worst, onDevice.GradMu[i], onCpu.GradMu[i]);
            worst = Worse(worst, onDevice.GradLogScale[i], onCpu.GradLogScale[i]);
        }
        add(new AgreementFigure("gradients", $"reverse KL and its gradient at {n:N0} restart starts", 3 * n, worst, ValueBar));

        var settings = new BasinsSettings(target, Divergence.Reverse, FitFamily.Gaussian, n, s.Steps, Optimizer.Adam,
            BasinsSettings.DefaultLearningRate, new StartDesign(-6, 6, 0.1, 10, 1), BasinsSettings.DefaultTolerance,
            BasinsSettings.DefaultClusterRadius, 0, device.Precision, s.Accelerator).Kernel(0);
        var a = device.Restarts(target, FitFamily.Gaussian, Divergence.Reverse, settings, mu, logSigma);
        var b = cpu.Restarts(target, FitFamily.Gaussian, Divergence.Reverse, settings, mu, logSigma);
        EndPoints(add, "restarts", $"{n:N0} × ≤ {s.Steps:N0} Adam steps of reverse KL on {target}", a.Steps, b.Steps,
            i => (a.Value[i], b.Value[i]), i => [(a.EndMu[i], b.EndMu[i]), (a.EndLogSigma[i], b.EndLogSigma[i])]);
    }

    static void Mixture(AgreementSettings s, KlEngine device, KlEngine cpu, Action<AgreementFigure> add)
    {
        var (muMin, muMax, sMin, sMax) = BasinsSettings.DefaultRanges(MixtureTarget);
        var settings = new ThetaBasinsSettings<GaussianMixture>(MixtureTarget, Divergence.Reverse, new MixtureFamily(2), s.MixtureRestarts, s.MixtureSteps, Optimizer.Adam,
            BasinsSettings.DefaultLearningRate, 1, muMin, muMax, sMin, sMax, BasinsSettings.DefaultTolerance,
            ThetaBasinsSettings.DefaultClusterRadius, device.Precision, s.Accelerator);
        double[] thetaDevice = settings.Starts(), thetaCpu = settings.Starts();
        var a = device.Restarts(MixtureTarget, new MixtureFamily(2), Divergence.Reverse, settings.Kernel(), thetaDevice);
        var b = cpu.Restarts(MixtureTarget, new MixtureFamily(2), Divergence.Reverse, settings.Kernel(), thetaCpu);
        int per = thetaDevice.Length / Math.Max(1, s.MixtureRestarts);
        EndPoints(add, "mixture:2", $"{s.MixtureRestarts:N0} × ≤ {s.MixtureSteps:N0} Adam steps of reverse KL on {MixtureTarget}", a.Steps, b.Steps,
            i => (a.Value[i], b.Value[i]), i => Enumerable.Range(i * per, per).Select(j => (thetaDevice[j], thetaCpu[j])));
    }

    /// <summary>End values and end points of the restarts that stopped at the same step on both sides, and how many did not.</summary>
    static void EndPoints(Action<AgreementFigure> add, string name, string what, int[] stepsDevice, int[] stepsCpu,
        Func<int, (double Device, double Cpu)> value, Func<int, IEnumerable<(double Device, double Cpu)>> point)
    {
        int n = stepsDevice.Length, same = 0;
        double worstValue = 0, worstPoint = 0;
        for (int i = 0; i < n; i++)
        {
            if (stepsDevice[i] != stepsCpu[i]) continue;
            same++;
            var (vd, vc) = value(i);
            worstValue = Worse(worstValue, vd, vc);
            foreach (var (pd, pc) in point(i)) worstPoint = Worse(worstPoint, pd, pc);
        }
        add(new AgreementFigure(name, what + ", value at the end", same, worstValue, ValueBar));
        add(new AgreementFigure(name, "the end points (the same restarts)", same, worstPoint, PointBar));
        add(new AgreementFigure(name, "fraction of restarts stopping at another step", n, n == 0 ? 0 : (double)(n - same) / n, StepFractionBar));
    }

    /// <summary>The larger of <paramref name="worst"/> and this pair's difference; NaN wins, so a NaN cannot pass.</summary>
    static double Worse(double worst, double device, double cpu)
    {
        double d = Math.Abs(device - cpu) / Math.Max(Math.Abs(cpu), 0.1);
        if (device == cpu) d = 0; // equal infinities
        return double.IsNaN(d) || double.IsNaN(worst) ? double.NaN : Math.Max(worst, d);
    }
}
