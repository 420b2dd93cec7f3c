using KlGpu.Numerics;
using KlGpu.Numerics.Reference;

namespace KlGpu.Tests.MixtureBasins;

/// <summary>
/// A separate multi-start for a mixture q that shares nothing with the panels, the kernel, MixtureFit's gradient or
/// MixturePolish: values from the adaptive Gauss–Kronrod reference, gradients by five-point differences of it, BFGS with a
/// backtracking line search, in the coordinates (log w_1 − log w_K, …, means, log stds). Slow, so only a handful of starts.
/// </summary>
public static class IndependentMixtureFit
{
    public static double Value(GaussianMixture p, bool forward, double[] x)
    {
        var q = Mixture(x);
        return forward ? ReferenceKl.Forward(p, q) : ReferenceKl.Reverse(p, q);
    }

    /// <summary>x = (K − 1 relative log weights, K means, K log stds) → the mixture.</summary>
    public static GaussianMixture Mixture(double[] x)
    {
        int k = (x.Length + 1) / 3;
        double[] a = [.. x.Take(k - 1), 0.0];
        double top = a.Max();
        double[] w = a.Select(v => Math.Exp(v - top)).ToArray();
        double sum = w.Sum();
        return new GaussianMixture(w.Select(v => v / sum).ToArray(), x.Skip(k - 1).Take(k).ToArray(), x.Skip(2 * k - 1).Select(u => Math.Exp(u)).ToArray());
    }

    public static double[] Coordinates(GaussianMixture q)
    {
        int k = q.Count;
        return [.. Enumerable.Range(0, k - 1).Select(j => Math.Log(q.Weights[j] / q.Weights[k - 1])), .. q.Means, .. q.Stds.Select(s => Math.Log(s))];
    }

    public static double[] Gradient(GaussianMixture p, bool forward, double[] x, double h = 1e-3)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double At(double shift)
            {
                double[] y = (double[])x.Clone();
                y[i] += shift;
                return Value(p, forward, y);
            }
            g[i] = (-At(2 * h) + 8 * At(h) - 8 * At(-h) + At(-2 * h)) / (12 * h);
        }
        return g;
    }

    /// <summary>Central differences of the difference gradient, symmetrized.</summary>
    public static double[,] Hessian(GaussianMixture p, bool forward, double[] x, double h = 1e-3)
    {
        int n = x.Length;
        var hess = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double[] up = (double[])x.Clone(), down = (double[])x.Clone();
            up[j] += h;
            down[j] -= h;
            double[] gu = Gradient(p, forward, up), gd = Gradient(p, forward, down);
            for (int i = 0; i < n; i++) hess[i, j] = (gu[i] - gd[i]) / (2 * h);
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) hess[i, j] = hess[j, i] = 0.5 * (hess[i, j] + hess[j, i]);
        return hess;
    }

    /// <summary>BFGS from x until the gradient norm is below the tolerance; null if it does not get there.</summary>
    public static double[]? Minimize(GaussianMixture p, bool forward, double[] x, double tolerance = 1e-8, int maxIterations = 300)
    {
        int n = x.Length;
        var hInv = new double[n, n];
        for (int i = 0; i < n; i++) hInv[i, i] = 1;
        double f = Value(p, forward, x);
        double[] g = Gradient(p, forward, x);
        for (int it = 0; it < maxIterations; it++)
        {
            if (Math.Sqrt(g.Sum(v => v * v)) < tolerance) return x;
            double[] d = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) d[i] -= hInv[i, j] * g[j];
            double slope = d.Zip(g, (a, b) => a * b).Sum();
            if (slope >= 0)
            {
                // Not a descent direction: restart from the gradient.
                hInv = new double[n, n];
                for (int i = 0; i < n; i++) hInv[i, i] = 1;
                d = g.Select(v => -v).ToArray();
                slope = -g.Sum(v => v * v);
            }
            double t = 1, fNew = double.NaN;
            double[] xNew = x;
            for (; t > 1e-12; t *= 0.5)
            {
                xNew = x.Zip(d, (a, b) => a + t * b).ToArray();
                if (xNew.Skip(2 * ((n + 1) / 3) - 1).Any(u => Math.Abs(u) > 10)) continue;
                fNew = Value(p, forward, xNew);
                if (fNew <= f + 1e-4 * t * slope || Math.Abs(fNew - f) < 1e-15 * Math.Max(1, Math.Abs(f))) break;
            }
            if (t <= 1e-12) return null;
            double[] gNew = Gradient(p, forward, xNew);
            double[] s = xNew.Zip(x, (a, b) => a - b).ToArray(), y = gNew.Zip(g, (a, b) => a - b).ToArray();
            double sy = s.Zip(y, (a, b) => a * b).Sum();
            if (sy > 1e-300)
            {
                double[] hy = new double[n];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) hy[i] += hInv[i, j] * y[j];
                double yhy = y.Zip(hy, (a, b) => a * b).Sum();
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                        hInv[i, j] += (sy + yhy) * s[i] * s[j] / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
            }
            (x, f, g) = (xNew, fNew, gNew);
        }
        return null;
    }
}
