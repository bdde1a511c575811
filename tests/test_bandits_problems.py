"""The arm families and piecewise-stationary problems: exact runs, reward laws, validation.

Driver compiles are the cost here, so every simulation uses one agent,
``EpsilonGreedy`` with a constant epsilon (the general driver takes the reward
kind and piecewise stationarity as arguments: one driver for all of them).
The reward laws are checked on the shared ``draw_reward`` in one small kernel.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
import reference

from fastrl.bandits import (
    BanditProblem,
    BernoulliBandit,
    BetaBandit,
    EpsilonGreedy,
    ExponentialBandit,
    GaussianBandit,
    PoissonBandit,
    simulate,
)
from fastrl.bandits._dynamics import draw_reward
from fastrl.bandits.problems import (
    PROBLEMS,
    REWARD_BETA,
    REWARD_EXPONENTIAL,
    REWARD_POISSON,
)
from fastrl.bandits.spec import PROBLEM_KINDS, make_problem
from fastrl.rng import POISSON_PTRS_MIN

RUNS, STEPS = 3, 200
AGENT = EpsilonGreedy(0.1)

CASES = {
    "poisson": PoissonBandit([0.5, 2.0, 12.0, 30.0]),  # inversion and PTRS arms
    "poisson-random-drift": PoissonBandit.random(3, low=5.0, high=15.0, drift_std=0.3),
    "exponential": ExponentialBandit([0.5, 1.0, 2.0]),
    "exponential-rows": ExponentialBandit([[0.5, 1.0, 2.0], [3.0, 1.0, 0.2], [1.0, 1.0, 1.0]]),
    "beta": BetaBandit([0.0, 0.3, 0.6, 1.0], concentration=3.0),  # degenerate ends included
    "beta-random": BetaBandit.random(3, 0.7, low=0.2, high=0.9),
    "bernoulli-low-high": BernoulliBandit.random(3, low=0.3, high=0.6),
    "piecewise-given": BernoulliBandit(
        [[0.2, 0.5, 0.8], [0.8, 0.5, 0.2], [0.5, 0.9, 0.1]], change_points=[50, 120]
    ),
    "piecewise-drawn-points": BernoulliBandit.random(3, change_points=[1, 60, 61]),
    "piecewise-rate": BernoulliBandit.random(3, change_rate=0.03),
}


@pytest.mark.parametrize("name", list(CASES))
def test_simulate_matches_reference(name):
    problem = CASES[name]
    seed = 777 + len(name)
    res = simulate(problem, AGENT, runs=RUNS, steps=STEPS, seed=seed, record_runs=True)
    refs = [reference.run(problem, AGENT, seed=seed, i=i, steps=STEPS) for i in range(RUNS)]
    for i, ref in enumerate(refs):
        np.testing.assert_array_equal(res.actions[i], ref["actions"], err_msg=f"run {i}")
        np.testing.assert_allclose(res.rewards[i], ref["rewards"], rtol=1e-12, atol=1e-12)
    optimal = np.mean([ref["optimal"] for ref in refs], axis=0)
    np.testing.assert_allclose(res.optimal_action, optimal, rtol=1e-12, atol=1e-12)
    regret = np.mean([ref["regret"] for ref in refs], axis=0)
    np.testing.assert_allclose(res.regret, regret, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        res.final_regret, [ref["regret"][-1] for ref in refs], rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(res.mean_reward, res.rewards.mean(axis=0), rtol=1e-12, atol=1e-12)


def test_piecewise_means_follow_the_segments():
    given = CASES["piecewise-given"]
    ref = reference.run(given, AGENT, seed=1, i=0, steps=STEPS)
    np.testing.assert_array_equal(ref["means"][49], given.probs[0])
    np.testing.assert_array_equal(ref["means"][50], given.probs[1])
    np.testing.assert_array_equal(ref["means"][120], given.probs[2])
    # the optimal arm changes with the segment: arm 2, then 0, then 1
    res = simulate(given, EpsilonGreedy(0.0), runs=2, steps=STEPS, seed=1, record_runs=True)
    best = np.select([np.arange(STEPS) < 50, np.arange(STEPS) < 120], [2, 0], 1)
    np.testing.assert_array_equal(res.optimal_action, (res.actions == best).mean(axis=0))
    # drawn points: segment s draws counters s*k + a, so runs differ and the means jump
    drawn = reference.run(CASES["piecewise-drawn-points"], AGENT, seed=1, i=0, steps=STEPS)
    assert len({tuple(m) for m in drawn["means"]}) == 4


def test_drawn_change_points_are_geometric():
    rate, n = 0.05, 4000
    problem = BernoulliBandit.random(2, change_rate=rate)
    first = np.array(
        [(reference.change_steps(problem, 3, i, 400) or [400])[0] for i in range(n)], dtype=float
    )
    # first change step ~ Geometric(rate) on 1, 2, ...; P(> 400) = 1e-9
    assert abs(first.mean() - 1 / rate) <= 5 * math.sqrt((1 - rate) / rate**2 / n)
    assert first.min() >= 1
    assert abs(np.mean(first == 1) - rate) <= 5 * math.sqrt(rate * (1 - rate) / n)


@pytest.mark.parametrize(
    "problem",
    [
        CASES["poisson"], CASES["exponential"], CASES["beta-random"], CASES["piecewise-given"],
        CASES["piecewise-rate"],
    ],
    ids=["poisson", "exponential", "beta-random", "piecewise-given", "piecewise-rate"],
)  # fmt: skip
def test_gym_env_draws_what_simulate_draws(problem):
    from fastrl.gym import BanditEnv

    res = simulate(problem, AGENT, runs=1, steps=STEPS, seed=11, record_runs=True)
    env = BanditEnv(problem=problem, max_episode_steps=1000)
    env.reset(seed=11)
    rewards = [env.step(int(a))[1] for a in res.actions[0]]
    np.testing.assert_allclose(rewards, res.rewards[0], rtol=0, atol=1e-12)
    if problem.piecewise:  # each episode replays the same segments
        env.reset(seed=11)
        first = env.means
        for _ in range(STEPS):
            env.step(0)
        env.reset(seed=11)
        np.testing.assert_array_equal(env.means, first)


# ---- reward laws: moments and chi-square goodness of fit (T5) ------------------------------

N = 200_000


@numba.njit
def _draws(reward_code, mean, spread, key, n):
    out = np.empty(n)
    for t in range(n):
        out[t] = draw_reward(reward_code, mean, spread, np.uint64(key), t, 0, 1)
    return out


def _chi2_ok(observed, expected):
    """Pearson's statistic against df + 5 sd of the chi-square law (df = bins - 1)."""
    stat = float(np.sum((observed - expected) ** 2 / expected))
    df = observed.size - 1
    return stat <= df + 5 * math.sqrt(2 * df), stat


