using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Numerics;

namespace KlGpu.Sweeps;

/// <summary>The transitions of a Gaussian q's sweep: <see cref="TransitionSearch{TPoint}"/> on the points (μ, log σ),
/// Newton being <see cref="BasinFinder.Polish"/> on the double-precision gradient.</summary>
public sealed class TransitionFinder(SweepSettings settings, KlEngine cpu) : IStationaryPoints<BasinFinder.Stationary>
{
    readonly Dictionary<double, Target> targets = [];

    Target Target(double t)
    {
        if (!targets.TryGetValue(t, out var p)) targets[t] = p = settings.Template.At(settings.Parameter, t);
        return p;
    }

    public BasinFinder.Stationary Newton(double t, BasinFinder.Stationary start)
    {
        var p = Target(t);
        var divergence = settings.Divergence.At(settings.Parameter, t);
        var finder = new BasinFinder((m, s) => cpu.Gradient(p, settings.LocationScale, divergence, m, s), settings.Family.FixedScale is not null, BasinsSettings.DefaultClusterRadius);
        return finder.Polish(start.Mu, start.LogSigma);
    }

    public double Distance(BasinFinder.Stationary a, BasinFinder.Stationary b) => Math.Max(Math.Abs(a.Mu - b.Mu), Math.Abs(a.LogSigma - b.LogSigma));
    public bool Polished(BasinFinder.Stationary p) => p.Polished;
    public bool IsMinimum(BasinFinder.Stationary p) => p.Kind == StationaryKind.Minimum;
    public double SmallestEigenvalue(BasinFinder.Stationary p) => p.Eigenvalues[0];
    public double Value(BasinFinder.Stationary p) => p.Value;

    /// <summary>The traced branches, after <see cref="Find"/>.</summary>
    public IReadOnlyList<BranchSegment> Branches { get; private set; } = [];

    public IReadOnlyList<Transition> Find(IReadOnlyList<SweepPoint> points, CancellationToken cancel = default)
    {
        // Each point's polished minima, shared by the intervals on both sides.
        var values = points.Select(p => (p.Parameter, p.Report.Basins
            .Where(b => b.Kind == StationaryKind.Minimum)
            .Select(b => Newton(p.Parameter, new BasinFinder.Stationary(b.Mu, b.LogSigma, b.Value, b.GradientNorm, b.HessianEigenvalues, b.Kind, b.Polished)))
            .Where(s => s.Polished && s.Kind == StationaryKind.Minimum)
            .ToList())).ToList();
        var search = new TransitionSearch<BasinFinder.Stationary>(this);
        var found = search.Find(values, cancel);
        Branches = search.Branches.Select(b => new BranchSegment(b.From, b.Start.Mu, Math.Exp(b.Start.LogSigma), b.Start.Value,
            b.To, b.End.Mu, Math.Exp(b.End.LogSigma), b.End.Value, b.End.Kind == StationaryKind.Minimum)).ToList();
        return found.Select(t => new Transition(t.Parameter, t.Kind, t.Description, t.At.Mu, Math.Exp(t.At.LogSigma), t.Other?.Mu, t.Other is { } o ? Math.Exp(o.LogSigma) : null))
            .ToList();
    }
}
