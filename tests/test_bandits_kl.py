"""KL-UCB, KL-UCB+ and Bayes-UCB: reference loops, lazy = full, independent numpy
implementations, validation; their special functions and the KL divergences against
high-precision and independent definitions."""

from __future__ import annotations

import math
import os
from decimal import Decimal, localcontext
from fractions import Fraction
from statistics import NormalDist
from types import SimpleNamespace

import numpy as np
import pytest
import reference

from fastrl import _special
from fastrl.bandits import KLUCB, BayesUCB, BernoulliBandit, GaussianBandit, KLUCBPlus, simulate
from fastrl.bandits.agents import AGENTS, bayes_ucb, kl_ucb
from fastrl.bandits.agents._kl_index import (
    TOL,
    kl_ucb_bernoulli,
    kl_ucb_exponential,
    kl_ucb_poisson,
)
from fastrl.bandits.agents._lazy import MARGIN
from fastrl.bandits.divergences import (
    divergence,
    kl_bernoulli,
    kl_exponential,
    kl_gaussian,
    kl_poisson,
)

# One problem per reward kind, so each agent compiles one driver per kind.
BERN = BernoulliBandit([0.2, 0.5, 0.45, 0.8])
GAUSS = GaussianBandit([0.0, 0.6, 1.0], reward_std=0.7)
RUNS, STEPS = 3, 200

CASES = {
    "kl-ucb": (BERN, KLUCB()),
    "kl-ucb-c1": (BERN, KLUCB(c=1.0)),
    "kl-ucb-plus": (BERN, KLUCBPlus()),
    "kl-ucb-plus-c2": (BERN, KLUCBPlus(c=2.0)),
    "kl-ucb-gaussian": (GAUSS, KLUCB(c=0.5)),
    "kl-ucb-plus-gaussian": (GAUSS, KLUCBPlus()),
    "bayes-ucb": (BERN, BayesUCB()),
    "bayes-ucb-c1-horizon": (BERN, BayesUCB(c=1.0, horizon=1000)),
    "bayes-ucb-gaussian": (GAUSS, BayesUCB(prior_mean=0.2, prior_std=2.0)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_reference_loop(name):
    problem, agent = CASES[name]
    seed = 777 + len(name)
    res = simulate(problem, agent, runs=RUNS, steps=STEPS, seed=seed, record_runs=True)
    for i in range(RUNS):
        ref = reference.run(problem, agent.with_horizon(STEPS), seed=seed, i=i, steps=STEPS)
        np.testing.assert_array_equal(res.actions[i], ref["actions"], err_msg=f"run {i}")
        np.testing.assert_array_equal(res.rewards[i], ref["rewards"])


@pytest.mark.parametrize("cls", [KLUCB, KLUCBPlus, BayesUCB])
def test_lazy_indices_choose_as_computing_all(cls):
    # The lazy argmax computes few indices and bounds the rest: the same choices, bit
    # for bit, as computing every index every step (long runs: many near-ties).
    kw = dict(runs=40, steps=1500, seed=11, record_runs=True)
    lazy = simulate(BERN, cls(), **kw)
    full = simulate(BERN, cls(lazy=False), **kw)
    np.testing.assert_array_equal(lazy.actions, full.actions)


def _cache(kernel, n, s, t, extra):
    """One arm's cached (val, slope, g) from a refresh kernel at step t."""
    arrays = [np.array([[v]]) for v in (n, s, 0.0, 0.0, 0.0, 0.0)]
    kernel(*arrays, 0, 0, t, math.log(t + 1.0), extra)
    return arrays[2][0, 0], arrays[3][0, 0], arrays[4][0, 0]


@pytest.mark.parametrize(
    "kernel,extra,kind",
    [
        (kl_ucb._refresh_bernoulli_k, 0.0, "linear"),
        (kl_ucb._refresh_bernoulli_plus_k, 1.5, "linear"),
        (kl_ucb._refresh_poisson_k, 0.0, "linear"),
        (kl_ucb._refresh_poisson_plus_k, 0.0, "linear"),
        (kl_ucb._refresh_exponential_k, 0.0, "exp"),
        (kl_ucb._refresh_exponential_plus_k, 2.0, "exp"),
        (bayes_ucb._refresh_beta_k, 0.0, "linear"),
        (bayes_ucb._refresh_beta_k, 1.2, "linear"),
    ],
)  # fmt: skip
def test_lazy_bounds_hold(kernel, extra, kind):
    # An index cached at step t0 bounds the arm's index at any later step t, from below
    # (val - MARGIN) and above (the tangent bound), as long as the arm is not pulled.
    gen = np.random.default_rng(3)
    for _ in range(1500):
        n = float(gen.integers(1, 2000))
        mean = gen.choice([0.0, 1.0, gen.random()]) if kind != "exp" else gen.exponential() + 1e-3
        s = round(mean * n) if kernel is bayes_ucb._refresh_beta_k else mean * n
        if kernel in (kl_ucb._refresh_poisson_k, kl_ucb._refresh_poisson_plus_k):
            s = 3.0 * s
        t0 = int(n + gen.integers(0, 5 * int(n) + 5))
        t1 = t0 + int(gen.integers(1, 3)) * int(gen.choice([1, 10, t0 + 1]))
        val, slope, g0 = _cache(kernel, n, s, t0, extra)
        now = _cache(kernel, n, s, t1, extra)[0]
        grow = (math.log(t1 + 1.0) - g0) * (1 + 1e-12) + 1e-12
        if kind == "linear":
            upper = val + MARGIN if slope == 0.0 else val + slope * grow + MARGIN
        else:
            upper = val + 2 * TOL if slope == 0.0 else (val + TOL) * math.exp(slope * grow) + TOL
        assert val - MARGIN <= now <= upper, (n, s, t0, t1, val, slope, now, upper)
        if kernel is bayes_ucb._refresh_beta_k:  # a success only raises the quantile
            assert _cache(kernel, n + 1.0, s + 1.0, t1, extra)[0] >= val - MARGIN


# --- independent implementations: numpy, vectorised over runs, numpy's Generator ----------


def _choose(index, gen):
    """Argmax per row, ties uniformly at random."""
    ties = index == index.max(axis=1, keepdims=True)
    return np.argmax(ties * (1.0 + gen.random(index.shape)), axis=1)


def _play(problem, runs, steps, seed, index_of):
    """Mean and SE of the final regret; ``index_of(n, s, t)`` gives the (runs, k) indices."""
    gen = np.random.default_rng(seed)
    means = np.asarray(problem.probs if isinstance(problem, BernoulliBandit) else problem.means)
    k = means.size
    n = np.zeros((runs, k))
    s = np.zeros((runs, k))
    regret = np.zeros(runs)
    rows = np.arange(runs)
    for t in range(1, steps + 1):
        a = _choose(index_of(n, s, t), gen)
        mu = means[a]
        if isinstance(problem, BernoulliBandit):
            r = (gen.random(runs) < mu).astype(float)
        else:
            r = mu + problem.reward_std * gen.standard_normal(runs)
        n[rows, a] += 1.0
        s[rows, a] += r
        regret += means.max() - mu
    return regret.mean(), regret.std(ddof=1) / math.sqrt(runs)


def _kl_bern_np(p, q):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    q = np.clip(q, 1e-15, 1 - 1e-15)
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))


