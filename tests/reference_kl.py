"""Naive reference loops of KL-UCB, KL-UCB+ and Bayes-UCB (registered in ``reference``).

Every index of every arm is computed at every step, in plain Python, from
the papers' definitions (Garivier & Cappé 2011; Kaufmann, Cappé & Garivier
2012), and the arm is the largest index, ties broken like ``reference.greedy``.

Two computations of each index:

* the one that decides: a step-by-step transcription of the library's
  root-finders (``fastrl/bandits/agents/_kl_index.py``, ``fastrl/_special.py``)
  in plain Python floats with ``math``'s libm functions, so the bits agree and
  an index that ties another to within the tolerance breaks the tie the same
  way (two root-finders that both stop within 1e-9 of the root could order
  two nearly tied arms differently);
* an independent check from the definition: plain bisection of
  ``n kl(mean, q) <= f`` to 1e-13, and for Beta quantiles bisection of the
  binomial tail ``P(Bin(a + b - 1, x) <= a - 1)`` (the upper tail of
  Beta(a, b) for integers), each asserted to agree with the first within the
  documented tolerance.

Only ``fastrl.rng`` draws (through ``reference``) and the AS241 coefficient
tables (data) are shared with the library.
"""

from __future__ import annotations

import math

import reference

from fastrl._special import _A, _B, _C, _D, _E, _F
from fastrl.bandits import KLUCB, BayesUCB, KLUCBPlus

TOL = 1e-9  # the documented tolerance of every index
CHECK_EVERY = 5  # rounds between the independent checks of Beta quantiles
MAXIT = 200

# --- the divergences, from their definitions --------------------------------------------


def kl_bernoulli(p: float, q: float) -> float:
    out = 0.0
    if p > 0.0:
        out += p * math.log(p / q)
    if p < 1.0:
        out += (1.0 - p) * math.log((1.0 - p) / (1.0 - q))
    return out


def kl_poisson(p: float, q: float) -> float:
    return q - p + (p * math.log(p / q) if p > 0.0 else 0.0)


def kl_exponential(p: float, q: float) -> float:
    return p / q - 1.0 - math.log(p / q)


def bisect_index(kl, p: float, d: float, hi: float) -> float:
    """``max{q : kl(p, q) <= d}`` by bisection on ``[p, hi]`` to 1e-13."""
    lo = p
    while hi - lo > 1e-13:
        mid = 0.5 * (lo + hi)
        if kl(p, mid) <= d:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# --- transcriptions of the library's root-finders ---------------------------------------


def sigmoid_parts(y):
    e = math.exp(-abs(y))
    sp = math.log1p(e)
    if y >= 0.0:
        return 1.0 / (1.0 + e), e / (1.0 + e), -sp, -y - sp
    return e / (1.0 + e), 1.0 / (1.0 + e), y - sp, -sp


def kl_ucb_bernoulli(p, d, tol=TOL):
    if not d > 0.0:
        return p
    if p >= 1.0:
        return 1.0
    if p <= 0.0:
        return -math.expm1(-d)
    lp = math.log(p)
    l1p = math.log1p(-p)
    c0 = p * lp + (1.0 - p) * l1p
    z_lo, q_lo = lp - l1p, p
    z_hi = (d - c0) / (1.0 - p)
    q_hi = sigmoid_parts(z_hi)[0]
    z = min(z_lo + math.sqrt(2.0 * d / (p * (1.0 - p))), z_hi)
    for _ in range(MAXIT):
        q, q1, _lq, l1q = sigmoid_parts(z)
        g = -l1q - p * z + c0 - d
        g1 = q - p
        if g > 0.0:
            z_hi, q_hi = z, q
        else:
            z_lo, q_lo = z, q
            if g1 > 0.0:
                z_newton = z - g / g1
                if z_newton < z_hi and (z_newton - z) * q * q1 <= 0.5 * tol:
                    z_hi, q_hi = z_newton, sigmoid_parts(z_newton)[0]
        if q_hi - q_lo <= tol:
            return q_hi
        z_new = z - 2.0 * g * g1 / (2.0 * g1 * g1 - g * q * q1)
        if not (z_lo < z_new < z_hi):
            z_new = 0.5 * (z_lo + z_hi)
        elif g > 0.0 and (z - z_new) * q * q1 < 0.5 * tol:
            probe = q_hi - 0.75 * tol
            z_new = math.log(probe) - math.log1p(-probe)
        z = z_new
    return q_hi


