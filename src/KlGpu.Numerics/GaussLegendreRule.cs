namespace KlGpu.Numerics;

/// <summary>
/// The n-point Gauss–Legendre rule on [−1, 1]: exact for polynomials of degree ≤ 2n − 1.
/// Nodes by Newton's method on the three-term recurrence, in double, once on the host.
/// </summary>
public sealed class GaussLegendreRule
{
    public int Order { get; }
    public double[] Nodes { get; }
    public double[] Weights { get; }

    public GaussLegendreRule(int order)
    {
        if (order < 1) throw new ArgumentOutOfRangeException(nameof(order));
        Order = order;
        Nodes = new double[order];
        Weights = new double[order];
        for (int i = 0; i < (order + 1) / 2; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (order + 0.5)), dp = 0;
            for (int iter = 0; iter < 100; iter++)
            {
                (double p, double d) = Legendre(order, x);
                dp = d;
                double dx = p / d;
                x -= dx;
                if (Math.Abs(dx) < 1e-16) break;
            }
            dp = Legendre(order, x).Derivative;
            double w = 2 / ((1 - x * x) * dp * dp);
            Nodes[i] = -x; Weights[i] = w;
            Nodes[order - 1 - i] = x; Weights[order - 1 - i] = w;
        }
    }

    /// <summary>∫_a^b f(x) dx.</summary>
    public double Integrate(Func<double, double> f, double a, double b)
    {
        double c = 0.5 * (a + b), h = 0.5 * (b - a), s = 0;
        for (int i = 0; i < Order; i++) s += Weights[i] * f(c + h * Nodes[i]);
        return s * h;
    }

    static (double Value, double Derivative) Legendre(int n, double x)
    {
        double p0 = 1, p1 = x;
        for (int k = 2; k <= n; k++)
        {
            double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
            p0 = p1; p1 = p2;
        }
        double d = n * (x * p1 - p0) / (x * x - 1);
        return (n == 0 ? 1 : p1, d);
    }
}