def _kl_ucb_np(plus, c):
    def index_of(n, s, t):
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(n > 0, s / np.maximum(n, 1), 0.0)
            g = np.log(t / np.maximum(n, 1)) if plus else np.full(n.shape, math.log(t))
            f = g + c * np.log(np.maximum(g, 1.0))
            lo, hi = mean.copy(), np.ones_like(mean)
            for _ in range(45):  # bisection of n kl(mean, q) <= f
                mid = 0.5 * (lo + hi)
                ok = n * _kl_bern_np(mean, mid) <= f
                lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
        return np.where(n > 0, lo, np.inf)

    return index_of


def _betacf_np(a, b, x):
    """Numerical Recipes' continued fraction of I_x(a, b), vectorised (modified Lentz)."""
    tiny = 1e-300
    c = np.ones_like(x)
    d = 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / np.where(np.abs(d) < tiny, tiny, d)
    h = d.copy()
    for m in range(1, 2000):
        for aa in (
            m * (b - m) * x / ((a - 1.0 + 2 * m) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 1.0 + 2 * m)),
        ):
            d = 1.0 + aa * d
            d = np.where(np.abs(d) < tiny, tiny, d)
            c = 1.0 + aa / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1.0 / d
            h = h * d * c
        if np.all(np.abs(d * c - 1.0) < 1e-15):
            break
    return h


