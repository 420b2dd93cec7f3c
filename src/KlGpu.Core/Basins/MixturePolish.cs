using KlGpu.Numerics;

namespace KlGpu.Basins;

/// <summary>
/// Newton in double on the host, on <see cref="MixtureFit"/>'s analytic gradient, in the parametrisation without the
/// softmax's redundant direction: logits relative to the last one (K − 1), means, log stds (3K − 1 numbers). The Hessian is
/// central differences of the gradient, symmetrized; steps are saddle-free Newton (each eigen-direction scaled by 1/|λ|,
/// |λ| floored), accepted when the value falls (Armijo) or, at rounding level, when the gradient norm falls.
/// <see cref="Stationary"/> is plain Newton instead (each direction scaled by 1/λ, steps accepted when the gradient norm
/// falls, bounded like <see cref="BasinFinder.Polish"/>'s): it converges to saddles as well, which continuation needs.
/// A polished point whose lightest weight is tiny, or whose two nearest components nearly coincide, is tested for collapse:
/// the component dropped (or the pair merged by moments), the smaller mixture polished, and if it reaches the same value
/// the point is <see cref="ThetaKind.Degenerate"/> and reported as that smaller mixture. This also settles collapses that
/// Newton reaches only slowly (the value is quartic in the distance between two equal components).
/// </summary>
public sealed class MixturePolish(GaussianMixture p, FIntegrand kind, double order = 0)
{
    public const double Tolerance = 1e-10;
    const int MaxSteps = 100;
    const double DifferenceStep = 1e-5;
    /// <summary>Relative size below which an eigenvalue is flat (not a descent) when classifying.</summary>
    const double FlatEigenvalue = 1e-7;
    /// <summary>A weight below this is a component that collapsed away.</summary>
    public const double NegligibleWeight = 1e-6;
    /// <summary>Weights below this are tried as collapses.</summary>
    const double LightTrial = 1e-2;
    /// <summary>Pairs closer than this (means in stds, log stds) are tried as collapses: generous, since near a collapse onto two
    /// equal components the value is quartic in their distance, and Newton stalls well before they meet.</summary>
    const double PairTrial = 0.25;
    /// <summary>Plain Newton moves at most this far a step and <see cref="MaxTravel"/> in all (in a component's std for its mean;
    /// in a logit or log std): farther, the start was not near a stationary point.</summary>
    const double MaxStep = 1, MaxTravel = 4;

    /// <summary>The stationary point nearest the start, minimum or saddle, with as many components as the start and no collapse
    /// test: the branch a continuation follows.</summary>
    public ThetaStationary<GaussianMixture> Stationary(GaussianMixture start) => Newton(start, saddleFree: false);

    public ThetaStationary<GaussianMixture> Polish(GaussianMixture start)
    {
        var full = Newton(start, saddleFree: true);
        if (full.Q.Count == 1) return full;
        var reduced = Collapse(full.Q);
        if (reduced is null) return full;
        var smaller = Polish(reduced);
        if (smaller.Polished && smaller.Value <= full.Value + 1e-9 * Math.Max(1, Math.Abs(full.Value)))
            return smaller with { Kind = ThetaKind.Degenerate };
        return full;
    }

    /// <summary>The two most alike components: their distance is the larger of the means' difference in the wider std and the log stds'.</summary>
    public static (int I, int J, double Distance) NearestPair(GaussianMixture q)
    {
        (int I, int J, double D) best = (-1, -1, double.PositiveInfinity);
        for (int i = 0; i < q.Count; i++)
            for (int j = i + 1; j < q.Count; j++)
            {
                double d = Math.Max(Math.Abs(q.Means[i] - q.Means[j]) / Math.Max(q.Stds[i], q.Stds[j]), Math.Abs(Math.Log(q.Stds[i] / q.Stds[j])));
                if (d < best.D) best = (i, j, d);
            }
        return best;
    }

