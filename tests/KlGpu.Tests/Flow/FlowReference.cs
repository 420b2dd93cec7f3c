using KlGpu.Numerics;
using KlGpu.Numerics.Reference;

namespace KlGpu.Tests.Flow;

/// <summary>
/// The flow's KLs by a route that shares nothing with SinhArcsinhFlow's panels, its inverse or its scores: T written again
/// with System.Math, T⁻¹ by bisection, q(x) = φ(T⁻¹(x)) / T′(T⁻¹(x)) with T′ by the product of the layers' slopes, log p by
/// a plain log-sum-exp, and the adaptive Gauss–Kronrod rule over x, cut at q's quantiles T(z) (z = −12…12) and at p's means
/// ± whole stds. Gradients are five-point differences of these values.
/// </summary>
public static class FlowReference
{
    public static double Map(double[] theta, double z) => Map(theta, z, out _);

    static double Map(double[] theta, double z, out double slope)
    {
        int layers = (theta.Length - 2) / 4;
        double y = z;
        slope = Math.Exp(theta[1]);
        for (int k = 0; k < layers; k++)
        {
            double alpha = theta[2 + 4 * k], scale = Math.Exp(theta[3 + 4 * k]), eps = theta[4 + 4 * k], delta = Math.Exp(theta[5 + 4 * k]);
            double u = alpha + scale * y, w = delta * Math.Asinh(u) + eps;
            slope *= scale * delta * Math.Cosh(w) / Math.Sqrt(1 + u * u);
            y = Math.Sinh(w);
        }
        return theta[0] + Math.Exp(theta[1]) * y;
    }

    /// <summary>T⁻¹(x) by bisection on the increasing T.</summary>
    public static double Inverse(double[] theta, double x)
    {
        double lo = -1, hi = 1;
        while (Map(theta, lo) > x) lo *= 2;
        while (Map(theta, hi) < x) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 0; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (Map(theta, mid) < x) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    public static double LogQ(double[] theta, double x)
    {
        double z = Inverse(theta, x);
        Map(theta, z, out double slope);
        return -0.5 * z * z - 0.5 * Math.Log(2 * Math.PI) - Math.Log(slope);
    }

    public static double LogP(GaussianMixture p, double x)
    {
        var terms = Enumerable.Range(0, p.Count)
            .Select(k => Math.Log(p.Weights[k]) - Math.Log(p.Stds[k]) - 0.5 * Math.Log(2 * Math.PI) - 0.5 * Math.Pow((x - p.Means[k]) / p.Stds[k], 2)).ToArray();
        double top = terms.Max();
        return top + Math.Log(terms.Sum(t => Math.Exp(t - top)));
    }

    static List<double> Cuts(GaussianMixture p, double[] theta, bool forward)
    {
        var cuts = new SortedSet<double>();
        for (int z = -12; z <= 12; z++) cuts.Add(Map(theta, z));
        for (int k = 0; k < p.Count; k++)
            for (int j = -12; j <= 12; j++) cuts.Add(p.Means[k] + j * p.Stds[k]);
        double lo = cuts.Min, hi = cuts.Max;
        // Forward KL lives on p's windows, reverse on q's: keep the other's cuts only inside them.
        if (forward) (lo, hi) = (p.Means.Zip(p.Stds).Min(m => m.First - 12 * m.Second), p.Means.Zip(p.Stds).Max(m => m.First + 12 * m.Second));
        else (lo, hi) = (Map(theta, -12), Map(theta, 12));
        return cuts.Where(c => c >= lo && c <= hi).ToList();
    }

    public static double Reverse(GaussianMixture p, double[] theta)
    {
        var r = GaussKronrod.G10K21.Integrate(x =>
        {
            double lq = LogQ(theta, x);
            return Math.Exp(lq) * (lq - LogP(p, x));
        }, Cuts(p, theta, forward: false), 1e-13, 1e-15, 100000);
        return r.Value;
    }

    public static double Forward(GaussianMixture p, double[] theta)
    {
        var r = GaussKronrod.G10K21.Integrate(x =>
        {
            double lp = LogP(p, x);
            return Math.Exp(lp) * (lp - LogQ(theta, x));
        }, Cuts(p, theta, forward: true), 1e-13, 1e-15, 100000);
        return r.Value;
    }

    public static double Value(GaussianMixture p, double[] theta, bool forward) => forward ? Forward(p, theta) : Reverse(p, theta);

    public static double[] Gradient(GaussianMixture p, double[] theta, bool forward, double h = 1e-3)
    {
        var g = new double[theta.Length];
        for (int i = 0; i < theta.Length; i++)
        {
            double At(double shift)
            {
                double[] y = (double[])theta.Clone();
                y[i] += shift;
                return Value(p, y, forward);
            }
            g[i] = (-At(2 * h) + 8 * At(h) - 8 * At(-h) + At(-2 * h)) / (12 * h);
        }
        return g;
    }
}
