using KlGpu.Numerics;

namespace KlGpu.Basins;

/// <summary>
/// Saddle-free Newton (<see cref="ThetaNewton"/>) in double on the host, on <see cref="SinhArcsinhFlow"/>'s analytic gradient,
/// with a floor on |λ| high enough that the flat directions of an over-parameterized flow take no wild steps.
/// </summary>
public sealed class FlowPolish(GaussianMixture p, FIntegrand kind)
{
    public const double Tolerance = 1e-9;
    const int MaxSteps = 60;
    const double DifferenceStep = 1e-5;
    /// <summary>Eigenvalues below this times the largest are flat when classifying.</summary>
    const double FlatEigenvalue = 1e-6;

    public ThetaStationary<double[]> Polish(double[] start)
    {
        var (x, value, norm, h) = new ThetaNewton
        {
            At = At,
            StepHessian = Hessian,
            Sane = Sane,
            MaxSteps = MaxSteps,
            Tolerance = Tolerance,
            RelativeFloor = 1e-6,
            AbsoluteFloor = 1e-10,
        }.Run((double[])start.Clone());
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

    double[,] Hessian(double[] x) => ThetaNewton.Hessian(x, y => At(y).Gradient, DifferenceStep);

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