    /// <summary>The mixture with its lightest component dropped, or its nearest pair merged by moments, where that is plausible.</summary>
    public static GaussianMixture? Collapse(GaussianMixture q)
    {
        int light = Enumerable.Range(0, q.Count).MinBy(k => q.Weights[k]);
        if (q.Weights[light] < LightTrial)
        {
            var keep = Enumerable.Range(0, q.Count).Where(k => k != light).ToArray();
            double rest = keep.Sum(k => q.Weights[k]);
            return new GaussianMixture(keep.Select(k => q.Weights[k] / rest).ToArray(), keep.Select(k => q.Means[k]).ToArray(), keep.Select(k => q.Stds[k]).ToArray());
        }
        var (a, b, distance) = NearestPair(q);
        if (distance >= PairTrial) return null;
        double w = q.Weights[a] + q.Weights[b];
        double m = (q.Weights[a] * q.Means[a] + q.Weights[b] * q.Means[b]) / w;
        double v = (q.Weights[a] * (q.Stds[a] * q.Stds[a] + (q.Means[a] - m) * (q.Means[a] - m))
                  + q.Weights[b] * (q.Stds[b] * q.Stds[b] + (q.Means[b] - m) * (q.Means[b] - m))) / w;
        var others = Enumerable.Range(0, q.Count).Where(k => k != a && k != b).ToList();
        return new GaussianMixture(others.Select(k => q.Weights[k]).Append(w).ToArray(), others.Select(k => q.Means[k]).Append(m).ToArray(),
            others.Select(k => q.Stds[k]).Append(Math.Sqrt(v)).ToArray());
    }

    ThetaStationary<GaussianMixture> Newton(GaussianMixture start, bool saddleFree)
    {
        int count = start.Count;
        double[] x0 = Reduced(MixtureFit.Parameters(start), count);
        var (x, value, norm, _) = new ThetaNewton
        {
            At = y => At(y, count),
            // The steps' Hessians only aim Newton (the gradient, on the polish's panels, decides where it stops), so they are
            // differences of the restarts' coarser gradient, a fifth of the nodes; the reported one is the polish's, at the end.
            StepHessian = y => Hessian(y, count, MixtureQuadrature.Restarts),
            Sane = y => Sane(y, count),
            MaxSteps = MaxSteps,
            Tolerance = Tolerance,
            RelativeFloor = 1e-8,
            AbsoluteFloor = 1e-12,
            SaddleFree = saddleFree,
            Bound = saddleFree ? null : (y, delta) =>
            {
                double length = Length(delta, y, count);
                if (length > MaxStep) delta = delta.Select(d => d * MaxStep / length).ToArray();
                double[] travel = y.Select((a, r) => a + delta[r] - x0[r]).ToArray();
                return Length(travel, x0, count) <= MaxTravel ? delta : null;
            },
            Stop = y => MixtureFit.Mixture(Full(y, count)).Weights.Min() < NegligibleWeight,
        }.Run(x0);
        var eigen = SymmetricEigen.Decompose(Hessian(x, count, MixtureQuadrature.Polish)).Values;
        var q = Canonical(MixtureFit.Mixture(Full(x, count)));
        var kindOf = eigen.Min() >= -FlatEigenvalue * Math.Max(1, eigen.Max(Math.Abs)) ? ThetaKind.Minimum : ThetaKind.Saddle;
        return new ThetaStationary<GaussianMixture>(q, value, norm, eigen, kindOf, norm < Tolerance);
    }

    /// <summary>The size of a move in the reduced coordinates: a mean's in its component's std at <paramref name="x"/>.</summary>
    static double Length(double[] move, double[] x, int count)
    {
        double most = 0;
        for (int r = 0; r < move.Length; r++)
        {
            bool mean = r >= count - 1 && r < 2 * count - 1;
            most = Math.Max(most, Math.Abs(move[r]) / (mean ? Math.Exp(x[r + count]) : 1));
        }
        return most;
    }

    /// <summary>Log stds within the kernel's limit, weights representable: a trial step may not leave them.</summary>
    static bool Sane(double[] x, int count)
    {
        for (int k = 0; k < count; k++)
            if (!(Math.Abs(x[2 * count - 1 + k]) < 40)) return false;
        for (int k = 0; k < count - 1; k++)
            if (!(Math.Abs(x[k]) < 700)) return false;
        return x.All(double.IsFinite);
    }