def kl_ucb_gaussian(p, d, sigma2):
    return p + math.sqrt(2.0 * sigma2 * max(d, 0.0))


def _ratio(num, den, r):
    n, d = num[7], den[7]
    for i in range(6, -1, -1):
        n = n * r + num[i]
        d = d * r + den[i]
    return n / d


def ndtri(p):
    """Wichura's AS241 (PPND16)."""
    q = p - 0.5
    if abs(q) <= 0.425:
        return q * _ratio(_A, _B, 0.180625 - q * q)
    r = p if q < 0.0 else 1.0 - p
    if r == 0.0:
        return -math.inf if q < 0.0 else math.inf
    r = math.sqrt(-math.log(r))
    x = _ratio(_C, _D, r - 1.6) if r <= 5.0 else _ratio(_E, _F, r - 5.0)
    return -x if q < 0.0 else x


_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
_STIRLING += (-3617 / 122400,)


def lgamma(x):
    shift = 1.0
    while x < 15.0:
        shift *= x
        x += 1.0
    inv = 1.0 / x
    inv2 = inv * inv
    s = _STIRLING[7]
    for i in range(6, -1, -1):
        s = s * inv2 + _STIRLING[i]
    out = (x - 0.5) * math.log(x) - x + 0.91893853320467274178 + s * inv
    if shift != 1.0:
        out -= math.log(shift)
    return out


def betacf(a, b, x):
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (tiny if abs(d) < tiny else d)
    h = d
    m = 0
    while True:
        m += 1
        m2 = 2.0 * m
        for aa in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + aa * d
            d = tiny if abs(d) < tiny else d
            c = 1.0 + aa / c
            c = tiny if abs(c) < tiny else c
            d = 1.0 / d
            step = d * c
            h *= step
        if abs(step - 1.0) < 1e-16 or m >= 100_000:
            return h


def log_sf_parts(a, b, lb, x, x1, lx, l1x):
    lfront = a * lx + b * l1x - lb
    if x * (a + b + 2.0) > a + 1.0:
        cf = betacf(b, a, x1)
        return lfront + math.log(cf / b), b / cf
    front = math.exp(lfront)
    lower = front * betacf(a, b, x) / a
    return math.log1p(-lower), front / (1.0 - lower)


def beta_isf(a, b, u, y0, tol=TOL):
    if not u > 0.0:
        return 0.0
    lb = lgamma(a) + lgamma(b) - lgamma(a + b)
    y_lo, x_lo, y_hi, x_hi = -40.0, 0.0, 40.0, 1.0
    y = min(max(y0, -40.0), 40.0)
    for _ in range(MAXIT):
        x, x1, lx, l1x = sigmoid_parts(y)
        log_s, slope = log_sf_parts(a, b, lb, x, x1, lx, l1x)
        g = -log_s - u
        if g > 0.0:
            y_hi, x_hi = y, x
        else:
            y_lo, x_lo = y, x
            y_newton = y - g / slope
            if y_newton < y_hi and (y_newton - y) * x * x1 <= 0.5 * tol:
                y_hi, x_hi = y_newton, sigmoid_parts(y_newton)[0]
        if x_hi - x_lo <= tol:
            return x_hi
        curv = slope * (a - (a + b) * x) + slope * slope
        y_new = y - 2.0 * g * slope / (2.0 * slope * slope - g * curv)
        if not (y_lo < y_new < y_hi):
            y_new = 0.5 * (y_lo + y_hi)
        elif g > 0.0 and (y - y_new) * x * x1 < 0.5 * tol:
            probe = x_hi - 0.75 * tol
            y_new = math.log(probe) - math.log1p(-probe)
        y = y_new
    return x_hi


