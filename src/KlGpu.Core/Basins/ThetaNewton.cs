namespace KlGpu.Basins;

/// <summary>
/// The Newton iteration of every θ polish (<see cref="MixturePolish"/>, <see cref="FlowPolish"/>), in double on the host over
/// the family's value and analytic gradient. Each step's eigen-directions are scaled by 1/max(|λ|, floor), the floor relative
/// to the largest |λ|, so flat directions take no wild steps. Saddle-free (the default), every direction descends and a step
/// is accepted when the value falls (Armijo) or, at rounding level, when the gradient norm falls; plain Newton
/// (<see cref="SaddleFree"/> false) goes against a negative λ, so it converges to saddles as well, and accepts a step when
/// the gradient norm falls. A step backtracks by halves over the points the family calls sane.
/// </summary>
internal sealed class ThetaNewton
{
    public required Func<double[], (double Value, double[] Gradient)> At { get; init; }

    /// <summary>The Hessian that aims each step (it may come from a coarser gradient than <see cref="At"/>'s).</summary>
    public required Func<double[], double[,]> StepHessian { get; init; }

    /// <summary>Whether a trial point is one the objective evaluates reliably (parameters within the kernels' limits).</summary>
    public required Func<double[], bool> Sane { get; init; }

    public required int MaxSteps { get; init; }
    public required double Tolerance { get; init; }

    /// <summary>The eigenvalue floor: the larger of <see cref="RelativeFloor"/> times the largest |λ| and <see cref="AbsoluteFloor"/>.</summary>
    public required double RelativeFloor { get; init; }
    public required double AbsoluteFloor { get; init; }

    public bool SaddleFree { get; init; } = true;

    /// <summary>Bounds a step (from x, the step): the step to take, or null to stop.</summary>
    public Func<double[], double[], double[]?>? Bound { get; init; }

    /// <summary>Stops after an accepted step.</summary>
    public Func<double[], bool>? Stop { get; init; }

    /// <summary>Where Newton stops: the point, its value and gradient norm, and the last step Hessian.</summary>
    public (double[] X, double Value, double Norm, double[,] Hessian) Run(double[] start)
    {
        double[] x = start;
        var (value, g) = At(x);
        double[,] h = StepHessian(x);
        double norm = Norm(g);
        for (int step = 0; step < MaxSteps && norm >= Tolerance; step++)
        {
            var (lambda, vectors) = SymmetricEigen.Decompose(h);
            double floor = Math.Max(RelativeFloor * lambda.Max(Math.Abs), AbsoluteFloor);
            double[] delta = new double[x.Length];
            for (int i = 0; i < lambda.Length; i++)
            {
                double along = 0;
                for (int r = 0; r < x.Length; r++) along += vectors[r, i] * g[r];
                double size = Math.Max(Math.Abs(lambda[i]), floor);
                along /= SaddleFree || lambda[i] >= 0 ? size : -size;
                for (int r = 0; r < x.Length; r++) delta[r] -= along * vectors[r, i];
            }
            if (Bound is not null && Bound(x, delta) is var bounded)
            {
                if (bounded is null) break;
                delta = bounded;
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
                if (SaddleFree ? falls || flat : Norm(g1) < norm)
                {
                    (x, value, g, norm) = (y, v1, g1, Norm(g1));
                    moved = true;
                    break;
                }
            }
            if (!moved) break;
            h = StepHessian(x);
            if (Stop is not null && Stop(x)) break;
        }
        return (x, value, norm, h);
    }

    /// <summary>Central differences of <paramref name="gradient"/> with step <paramref name="step"/>, symmetrized.</summary>
    public static double[,] Hessian(double[] x, Func<double[], double[]> gradient, double step)
    {
        int n = x.Length;
        var h = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double[] up = (double[])x.Clone(), down = (double[])x.Clone();
            up[j] += step;
            down[j] -= step;
            double[] gu = gradient(up), gd = gradient(down);
            for (int i = 0; i < n; i++) h[i, j] = (gu[i] - gd[i]) / (2 * step);
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) h[i, j] = h[j, i] = 0.5 * (h[i, j] + h[j, i]);
        return h;
    }

    public static double Norm(double[] g) => Math.Sqrt(g.Sum(v => v * v));
}
