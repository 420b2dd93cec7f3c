using KlGpu.Numerics;

namespace KlGpu.Specs;

/// <summary>
/// The parameters klgpu answers for (docs/numerics.md, "The parameter domain"). Inside, every divergence is finite
/// (or a documented +∞) and correct to the documented tolerance; outside, the input is refused with one line (exit 2)
/// before any work. Lengths are measured in the target's width W: its widest component's std (or scale), or the
/// distance between its outermost means if that is larger.
/// <list type="bullet">
/// <item>Every number of a spec or an axis is at most <see cref="MaxMagnitude"/> in size, every std or scale at least
/// <see cref="MinWidth"/>: squares and reciprocals stay finite in double.</item>
/// <item>A target's component widths lie within <see cref="MaxWidthRatio"/> below W; its means lie within
/// <see cref="MaxMeanOverWidth"/> component widths of 0 (beyond, double keeps fewer than ten digits of x − m).</item>
/// <item>q's std (or a Student-t q's scale) lies within a factor <see cref="MaxWidthRatio"/> of W either way, its
/// mean within <see cref="MaxWidthRatio"/>·W of the target's centre and within <see cref="MaxMeanOverWidth"/> of its own widths of 0.</item>
/// <item>Student-t ν (a T(…) term's, and a student:NU q's) lies in [<see cref="MinNu"/>, <see cref="MaxNu"/>]; two-modes has sep ≤ <see cref="MaxSeparation"/>.</item>
/// <item>The same rules hold for the starts of restarts (basins, sweep) and for every member of a mixture q's slice.</item>
/// </list>
/// </summary>
public static class ParameterDomain
{
    public const double MaxMagnitude = 1e100;
    public const double MinWidth = 1e-100;
    public const double MaxWidthRatio = 1e12;
    public const double MaxMeanOverWidth = 1e6;
    public const double MinNu = 0.1;
    public const double MaxNu = 1e4;
    public const double MaxSeparation = 1e6;

    /// <summary>One number of an axis or a spec: at most <see cref="MaxMagnitude"/> in size.</summary>
    public static void CheckMagnitude(double value, string what, string role)
    {
        if (!(Math.Abs(value) <= MaxMagnitude))
            throw new UsageException($"{what}: {role} {SpecText.Show(value)} is outside the domain klgpu answers for (|value| ≤ {SpecText.Show(MaxMagnitude)})");
    }

    /// <summary>A std or scale: within [<see cref="MinWidth"/>, <see cref="MaxMagnitude"/>].</summary>
    public static void CheckWidth(double value, string what, string role)
    {
        if (!(value >= MinWidth && value <= MaxMagnitude))
            throw new UsageException($"{what}: {role} {SpecText.Show(value)} is outside the domain klgpu answers for ({SpecText.Show(MinWidth)} to {SpecText.Show(MaxMagnitude)})");
    }

    /// <summary>W and the centre of a 1-D target given by its means and widths.</summary>
    public static (double Width, double Centre) Scale(IReadOnlyList<double> means, IReadOnlyList<double> widths)
    {
        double lo = means.Min(), hi = means.Max();
        return (Math.Max(widths.Max(), hi - lo), 0.5 * lo + 0.5 * hi);
    }

    /// <summary>W and the centre of a target; for two-modes, of its law along u (the coordinate q's μ and σ describe).</summary>
    public static (double Width, double Centre) Scale(Target target)
    {
        var (locations, scales) = target.Components;
        return Scale(locations, scales);
    }

    /// <summary>Any mixture's numbers, target or q: each mean's size, each width's range, each ν's range.</summary>
    public static void CheckNumbers(IReadOnlyList<double> means, IReadOnlyList<double> widths, IReadOnlyList<double>? nus, string what, string widthRole = "the std")
    {
        for (int k = 0; k < means.Count; k++)
        {
            CheckMagnitude(means[k], what, "the mean");
            CheckWidth(widths[k], what, widthRole);
            if (nus is not null && nus[k] > 0 && !(nus[k] >= MinNu && nus[k] <= MaxNu))
                throw new UsageException($"{what}: ν = {SpecText.Show(nus[k])} is outside the domain klgpu answers for ({SpecText.Show(MinNu)} ≤ ν ≤ {SpecText.Show(MaxNu)}; beyond that a t is a normal to 1e-4: use N)");
        }
    }

