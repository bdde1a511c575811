"""Special functions for index policies, compiled: the normal quantile and the Beta distribution.

Bayes-UCB (Kaufmann, Cappé & Garivier 2012) plays the arm with the largest
posterior quantile, so its kernels need quantiles of Beta and Normal
distributions; scipy has them but cannot be called from numba. All functions
here are scalar, allocation-free and use only IEEE-754 arithmetic and libm's
``log``, ``log1p`` and ``exp``, so a plain-Python transcription computes the
same bits (``tests/reference_kl.py`` relies on that; Python's own
``math.lgamma`` is not libm's, hence :func:`lgamma` here).

* :func:`ndtri`: the standard normal quantile, Wichura's algorithm AS241
  (PPND16, 1988): rational approximations in three ranges, relative error
  about 1e-16.
* :func:`lgamma`: ``log Gamma(x)`` for ``x > 0``: Stirling's series with eight
  terms for ``x >= 15``, shifted there by the recurrence below it.
* :func:`betainc` and :func:`beta_sf`: the regularized incomplete beta
  function ``I_x(a, b)`` and its complement ``1 - I_x(a, b)``, from the
  continued fraction (Numerical Recipes 6.4, evaluated with Lentz's method)
  on the side of ``(a + 1) / (a + b + 2)`` where it converges fast, with
  ``I_x(a, b) = 1 - I_{1-x}(b, a)`` on the other. The complement is computed
  directly in the upper tail, so it keeps its relative precision there.
* :func:`beta_isf`: the upper quantile ``x`` with ``1 - I_x(a, b) = exp(-u)``,
  to an absolute tolerance ``tol`` (see its docstring).

Accuracy (``tests/test_bandits_kl.py`` checks against exact rational sums and
50-digit decimal arithmetic): ``ndtri`` within 3e-16 relative; ``lgamma``
within 4e-16 relative plus 4e-15 absolute (the shift below 15); ``betainc``
and ``beta_sf`` within about ``3e-14 + 1e-15 (a + b) log(a + b)`` relative
(``lgamma``'s absolute error, amplified by the exponential of the prefactor).
For a quantile policy that is far below its tolerance: a relative error
``e`` of the tail moves the quantile by ``e`` times its derivative in
``log(1 / delta)``, about ``e / sqrt(a + b)``.
"""

from __future__ import annotations

import math

from fastrl._jit import ijit, jit

__all__ = ["ndtri", "lgamma", "lbeta", "betainc", "beta_sf", "beta_log_sf", "beta_isf"]

# Wichura (1988), algorithm AS241 PPND16: p - 0.5 in [-0.425, 0.425] ...
_A = (
    3.3871328727963666080e0,
    1.3314166789178437745e2,
    1.9715909503065514427e3,
    1.3731693765509461125e4,
    4.5921953931549871457e4,
    6.7265770927008700853e4,
    3.3430575583588128105e4,
    2.5090809287301226727e3,
)
_B = (
    1.0,
    4.2313330701600911252e1,
    6.8718700749205790830e2,
    5.3941960214247511077e3,
    2.1213794301586595867e4,
    3.9307895800092710610e4,
    2.8729085735721942674e4,
    5.2264952788528545610e3,
)
# ... r = sqrt(-log(min(p, 1 - p))) in (0, 5] ...
_C = (
    1.42343711074968357734e0,
    4.63033784615654529590e0,
    5.76949722146069140550e0,
    3.64784832476320460504e0,
    1.27045825245236838258e0,
    2.41780725177450611770e-1,
    2.27238449892691845833e-2,
    7.74545014278341407640e-4,
)
_D = (
    1.0,
    2.05319162663775882187e0,
    1.67638483018380384940e0,
    6.89767334985100004550e-1,
    1.48103976427480074590e-1,
    1.51986665636164571966e-2,
    5.47593808499534494600e-4,
    1.05075007164441684324e-9,
)
# ... and r > 5 (p below about 1e-11).
_E = (
    6.65790464350110377720e0,
    5.46378491116411436990e0,
    1.78482653991729133580e0,
    2.96560571828504891230e-1,
    2.65321895265761230930e-2,
    1.24266094738807843860e-3,
    2.71155556874348757815e-5,
    2.01033439929228813265e-7,
)
_F = (
    1.0,
    5.99832206555887937690e-1,
    1.36929880922735805310e-1,
    1.48753612908506148525e-2,
    7.86869131145613259100e-4,
    1.84631831751005468180e-5,
    1.42151175831644588870e-7,
    2.04426310338993978564e-15,
)