def beta_start(a, b, u):
    z = -ndtri(math.exp(-u))
    var = 1.0 / a + 1.0 / b
    sd = math.sqrt(var)
    skew = (1.0 / (b * b) - 1.0 / (a * a)) / (var * sd)
    return math.log(a / b) + 0.5 / b - 0.5 / a + sd * (z + (z * z - 1.0) * skew / 6.0)


def binomial_cdf(m: int, k: int, x: float) -> float:
    """``P(Bin(m, x) <= k)``, the sum of its terms (positive: no cancellation)."""
    return math.fsum(math.comb(m, i) * x**i * (1.0 - x) ** (m - i) for i in range(k + 1))


def bisect_beta_isf(a: int, b: int, delta: float) -> float:
    """Upper quantile of Beta(a, b) from ``1 - I_x(a, b) = P(Bin(a + b - 1, x) <= a - 1)``."""
    lo, hi = 0.0, 1.0
    while hi - lo > 1e-13:
        mid = 0.5 * (lo + hi)
        if binomial_cdf(a + b - 1, a - 1, mid) > delta:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# --- the agents ---------------------------------------------------------------------------


def level(agent, g: float, t: int, n: float) -> float:
    """The exploration level ``f`` of an arm pulled ``n`` times at round ``t``."""
    if type(agent) is KLUCBPlus:
        g = math.log(t / n)
    return g + agent.c * math.log(max(g, 1.0)) if agent.c > 0.0 else g


@reference.reference_for(KLUCB)
class KLUCBLoop(reference.ReferenceAgent):
    """KL-UCB and KL-UCB+ (Bernoulli and Gaussian arms)."""

    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.n = [0.0] * k
        self.s = [0.0] * k

    def index(self, a: int, t: int) -> float:
        n = self.n[a]
        if n == 0.0:
            return math.inf
        mean = self.s[a] / n
        d = level(self.agent, math.log(t), t, n) / n
        if not self.bernoulli:
            return kl_ucb_gaussian(mean, d, self.reward_std * self.reward_std)
        q = kl_ucb_bernoulli(mean, d)
        check = bisect_index(kl_bernoulli, mean, d, 1.0)
        assert check - 1e-12 <= q <= check + TOL + 1e-12, (mean, d, q, check)
        return q

    def select(self, t):
        return reference.greedy([self.index(a, t + 1) for a in range(self.k)], self.key, t)

    def update(self, a, r, t):
        self.n[a] += 1.0
        self.s[a] += r


reference.reference_for(KLUCBPlus)(KLUCBLoop)


@reference.reference_for(BayesUCB)
class BayesUCBLoop(reference.ReferenceAgent):
    """Bayes-UCB: Beta posteriors (Bernoulli arms) and Normal posteriors (Gaussian arms)."""

    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.n = [0.0] * k
        self.s = [0.0] * k
        c, horizon = agent.c, agent.horizon
        self.log_scale = c * math.log(max(math.log(horizon), 1.0)) if horizon else 0.0

    def index(self, a: int, t: int) -> float:
        u = math.log(t) + self.log_scale  # delta_t = exp(-u) = 1 / (t (log H)^c)
        n, s = self.n[a], self.s[a]
        if not self.bernoulli:
            agent = self.agent
            prior_prec = 1.0 / (agent.prior_std * agent.prior_std)
            noise_prec = 1.0 / (self.reward_std * self.reward_std)
            prec = prior_prec + n * noise_prec
            mu = (agent.prior_mean * prior_prec + s * noise_prec) / prec
            return mu + -ndtri(math.exp(-u)) / math.sqrt(prec)
        alpha, beta = s + 1.0, n - s + 1.0
        if not u > 0.0:
            return 0.0
        x = beta_isf(alpha, beta, u, beta_start(alpha, beta, u))
        if t % CHECK_EVERY == 0:  # the binomial sums are slow in Python
            check = bisect_beta_isf(int(alpha), int(beta), math.exp(-u))
            assert check - 1e-12 <= x <= check + TOL + 1e-12, (alpha, beta, u, x, check)
        return x

    def select(self, t):
        return reference.greedy([self.index(a, t + 1) for a in range(self.k)], self.key, t)

    def update(self, a, r, t):
        self.n[a] += 1.0
        self.s[a] += r