def _poisson_pmf(lam, n):
    return np.exp(-lam + n * math.log(lam) - np.array([math.lgamma(k + 1.0) for k in n]))


@pytest.mark.parametrize("lam", [0.0, 0.7, 3.0, 9.99, POISSON_PTRS_MIN, 37.5, 1000.0])
def test_poisson_rewards(lam):
    x = _draws(REWARD_POISSON, lam, 0.0, 12345, N)
    assert np.all(x == np.round(x)) and x.min() >= 0
    if lam == 0.0:
        assert np.all(x == 0.0)
        return
    # mean and variance within 5 standard errors (var of s^2 ~ (mu4 - sigma^4) / n)
    assert abs(x.mean() - lam) <= 5 * math.sqrt(lam / N)
    assert abs(x.var(ddof=1) - lam) <= 5 * math.sqrt((lam + 2 * lam * lam) / N)
    # bins of single counts with >= 20 expected draws, the two tails merged
    n = np.arange(int(lam + 12 * math.sqrt(lam) + 30))
    p = _poisson_pmf(lam, n)
    keep = np.flatnonzero(N * p >= 20)
    lo, hi = keep[0], keep[-1]
    counts = np.bincount(x.astype(np.int64), minlength=n.size)
    obs = np.concatenate([[counts[:lo].sum()], counts[lo : hi + 1], [counts[hi + 1 :].sum()]])
    expected = N * np.concatenate([[p[:lo].sum()], p[lo : hi + 1], [1.0 - p[: hi + 1].sum()]])
    mask = expected > 1e-9 * N
    assert obs[~mask].sum() == 0
    ok, stat = _chi2_ok(obs[mask], expected[mask])
    assert ok, (lam, stat)


def test_exponential_rewards():
    mu = 2.5
    x = _draws(REWARD_EXPONENTIAL, mu, 0.0, 999, N) / mu
    assert x.min() > 0
    assert abs(x.mean() - 1) <= 5 / math.sqrt(N)
    assert abs(x.var(ddof=1) - 1) <= 5 * math.sqrt(8 / N)  # mu4 = 9
    edges = -np.log1p(-np.linspace(0, 1, 41)[1:-1])  # 40 equiprobable bins
    obs = np.bincount(np.searchsorted(edges, x), minlength=40)
    ok, stat = _chi2_ok(obs, np.full(40, N / 40))
    assert ok, stat