def _beta_upper_np(a, b, x, log_fact):
    """(S, density) of Beta(a, b) at x for integer a, b: S = 1 - I_x(a, b)."""
    lbeta = log_fact[a - 1] + log_fact[b - 1] - log_fact[a + b - 1]
    front = np.exp(a * np.log(x) + b * np.log1p(-x) - lbeta)
    upper = x * (a + b + 2.0) > a + 1.0
    aa, bb, xx = np.where(upper, b, a), np.where(upper, a, b), np.where(upper, 1 - x, x)
    part = front * _betacf_np(aa, bb, xx) / aa
    return np.where(upper, part, 1.0 - part), front / (x * (1.0 - x))


def _bayes_ucb_np(c, horizon, steps):
    log_fact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, steps + 3)))])

    def index_of(n, s, t):
        delta = 1.0 / (t * max(math.log(horizon), 1.0) ** c)
        a = (s + 1).astype(np.int64)
        b = (n - s + 1).astype(np.int64)
        key = a * 100_003 + b  # quantiles of the distinct posteriors only
        uniq, inverse = np.unique(key, return_inverse=True)
        ua, ub = uniq // 100_003, uniq % 100_003
        x = ua / (ua + ub)  # the mean: below the quantile for delta <= 1/2
        if delta >= 1.0:
            return np.zeros(n.shape)
        for _ in range(60):  # Newton on -log S(x) = log(1/delta), convex in x
            sf, pdf = _beta_upper_np(ua, ub, x, log_fact)
            step = (np.log(sf) - math.log(delta)) * sf / pdf
            new = np.where(x + step >= 1.0, 0.5 * (x + 1.0), x + step)
            done = np.max(np.abs(new - x)) < 1e-13
            x = new
            if done:
                break
        return x[inverse].reshape(n.shape)

    return index_of


def _gauss_np(kind, problem, agent):
    sigma2 = problem.reward_std**2

    def index_of(n, s, t):
        with np.errstate(divide="ignore", invalid="ignore"):
            if kind == "kl":
                g = math.log(t) if type(agent) is KLUCB else np.log(t / np.maximum(n, 1))
                f = g + agent.c * np.log(np.maximum(g, 1.0))
                out = s / n + np.sqrt(2 * sigma2 * f / n)
                return np.where(n > 0, out, np.inf)
        prior_prec = 1 / agent.prior_std**2
        prec = prior_prec + n / sigma2
        mu = (agent.prior_mean * prior_prec + s / sigma2) / prec
        z = NormalDist().inv_cdf(1 - 1 / t) if t > 1 else -math.inf
        return mu + z / np.sqrt(prec)

    return index_of


STAT = {
    # name: (problem, agent, runs, steps, independent index)
    "kl-ucb": (BERN, KLUCB(), 1000, 300, _kl_ucb_np(False, 0.0)),
    "kl-ucb-plus-c1": (BERN, KLUCBPlus(c=1.0), 1000, 300, _kl_ucb_np(True, 1.0)),
    "bayes-ucb": (BERN, BayesUCB(), 600, 250, _bayes_ucb_np(0.0, 250, 250)),
    "kl-ucb-gaussian": (GAUSS, KLUCB(c=0.5), 1000, 300, _gauss_np("kl", GAUSS, KLUCB(c=0.5))),
    "bayes-ucb-gaussian": (
        GAUSS,
        BayesUCB(prior_mean=0.2, prior_std=2.0),
        1000,
        300,
        _gauss_np("bayes", GAUSS, BayesUCB(prior_mean=0.2, prior_std=2.0)),
    ),
}


@pytest.mark.parametrize("name", list(STAT))
def test_regret_matches_independent_numpy_implementation(name):
    problem, agent, runs, steps, index_of = STAT[name]
    res = simulate(problem, agent, runs=runs, steps=steps, seed=5)
    mean, se = _play(problem, runs, steps, 99, index_of)
    tol = 5.0 * math.hypot(se, res.regret_se[-1])
    assert abs(res.regret[-1] - mean) <= tol, (res.regret[-1], mean, tol)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("FASTRL_SLOW") != "1", reason="set FASTRL_SLOW=1")
