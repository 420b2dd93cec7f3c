using KlGpu.Numerics;
using KlGpu.Numerics.Reference;

namespace KlGpu.Tests.Basins;

/// <summary>
/// A separate CPU multi-start in double precision that shares no code with the kernels, the restart loop or
/// BasinFinder: values and gradients from the adaptive Gauss–Kronrod reference, gradient descent with an
/// Armijo backtracking line search on the value, then Newton with a forward-difference Hessian, and
/// classification of the end points by that Hessian.
/// </summary>
public static class IndependentMultiStart
{
    public sealed record Point(double Mu, double LogSigma, double Value, double[] Eigenvalues)
    {
        public bool IsMinimum => Eigenvalues.Min() > -1e-6;
    }

    public static List<Point> StationaryPoints(GaussianMixture p, bool reverse, double? fixedSigma,
        IEnumerable<(double Mu, double LogSigma)> starts)
    {
        var found = new List<Point>();
        foreach (var (mu0, s0) in starts)
        {
            var point = Descend(p, reverse, fixedSigma, mu0, fixedSigma is { } f ? Math.Log(f) : s0);
            if (point is null) continue;
            if (!found.Any(q => Math.Abs(q.Mu - point.Mu) < 1e-5 && Math.Abs(q.LogSigma - point.LogSigma) < 1e-5)) found.Add(point);
        }
        return found;
    }

    /// <summary>Newton alone (no descent), each step at most 0.02 long (near a fold the Hessian is almost singular and a full
    /// step would leap away): the nearest stationary point, or null if there is none within maxDistance.</summary>
    public static Point? NewtonFrom(GaussianMixture p, bool reverse, double mu, double s, double maxDistance)
    {
        double mu0 = mu, s0 = s;
        var g = Gradient(p, reverse, false, mu, s);
        for (int it = 0; it < 200 && Math.Sqrt(g.Mu * g.Mu + g.S * g.S) > 1e-10; it++)
        {
            var step = Solve(Hessian(p, reverse, false, mu, s, g), g);
            double length = Math.Max(Math.Abs(step[0]), Math.Abs(step[1]));
            if (length > 0.02) step = [step[0] * 0.02 / length, step[1] * 0.02 / length];
            mu -= step[0];
            s -= step[1];
            if (!double.IsFinite(mu) || !double.IsFinite(s) || Math.Max(Math.Abs(mu - mu0), Math.Abs(s - s0)) > maxDistance) return null;
            g = Gradient(p, reverse, false, mu, s);
        }
        if (Math.Sqrt(g.Mu * g.Mu + g.S * g.S) > 1e-8) return null;
        return new Point(mu, s, Value(p, reverse, mu, s), Eigen(Hessian(p, reverse, false, mu, s, g)));
    }

    public static double Value(GaussianMixture p, bool reverse, double mu, double s)
    {
        var q = GaussianMixture.Gaussian(mu, Math.Exp(s));
        return reverse ? ReferenceKl.Reverse(p, q) : ReferenceKl.Forward(p, q);
    }

    /// <summary>Gradient in (μ, log σ) from the reference's (∂/∂μ, ∂/∂σ).</summary>
    static (double Mu, double S) Gradient(GaussianMixture p, bool reverse, bool fixedSigma, double mu, double s)
    {
        double sigma = Math.Exp(s);
        var (dMu, dSigma) = reverse ? ReferenceKl.ReverseGradient(p, mu, sigma) : ReferenceKl.ForwardGradient(p, mu, sigma);
        return (dMu, fixedSigma ? 0 : sigma * dSigma);
    }

    static Point? Descend(GaussianMixture p, bool reverse, double? fixedSigma, double mu, double s)
    {
        bool fix = fixedSigma is not null;
        double f = Value(p, reverse, mu, s);
        var g = Gradient(p, reverse, fix, mu, s);
        // Descent until the gradient is small enough for Newton to take over safely.
        for (int it = 0; it < 400 && Math.Sqrt(g.Mu * g.Mu + g.S * g.S) > 1e-4; it++)
        {
            double t = 1, g2 = g.Mu * g.Mu + g.S * g.S;
            while (t > 1e-12)
            {
                double m1 = mu - t * g.Mu, s1 = s - t * g.S, f1 = Value(p, reverse, m1, s1);
                if (f1 <= f - 1e-4 * t * g2) { (mu, s, f) = (m1, s1, f1); break; }
                t *= 0.5;
            }
            if (t <= 1e-12) break;
            g = Gradient(p, reverse, fix, mu, s);
        }
        for (int it = 0; it < 30; it++)
        {
            var h = Hessian(p, reverse, fix, mu, s, g);
            double[] step = fix ? [g.Mu / h[0, 0], 0] : Solve(h, g);
            mu -= step[0];
            s -= step[1];
            g = Gradient(p, reverse, fix, mu, s);
            if (Math.Sqrt(g.Mu * g.Mu + g.S * g.S) < 1e-10) break;
        }
        if (Math.Sqrt(g.Mu * g.Mu + g.S * g.S) > 1e-8) return null;
        var hh = Hessian(p, reverse, fix, mu, s, g);
        double[] eig = fix ? [hh[0, 0]] : Eigen(hh);
        return new Point(mu, s, Value(p, reverse, mu, s), eig);
    }

    static double[,] Hessian(GaussianMixture p, bool reverse, bool fix, double mu, double s, (double Mu, double S) g)
    {
        const double h = 1e-6;
        var gm = Gradient(p, reverse, fix, mu + h, s);
        if (fix) return new[,] { { (gm.Mu - g.Mu) / h } };
        var gs = Gradient(p, reverse, fix, mu, s + h);
        double cross = 0.5 * ((gm.S - g.S) + (gs.Mu - g.Mu)) / h;
        return new[,] { { (gm.Mu - g.Mu) / h, cross }, { cross, (gs.S - g.S) / h } };
    }

    static double[] Solve(double[,] h, (double Mu, double S) g)
    {
        double det = h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0];
        return [(h[1, 1] * g.Mu - h[0, 1] * g.S) / det, (h[0, 0] * g.S - h[1, 0] * g.Mu) / det];
    }

    static double[] Eigen(double[,] h)
    {
        double tr = h[0, 0] + h[1, 1], det = h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0];
        double disc = Math.Sqrt(Math.Max(0, tr * tr / 4 - det));
        return [tr / 2 - disc, tr / 2 + disc];
    }
}