def _beta_cdf(a, b, x):
    # numeric CDF of Beta(a, b) for a, b >= 1 (bounded density): trapezoid on a fine grid
    grid = np.linspace(0.0, 1.0, 400_001)
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    with np.errstate(divide="ignore"):
        dens = np.exp(log_norm + (a - 1) * np.log(grid) + (b - 1) * np.log1p(-grid))
    cdf = np.concatenate([[0.0], np.cumsum((dens[1:] + dens[:-1]) / 2 * np.diff(grid))])
    return np.interp(x, grid, cdf / cdf[-1])


@pytest.mark.parametrize(("mu", "kappa"), [(0.3, 5.0), (0.5, 1.0)])
def test_beta_rewards(mu, kappa):
    a, b = kappa * mu, kappa * (1 - mu)
    x = _draws(REWARD_BETA, mu, kappa, 4242, N)
    assert x.min() >= 0 and x.max() <= 1
    var = mu * (1 - mu) / (kappa + 1)
    assert abs(x.mean() - mu) <= 5 * math.sqrt(var / N)
    m4 = np.mean((x - mu) ** 4)  # the sample's fourth moment sizes the variance's SE
    assert abs(x.var(ddof=1) - var) <= 5 * math.sqrt((m4 - var * var) / N)
    if a >= 1 and b >= 1:
        cdf = _beta_cdf(a, b, np.linspace(0, 1, 41))
    else:  # Beta(1/2, 1/2): the arcsine law
        cdf = 2 / math.pi * np.arcsin(np.sqrt(np.linspace(0, 1, 41)))
    obs = np.bincount(np.searchsorted(np.linspace(0, 1, 41)[1:-1], x), minlength=40)
    ok, stat = _chi2_ok(obs, N * np.diff(cdf))
    assert ok, stat


# ---- validation ----------------------------------------------------------------------------

INVALID = [
    ("poisson negative", lambda: PoissonBandit([1.0, -0.5]), "means"),
    ("poisson inf", lambda: PoissonBandit([1.0, math.inf]), "means"),
    ("poisson low", lambda: PoissonBandit.random(3, low=-1.0, high=2.0), "low"),
    ("poisson high < low", lambda: PoissonBandit.random(3, low=2.0, high=1.0), "high"),
    ("exponential zero", lambda: ExponentialBandit([0.0, 1.0]), "means"),
    ("exponential low", lambda: ExponentialBandit.random(2, low=0.0, high=1.0), "low"),
    ("beta concentration 0", lambda: BetaBandit([0.5], concentration=0.0), "concentration"),
    ("beta concentration -1", lambda: BetaBandit.random(2, -1.0), "concentration"),
    ("beta mean > 1", lambda: BetaBandit([0.5, 1.5]), "means"),
    ("beta high > 1", lambda: BetaBandit.random(2, high=1.5), "high"),
    ("bernoulli low < 0", lambda: BernoulliBandit.random(2, low=-0.1), "low"),
    ("num_arms", lambda: PoissonBandit.random(0, low=1.0, high=2.0), "num_arms"),
    ("points decreasing", lambda: BernoulliBandit.random(2, change_points=[5, 3]), "change_points"),
    ("points repeated", lambda: BernoulliBandit.random(2, change_points=[5, 5]), "change_points"),
    ("points zero", lambda: BernoulliBandit.random(2, change_points=[0, 3]), "change_points"),
    ("points empty", lambda: BernoulliBandit.random(2, change_points=[]), "change_points"),
    ("points float", lambda: BernoulliBandit.random(2, change_points=[1.5]), "change_points"),
    ("points 2-d", lambda: BernoulliBandit.random(2, change_points=[[1, 2]]), "change_points"),
    (
        "rows per segment",
        lambda: BernoulliBandit([[0.1, 0.2], [0.3, 0.4]], change_points=[5, 9]),
        "probs",
    ),
    ("1-d with points", lambda: PoissonBandit([1.0, 2.0], change_points=[5]), "means"),
    ("rate > 1", lambda: BernoulliBandit.random(2, change_rate=1.5), "change_rate"),
    ("rate < 0", lambda: BernoulliBandit.random(2, change_rate=-0.1), "change_rate"),
    ("rate with given", lambda: PoissonBandit([1.0, 2.0], change_rate=0.1), "change_rate"),
    ("rate and points", lambda: GaussianBandit.testbed(change_points=[3], change_rate=0.1),
     "change_rate"),
    ("drift and points", lambda: BernoulliBandit.random(2, 0.1, change_points=[3]), "drift_std"),
    ("drift negative", lambda: ExponentialBandit([1.0], drift_std=-1.0), "drift_std"),
]  # fmt: skip


