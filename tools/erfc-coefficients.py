#!/usr/bin/python3
"""Coefficients of StandardNormal.UpperTail and the test table that checks it.

Mills' ratio M(a) = Q(a)/φ(a) = √(π/2)·exp(a²/2)·erfc(a/√2) is approximated on the whole of [0, ∞) by one rational
function P(a)/D(a) with deg P = 10, deg D = 11 (so M ~ 1/a as a → ∞), fitted for relative error.
The fit is made in s = a/(1+a) ∈ [0, 1], where g(s) = (1+a)·M(a) = P̂(s)/Q̂(s) is smooth up to s = 1 and the bases
are well conditioned; P̂, Q̂ are then mapped back to polynomials in a. Method: linearised least squares
(Sanathanan–Koerner iteration) followed by Lawson reweighting toward the minimax, all in 50-digit mpmath.

Run:  /usr/bin/python3 tools/erfc-coefficients.py          (needs python3-mpmath; about a minute)
It prints the C# expressions (Estrin's scheme) for StandardNormal.cs, the error of the double-rounded coefficients measured
in mpmath, and the dense reference table for tests/KlGpu.Tests/Numerics/StandardNormalTests.cs.
"""
from mpmath import mp, mpf, sqrt, exp, erfc, pi, cos, matrix, qr_solve, binomial

mp.dps = 50
DEG = 10          # numerator degree; denominator DEG + 1
SAMPLES = 300     # Chebyshev–Lobatto points in s
ITERATIONS = 30


def mills(a):
    return sqrt(pi / 2) * exp(a * a / 2) * erfc(a / sqrt(2))


def g(s):
    if s == 1:
        return mpf(1)
    a = s / (1 - s)
    return (1 + a) * mills(a)


def chebyshev(s, n):
    """T_0..T_n at y = 2s − 1."""
    y = 2 * s - 1
    t = [mpf(1), y]
    while len(t) <= n:
        t.append(2 * y * t[-1] - t[-2])
    return t[:n + 1]


def fit(n, m):
    """Relative-error rational fit of g on [0, 1] in Chebyshev bases; returns (max error, p, q)."""
    xs = [(1 - cos(pi * j / (SAMPLES - 1))) / 2 for j in range(SAMPLES)]
    fs = [g(x) for x in xs]
    bs = [chebyshev(x, max(n, m)) for x in xs]
    q_prev, lawson, best = [mpf(1)] * SAMPLES, [mpf(1)] * SAMPLES, None
    for it in range(ITERATIONS):
        # Unknowns p_0..p_n, q_1..q_m with q_0 = 1: minimise Σ w_i² (P − f Q)² with w_i = 1/(f_i Q_prev(x_i)).
        A, b = matrix(SAMPLES, n + 1 + m), matrix(SAMPLES, 1)
        for i in range(SAMPLES):
            w = sqrt(lawson[i]) / (fs[i] * q_prev[i])
            for k in range(n + 1):
                A[i, k] = w * bs[i][k]
            for k in range(1, m + 1):
                A[i, n + k] = -w * fs[i] * bs[i][k]
            b[i] = w * fs[i]
        c, _ = qr_solve(A, b)
        p = [c[k] for k in range(n + 1)]
        q = [mpf(1)] + [c[n + k] for k in range(1, m + 1)]
        qv = [sum(q[k] * bs[i][k] for k in range(m + 1)) for i in range(SAMPLES)]
        err = [sum(p[k] * bs[i][k] for k in range(n + 1)) / qv[i] / fs[i] - 1 for i in range(SAMPLES)]
        emax = max(abs(e) for e in err)
        if best is None or emax < best[0]:
            best = (emax, p, q)
        q_prev = qv
        if it >= 8:  # Lawson: weight the points where the error is largest
            total = sum(lawson[i] * abs(err[i]) for i in range(SAMPLES))
            lawson = [lawson[i] * abs(err[i]) * SAMPLES / total for i in range(SAMPLES)]
    return best