@ijit
def _ratio(num, den, r):
    # Horner's rule for two polynomials of degree 7 in r, lowest coefficient first.
    n = num[7]
    d = den[7]
    for i in range(6, -1, -1):
        n = n * r + num[i]
        d = d * r + den[i]
    return n / d


@jit
def ndtri(p):
    """The standard normal quantile ``Phi^{-1}(p)`` (Wichura 1988, AS241 PPND16).

    ``p`` in [0, 1]: ``-inf`` at 0, ``inf`` at 1, NaN outside. For an upper
    quantile ``Phi^{-1}(1 - delta)`` with a small ``delta`` call
    ``-ndtri(delta)``: it keeps the precision that ``1 - delta`` would lose.
    """
    if not (0.0 <= p <= 1.0):
        return math.nan
    q = p - 0.5
    if abs(q) <= 0.425:
        return q * _ratio(_A, _B, 0.180625 - q * q)
    r = p if q < 0.0 else 1.0 - p
    if r == 0.0:
        return -math.inf if q < 0.0 else math.inf
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        x = _ratio(_C, _D, r - 1.6)
    else:
        x = _ratio(_E, _F, r - 5.0)
    return -x if q < 0.0 else x


_HALF_LOG_2PI = 0.91893853320467274178  # log(2 pi) / 2
# Stirling's series: log Gamma(x) = (x - 1/2) log x - x + log(2 pi)/2 + sum_k S[k] / x^(2k+1)
_S = (
    1.0 / 12.0,
    -1.0 / 360.0,
    1.0 / 1260.0,
    -1.0 / 1680.0,
    1.0 / 1188.0,
    -691.0 / 360360.0,
    1.0 / 156.0,
    -3617.0 / 122400.0,
)


@jit
def lgamma(x):
    """``log Gamma(x)`` for ``x > 0`` (NaN otherwise).

    Stirling's series with eight terms, whose truncation error at ``x >= 15``
    is below 1e-19; smaller ``x`` are shifted there with ``Gamma(x + 1) = x
    Gamma(x)``, dividing by the product of the shifts (one ``log``).
    """
    if not x > 0.0:
        return math.nan
    shift = 1.0
    while x < 15.0:
        shift *= x
        x += 1.0
    inv = 1.0 / x
    inv2 = inv * inv
    s = _S[7]
    for i in range(6, -1, -1):
        s = s * inv2 + _S[i]
    out = (x - 0.5) * math.log(x) - x + _HALF_LOG_2PI + s * inv
    if shift != 1.0:
        out -= math.log(shift)
    return out


@jit
def lbeta(a, b):
    """``log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b)`` for ``a, b > 0``."""
    return lgamma(a) + lgamma(b) - lgamma(a + b)


_TINY = 1e-300
_CF_EPS = 1e-16
_CF_MAXIT = 100_000


@jit
def _betacf(a, b, x):
    # The continued fraction of I_x(a, b) * a * B(a, b) / (x^a (1-x)^b) (Numerical
    # Recipes eq. 6.4.5), modified Lentz. It converges fast for x < (a+1)/(a+b+2);
    # the iteration count grows like sqrt(max(a, b)) near that point, like a few
    # dozen in the tails a quantile policy asks for.
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    if abs(d) < _TINY:
        d = _TINY
    d = 1.0 / d
    h = d
    for m in range(1, _CF_MAXIT + 1):
        m2 = 2.0 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if abs(d) < _TINY:
            d = _TINY
        c = 1.0 + aa / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if abs(d) < _TINY:
            d = _TINY
        c = 1.0 + aa / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        step = d * c
        h *= step
        if abs(step - 1.0) < _CF_EPS:
            break
    return h


@jit
def _log_sf_parts(a, b, lb, x, x1, lx, l1x):
    # (log S, dG/dy) at x, with S = 1 - I_x(a, b), G = -log S and y = logit x, given
    # lb = log B(a, b), x1 = 1 - x, lx = log x and l1x = log(1 - x). dG/dy is the
    # density times x (1 - x) over S: the prefactor x^a (1-x)^b / B(a, b) over S.
    lfront = a * lx + b * l1x - lb
    if x * (a + b + 2.0) > a + 1.0:  # upper side: S from the continued fraction of I_{1-x}(b, a)
        cf = _betacf(b, a, x1)
        return lfront + math.log(cf / b), b / cf
    front = math.exp(lfront)
    lower = front * _betacf(a, b, x) / a
    return math.log1p(-lower), front / (1.0 - lower)


