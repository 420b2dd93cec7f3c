namespace KlGpu.Numerics.Reference;

/// <summary>The result of an adaptive quadrature: the value, its estimated absolute error, and whether
/// the requested tolerance was reached before the subdivision cap.</summary>
public readonly record struct QuadratureResult(double Value, double Error, int Intervals, bool Converged);

/// <summary>
/// Globally adaptive Gauss–Kronrod quadrature (an n-point Gauss rule embedded in a (2n+1)-point Kronrod rule)
/// for tests only. The nodes and weights are not typed in: they are computed once, in double, from the
/// Legendre recurrence (Gauss) and from the Stieltjes polynomial (Kronrod), and a test checks that the rules
/// integrate polynomials to their design degree. Nothing here is shared with the engine's quadrature.
/// </summary>
public sealed class GaussKronrod
{
    /// <summary>Number of Gauss nodes n; the Kronrod rule has 2n+1 nodes and degree 3n+1.</summary>
    public int GaussPoints { get; }

    /// <summary>The 2n+1 Kronrod nodes on [-1, 1], ascending.</summary>
    public double[] Nodes { get; }

    /// <summary>Kronrod weights for <see cref="Nodes"/>.</summary>
    public double[] KronrodWeights { get; }

    /// <summary>Gauss weights for <see cref="Nodes"/> (zero at the nodes the Gauss rule does not use).</summary>
    public double[] GaussWeights { get; }

    /// <summary>The 10-point Gauss / 21-point Kronrod pair.</summary>
    public static GaussKronrod G10K21 { get; } = new(10);

    public GaussKronrod(int gaussPoints)
    {
        if (gaussPoints < 1) throw new ArgumentOutOfRangeException(nameof(gaussPoints));
        int n = gaussPoints;
        GaussPoints = n;

        double[] gaussNodes = GaussLegendreNodes(n);
        double[] stieltjesRoots = StieltjesRoots(n, gaussNodes);

        Nodes = gaussNodes.Concat(stieltjesRoots).Order().ToArray();
        KronrodWeights = MomentWeights(Nodes);
        GaussWeights = new double[Nodes.Length];
        for (int i = 0; i < Nodes.Length; i++)
        {
            int g = Array.IndexOf(gaussNodes, Nodes[i]);
            if (g >= 0) GaussWeights[i] = GaussLegendreWeight(n, gaussNodes[g]);
        }
    }

    /// <summary>
    /// ∫_a^b f over the sorted break points (at least two; the first and last are the ends). Intervals are
    /// bisected, largest error first, until the summed error is below max(absTol, relTol·|I|) or below the
    /// rounding floor of the summed |f|, or until maxIntervals is reached.
    /// </summary>
    public QuadratureResult Integrate(Func<double, double> f, IReadOnlyList<double> breakPoints,
        double relTol = 1e-14, double absTol = 1e-14, int maxIntervals = 20000)
    {
        if (breakPoints.Count < 2) throw new ArgumentException("need at least two break points", nameof(breakPoints));
        var queue = new PriorityQueue<Piece, double>(Comparer<double>.Create((x, y) => y.CompareTo(x)));
        double total = 0, error = 0, totalAbs = 0;
        int intervals = 0;
        for (int i = 0; i + 1 < breakPoints.Count; i++)
        {
            double a = breakPoints[i], b = breakPoints[i + 1];
            if (!(b > a)) throw new ArgumentException("break points must be strictly increasing", nameof(breakPoints));
            Piece piece = Apply(f, a, b);
            total += piece.Value; error += piece.Error; totalAbs += piece.AbsValue;
            queue.Enqueue(piece, piece.Error);
            intervals++;
        }

        while (true)
        {
            double roundingFloor = 64 * Eps * totalAbs;
            double target = Math.Max(Math.Max(absTol, relTol * Math.Abs(total)), roundingFloor);
            if (error <= target) return new QuadratureResult(total, error, intervals, true);
            if (intervals >= maxIntervals || queue.Count == 0) return new QuadratureResult(total, error, intervals, false);

            Piece worst = queue.Dequeue();
            double mid = 0.5 * (worst.A + worst.B);
            if (!(mid > worst.A && mid < worst.B))
            {
                // Too narrow to split in double: its error stays in the sum, it leaves the queue.
                continue;
            }
            Piece left = Apply(f, worst.A, mid), right = Apply(f, mid, worst.B);
            total += left.Value + right.Value - worst.Value;
            error += left.Error + right.Error - worst.Error;
            totalAbs += left.AbsValue + right.AbsValue - worst.AbsValue;
            queue.Enqueue(left, left.Error);
            queue.Enqueue(right, right.Error);
            intervals++;
        }
    }

    const double Eps = 2.220446049250313e-16;

    readonly record struct Piece(double A, double B, double Value, double Error, double AbsValue);

    Piece Apply(Func<double, double> f, double a, double b)
    {
        double half = 0.5 * (b - a), centre = 0.5 * (a + b);
        double kronrod = 0, gauss = 0, abs = 0;
        for (int i = 0; i < Nodes.Length; i++)
        {
            double fx = f(centre + half * Nodes[i]);
            if (!double.IsFinite(fx))
                throw new ArithmeticException($"integrand is {fx} at x = {centre + half * Nodes[i]}");
            kronrod += KronrodWeights[i] * fx;
            gauss += GaussWeights[i] * fx;
            abs += KronrodWeights[i] * Math.Abs(fx);
        }
        // The raw Kronrod–Gauss difference bounds the Gauss rule's error, so it is a pessimistic
        // (safe) estimate for the Kronrod value we return.
        return new Piece(a, b, kronrod * half, Math.Abs(kronrod - gauss) * half, abs * half);
    }