def test_garivier_cappe_two_arms():
    # Garivier & Cappé (2011), section 6: Bernoulli arms 0.9 and 0.8, horizon 10^4.
    # Measured: KL-UCB 15.2 +- 0.11 (5000 runs); the Lai-Robbins rate
    # 0.1 / kl(0.8, 0.9) * log(10^4) = 20.7 is asymptotic.
    res = simulate(BernoulliBandit([0.9, 0.8]), KLUCB(), runs=2000, steps=10_000, seed=1)
    assert 13.0 < res.regret[-1] < 17.5


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [KLUCB, KLUCBPlus, BayesUCB])
def test_bad_parameters_raise_naming_them(cls):
    with pytest.raises(ValueError, match="c"):
        cls(c=-1.0)
    with pytest.raises(ValueError, match="c"):
        cls(c=math.nan)
    with pytest.raises(TypeError, match="c"):
        cls(c="1")
    with pytest.raises(TypeError, match="lazy"):
        cls(lazy=1)


def test_bayes_ucb_parameters():
    with pytest.raises(ValueError, match="horizon"):
        BayesUCB(horizon=0)
    with pytest.raises(TypeError, match="horizon"):
        BayesUCB(horizon=10.5)
    with pytest.raises(ValueError, match="prior_std"):
        BayesUCB(prior_std=0.0)
    with pytest.raises(ValueError, match="horizon"):
        BayesUCB(c=1.0).params(BERN)
    assert BayesUCB().with_horizon(50).horizon == 50
    assert BayesUCB(horizon=7).with_horizon(50).horizon == 7


def test_families_refused_by_name():
    for family in ("poisson", "exponential", "beta"):
        with pytest.raises(ValueError, match=family):
            BayesUCB().check_problem(SimpleNamespace(family=family))
    for cls in (KLUCB, KLUCBPlus):
        for family in ("bernoulli", "beta", "gaussian", "poisson", "exponential"):
            cls().check_problem(SimpleNamespace(family=family))
        with pytest.raises(ValueError, match="uniform"):
            cls().check_problem(SimpleNamespace(family="uniform"))


def test_registry_names():
    assert AGENTS["kl-ucb"] is KLUCB
    assert AGENTS["kl-ucb-plus"] is KLUCBPlus
    assert AGENTS["bayes-ucb"] is BayesUCB


# --- special functions against exact and 50-digit references ----------------------------------

_PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494")


def _erfc(z: Decimal) -> Decimal:
    """erfc(z) for z >= 0 at the context precision: series below 3, continued fraction above."""
    if z < 3:
        term, total, n = z, z, 0
        while abs(term) > Decimal(10) ** -70:
            n += 1
            term *= -z * z / n
            total += term / (2 * n + 1)
        return 1 - 2 * total / _PI.sqrt()
    frac = Decimal(0)
    for k in range(400, 0, -1):  # erfc(z) = e^-z^2 / sqrt(pi) / (z + (1/2)/(z + 1/(z + ...)))
        frac = (Decimal(k) / 2) / (z + frac)
    return (-z * z).exp() / _PI.sqrt() / (z + frac)


def _lower_tail(x: Decimal) -> Decimal:
    """Phi(x) for x <= 0."""
    return _erfc(-x / Decimal(2).sqrt()) / 2


@pytest.mark.parametrize(
    "p",
    [1e-300, 1e-100, 1e-20, 3e-12, 1e-8, 1e-5, 1e-3, 0.02, 0.0749, 0.0751, 0.2, 0.3, 0.5, 0.6,
     0.9, 0.97, 0.999, 1 - 1e-9],
)  # fmt: skip
def test_ndtri_against_50_digits(p):
    x = _special.ndtri(p)
    with localcontext() as ctx:
        ctx.prec = 80
        tail = Decimal(p) if p <= 0.5 else 1 - Decimal(p)  # exact: p is a binary fraction
        exact = Decimal(-abs(x))  # Newton on the lower tail, from the float
        for _ in range(3):
            density = (-exact * exact / 2).exp() / (2 * _PI).sqrt()
            exact -= (_lower_tail(exact) - tail) / density
        exact = exact if p <= 0.5 else -exact
        assert abs(Decimal(x) - exact) <= Decimal(3e-16) * abs(exact) + Decimal(1e-300)
    assert _special.ndtri(0.0) == -math.inf and _special.ndtri(1.0) == math.inf


def test_lgamma_against_exact_factorials():
    with localcontext() as ctx:
        ctx.prec = 40
        for n in [*range(1, 40), 50, 99, 170, 1000, 10_000]:
            exact = Decimal(math.factorial(n - 1)).ln()
            assert abs(Decimal(_special.lgamma(float(n))) - exact) <= Decimal(4e-16) * abs(
                exact
            ) + Decimal(4e-15)
        for k in range(0, 30):  # Gamma(k + 1/2) = (2k)! sqrt(pi) / (4^k k!)
            exact = (
                Decimal(math.factorial(2 * k)) * _PI.sqrt() / (Decimal(4) ** k * math.factorial(k))
            ).ln()
            got = Decimal(_special.lgamma(k + 0.5))
            assert abs(got - exact) <= Decimal(4e-16) * abs(exact) + Decimal(4e-15)
    assert math.isnan(_special.lgamma(0.0)) and math.isnan(_special.lgamma(-1.0))


