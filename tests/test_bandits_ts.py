"""Thompson sampling's Beta sampler, discounted Thompson sampling, EXP3 and EXP3-IX (issue 12).

* the samplers of ``fastrl.rng`` behind the Beta posteriors (``beta_mt``): the
  deterministic logarithm, the squeeze, the vectorised first tries, moments,
  frozen values;
* exact match with the naive loops of ``tests/reference_ts.py`` (T1);
* agreement with independent numpy implementations, vectorised over runs and drawing
  from numpy's Generator, on the mean regret at the horizon within 5 combined
  standard errors (T5);
* validation of every field and of the problems the agents refuse.

Every simulation runs on Bernoulli arms with k >= 3 (one driver per agent: the
arm count is a run-time value, so 3, 5 and 10 arms exercise the scalar, 4-wide
and 8-wide sampling loops of one compiled driver).
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest
import reference

from fastrl import rng
from fastrl._jit import jit
from fastrl.bandits import (
    EXP3,
    EXP3IX,
    BernoulliBandit,
    BetaBandit,
    DiscountedThompsonSampling,
    GaussianBandit,
    ThompsonSampling,
    simulate,
)
from fastrl.bandits.agents import AGENTS
from fastrl.bandits.spec import parse_agent

# --- the samplers ------------------------------------------------------------------------


@jit
def _logs(x, out):
    for i in range(x.size):
        out[i] = rng._log(x[i])


def test_log_is_within_one_ulp():
    g = np.random.default_rng(3)
    x = np.concatenate(
        [
            g.random(3000),
            g.random(1000) * 50.0,
            np.exp(g.uniform(-700.0, 700.0, 1000)),
            1.0 + g.normal(size=500) * 1e-6,
            [2.0**-1000, 0.5, 1.0, 2.0, math.sqrt(0.5), math.sqrt(2.0), 1.0 - 2.0**-53],
        ]
    )
    x = x[x > 0.0]
    out = np.empty_like(x)
    _logs(x, out)
    with localcontext() as ctx:
        ctx.prec = 40
        errors = [
            abs(float(Decimal(float(y)) - Decimal(float(v)).ln())) / math.ulp(math.log(v) or 1.0)
            for v, y in zip(x, out, strict=True)
        ]
    assert max(errors) < 1.0  # fdlibm's bound; observed 0.75


@jit
def _squeeze_vs_log_test(d, c, n, key):
    # count (squeeze accepts, log test rejects): must be 0; and the squeeze's failures
    wrong = 0
    fails = 0
    for i in range(n):
        x = rng.normal(key, np.uint64(2 * i))
        u = rng.uniform_open(key, np.uint64(2 * i + 1))
        v, squeeze = rng._squeeze(x, u, d, c)
        if not v > 0.0:
            continue
        test = rng._log(u) < 0.5 * x * x + d * (1.0 - v + rng._log(v))
        wrong += squeeze and not test
        fails += not squeeze
    return wrong, fails / n


@pytest.mark.parametrize("shape", [1.0, 1.7, 5.0, 60.0, 2000.0])
def test_squeeze_accepts_only_what_the_log_test_accepts(shape):
    d, c = rng.gamma_constants(shape)
    wrong, fails = _squeeze_vs_log_test(d, c, 200_000, np.uint64(shape * 1000))
    assert wrong == 0
    assert fails < 1.0 / (36.0 * d) + 0.04  # ~1/(36 d) plus the rejections (4.9% at shape 1)


@jit
def _first_tries(key, n, shape, out):
    d, c = rng.gamma_constants(shape)
    accepted = 0
    for i in range(n):
        c0 = np.uint64(2 * i)
        g, ok = rng.gamma_try(rng.random_u64(key, c0), rng.random_u64(key, c0 + np.uint64(1)), d, c)
        out[i] = rng.gamma_mt(key, c0, shape, d, c)
        if ok:
            accepted += 1
            if g != out[i]:
                return -1
    return accepted


@pytest.mark.parametrize(("shape", "low"), [(1.0, 0.90), (3.0, 0.96), (400.0, 0.98)])
def test_accepted_first_tries_are_gamma_mt_and_gamma_mt_has_gamma_moments(shape, low):
    n = 200_000
    out = np.empty(n)
    accepted = _first_tries(np.uint64(17), n, shape, out)
    assert accepted >= low * n  # the fast path's share (one ziggurat try: 98.5% at most)
    se_mean = math.sqrt(shape / n)
    assert abs(out.mean() - shape) < 5 * se_mean
    # var of the sample variance of a gamma: (m4 - var^2) / n with m4 = 3 s^2 + 6 s
    se_var = math.sqrt((3 * shape**2 + 6 * shape - shape**2) / n)
    assert abs(out.var() - shape) < 5 * se_var


@jit
def _betas(key, n, a, b, out):
    dx, cx = rng.gamma_constants(a)
    dy, cy = rng.gamma_constants(b)
    for i in range(n):
        out[i] = rng.beta_mt(key, np.uint64(i), a, b, dx, cx, dy, cy)


@pytest.mark.parametrize(("a", "b"), [(1.0, 1.0), (0.3, 2.0), (7.0, 0.8), (40.0, 300.0)])
def test_beta_mt_moments(a, b):
    n = 200_000
    out = np.empty(n)
    _betas(np.uint64(5), n, a, b, out)
    assert np.all((out >= 0.0) & (out <= 1.0))
    mean = a / (a + b)
    var = a * b / ((a + b) ** 2 * (a + b + 1))
    assert abs(out.mean() - mean) < 5 * math.sqrt(var / n)
    # the variance's SE from the sample's fourth central moment
    m4 = np.mean((out - out.mean()) ** 4)
    assert abs(out.var() - var) < 5 * math.sqrt((m4 - var**2) / n)


# beta_mt(key, c, a, b) computed once and frozen, so that a silent change of the sampler
# (and of Thompson sampling's draws) fails here: (key, c, a, b, value)
FROZEN_BETA = [
    (0, 0, 1.0, 1.0, 0.15795070269005737),
    (0x0123456789ABCDEF, 3, 0.5, 2.5, 0.22089476398023614),
    (0x0123456789ABCDEF, 2**40, 30.0, 4.0, 0.9515198514803865),
    (12345, 7, 1.0, 900.0, 0.0013601548880184029),
]


def _beta_mt(key, c, a, b):
    return float(
        rng.beta_mt(
            np.uint64(key), np.uint64(c), a, b, *rng.gamma_constants(a), *rng.gamma_constants(b)
        )
    )


@pytest.mark.parametrize("row", FROZEN_BETA, ids=lambda r: f"{r[2]}-{r[3]}")
def test_beta_mt_frozen_values(row):
    key, c, a, b, value = row
    assert _beta_mt(key, c, a, b) == value


# --- exact match with the reference loops ----------------------------------------------------

RUNS = 3
STEPS = 200
PROBS = [0.3, 0.5, 0.6, 0.45]
BERNOULLI = BernoulliBandit(PROBS)
THREE = BernoulliBandit([0.2, 0.7, 0.65])
FIVE = BernoulliBandit([0.5, 0.5, 0.2, 0.5, 0.45])  # ties in the means
TEN = BernoulliBandit(np.linspace(0.1, 0.9, 10))
DRIFT = BernoulliBandit([0.2, 0.8, 0.5, 0.4], drift_std=0.05)
ROWS = BernoulliBandit([[0.1, 0.9, 0.5], [0.6, 0.6, 0.1], [0.0, 1.0, 0.2]])

CASES = {
    # the vectorised sampler: scalar (3 arms), 4-wide (5) and 8-wide (10) chunks
    "thompson-3": (THREE, ThompsonSampling()),
    "thompson-5": (FIVE, ThompsonSampling()),
    "thompson-10": (TEN, ThompsonSampling()),
    "dts": (BERNOULLI, DiscountedThompsonSampling()),
    "dts-10": (TEN, DiscountedThompsonSampling(gamma=0.9)),
    "dts-drift": (DRIFT, DiscountedThompsonSampling(gamma=0.8, alpha0=2.0, beta0=3.0)),
    # shapes below 1 (boosted gammas, the scalar path) on all of 5 and 10 arms
    "dts-small-prior": (FIVE, DiscountedThompsonSampling(gamma=0.5, alpha0=0.3, beta0=0.6)),
    "dts-small-prior-10": (TEN, DiscountedThompsonSampling(gamma=0.7, alpha0=0.5, beta0=0.5)),
    "dts-gamma1": (ROWS, DiscountedThompsonSampling(gamma=1.0)),
    "exp3": (BERNOULLI, EXP3()),
    "exp3-gamma": (TEN, EXP3(gamma=0.3)),
    "exp3-horizon": (DRIFT, EXP3(horizon=50)),
    "exp3-uniform": (FIVE, EXP3(gamma=1.0)),
    "exp3-ix": (BERNOULLI, EXP3IX()),
    "exp3-ix-params": (TEN, EXP3IX(eta=0.3, gamma=0.05)),
    "exp3-ix-no-ix": (ROWS, EXP3IX(eta=0.5, gamma=0.0)),
    # eta = 5, no implicit exploration, all losses: W falls below 2^-600 and is rescaled
    "exp3-ix-rescale": (BernoulliBandit([0.0, 0.1, 0.0]), EXP3IX(eta=5.0, gamma=0.0)),
}


def _check_exact(problem, agent, steps, runs=RUNS, seed=0):
    res = simulate(problem, agent, runs=runs, steps=steps, seed=seed, record_runs=True)
    tuned = agent.with_horizon(steps)  # what simulate runs
    refs = [reference.run(problem, tuned, seed=seed, i=i, steps=steps) for i in range(runs)]
    for i, ref in enumerate(refs):
        np.testing.assert_array_equal(res.actions[i], ref["actions"], err_msg=f"run {i}")
        np.testing.assert_array_equal(res.rewards[i], ref["rewards"], err_msg=f"run {i}")
    regret = np.mean([ref["regret"] for ref in refs], axis=0)
    np.testing.assert_allclose(res.regret, regret, rtol=1e-12, atol=1e-12)
    return res


@pytest.mark.parametrize("name", list(CASES))
def test_simulate_matches_reference(name):
    problem, agent = CASES[name]
    _check_exact(problem, agent, STEPS, seed=3100 + len(name))


def test_exp3_weights_are_rescaled_exactly():
    # gamma = 1 plays uniformly and multiplies a weight by e per reward: W passes 2^600
    # (e^416) after about 1250 steps of three good arms.
    problem = BernoulliBandit([1.0, 1.0, 0.9])
    res = _check_exact(problem, EXP3(gamma=1.0), 1400, runs=1)
    assert res.rewards.sum() > 600 * math.log(2.0) + 10


def test_discounted_thompson_with_gamma_1_is_thompson_sampling():
    a = simulate(TEN, ThompsonSampling(), runs=4, steps=150, seed=9, record_runs=True)
    b = simulate(TEN, DiscountedThompsonSampling(1.0), runs=4, steps=150, seed=9, record_runs=True)
    np.testing.assert_array_equal(a.actions, b.actions)
    np.testing.assert_array_equal(a.regret, b.regret)


# --- independent numpy implementations --------------------------------------------------------


def numpy_policy(probs, runs, steps, seed, choose, learn):
    """Cumulative regret per run on Bernoulli arms, all runs advanced together.

    ``choose(state, g) -> (a, p)``: the arms of the step (and their probabilities, or
    None); ``learn(state, a, p, r)`` updates ``state``, a dict of ``(runs, k)`` arrays.
    """
    g = np.random.default_rng(seed)
    probs = np.asarray(probs, dtype=float)
    k = probs.size
    state = {"s": np.zeros((runs, k)), "f": np.zeros((runs, k)), "lw": np.zeros((runs, k))}
    regret = np.zeros(runs)
    for _ in range(steps):
        a, p = choose(state, g)
        r = (g.random(runs) < probs[a]).astype(float)
        regret += probs.max() - probs[a]
        learn(state, a, p, r)
    return regret


def numpy_thompson(gamma=1.0, alpha0=1.0, beta0=1.0):
    # Beta posteriors from numpy's Generator.beta; ties have probability 0
    def choose(st, g):
        return np.argmax(g.beta(st["s"] + alpha0, st["f"] + beta0), axis=1), None

    def learn(st, a, p, r):
        st["s"] *= gamma
        st["f"] *= gamma
        rows = np.arange(a.size)
        st["s"][rows, a] += r
        st["f"][rows, a] += 1.0 - r

    return choose, learn


def _sample(p, g):
    # inverse CDF of each row of p (numpy's cumulative sums, not the agents' order)
    u = g.random(p.shape[0])[:, None]
    return np.minimum((np.cumsum(p, axis=1) <= u).sum(axis=1), p.shape[1] - 1)


def _softmax(lw):
    e = np.exp(lw - lw.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def numpy_exp3(gamma):
    # log-weights: w = exp(lw), the paper's update lw += gamma x / (p k)
    def choose(st, g):
        k = st["lw"].shape[1]
        p = (1.0 - gamma) * _softmax(st["lw"]) + gamma / k
        a = _sample(p, g)
        return a, p[np.arange(a.size), a]

    def learn(st, a, p, r):
        k = st["lw"].shape[1]
        st["lw"][np.arange(a.size), a] += gamma * r / (p * k)

    return choose, learn


def numpy_exp3_ix(eta, ix):
    def choose(st, g):
        p = _softmax(st["lw"])
        a = _sample(p, g)
        return a, p[np.arange(a.size), a]

    def learn(st, a, p, r):
        st["lw"][np.arange(a.size), a] -= eta * (1.0 - r) / (p + ix)

    return choose, learn


STAT_RUNS = 2000
STAT_STEPS = 400
K = len(PROBS)
EXP3_GAMMA = min(1.0, math.sqrt(K * math.log(K) / ((math.e - 1.0) * STAT_STEPS)))
IX_ETA = math.sqrt(2.0 * math.log(K) / (K * STAT_STEPS))
STAT_CASES = {
    "thompson": (ThompsonSampling(), numpy_thompson()),
    "dts": (
        DiscountedThompsonSampling(gamma=0.9, alpha0=0.5, beta0=2.0),
        numpy_thompson(0.9, 0.5, 2.0),
    ),
    "exp3": (EXP3(), numpy_exp3(EXP3_GAMMA)),
    "exp3-ix": (EXP3IX(), numpy_exp3_ix(IX_ETA, IX_ETA / 2.0)),
    "exp3-ix-eta": (EXP3IX(eta=0.3, gamma=0.1), numpy_exp3_ix(0.3, 0.1)),
}


@pytest.mark.parametrize("name", list(STAT_CASES))
def test_mean_regret_matches_numpy_implementation(name):
    agent, (choose, learn) = STAT_CASES[name]
    res = simulate(BERNOULLI, agent, runs=STAT_RUNS, steps=STAT_STEPS, seed=7)
    regret = numpy_policy(PROBS, STAT_RUNS, STAT_STEPS, 8, choose, learn)
    se = math.hypot(res.regret_se[-1], regret.std(ddof=1) / math.sqrt(STAT_RUNS))
    assert abs(res.regret[-1] - regret.mean()) <= 5 * se, (res.regret[-1], regret.mean(), se)


# --- configuration ------------------------------------------------------------------------

BAD = [
    (lambda: DiscountedThompsonSampling(gamma=0.0), ValueError, "gamma"),
    (lambda: DiscountedThompsonSampling(gamma=1.5), ValueError, "gamma"),
    (lambda: DiscountedThompsonSampling(gamma=None), TypeError, "gamma"),
    (lambda: DiscountedThompsonSampling(alpha0=0.0), ValueError, "alpha0"),
    (lambda: DiscountedThompsonSampling(beta0=-1.0), ValueError, "beta0"),
    (lambda: DiscountedThompsonSampling(beta0=math.inf), ValueError, "beta0"),
    (lambda: DiscountedThompsonSampling(alpha0="1"), TypeError, "alpha0"),
    (lambda: EXP3(gamma=0.0), ValueError, "gamma"),
    (lambda: EXP3(gamma=1.01), ValueError, "gamma"),
    (lambda: EXP3(gamma=math.nan), ValueError, "gamma"),
    (lambda: EXP3(gamma="x"), TypeError, "gamma"),
    (lambda: EXP3(horizon=0), ValueError, "horizon"),
    (lambda: EXP3(horizon=2.5), TypeError, "horizon"),
    (lambda: EXP3IX(eta=0.0), ValueError, "eta"),
    (lambda: EXP3IX(eta=101.0), ValueError, "eta"),
    (lambda: EXP3IX(gamma=-0.1), ValueError, "gamma"),
    (lambda: EXP3IX(gamma=math.inf), ValueError, "gamma"),
    (lambda: EXP3IX(horizon=-3), ValueError, "horizon"),
    (lambda: EXP3IX(horizon=True), TypeError, "horizon"),
]


@pytest.mark.parametrize("make,error,name", BAD, ids=[f"{i}-{b[2]}" for i, b in enumerate(BAD)])
def test_bad_parameters_raise_naming_the_argument(make, error, name):
    with pytest.raises(error, match=rf"\b{name}\b"):
        make()


@pytest.mark.parametrize("agent", [EXP3(), EXP3IX(), DiscountedThompsonSampling()])
def test_agents_refuse_problems_they_cannot_run(agent):
    gaussian = GaussianBandit([0.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="gaussian"):
        simulate(gaussian, agent, runs=2, steps=5)
    if isinstance(agent, DiscountedThompsonSampling):
        with pytest.raises(ValueError, match="'beta'"):
            agent.check_problem(BetaBandit([0.2, 0.5, 0.7]))
    else:  # rewards in [0, 1]: Beta arms are fine
        agent.check_problem(BetaBandit([0.2, 0.5, 0.7]))


@pytest.mark.parametrize("cls", [EXP3, EXP3IX])
def test_horizon_comes_from_simulate(cls):
    assert cls().with_horizon(123) == cls(horizon=123)
    assert cls(horizon=50).with_horizon(123) == cls(horizon=50)
    with pytest.raises(ValueError, match="horizon"):
        cls().params(BERNOULLI)
    a = simulate(BERNOULLI, cls(), runs=2, steps=60, seed=1, record_runs=True)
    b = simulate(BERNOULLI, cls(horizon=60), runs=2, steps=60, seed=1, record_runs=True)
    np.testing.assert_array_equal(a.actions, b.actions)


def test_tuned_parameters():
    k, horizon = 4, 1000
    gamma = EXP3().with_horizon(horizon).params(BERNOULLI)["gamma"]
    assert gamma == pytest.approx(math.sqrt(k * math.log(k) / ((math.e - 1) * horizon)))
    assert EXP3(horizon=1).params(BERNOULLI)["gamma"] == 1.0  # min(1, ...)
    assert EXP3(gamma=0.2, horizon=5).params(BERNOULLI)["gamma"] == 0.2
    p = EXP3IX(horizon=horizon).params(BERNOULLI)
    assert p["eta"] == pytest.approx(math.sqrt(2 * math.log(k) / (k * horizon)))
    assert p["gamma"] == p["eta"] / 2
    assert EXP3IX(eta=0.4, gamma=0.0, horizon=9).params(BERNOULLI) == dict(
        eta=0.4, gamma=0.0, num_arms=4.0
    )


def test_registry_names_and_specs():
    names = {
        "discounted-thompson": DiscountedThompsonSampling,
        "exp3": EXP3,
        "exp3-ix": EXP3IX,
    }
    for name, cls in names.items():
        assert AGENTS[name] is cls
    assert parse_agent("discounted-thompson gamma=0.9 alpha0=2") == DiscountedThompsonSampling(
        gamma=0.9, alpha0=2.0
    )
    assert parse_agent("exp3 gamma=0.1") == EXP3(gamma=0.1)
    assert parse_agent("exp3-ix eta=0.2 horizon=500") == EXP3IX(eta=0.2, horizon=500)


# --- the plain-Python baselines ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["thompson", "discounted-thompson", "exp3", "exp3-ix"])
def test_python_loops_run(name):
    from fastrl._loops import LOOPS, play

    curve = play(name, PROBS, 2, 50, seed=1)
    assert curve.shape == (50,) and np.all(np.diff(curve) >= 0.0) and curve[-1] > 0.0
    assert set(LOOPS) >= {"thompson", "discounted-thompson", "exp3", "exp3-ix"}