@pytest.mark.parametrize("make, name", [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_problems_raise_naming_the_argument(make, name):
    with pytest.raises((ValueError, TypeError), match=name):
        make()


def test_problem_classes_and_families():
    assert set(PROBLEMS) == {"bernoulli", "gaussian", "poisson", "exponential", "beta"}
    for family, cls in PROBLEMS.items():
        assert issubclass(cls, BanditProblem) and cls.family == family
    assert math.isnan(PoissonBandit([1.0]).reward_std)
    assert GaussianBandit([0.0], reward_std=2.0).reward_std == 2.0
    p = BetaBandit([0.2, 0.6])
    with pytest.raises(AttributeError):
        p.concentration = 3.0
    with pytest.raises(ValueError):
        p.means[0] = 0.5  # read-only
    assert CASES["piecewise-rate"].piecewise and not CASES["piecewise-rate"].stationary
    assert CASES["poisson"].stationary and not CASES["poisson-random-drift"].stationary
    # simulate refuses per-run rows of the wrong count, but segments are not runs
    with pytest.raises(ValueError, match="runs"):
        simulate(CASES["exponential-rows"], AGENT, runs=2, steps=5)


def test_make_problem_parses_every_family():
    assert PROBLEM_KINDS == ("testbed", "bernoulli", "gaussian", "poisson", "exponential", "beta")
    from fastrl.cli import _PROBLEM_KINDS

    assert _PROBLEM_KINDS == PROBLEM_KINDS
    p = make_problem("poisson", arms=3, means=[1.0, 2.0, 3.0])
    assert isinstance(p, PoissonBandit) and p.means.tolist() == [1.0, 2.0, 3.0]
    p = make_problem("beta", arms=4, concentration=5.0)
    assert isinstance(p, BetaBandit) and p.num_arms == 4 and p.concentration == 5.0
    p = make_problem("exponential", arms=2, low=0.5, high=2.0, change_rate=0.01)
    assert p.means is None and p.change_rate == 0.01
    p = make_problem("bernoulli", arms=2, probs=[[0.2, 0.8], [0.8, 0.2]], change_points=[100])
    assert p.probs.shape == (2, 2) and p.change_points.tolist() == [100]
    p = make_problem("testbed", arms=5, change_points=[10, 20])
    assert isinstance(p, GaussianBandit) and p.means is None
    assert p.change_points.tolist() == [10, 20]
    for kind, kwargs, message in [
        ("poisson", {}, "--low and --high"),
        ("gaussian", {}, "needs --means"),
        ("beta", {"means": [[0.2, 0.8], [0.8, 0.2]]}, "--change-points"),
        ("poisson", {"means": [1.0, -1.0]}, "means must be >= 0"),
        ("nonsense", {}, "problem must be one of"),
    ]:
        with pytest.raises(ValueError, match=message):
            make_problem(kind, arms=2, **kwargs)


def test_cli_runs_a_family_and_a_piecewise_problem(capsys):
    from fastrl.cli import main

    agent = ["--agent", "epsilon-greedy epsilon=0.1"]
    assert main(["bandit", "--family", "poisson", "--means", "0.5,2,12,30", "--runs", "64",
                 "--steps", "20", *agent]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "PoissonBandit(means=[0.5, 2.0, 12.0, 30.0]" in out and "Lai-Robbins" in out
    probs = ["--probs", "0.2,0.5,0.8/0.8,0.5,0.2", "--change-points", "10"]
    assert main(["bandit", "--problem", "bernoulli", *probs, "--runs", "64", "--steps", "20",
                 *agent]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "change_points=[10]" in out and "Lai-Robbins" not in out
    assert main(["bandit", "--family", "beta", "--concentration", "0", *agent]) == 2
    assert "concentration must be > 0" in capsys.readouterr().err
    assert main(["bandit", "--problem", "bernoulli", "--change-points", "5,3", *agent]) == 2
    assert "change_points must be" in capsys.readouterr().err