    /// <summary>A target's own rules: its spread, its components' widths against W, its means' offsets from 0; two-modes' sep.</summary>
    public static Target CheckTarget(Target target, string what)
    {
        if (target is TwoModeTarget { Separation: var sep } && !(sep <= MaxSeparation))
            throw new UsageException($"{what}: two-modes sep = {SpecText.Show(sep)} is outside the domain klgpu answers for (sep ≤ {SpecText.Show(MaxSeparation)})");
        var (means, widths) = target.Components;
        var (w, _) = Scale(means, widths);
        if (!(w <= MaxMagnitude))
            throw new UsageException($"{what}: the components spread over {SpecText.Show(w)}, outside the domain klgpu answers for (≤ {SpecText.Show(MaxMagnitude)})");
        for (int k = 0; k < means.Length; k++)
        {
            if (widths[k] < w / MaxWidthRatio)
                throw new UsageException($"{what}: a component of width {SpecText.Show(widths[k])} is more than {SpecText.Show(MaxWidthRatio)} times narrower than the target's width {SpecText.Show(w)}, outside the domain klgpu answers for");
            if (Math.Abs(means[k]) > MaxMeanOverWidth * widths[k])
                throw new UsageException($"{what}: a component at {SpecText.Show(means[k])} of width {SpecText.Show(widths[k])} lies more than {SpecText.Show(MaxMeanOverWidth)} widths from 0, outside the domain klgpu answers for (double keeps too few digits of x − mean); shift the problem towards 0");
        }
        return target;
    }

    /// <summary>q's location and width against the target: the means in [lo, hi], the widths in [lo, hi].</summary>
    public static void CheckQ(Target target, double muMin, double muMax, double widthMin, double widthMax, string what, string widthName = "σ")
    {
        var (w, c) = Scale(target);
        if (!(muMin >= c - MaxWidthRatio * w && muMax <= c + MaxWidthRatio * w))
        {
            double mu = muMin < c - MaxWidthRatio * w ? muMin : muMax;
            throw new UsageException($"{what}: μ = {SpecText.Show(mu)} is more than {SpecText.Show(MaxWidthRatio)} target widths ({SpecText.Show(w)}) from the target's centre {SpecText.Show(c)}, outside the domain klgpu answers for");
        }
        if (!(widthMin >= w / MaxWidthRatio && widthMax <= w * MaxWidthRatio))
        {
            double s = widthMin < w / MaxWidthRatio ? widthMin : widthMax;
            throw new UsageException($"{what}: {widthName} = {SpecText.Show(s)} is outside the domain klgpu answers for: {SpecText.Show(w / MaxWidthRatio)} to {SpecText.Show(w * MaxWidthRatio)} for this target (1e-12 to 1e12 times its width {SpecText.Show(w)})");
        }
        double far = Math.Max(Math.Abs(muMin), Math.Abs(muMax));
        if (far > MaxMeanOverWidth * widthMin)
            throw new UsageException($"{what}: μ = {SpecText.Show(far)} with {widthName} = {SpecText.Show(widthMin)} lies more than {SpecText.Show(MaxMeanOverWidth)} widths from 0, outside the domain klgpu answers for (double keeps too few digits of x − μ)");
    }

    /// <summary>KSD² with the IMQ kernel needs q's σ ≥ c/<see cref="KsdNarrowest"/>: its quadrature error grows like
    /// ε(s_p/σ)² (s_p the score's size), which below that swamps a value of order 1 (docs/numerics.md).</summary>
    public const double KsdNarrowest = 100;

    /// <summary>Refuses KSD² for a q narrower than the kernel's c/<see cref="KsdNarrowest"/>.</summary>
    public static void CheckKsd(IEnumerable<Landscape.Divergence> divergences, double sigmaMin, string what)
    {
        foreach (var d in divergences)
            if (d.Kernel is { } imq && sigmaMin < imq.C / KsdNarrowest)
                throw new UsageException($"{what}: {d.Name()} takes σ ≥ c/{KsdNarrowest:0} = {SpecText.Show(imq.C / KsdNarrowest)}, not {SpecText.Show(sigmaMin)}: below, its quadrature loses its digits to the score's size (outside the domain klgpu answers for)");
    }

    /// <summary>A mixture q against the target: each component's mean and std.</summary>
    public static void CheckQ(Target target, GaussianMixture q, string what) =>
        CheckQ(target, q.Means.Min(), q.Means.Max(), q.Stds.Min(), q.Stds.Max(), what);

    /// <summary>
    /// The members of a slice of a mixture q: q itself, each axis's ends with the other parameter as in q, then the four corners
    /// together (a mean and a std vary linearly along their axes, so the corners hold the extremes). Each refusal names its options.
    /// </summary>
    public static void CheckSlice(Target target, Landscape.MixtureSlice slice, string q, string x, string y)
    {
        CheckQ(target, slice.Q, q);
        void Check(GaussianMixture[] members, string what) =>
            CheckQ(target, members.Min(m => m.Means.Min()), members.Max(m => m.Means.Max()), members.Min(m => m.Stds.Min()), members.Max(m => m.Stds.Max()), what);
        var (ax, ay) = (slice.X.Axis, slice.Y.Axis);
        double x0 = slice.X.Parameter.ValueIn(slice.Q), y0 = slice.Y.Parameter.ValueIn(slice.Q);
        Check([slice.At(ax.Min, y0), slice.At(ax.Max, y0)], $"{x} ({slice.X.Parameter})");
        Check([slice.At(x0, ay.Min), slice.At(x0, ay.Max)], $"{y} ({slice.Y.Parameter})");
        Check([slice.At(ax.Min, ay.Min), slice.At(ax.Min, ay.Max), slice.At(ax.Max, ay.Min), slice.At(ax.Max, ay.Max)], $"{x}, {y}");
    }
}
