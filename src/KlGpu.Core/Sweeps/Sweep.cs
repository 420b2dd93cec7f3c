using KlGpu.Families;
using System.Diagnostics;
using KlGpu.Accelerators;
using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Sweeps;

/// <summary>What `klgpu sweep` runs.</summary>
public sealed record SweepSettings(
    TargetTemplate Template,
    string Parameter,
    GridAxis Values,
    DivergenceTemplate Divergence,
    FitFamily Family,
    int Restarts,
    int Steps,
    double LearningRate,
    ulong Seed,
    (double Min, double Max)? Mu,
    (double Min, double Max)? Sigma,
    Precision Precision,
    AcceleratorChoice Accelerator)
{
    /// <summary>The family as the Gaussian sweep fits it (a mixture q's sweep is <see cref="MixtureSweepJob"/>'s).</summary>
    public LocationScaleFamily LocationScale => Family as LocationScaleFamily
        ?? throw new InvalidOperationException($"{Family.Name} is swept by the mixture sweep");

    /// <summary>The components of each q: K for a mixture q, else 1.</summary>
    public int Components => (Family as MixtureFamily)?.Components ?? 1;
}

/// <summary>The basins at one parameter value.</summary>
public sealed record SweepPoint(double Parameter, Target Target, BasinReport Report);

public enum TransitionKind
{
    /// <summary>A minimum turns into a saddle as its Hessian's smallest eigenvalue crosses zero, and splits into two minima.</summary>
    Pitchfork,
    /// <summary>A minimum appears or disappears together with a saddle (the smallest eigenvalue reaches zero at the end of a branch).</summary>
    Fold,
    /// <summary>The global minimum moves from one basin to another (their values cross).</summary>
    Switch,
    /// <summary>A mixture q's minimum loses a component (a weight reaches zero or two components merge) and goes on as a smaller mixture.</summary>
    Collapse,
}

/// <summary>A transition of a Gaussian q located to <see cref="TransitionSearch{TPoint}.ParameterTolerance"/>: where, what, and the stationary point(s) involved there.</summary>
public sealed record Transition(double Parameter, TransitionKind Kind, string Description, double Mu, double Sigma, double? OtherMu = null, double? OtherSigma = null);

public sealed record SweepResult(SweepSettings Settings, IReadOnlyList<SweepPoint> Points, IReadOnlyList<Transition> Transitions, double Seconds);

/// <summary>Runs the restarts at every parameter value, then locates the transitions between neighbours.</summary>
public static class SweepJob
{
    /// <summary>Restarts per value of a Gaussian q's sweep (a mixture q's: <see cref="MixtureSweepJob.DefaultRestarts"/>); the
    /// steps are <see cref="BasinsSettings.DefaultSteps"/>.</summary>
    public const int DefaultRestarts = 512;

    public static SweepResult Run(SweepSettings s, KlEngine engine, Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        double[] values = s.Values.Values();
        // Every instance is checked before any work.
        var targets = values.Select(v => s.Template.At(s.Parameter, v)).ToArray();
        var divergences = values.Select(v => s.Divergence.At(s.Parameter, v)).ToArray();
        var basins = new BasinsSettings[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var p = targets[i];
            var d = BasinsSettings.DefaultRanges(p);
            var (muMin, muMax) = s.Mu ?? (d.MuMin, d.MuMax);
            var (sMin, sMax) = s.Sigma ?? (d.SigmaMin, d.SigmaMax);
            basins[i] = new BasinsSettings(p, divergences[i], s.LocationScale, s.Restarts, s.Steps, Optimizer.Adam, s.LearningRate,
                new StartDesign(muMin, muMax, sMin, sMax, s.Seed), BasinsSettings.DefaultTolerance, BasinsSettings.DefaultClusterRadius, 0,
                s.Precision, s.Accelerator);
            CheckRestarts(basins[i], s.Parameter, values[i]);
        }
        var points = new List<SweepPoint>();
        for (int i = 0; i < values.Length; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var run = BasinsJob.Compute(basins[i], engine, cancel: cancel);
            points.Add(new SweepPoint(values[i], targets[i], run.Report));
            progress?.Invoke(i + 1, values.Length);
        }
        using var cpu = KlEngine.Create(AcceleratorKind.Cpu, Precision.Double);
        var finder = new TransitionFinder(s, cpu);
        var transitions = finder.Find(points, cancel);
        return new SweepResult(s, points, transitions, clock.Elapsed.TotalSeconds);
    }

    /// <summary>What the family's restarts refuse at one value (forward KL against a t with ν ≤ 2, …), refused before any work
    /// with the parameter value that makes it so.</summary>
    static void CheckRestarts(BasinsSettings basins, string parameter, double value)
    {
        try
        {
            basins.Family.CheckRestarts(basins.Target, basins.Divergence, paths: false);
        }
        catch (UnsupportedFitException e)
        {
            throw new UnsupportedFitException(e.Part, $"{e.Message} (at {parameter} = {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})");
        }
    }
}