def _exact_sf(a: int, b: int, x: float) -> Fraction:
    """1 - I_x(a, b) = P(Bin(a + b - 1, x) <= a - 1), exactly, for integers a, b."""
    fx = Fraction(x)
    m = a + b - 1
    return sum(math.comb(m, i) * fx**i * (1 - fx) ** (m - i) for i in range(a))


@pytest.mark.parametrize("a,b", [(1, 1), (1, 7), (6, 1), (2, 3), (5, 10), (30, 4), (100, 100)])
def test_betainc_against_exact_binomial_sums(a, b):
    # the documented accuracy: lgamma's absolute error, relative to I and to 1 - I
    rel = Fraction(3e-14 + 1e-15 * (a + b) * math.log(a + b))
    for x in (1e-6, 0.01, 0.2, 0.35, 0.5, 0.61, 0.8, 0.95, 0.999):
        sf = _exact_sf(a, b, x)
        cdf = 1 - sf
        for got, exact in ((_special.beta_sf(a, b, x), sf), (_special.betainc(a, b, x), cdf)):
            assert abs(Fraction(got) - exact) <= rel * exact + Fraction(1e-300), (x, got)


def test_betainc_closed_forms_for_real_parameters():
    for x in (1e-9, 0.03, 0.3, 0.5, 0.77, 0.999):
        arcsine = 2 / math.pi * math.asin(math.sqrt(x))
        assert math.isclose(_special.betainc(0.5, 0.5, x), arcsine, rel_tol=1e-14)
        for c in (0.3, 2.5, 40.0):
            assert math.isclose(_special.betainc(c, 1.0, x), x**c, rel_tol=1e-13)
            upper = math.exp(c * math.log1p(-x))  # 1 - I_x(1, c) = (1 - x)^c
            assert math.isclose(_special.beta_sf(1.0, c, x), upper, rel_tol=1e-13)
    assert _special.betainc(2.0, 3.0, 0.0) == 0.0 and _special.betainc(2.0, 3.0, 1.0) == 1.0


@pytest.mark.parametrize("a,b", [(1, 1), (1, 5), (8, 1), (3, 9), (40, 12), (90, 11)])
def test_beta_isf_brackets_the_exact_quantile(a, b):
    tol = 1e-9
    for u in (0.05, 0.7, math.log(10.0), math.log(1e4), math.log(1e9)):
        with localcontext() as ctx:
            ctx.prec = 40
            delta = Fraction((-Decimal(u)).exp())
        for y0 in (-35.0, 0.0, 2.0, 35.0):  # far starts exercise the bracket's bisection
            # x in [root - 1e-14, root + tol + 1e-14] (floats near 1 are 1.1e-16 apart)
            x = _special.beta_isf(float(a), float(b), u, y0, tol)
            assert _exact_sf(a, b, min(x + 1e-14, 1.0)) <= delta
            assert x - tol - 1e-14 <= 0.0 or _exact_sf(a, b, x - tol - 1e-14) >= delta
    assert _special.beta_isf(2.0, 3.0, 0.0, 0.0, tol) == 0.0


def test_beta_isf_real_parameters():
    # Arcsine law: 1 - I_x(1/2, 1/2) = delta at x = cos(pi delta / 2)^2.
    for delta in (0.5, 0.1, 1e-4, 1e-8):
        x = _special.beta_isf(0.5, 0.5, -math.log(delta), 0.0, 1e-9)
        exact = math.cos(math.pi * delta / 2) ** 2
        assert exact - 1e-15 <= x <= exact + 1e-9 + 1e-15


# --- the KL-UCB solvers against 50-digit bisection -----------------------------------------


def _exact_root(kl, p, d, hi):
    with localcontext() as ctx:
        ctx.prec = 50
        p, d, lo, hi = Decimal(p), Decimal(d), Decimal(p), Decimal(hi)
        for _ in range(120):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if kl(p, mid) <= d else (lo, mid)
        return float(lo)