    // ---- Rule construction (double precision, once per instance) ----

    /// <summary>P_0..P_degree at x by the three-term recurrence.</summary>
    static double[] Legendre(int degree, double x)
    {
        var p = new double[degree + 1];
        p[0] = 1;
        if (degree >= 1) p[1] = x;
        for (int k = 1; k < degree; k++)
            p[k + 1] = ((2 * k + 1) * x * p[k] - k * p[k - 1]) / (k + 1);
        return p;
    }

    /// <summary>(P_n(x), P_n'(x)).</summary>
    static (double P, double D) LegendreWithDerivative(int n, double x)
    {
        double[] p = Legendre(n, x);
        double pn = p[n], pn1 = n >= 1 ? p[n - 1] : 0;
        // (1 - x²) P_n' = n (P_{n-1} − x P_n); valid inside (-1, 1), where all nodes lie.
        return (pn, n * (pn1 - x * pn) / (1 - x * x));
    }

    /// <summary>The n Gauss–Legendre nodes, ascending, by Newton's method from Chebyshev-like guesses.</summary>
    static double[] GaussLegendreNodes(int n)
    {
        var nodes = new double[n];
        for (int i = 0; i < n; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            for (int iter = 0; iter < 100; iter++)
            {
                (double p, double d) = LegendreWithDerivative(n, x);
                double step = p / d;
                x -= step;
                if (Math.Abs(step) < 1e-17) break;
            }
            nodes[n - 1 - i] = x;
        }
        return nodes;
    }

    static double GaussLegendreWeight(int n, double x)
    {
        (_, double d) = LegendreWithDerivative(n, x);
        return 2 / ((1 - x * x) * d * d);
    }

    /// <summary>
    /// Roots of the Stieltjes polynomial E_{n+1} = P_{n+1} + Σ_{j≤n} c_j P_j, defined by ∫ P_n E_{n+1} P_k = 0 for
    /// k = 0..n. For the Legendre weight its roots are real and interlace with the Gauss nodes, so each lies in
    /// one bracket (−1, x_1), (x_1, x_2), …, (x_n, 1) and is found by bisection.
    /// </summary>
    static double[] StieltjesRoots(int n, double[] gaussNodes)
    {
        // Triple products ∫ P_n P_k P_j for k, j ≤ n+1 (degree ≤ 3n+2), exactly by a Gauss rule with enough nodes.
        int m = (3 * n + 4) / 2 + 1;
        double[] xs = GaussLegendreNodes(m);
        double[] ws = xs.Select(x => GaussLegendreWeight(m, x)).ToArray();
        var triple = new double[n + 1, n + 2];
        for (int q = 0; q < m; q++)
        {
            double[] p = Legendre(n + 1, xs[q]);
            for (int k = 0; k <= n; k++)
                for (int j = 0; j <= n + 1; j++)
                    triple[k, j] += ws[q] * p[n] * p[k] * p[j];
        }
        var matrix = new double[n + 1, n + 1];
        var rhs = new double[n + 1];
        for (int k = 0; k <= n; k++)
        {
            for (int j = 0; j <= n; j++) matrix[k, j] = triple[k, j];
            rhs[k] = -triple[k, n + 1];
        }
        double[] c = Solve(matrix, rhs);

        double E(double x)
        {
            double[] p = Legendre(n + 1, x);
            double s = p[n + 1];
            for (int j = 0; j <= n; j++) s += c[j] * p[j];
            return s;
        }

        var roots = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            double lo = i == 0 ? -1 : gaussNodes[i - 1];
            double hi = i == n ? 1 : gaussNodes[i];
            double flo = E(lo), fhi = E(hi);
            if (Math.Sign(flo) == Math.Sign(fhi))
                throw new InvalidOperationException($"Stieltjes polynomial has no sign change in ({lo}, {hi})");
            while (true)
            {
                double mid = 0.5 * (lo + hi);
                if (!(mid > lo && mid < hi)) break;
                double fmid = E(mid);
                if (fmid == 0) { lo = hi = mid; break; }
                if (Math.Sign(fmid) == Math.Sign(flo)) { lo = mid; flo = fmid; } else { hi = mid; }
            }
            roots[i] = 0.5 * (lo + hi);
        }
        return roots;
    }

    /// <summary>Weights that make the rule on these nodes integrate P_0..P_{N-1} exactly (∫P_0 = 2, ∫P_j = 0).</summary>
    static double[] MomentWeights(double[] nodes)
    {
        int count = nodes.Length;
        var matrix = new double[count, count];
        var rhs = new double[count];
        rhs[0] = 2;
        for (int i = 0; i < count; i++)
        {
            double[] p = Legendre(count - 1, nodes[i]);
            for (int j = 0; j < count; j++) matrix[j, i] = p[j];
        }
        return Solve(matrix, rhs);
    }

    /// <summary>Gaussian elimination with partial pivoting.</summary>
    static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        a = (double[,])a.Clone();
        b = (double[])b.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (a[pivot, col] == 0) throw new InvalidOperationException("singular system");
            if (pivot != col)
            {
                for (int j = 0; j < n; j++) (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
                (b[col], b[pivot]) = (b[pivot], b[col]);
            }
            for (int r = col + 1; r < n; r++)
            {
                double factor = a[r, col] / a[col, col];
                if (factor == 0) continue;
                for (int j = col; j < n; j++) a[r, j] -= factor * a[col, j];
                b[r] -= factor * b[col];
            }
        }
        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int j = r + 1; j < n; j++) s -= a[r, j] * x[j];
            x[r] = s / a[r, r];
        }
        return x;
    }
}