def chebyshev_to_monomials(c):
    """Σ c_k T_k(2s − 1) as monomial coefficients in s."""
    n = len(c) - 1
    ty = [[mpf(1)], [mpf(0), mpf(1)]]
    for _ in range(2, n + 1):
        hi = [mpf(0)] + [2 * v for v in ty[-1]]
        lo = ty[-2] + [mpf(0)] * (len(hi) - len(ty[-2]))
        ty.append([u - v for u, v in zip(hi, lo)])
    y = [mpf(0)] * (n + 1)
    for k in range(n + 1):
        for j, v in enumerate(ty[k]):
            y[j] += c[k] * v
    s = [mpf(0)] * (n + 1)
    for j in range(n + 1):
        for i in range(j + 1):
            s[i] += y[j] * binomial(j, i) * 2 ** i * (-1) ** (j - i)
    return s


def s_to_a(ps, deg):
    """(1+a)^deg · Σ ps_k s^k with s = a/(1+a), i.e. Σ ps_k a^k (1+a)^(deg−k), in powers of a."""
    out = [mpf(0)] * (deg + 1)
    for k, v in enumerate(ps):
        for i in range(deg - k + 1):
            out[k + i] += v * binomial(deg - k, i)
    return out


def estrin(name, coefficients):
    """C# Estrin's scheme: a tree of multiply-adds over a², a⁴, a⁸ instead of Horner's chain, so the latency is a
    handful of operations rather than one per degree. All terms are positive, so the order costs no accuracy.
    A leading coefficient that rounds to exactly 1 costs no multiplication (both P and D are monic)."""
    c = [repr(float(v)) for v in coefficients]
    assert 9 <= len(c) <= 16

    def tree(k, n):  # Σ c_{k+i} a^i for i < n, n a power of two (or less at the top end)
        n = min(n, len(c) - k)
        if n == 1:
            return 'a0' if c[k] == '1.0' else f'R.Of({c[k]})'
        if n == 2:
            return f'R.Of({c[k]}) + ' + ('a' if c[k + 1] == '1.0' else f'R.Of({c[k + 1]}) * a')
        h = 2 if n <= 4 else 4
        high = tree(k + h, h)
        return f'{tree(k, h)} + a{h}' + ('' if high == 'a0' else f' * ({high})')

    return (f'T {name} = {tree(0, 2)}\n    + a2 * ({tree(2, 2)})\n    + a4 * ({tree(4, 4)})\n'
            f'    + a8 * ({tree(8, 8)});')


def main():
    emax, p, q = fit(DEG, DEG + 1)
    # M = P̂(s)/((1+a) Q̂(s)) = [(1+a)^DEG P̂] / [(1+a)^(DEG+1) Q̂] = P(a)/D(a); scale so D is monic.
    num = s_to_a(chebyshev_to_monomials(p), DEG)
    den = s_to_a(chebyshev_to_monomials(q), DEG + 1)
    num, den = [v / den[-1] for v in num], [v / den[-1] for v in den]
    assert all(v > 0 for v in num + den), 'positive coefficients keep Horner free of cancellation for a ≥ 0'

    print(f'// fit: max relative error {mp.nstr(emax, 3)} on [0, ∞) before rounding the coefficients')
    print('T a2 = a * a, a4 = a2 * a2, a8 = a4 * a4;')
    print(estrin('p', num))
    print(estrin('d', den))

    pd, qd = [mpf(float(v)) for v in num], [mpf(float(v)) for v in den]
    grid = [mpf(i) / 64 for i in range(0, 64 * 40 + 1)] + [mpf(10) ** (k / mpf(8)) for k in range(13, 25)]
    worst = max(abs(sum(c * a ** k for k, c in enumerate(pd)) / sum(c * a ** k for k, c in enumerate(qd))
                    / mills(a) - 1) for a in grid)
    print(f'// double-rounded coefficients, exact arithmetic: max relative error {mp.nstr(worst, 3)} on [0, 1000]')

    # Dense reference: a = m/64 with m < 2^12, so a² is exact even in single precision and the caller's φ(a)
    # carries only the exp rounding; the irregular offsets keep the points off any regular grid.
    print('// dense table: (a, Q(a)) with Q at 40 digits, rounded to double')
    mp.dps = 40
    count, rows = 200, []
    for k in range(count):
        m = (k * 38 * 64) // (count - 1) - (k * 37) % 7 if k else 0
        a = mpf(max(m, 0)) / 64
        rows.append(f'({repr(float(a))}, {repr(float(erfc(a / sqrt(2)) / 2))})')
    for i in range(0, count, 4):
        print('        ' + ', '.join(rows[i:i + 4]) + ',')


if __name__ == '__main__':
    main()