def _dkl_bernoulli(p, q):
    out = Decimal(0)
    if p > 0:
        out += p * (p / q).ln()
    if p < 1:
        out += (1 - p) * ((1 - p) / (1 - q)).ln()
    return out


def _dkl_poisson(p, q):
    return q - p + (p * (p / q).ln() if p > 0 else 0)


def _dkl_exponential(p, q):
    return p / q - 1 - (p / q).ln()


KL_CASES = [
    (p, d) for p in (0.0, 1e-6, 0.03, 0.3, 0.5, 0.77, 0.999) for d in (1e-7, 0.002, 0.4, 9.0)
]


@pytest.mark.parametrize("p,d", KL_CASES)
def test_kl_ucb_solvers_against_50_digits(p, d):
    tol = 1e-9
    # Rounding of kl near the root moves it by about 1e-16 / kl'(root): 1e-12 at d = 1e-7.
    q = kl_ucb_bernoulli(p, d, tol)
    root = _exact_root(_dkl_bernoulli, p, d, 1.0)
    assert root - 1e-12 <= q <= root + tol + 1e-15
    mean = 4.0 * p  # Poisson and exponential means beyond [0, 1] too
    q = kl_ucb_poisson(mean, d, tol)
    root = _exact_root(_dkl_poisson, mean, d, mean + 2 * d + 2 * math.sqrt(mean * d) + 1)
    assert root - 1e-12 <= q <= root + tol + 1e-14
    if mean > 0.0:
        q = kl_ucb_exponential(mean, d, tol)
        root = _exact_root(_dkl_exponential, mean, d, mean * math.exp(d + 1.0))
        assert root - 1e-12 * root <= q <= root + tol + 1e-14 * root


def test_kl_ucb_solver_edges():
    assert kl_ucb_bernoulli(1.0, 3.0, 1e-9) == 1.0
    assert kl_ucb_bernoulli(0.4, 0.0, 1e-9) == 0.4
    assert kl_ucb_poisson(2.0, 0.0, 1e-9) == 2.0
    assert kl_ucb_poisson(0.0, 0.5, 1e-9) == 0.5


# --- the divergences against their definitions ---------------------------------------------------


def test_divergences_against_sums_and_integrals():
    for p, q in ((0.1, 0.9), (0.5, 0.6), (0.95, 0.3), (0.0, 0.4), (1.0, 0.7)):
        pmf = {x: (p if x else 1 - p, q if x else 1 - q) for x in (0, 1)}
        exact = math.fsum(a * math.log(a / b) for a, b in pmf.values() if a > 0)
        assert math.isclose(kl_bernoulli(p, q, 0.0), exact, rel_tol=1e-12, abs_tol=1e-13)
    for lam, mu in ((0.5, 2.0), (3.0, 2.5), (40.0, 55.0)):
        terms = []
        for k in range(int(lam + 40 * math.sqrt(lam) + 60)):
            log_p = k * math.log(lam) - lam - math.lgamma(k + 1)
            log_q = k * math.log(mu) - mu - math.lgamma(k + 1)
            terms.append(math.exp(log_p) * (log_p - log_q))
        assert math.isclose(kl_poisson(lam, mu, 0.0), math.fsum(terms), rel_tol=1e-11)
    for p, q, var in ((0.0, 1.0, 1.0), (2.0, -1.5, 0.49), (0.3, 0.31, 4.0)):
        sd = math.sqrt(var)
        x = np.linspace(p - 14 * sd, p + 14 * sd, 40_001)
        dens = np.exp(-((x - p) ** 2) / (2 * var)) / math.sqrt(2 * math.pi * var)
        integrand = dens * (((x - q) ** 2 - (x - p) ** 2) / (2 * var))
        assert math.isclose(kl_gaussian(p, q, var), _simpson(integrand, x), rel_tol=1e-9)
    for p, q in ((1.0, 2.0), (3.0, 0.5), (0.2, 0.21)):
        x = np.linspace(0.0, 60.0 * p, 60_001)
        dens = np.exp(-x / p) / p
        integrand = dens * (np.log(q / p) + x / q - x / p)
        assert math.isclose(kl_exponential(p, q, 0.0), _simpson(integrand, x), rel_tol=1e-9)


def _simpson(y, x):
    h = x[1] - x[0]
    return float(h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))


def test_divergence_by_family():
    assert divergence("beta") is kl_bernoulli
    assert divergence("gaussian") is kl_gaussian
    with pytest.raises(ValueError, match="uniform"):
        divergence("uniform")