    (double Value, double[] Gradient) At(double[] x, int count) => At(x, count, MixtureQuadrature.Polish);

    (double Value, double[] Gradient) At(double[] x, int count, in MixtureQuadrature layout)
    {
        double[] theta = Full(x, count), g = new double[theta.Length];
        double v = MixtureFit.ValueAndGradient(kind, layout, p, theta, g, order);
        return (v, Reduced(g, count, gradient: true));
    }

    double[,] Hessian(double[] x, int count, MixtureQuadrature layout) =>
        ThetaNewton.Hessian(x, y => At(y, count, layout).Gradient, DifferenceStep);

    /// <summary>θ (3K) to the reduced 3K − 1 numbers: logits minus the last (for a gradient, its last logit entry dropped).</summary>
    static double[] Reduced(double[] theta, int count, bool gradient = false)
    {
        double last = gradient ? 0 : theta[count - 1];
        return [.. theta.Take(count - 1).Select(a => a - last), .. theta.Skip(count)];
    }

    static double[] Full(double[] x, int count) => [.. x.Take(count - 1), 0.0, .. x.Skip(count - 1)];

    /// <summary>Components sorted by mean (to 1e-8), ties by std, then by weight: the order that makes permutations one point.</summary>
    public static GaussianMixture Canonical(GaussianMixture q)
    {
        // Means equal to 1e-8 (a symmetric optimum's, equal up to rounding) are ties, settled by the std.
        var order = Enumerable.Range(0, q.Count).OrderBy(k => Math.Round(q.Means[k] * 1e8)).ThenBy(k => q.Stds[k]).ThenBy(k => q.Weights[k]).ToArray();
        return new GaussianMixture(order.Select(k => q.Weights[k]).ToArray(), order.Select(k => q.Means[k]).ToArray(), order.Select(k => q.Stds[k]).ToArray());
    }

    /// <summary>The largest difference between two canonical mixtures with as many components, in weights, means and log stds; ∞ otherwise.</summary>
    public static double Distance(GaussianMixture a, GaussianMixture b)
    {
        if (a.Count != b.Count) return double.PositiveInfinity;
        double d = 0;
        for (int k = 0; k < a.Count; k++)
            d = Math.Max(d, Math.Max(Math.Abs(a.Weights[k] - b.Weights[k]), Math.Max(Math.Abs(a.Means[k] - b.Means[k]), Math.Abs(Math.Log(a.Stds[k] / b.Stds[k])))));
        return d;
    }
}

/// <summary>Eigenvalues and eigenvectors of a small symmetric matrix by cyclic Jacobi rotations.</summary>
public static class SymmetricEigen
{
    /// <summary>Eigenvalues ascending; the columns of Vectors are the matching unit eigenvectors.</summary>
    public static (double[] Values, double[,] Vectors) Decompose(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, scale = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    if (i != j) off += a[i, j] * a[i, j];
                    scale += a[i, j] * a[i, j];
                }
            if (off <= 1e-30 * scale || off == 0) break;
            for (int pi = 0; pi < n; pi++)
                for (int qi = pi + 1; qi < n; qi++)
                {
                    if (a[pi, qi] == 0) continue;
                    double theta = (a[qi, qi] - a[pi, pi]) / (2 * a[pi, qi]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, pi], akq = a[k, qi];
                        a[k, pi] = c * akp - s * akq;
                        a[k, qi] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[pi, k], aqk = a[qi, k];
                        a[pi, k] = c * apk - s * aqk;
                        a[qi, k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k, pi], vkq = v[k, qi];
                        v[k, pi] = c * vkp - s * vkq;
                        v[k, qi] = s * vkp + c * vkq;
                    }
                }
        }
        var order = Enumerable.Range(0, n).OrderBy(i => a[i, i]).ToArray();
        var values = order.Select(i => a[i, i]).ToArray();
        var vectors = new double[n, n];
        for (int c = 0; c < n; c++)
            for (int r = 0; r < n; r++) vectors[r, c] = v[r, order[c]];
        return (values, vectors);
    }
}
