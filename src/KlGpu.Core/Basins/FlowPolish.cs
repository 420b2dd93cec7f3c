using KlGpu.Numerics;

namespace KlGpu.Basins;

/// <summary>
/// Saddle-free Newton in double on the host, on <see cref="SinhArcsinhFlow"/>'s analytic gradient: the Hessian is central
/// differences of the gradient, symmetrized; each eigen-direction is scaled by 1/max(|λ|, floor), so the flat directions of an
/// over-parameterized flow take no wild steps; a step is accepted when the value falls (Armijo) or, at rounding level, when
/// the gradient norm falls.
/// </summary>
public sealed class FlowPolish(GaussianMixture p, int kind)
{
    public const double Tolerance = 1e-9;
    const int MaxSteps = 60;
    const double DifferenceStep = 1e-5;
    /// <summary>Eigenvalues below this times the largest are flat when classifying.</summary>
    const double FlatEigenvalue = 1e-6;

    public ThetaStationary<double[]> Polish(double[] start)
    {
        double[] x = (double[])start.Clone();
        var (value, g) = At(x);
        double norm = Norm(g);
        double[,] h = Hessian(x);
        for (int step = 0; step < MaxSteps && norm >= Tolerance; step++)
        {
            var (lambda, vectors) = SymmetricEigen.Decompose(h);
            double floor = Math.Max(1e-6 * lambda.Max(Math.Abs), 1e-10);
            double[] delta = new double[x.Length];
            for (int i = 0; i < lambda.Length; i++)
            {
                double along = 0;
                for (int r = 0; r < x.Length; r++) along += vectors[r, i] * g[r];
                along /= Math.Max(Math.Abs(lambda[i]), floor);
                for (int r = 0; r < x.Length; r++) delta[r] -= along * vectors[r, i];
            }
            double slope = delta.Zip(g, (d, gi) => d * gi).Sum();
            bool moved = false;
            for (double t = 1; t > 1e-10; t *= 0.5)
            {
                double[] y = x.Zip(delta, (a, d) => a + t * d).ToArray();
                if (!Sane(y)) continue;
                var (v1, g1) = At(y);
                if (!double.IsFinite(v1)) continue;
                bool falls = v1 <= value + 1e-4 * t * slope;
                bool flat = Math.Abs(v1 - value) <= 1e-13 * Math.Max(1, Math.Abs(value)) && Norm(g1) < norm;
                if (falls || flat)
                {
                    (x, value, g, norm) = (y, v1, g1, Norm(g1));
                    moved = true;
                    break;
                }
            }
            if (!moved) break;
            h = Hessian(x);
        }
        var eigen = SymmetricEigen.Decompose(h).Values;
        double top = Math.Max(1, eigen.Max(Math.Abs));
        int flatCount = eigen.Count(l => Math.Abs(l) <= FlatEigenvalue * top);
        var kindOf = eigen.Min() >= -FlatEigenvalue * top ? ThetaKind.Minimum : ThetaKind.Saddle;
        return new ThetaStationary<double[]>(x, value, norm, eigen, kindOf, norm < Tolerance, flatCount);
    }

    static bool Sane(double[] x)
    {
        if (!x.All(double.IsFinite) || !(Math.Abs(x[1]) < SinhArcsinhFlow.LogScaleLimit)) return false;
        for (int k = 0; 2 + SinhArcsinhFlow.ParametersPerLayer * k < x.Length; k++)
            if (!(Math.Abs(x[3 + 4 * k]) < SinhArcsinhFlow.LogScaleLimit && Math.Abs(x[5 + 4 * k]) < SinhArcsinhFlow.LogScaleLimit)) return false;
        return true;
    }

    (double Value, double[] Gradient) At(double[] x)
    {
        var g = new double[x.Length];
        return (SinhArcsinhFlow.ValueAndGradient(kind, p, x, g), g);
    }

    double[,] Hessian(double[] x)
    {
        int n = x.Length;
        var h = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double[] up = (double[])x.Clone(), down = (double[])x.Clone();
            up[j] += DifferenceStep;
            down[j] -= DifferenceStep;
            double[] gu = At(up).Gradient, gd = At(down).Gradient;
            for (int i = 0; i < n; i++) h[i, j] = (gu[i] - gd[i]) / (2 * DifferenceStep);
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) h[i, j] = h[j, i] = 0.5 * (h[i, j] + h[j, i]);
        return h;
    }

    static double Norm(double[] g) => Math.Sqrt(g.Sum(v => v * v));

    /// <summary>z where two flows are compared: q's central 99.7 %.</summary>
    static readonly double[] Nodes = Enumerable.Range(-12, 25).Select(i => 0.25 * i).ToArray();

    /// <summary>
    /// How far apart two flows are as laws, in z: the largest |T_b⁻¹(T_a(z)) − z| over z in [−3, 3], and the same with a and b
    /// swapped. T_b⁻¹ ∘ T_a is the identity exactly when the two θ describe the same q (T is q's quantile function composed
    /// with Φ, so it pins q down), whatever symmetries the parameters have. Measured in z, not x, so a q with a deep trough
    /// (where T is steep and the quantiles move far while hardly any mass moves) is not split into many.
    /// </summary>
    public static double Distance(double[] a, double[] b)
    {
        if (a.Length != b.Length) return double.PositiveInfinity;
        int layers = (a.Length - 2) / SinhArcsinhFlow.ParametersPerLayer;
        var (va, vb) = (new ArrayVector(a), new ArrayVector(b));
        double most = 0;
        foreach (double z in Nodes)
        {
            most = Math.Max(most, Math.Abs(SinhArcsinhFlow.Inverse<double, F64, ArrayVector>(layers, vb, SinhArcsinhFlow.Map(a, z)) - z));
            most = Math.Max(most, Math.Abs(SinhArcsinhFlow.Inverse<double, F64, ArrayVector>(layers, va, SinhArcsinhFlow.Map(b, z)) - z));
        }
        return double.IsNaN(most) ? double.PositiveInfinity : most;
    }
}
