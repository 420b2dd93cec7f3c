using System.Numerics;

namespace KlGpu.Numerics;

/// <summary>
/// A normalizing flow q: the law of x = T(z), z ~ N(0, 1), with T = A ∘ S_K ∘ … ∘ S_1 an affine base A(y) = μ + σy over K
/// sinh–arcsinh layers S_k(y) = sinh(δ_k asinh(α_k + e^{β_k} y) + ε_k), δ_k = e^{γ_k}. θ = (μ, log σ, then α, β, ε, γ per
/// layer, layer 1 first): 2 + 4K numbers. A layer is the identity at α = β = ε = γ = 0, so K = 0 is N(μ, σ) exactly, and every
/// layer is monotone increasing with a closed-form inverse, so log q(x) = log φ(T⁻¹(x)) − log T′(T⁻¹(x)) needs no search.
/// A layer's input affine (α, β) is what lets stacked layers differ from one: two plain sinh–arcsinh maps compose into one.
/// δ &lt; 1 thins a layer's tails and, after a wide input, makes q bimodal; δ &gt; 1 thickens them; ε skews.
///
/// Both KLs are integrals in z on Gauss–Legendre panels cut at (1) every <see cref="ZStep"/> of z within ±<see cref="Window"/>
/// (q's own mass), (2) the z-images of every <see cref="ComponentStep"/> std of each component of p within ±Window of its
/// stds (p's mass, and p's features under a wide q), (3) the z-images of p's crossings' panels (where log p turns from one
/// parabola to the next) and (4) every <see cref="AsinhStep"/> of each layer's asinh(input) (the layer's own turn, at
/// input ±1, and its logarithmic tails). Every cut is mapped to z in closed form, so the panels follow q however it is
/// stretched. Reverse KL = E_z[log φ(z) − log T′(z) − log p(T(z))] walks |z| ≤ Window; forward KL =
/// ∫ p(T(z)) T′(z) [log p(T(z)) − log q(T(z))] dz walks the z-image of p's windows. Gradients are the chain rule, backwards
/// through the layers: reverse by reparameterization, forward as −E_p[∂_θ log q(x)] at fixed x (through T⁻¹).
/// Written once, generic over the precision and the storage, for the restart kernel and the host polish.
/// </summary>
public static class SinhArcsinhFlow
{
    public const int ParametersPerLayer = 4;
    public const int MaxLayers = 8;
    /// <summary>z window for q's mass and p-component windows, in stds: the mass beyond is 2e-33.</summary>
    public const double Window = 12;
    /// <summary>Panel cuts every this much of z, of a component's std, and of a layer's asinh(input).</summary>
    public const double ZStep = 1, ComponentStep = 1, AsinhStep = 0.5;
    /// <summary>A walk of more panels than this is refused as not finite (q stretched beyond what the rule can follow).</summary>
    public const int MaxPanels = 20000;
    /// <summary>|log σ|, |β_k| and |γ_k| above this leave the domain (the restarts stop there as diverged).</summary>
    public const double LogScaleLimit = 40;

    public static int Parameters(int layers) => 2 + ParametersPerLayer * layers;

    /// <summary>Scratch numbers the walk needs per restart besides θ and the gradient: the layers' outputs at one z.</summary>
    public static int Scratch(int layers) => layers + 1;