@jit
def beta_log_sf(a, b, x):
    """``log(1 - I_x(a, b))`` for ``a, b > 0`` and ``x`` in [0, 1]."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return -math.inf
    return _log_sf_parts(a, b, lbeta(a, b), x, 1.0 - x, math.log(x), math.log1p(-x))[0]


@jit
def beta_sf(a, b, x):
    """``1 - I_x(a, b)``, the upper tail of Beta(a, b) at ``x``, with its relative precision."""
    return math.exp(beta_log_sf(a, b, x))


@jit
def betainc(a, b, x):
    """The regularized incomplete beta function ``I_x(a, b)`` for ``a, b > 0``, ``x`` in [0, 1]."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lfront = a * math.log(x) + b * math.log1p(-x) - lbeta(a, b)
    if x * (a + b + 2.0) > a + 1.0:
        return 1.0 - math.exp(lfront) * _betacf(b, a, 1.0 - x) / b
    return math.exp(lfront) * _betacf(a, b, x) / a


@ijit
def sigmoid_parts(y):
    """``(x, 1 - x, log x, log(1 - x))`` for ``x = 1 / (1 + exp(-y))``, without cancellation."""
    e = math.exp(-abs(y))
    sp = math.log1p(e)
    if y >= 0.0:
        return 1.0 / (1.0 + e), e / (1.0 + e), -sp, -y - sp
    return e / (1.0 + e), 1.0 / (1.0 + e), y - sp, -sp


#: logit range of :func:`beta_isf` (x within 4.3e-18 of 0 or 1 beyond it)
Y_MAX = 40.0
_MAXIT = 200


@jit
def beta_isf(a, b, u, y0, tol):
    """The upper quantile of Beta(a, b): ``x`` with ``1 - I_x(a, b) = exp(-u)``.

    For ``a, b > 0``, ``u >= 0`` (``u = 0`` gives 0) and a starting point
    ``y0`` on the logit scale (any value; a good one saves steps). The result
    lies in ``[root, root + tol]`` as far as the rounding of ``I_x`` allows;
    roots beyond logit ``+-Y_MAX`` give a value within 4.3e-18 of 1 or 0.

    The root of ``G(y) = -log(1 - I_x(a, b)) - u`` in ``y = logit(x)``: the
    logit of a Beta variable has a log-concave density, so ``G`` is convex
    and increasing (an increasing hazard rate). Hence from a point ``y``
    below the root the Newton point ``y - G/G'`` is above it: each point
    below gives a bracket for free. Halley's steps (``G''`` costs nothing
    more) then move the bracket's ends, a step outside it bisects, and a tiny
    step from above probes ``0.75 tol`` below; the iteration stops when the
    bracket is at most ``tol`` wide in ``x`` and returns its upper end.
    """
    if not u > 0.0:
        return 0.0
    lb = lbeta(a, b)
    y_lo, x_lo = -Y_MAX, 0.0
    y_hi, x_hi = Y_MAX, 1.0
    y = min(max(y0, -Y_MAX), Y_MAX)
    for _ in range(_MAXIT):
        x, x1, lx, l1x = sigmoid_parts(y)
        log_s, slope = _log_sf_parts(a, b, lb, x, x1, lx, l1x)
        g = -log_s - u
        if g > 0.0:
            y_hi, x_hi = y, x
        else:
            y_lo, x_lo = y, x
            y_newton = y - g / slope
            # the Newton point bounds the root from above: tighten with it once it
            # would close the bracket (its x costs an exp)
            if y_newton < y_hi and (y_newton - y) * x * x1 <= 0.5 * tol:
                y_hi, x_hi = y_newton, sigmoid_parts(y_newton)[0]
        if x_hi - x_lo <= tol:
            return x_hi
        curv = slope * (a - (a + b) * x) + slope * slope  # G'' in y
        y_new = y - 2.0 * g * slope / (2.0 * slope * slope - g * curv)
        if not (y_lo < y_new < y_hi):
            y_new = 0.5 * (y_lo + y_hi)
        elif g > 0.0 and (y - y_new) * x * x1 < 0.5 * tol:
            probe = x_hi - 0.75 * tol  # > x_lo: the bracket is wider than tol
            y_new = math.log(probe) - math.log1p(-probe)
        y = y_new
    return x_hi
