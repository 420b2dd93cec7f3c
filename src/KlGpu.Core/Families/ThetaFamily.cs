using KlGpu.Basins;
using KlGpu.Engine;
using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Families;

/// <summary>
/// A family whose q is a vector θ of many numbers (a mixture, a flow), fitted by restarts over θ. The settings, the job
/// (<see cref="ThetaBasinsJob"/>), the command and the density figure are one for all such families; the family gives what
/// differs: θ's size, names and start design, its restarts kernel, and (<see cref="ThetaFamily{TQ}"/>) how an end point is
/// read as q, polished, and compared with another (the parameter symmetries).
/// </summary>
public abstract record ThetaFamily : FitFamily
{
    /// <summary>How many numbers θ has.</summary>
    public abstract int ParameterCount { get; }

    /// <summary>θ's names in order: the columns of restarts.csv, and the names a slice varies.</summary>
    public abstract IReadOnlyList<string> ParameterNames { get; }

    /// <summary>What θ's numbers are, as the table's header says it.</summary>
    public abstract string ParameterNote { get; }

    /// <summary>Number <paramref name="j"/> of a start, from <paramref name="u"/> uniform in [0, 1): the start design over the
    /// mean range and the log-uniform std range.</summary>
    public abstract double Start(int j, double u, double meanMin, double meanMax, double stdMin, double stdMax);

    /// <summary>What the restarts descend against p's <paramref name="plan"/>: the kernel objective of this family, in any precision.</summary>
    internal abstract ThetaObjective Objective(LogMixturePlan plan, Divergence divergence);

    /// <summary>Calls <paramref name="use"/> with this family at its q type.</summary>
    public abstract T Apply<T>(IThetaFamilyUse<T> use);
}

/// <summary>Code generic over the q type of a <see cref="ThetaFamily"/> (the command's one path).</summary>
public interface IThetaFamilyUse<out T>
{
    T Use<TQ>(ThetaFamily<TQ> family) where TQ : class;
}

/// <summary>A θ family whose stationary points are held as <typeparamref name="TQ"/>: a canonical mixture, or θ itself.</summary>
public abstract record ThetaFamily<TQ> : ThetaFamily where TQ : class
{
    public sealed override T Apply<T>(IThetaFamilyUse<T> use) => use.Use(this);

    /// <summary>q at an end point θ, in the form clustering compares; null where it cannot be polished (a non-finite value).</summary>
    public abstract TQ? EndPoint(double[] theta, double value);

    /// <summary>How far apart two end points are (the clustering radius is in these units).</summary>
    public abstract double Distance(TQ a, TQ b);

    /// <summary>The polish against <paramref name="p"/>: a stationary point from an end point.</summary>
    public abstract Func<TQ, ThetaStationary<TQ>> Polish(GaussianMixture p, Divergence divergence);

    /// <summary>Whether two polished points of one kind are one optimum (the same q, whatever θ stands for it).</summary>
    public abstract bool Same(ThetaStationary<TQ> a, ThetaStationary<TQ> b);

    /// <summary>Where q sits on the line: orders basins of equal value (mirror twins) the same way on every run.</summary>
    public abstract double Location(TQ q);

    /// <summary>Whether a basin counts as a minimum in the run's count.</summary>
    public virtual bool IsMinimum(ThetaBasin<TQ> b) => b.Polished && b.Kind == ThetaKind.Minimum;

    /// <summary>What the run found, before the restarts' count: "2 minima", "1 saddle point", ….</summary>
    public abstract IEnumerable<string> Findings(IReadOnlyList<ThetaBasin<TQ>> basins, int minima);

    /// <summary>q's density at x, for figures (0 where it does not evaluate).</summary>
    public abstract double Density(TQ q, double x);

    /// <summary>Points of x that a figure of q should span.</summary>
    public abstract IEnumerable<double> Extent(TQ q);

    /// <summary>A basin's entry in a figure's legend.</summary>
    public abstract string Legend(ThetaBasin<TQ> b);

    /// <summary>q as a figure's title names it after "q".</summary>
    public abstract string FigureNoun { get; }

    /// <summary>A basin as basins.json and --json write it.</summary>
    public abstract object Json(ThetaBasin<TQ> b);

    /// <summary>q's numbers in one line, as a report's table shows them.</summary>
    public abstract string Numbers(TQ q);

    /// <summary>Whether basins.json lists θ's names (a flow's θ is printed whole; a mixture's q as weights, means, stds).</summary>
    public virtual bool ListsParameters => false;

    /// <summary>The CLI table's header and rows (<paramref name="valueLabel"/> heads the value column); a line under the
    /// first ones, or null.</summary>
    public abstract string TableHeader(string valueLabel);
    public abstract string TableRow(ThetaBasin<TQ> b);
    public virtual string? TableNote => null;
}