    public static T Sinh<T, R>(T w) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T a = T.Abs(w);
        if (a < R.Of(0.25))
        {
            // Taylor to w¹¹: below 3e-18 relative here, where (eʷ − e⁻ʷ)/2 would lose the leading digits.
            T w2 = w * w;
            return w * (T.One + w2 / R.Of(6) * (T.One + w2 / R.Of(20) * (T.One + w2 / R.Of(42) * (T.One + w2 / R.Of(72) * (T.One + w2 / R.Of(110))))));
        }
        T e = T.Exp(a), s = R.Of(0.5) * (e - T.One / e);
        return w < T.Zero ? -s : s;
    }

    public static T Cosh<T, R>(T w) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T e = T.Exp(T.Abs(w));
        return R.Of(0.5) * (e + T.One / e);
    }

    /// <summary>log cosh w = |w| + log(1 + e^{−2|w|}) − log 2, finite for every finite w.</summary>
    public static T LogCosh<T, R>(T w) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T a = T.Abs(w);
        return a + LogMixture.LogOnePlus(T.Exp(-(a + a))) - R.Of(0.69314718055994530942);
    }

    public static T Tanh<T, R>(T w) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T a = T.Abs(w);
        T t = a < R.Of(0.25) ? Sinh<T, R>(a) / Cosh<T, R>(a) : (T.One - T.Exp(-(a + a))) / (T.One + T.Exp(-(a + a)));
        return w < T.Zero ? -t : t;
    }

    /// <summary>asinh u = sign(u) log(|u| + √(u² + 1)), as log(1 + s) near 0 and log 2|u| far out (u² would overflow).</summary>
    public static T Asinh<T, R>(T u) where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
    {
        T a = T.Abs(u), r;
        if (a > R.Of(1e8)) r = T.Log(a) + R.Of(0.69314718055994530942);
        else r = LogMixture.LogOnePlus(a + a * a / (T.One + T.Sqrt(T.One + a * a)));
        return u < T.Zero ? -r : r;
    }

    static T Alpha<T, V>(in V theta, int k) where T : unmanaged where V : struct, IVector<T> => theta[2 + ParametersPerLayer * k];
    static T Beta<T, V>(in V theta, int k) where T : unmanaged where V : struct, IVector<T> => theta[3 + ParametersPerLayer * k];
    static T Epsilon<T, V>(in V theta, int k) where T : unmanaged where V : struct, IVector<T> => theta[4 + ParametersPerLayer * k];
    static T Gamma<T, V>(in V theta, int k) where T : unmanaged where V : struct, IVector<T> => theta[5 + ParametersPerLayer * k];

    /// <summary>x = T(z), with log T′(z); the layers' outputs y_0 = z, y_1, …, y_K go to <paramref name="ys"/>.</summary>
    public static T Forward<T, R, V>(int layers, in V theta, T z, V ys, out T logSlope)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where V : struct, IVector<T>
    {
        T y = z;
        ys[0] = y;
        logSlope = theta[1];
        for (int k = 0; k < layers; k++)
        {
            T u = Alpha<T, V>(theta, k) + T.Exp(Beta<T, V>(theta, k)) * y;
            T a = Asinh<T, R>(u), g = Gamma<T, V>(theta, k);
            T w = T.Exp(g) * a + Epsilon<T, V>(theta, k);
            y = Sinh<T, R>(w);
            ys[k + 1] = y;
            logSlope += Beta<T, V>(theta, k) + g + LogCosh<T, R>(w) - LogCosh<T, R>(a);
        }
        return theta[0] + T.Exp(theta[1]) * y;
    }

    /// <summary>The input of layer <paramref name="layer"/> (y_layer, 0-based: z for layer 0) that gives y as the output of
    /// layer <paramref name="layer"/> − 1, through the closed-form inverses of layers layer − 1, …, 0: y_layer ↦ z.</summary>
    public static T InverseFrom<T, R, V>(in V theta, int layer, T y)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where V : struct, IVector<T>
    {
        for (int k = layer - 1; k >= 0; k--)
        {
            T a = (Asinh<T, R>(y) - Epsilon<T, V>(theta, k)) * T.Exp(-Gamma<T, V>(theta, k));
            y = (Sinh<T, R>(a) - Alpha<T, V>(theta, k)) * T.Exp(-Beta<T, V>(theta, k));
        }
        return y;
    }

    /// <summary>z = T⁻¹(x).</summary>
    public static T Inverse<T, R, V>(int layers, in V theta, T x)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where V : struct, IVector<T>
        => InverseFrom<T, R, V>(theta, layers, (x - theta[0]) * T.Exp(-theta[1]));

    /// <summary>log q(x) = log φ(T⁻¹(x)) − log T′(T⁻¹(x)).</summary>
    public static T LogDensity<T, R, V>(int layers, in V theta, T x, V ys)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where V : struct, IVector<T>
    {
        T z = Inverse<T, R, V>(layers, theta, x);
        Forward<T, R, V>(layers, theta, z, ys, out T logSlope);
        return -R.Of(0.5) * z * z - R.Of(Normal.LogSqrt2Pi) - logSlope;
    }

    /// <summary>
    /// The divergence (<see cref="FIntegrand.ForwardKl"/> or <see cref="FIntegrand.ReverseKl"/>) between p and q_θ, and its
    /// gradient in θ written to <paramref name="gradient"/>. <paramref name="ys"/> is scratch for K + 1 numbers. NaN where
    /// the walk would exceed <see cref="MaxPanels"/> panels.
    /// </summary>
    public static T ValueAndGradient<T, R, SP, V, RU>(FIntegrand kind, in SP p, int layers, in V theta, V ys, V gradient, in RU rule)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T>
        where SP : struct, IComponentSet<T> where V : struct, IVector<T> where RU : struct, IQuadratureRule<T>
    {
        int n = Parameters(layers);
        for (int i = 0; i < n; i++) gradient[i] = T.Zero;
        bool reverse = kind == FIntegrand.ReverseKl;
        T window = R.Of(Window), lo = -window, hi = window;
        if (!reverse)
        {
            T xlo = T.PositiveInfinity, xhi = T.NegativeInfinity;
            for (int j = 0; j < p.Count; j++)
            {
                T s = T.One / T.Sqrt(p.Precision(j));
                xlo = T.Min(xlo, p.Mean(j) - window * s);
                xhi = T.Max(xhi, p.Mean(j) + window * s);
            }
            lo = Inverse<T, R, V>(layers, theta, xlo);
            hi = Inverse<T, R, V>(layers, theta, xhi);
        }
        if (!(T.IsFinite(lo) && T.IsFinite(hi))) return T.NaN;

        T value = T.Zero, z = lo, half = R.Of(0.5);
        int panels = 0;
        while (z < hi)
        {
            if (++panels > MaxPanels) return T.NaN;
            T next = NextCut<T, R, SP, V>(p, layers, theta, ys, z, hi);
            T c = half * (z + next), h = half * (next - z);
            for (int i = 0; i < rule.Order; i++)
            {
                T zi = c + h * rule.Node(i), weight = h * rule.Weight(i);
                T x = Forward<T, R, V>(layers, theta, zi, ys, out T logSlope);
                T lp = LogMixture.LogDensity<T, R, SP>(p, x);
                if (reverse)
                {
                    T density = weight * R.Of(StandardNormal.InvSqrt2Pi) * T.Exp(-half * zi * zi);
                    value -= density * (logSlope + lp);
                    ReverseScore<T, R, V>(layers, theta, ys, LogMixture.LogDensitySlope<T, R, SP>(p, x), density, gradient);
                }
                else
                {
                    T density = weight * T.Exp(lp + logSlope);
                    if (density == T.Zero) continue;
                    T lq = -half * zi * zi - R.Of(Normal.LogSqrt2Pi) - logSlope;
                    value += density * (lp - lq);
                    ForwardScore<T, R, V>(layers, theta, ys, -density, gradient);
                }
            }
            z = next;
        }
        // E_z[log φ(z)] = −½(1 + log 2π) exactly.
        if (reverse) value -= R.Of(0.5 + Normal.LogSqrt2Pi);
        return value;
    }

    /// <summary>The next panel cut after z, at most <paramref name="hi"/>: the least of every family of cuts' next one. A family
    /// whose next cut maps back onto z (rounding of the cut z sits on) gives the one after.</summary>
    static T NextCut<T, R, SP, V>(in SP p, int layers, in V theta, V ys, T z, T hi)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where SP : struct, IComponentSet<T> where V : struct, IVector<T>
    {
        T window = R.Of(Window), next = hi, step = R.Of(ZStep);
        T floor = z + R.Of(64) * R.Epsilon() * (T.One + T.Abs(z));
        if (z < -window) next = Nearer(next, floor, -window);
        else if (z < window)
        {
            T cut = step * (T.Floor(z / step) + T.One);
            if (!(cut > floor)) cut += step;
            next = Nearer(next, floor, T.Min(cut, window));
        }
        T x = Forward<T, R, V>(layers, theta, z, ys, out _);
        // p's components: every ComponentStep std within the window, mapped back through T⁻¹.
        for (int j = 0; j < p.Count; j++)
        {
            T s = T.One / T.Sqrt(p.Precision(j)), cs = R.Of(ComponentStep);
            next = Nearer(next, floor, GridCut<T, R, V>(layers, theta, p.Mean(j), s, (x - p.Mean(j)) / s, cs, window, floor));
        }
        // p's crossings: panels one crossing width wide within ±CrossingWindow widths.
        for (int j = 0; j < p.Count; j++)
            for (int k = j + 1; k < p.Count; k++)
                for (int which = 0; which < 2; which++)
                    if (MixtureFit.Crossing<T, R, SP>(p, j, k, which, out T root, out T width))
                        next = Nearer(next, floor, GridCut<T, R, V>(layers, theta, root, width, (x - root) / width, T.One,
                            R.Of(MixtureFit.CrossingWindow), floor));
        // Each layer's turn: every AsinhStep of asinh(input), mapped back through the layers below it.
        for (int k = 0; k < layers; k++)
        {
            T eb = T.Exp(Beta<T, V>(theta, k)), al = Alpha<T, V>(theta, k), st = R.Of(AsinhStep);
            T g = st * (T.Floor(Asinh<T, R>(al + eb * ys[k]) / st) + T.One);
            T cut = InverseFrom<T, R, V>(theta, k, (Sinh<T, R>(g) - al) / eb);
            if (!(cut > floor)) cut = InverseFrom<T, R, V>(theta, k, (Sinh<T, R>(g + st) - al) / eb);
            next = Nearer(next, floor, cut);
        }
        return next;
    }

    /// <summary>The z of the next cut of a grid in x = centre + scale·t, t a multiple of <paramref name="step"/> within
    /// ±<paramref name="window"/>, after the t of the current z; NaN beyond the window.</summary>
    static T GridCut<T, R, V>(int layers, in V theta, T centre, T scale, T t, T step, T window, T floor)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where V : struct, IVector<T>
    {
        if (!(t < window)) return T.NaN;
        T cut = t < -window ? -window : T.Min(step * (T.Floor(t / step) + T.One), window);
        T zc = Inverse<T, R, V>(layers, theta, centre + scale * cut);
        if (!(zc > floor) && cut < window) zc = Inverse<T, R, V>(layers, theta, centre + scale * T.Min(cut + step, window));
        return zc;
    }

    static T Nearer<T>(T next, T floor, T cut) where T : unmanaged, IFloatingPointIeee754<T> => cut > floor && cut < next ? cut : next;

    /// <summary>Adds density · ∂_θ[−log T′(z) − log p(T(z))] (the reverse KL's reparameterized score) at the z whose layer
    /// outputs are in <paramref name="ys"/>, given ∂ₓ log p at x = T(z).</summary>
    static void ReverseScore<T, R, V>(int layers, in V theta, V ys, T slope, T density, V gradient)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where V : struct, IVector<T>
    {
        T sigma = T.Exp(theta[1]);
        gradient[0] -= density * slope;
        gradient[1] -= density * (T.One + slope * sigma * ys[layers]);
        T adjoint = -sigma * slope;
        for (int k = layers - 1; k >= 0; k--)
        {
            T eb = T.Exp(Beta<T, V>(theta, k)), delta = T.Exp(Gamma<T, V>(theta, k));
            T u = Alpha<T, V>(theta, k) + eb * ys[k], a = Asinh<T, R>(u), w = delta * a + Epsilon<T, V>(theta, k);
            T dw = adjoint * Cosh<T, R>(w) - Tanh<T, R>(w);
            T du = (dw * delta + Tanh<T, R>(a)) / Cosh<T, R>(a);
            int o = 2 + ParametersPerLayer * k;
            gradient[o] += density * du;
            gradient[o + 1] += density * (du * eb * ys[k] - T.One);
            gradient[o + 2] += density * dw;
            gradient[o + 3] += density * (dw * delta * a - T.One);
            adjoint = du * eb;
        }
    }

    /// <summary>Adds factor · ∂_θ log q(x) at fixed x = T(z), through T⁻¹, the layers' outputs at z being in <paramref name="ys"/>.</summary>
    static void ForwardScore<T, R, V>(int layers, in V theta, V ys, T factor, V gradient)
        where T : unmanaged, IFloatingPointIeee754<T> where R : struct, IReal<T> where V : struct, IVector<T>
    {
        T adjoint = -ys[0];
        for (int k = 0; k < layers; k++)
        {
            T eb = T.Exp(Beta<T, V>(theta, k)), delta = T.Exp(Gamma<T, V>(theta, k));
            T u = Alpha<T, V>(theta, k) + eb * ys[k], a = Asinh<T, R>(u), w = delta * a + Epsilon<T, V>(theta, k);
            T du = adjoint / eb;
            T da = du * Cosh<T, R>(a) + Tanh<T, R>(a);
            T dw = da / delta - Tanh<T, R>(w);
            int o = 2 + ParametersPerLayer * k;
            gradient[o] -= factor * du;
            gradient[o + 1] -= factor * (adjoint * ys[k] + T.One);
            gradient[o + 2] -= factor * da / delta;
            gradient[o + 3] -= factor * (da * a + T.One);
            adjoint = dw / Cosh<T, R>(w);
        }
        T sigma = T.Exp(theta[1]);
        gradient[0] -= factor * adjoint / sigma;
        gradient[1] -= factor * (adjoint * ys[layers] + T.One);
    }

    static readonly GaussLegendreRule HostRule = new(LogMixturePlan.PanelOrder);

    /// <summary>The host path in double: value and gradient (2 + 4K numbers) at θ.</summary>
    public static double ValueAndGradient(FIntegrand kind, GaussianMixture p, double[] theta, double[] gradient)
    {
        int layers = (theta.Length - 2) / ParametersPerLayer;
        return ValueAndGradient<double, F64, ArrayComponents, ArrayVector, ArrayRule>(kind, FDivergenceQuadrature.Components(p), layers,
            new ArrayVector(theta), new ArrayVector(new double[layers + 1]), new ArrayVector(gradient), new ArrayRule(HostRule.Nodes, HostRule.Weights));
    }

    /// <summary>log q(x) on the host in double.</summary>
    public static double LogDensity(double[] theta, double x)
    {
        int layers = (theta.Length - 2) / ParametersPerLayer;
        return LogDensity<double, F64, ArrayVector>(layers, new ArrayVector(theta), x, new ArrayVector(new double[layers + 1]));
    }

    /// <summary>T(z) on the host in double.</summary>
    public static double Map(double[] theta, double z)
    {
        int layers = (theta.Length - 2) / ParametersPerLayer;
        return Forward<double, F64, ArrayVector>(layers, new ArrayVector(theta), z, new ArrayVector(new double[layers + 1]), out _);
    }
}
