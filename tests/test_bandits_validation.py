"""Bad inputs always raise ValueError/TypeError naming the argument; valid ones run (T3)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import configs, negative_integers, non_integers, not_a_number, outside

from fastrl.bandits import (
    UCB,
    BernoulliBandit,
    EpsilonGreedy,
    GaussianBandit,
    GradientBandit,
    Softmax,
    ThompsonSampling,
    simulate,
)
from fastrl.schedules import Schedule

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROBLEM = BernoulliBandit([0.2, 0.8])
AGENT = EpsilonGreedy(0.1)


def sim(problem=PROBLEM, agent=AGENT, **kwargs):
    kwargs.setdefault("runs", 2)
    kwargs.setdefault("steps", 3)
    return simulate(problem, agent, **kwargs)


# (what, callable, error, argument named in the message)
INVALID = [
    ("epsilon<0", lambda: EpsilonGreedy(-0.1), ValueError, "epsilon"),
    ("epsilon>1", lambda: EpsilonGreedy(1.5), ValueError, "epsilon"),
    ("epsilon nan", lambda: EpsilonGreedy(math.nan), ValueError, "epsilon"),
    ("epsilon str", lambda: EpsilonGreedy("0.1"), TypeError, "epsilon"),
    ("alpha 0", lambda: EpsilonGreedy(alpha=0.0), ValueError, "alpha"),
    ("alpha<0", lambda: EpsilonGreedy(alpha=-0.1), ValueError, "alpha"),
    ("alpha 1.5", lambda: Softmax(alpha=1.5), ValueError, "alpha"),
    ("alpha nan", lambda: UCB(alpha=math.nan), ValueError, "alpha"),
    ("alpha bool", lambda: UCB(alpha=True), TypeError, "alpha"),
    ("initial nan", lambda: EpsilonGreedy(initial_value=math.nan), ValueError, "initial_value"),
    ("initial inf", lambda: Softmax(initial_value=math.inf), ValueError, "initial_value"),
    ("schedule int", lambda: EpsilonGreedy(schedule=3), TypeError, "schedule"),
    ("schedule name", lambda: EpsilonGreedy(schedule="cosine"), ValueError, "kind"),
    ("c<0", lambda: UCB(-1.0), ValueError, "c"),
    ("c inf", lambda: UCB(math.inf), ValueError, "c"),
    ("beta 0", lambda: Softmax(0.0), ValueError, "beta"),
    ("beta<0", lambda: Softmax(-2.0), ValueError, "beta"),
    ("beta nan", lambda: Softmax(math.nan), ValueError, "beta"),
    ("gradient alpha 0", lambda: GradientBandit(0.0), ValueError, "alpha"),
    ("gradient baseline", lambda: GradientBandit(baseline=1), TypeError, "baseline"),
    ("prior_std 0", lambda: ThompsonSampling(prior_std=0.0), ValueError, "prior_std"),
    ("prior_mean nan", lambda: ThompsonSampling(prior_mean=math.nan), ValueError, "prior_mean"),
    ("probs<0", lambda: BernoulliBandit([-0.1, 0.5]), ValueError, "probs"),
    ("probs>1", lambda: BernoulliBandit([0.5, 1.01]), ValueError, "probs"),
    ("probs nan", lambda: BernoulliBandit([0.5, math.nan]), ValueError, "probs"),
    ("probs 3-D", lambda: BernoulliBandit(np.full((2, 2, 2), 0.5)), ValueError, "probs"),
    ("probs empty", lambda: BernoulliBandit([]), ValueError, "probs"),
    ("probs no rows", lambda: BernoulliBandit(np.zeros((0, 3))), ValueError, "probs"),
    ("probs strings", lambda: BernoulliBandit(["a", "b"]), TypeError, "probs"),
    ("probs ragged", lambda: BernoulliBandit([[0.1], [0.2, 0.3]]), TypeError, "probs"),
    ("means nan", lambda: GaussianBandit([0.0, math.nan]), ValueError, "means"),
    ("means inf", lambda: GaussianBandit([[0.0, math.inf]]), ValueError, "means"),
    ("means 3-D", lambda: GaussianBandit(np.zeros((1, 2, 3))), ValueError, "means"),
    ("means 0-D", lambda: GaussianBandit(1.0), ValueError, "means"),
    ("means empty", lambda: GaussianBandit(np.zeros((2, 0))), ValueError, "means"),
    ("means no rows", lambda: GaussianBandit(np.zeros((0, 3))), ValueError, "means"),
    ("reward_std 0", lambda: GaussianBandit([0.0], reward_std=0.0), ValueError, "reward_std"),
    (
        "reward_std nan",
        lambda: GaussianBandit.testbed(reward_std=math.nan),
        ValueError,
        "reward_std",
    ),
    ("drift<0", lambda: BernoulliBandit([0.5], drift_std=-0.01), ValueError, "drift_std"),
    ("drift nan", lambda: GaussianBandit.testbed(drift_std=math.nan), ValueError, "drift_std"),
    ("mean_std<0", lambda: GaussianBandit.testbed(mean_std=-1.0), ValueError, "mean_std"),
    ("offset inf", lambda: GaussianBandit.testbed(mean_offset=math.inf), ValueError, "mean_offset"),
    ("num_arms 0", lambda: GaussianBandit.testbed(num_arms=0), ValueError, "num_arms"),
    ("num_arms huge", lambda: BernoulliBandit.random(2**31), ValueError, "num_arms"),
    ("num_arms float", lambda: BernoulliBandit.random(2.0), TypeError, "num_arms"),
    ("no values", lambda: GaussianBandit(None), ValueError, "num_arms"),
    ("runs 0", lambda: sim(runs=0), ValueError, "runs"),
    ("runs<0", lambda: sim(runs=-3), ValueError, "runs"),
    ("runs bool", lambda: sim(runs=True), TypeError, "runs"),
    ("runs float", lambda: sim(runs=2.0), TypeError, "runs"),
    ("steps 0", lambda: sim(steps=0), ValueError, "steps"),
    ("steps float", lambda: sim(steps=3.5), TypeError, "steps"),
    ("steps str", lambda: sim(steps="3"), TypeError, "steps"),
    (
        "rows != runs",
        lambda: sim(BernoulliBandit(np.full((3, 2), 0.5)), runs=2),
        ValueError,
        "runs",
    ),
    ("seed -1", lambda: sim(seed=-1), ValueError, "seed"),
    ("seed 1.5", lambda: sim(seed=1.5), TypeError, "seed"),
    ("seed str", lambda: sim(seed="x"), TypeError, "seed"),
    ("seed bool", lambda: sim(seed=True), TypeError, "seed"),
    ("record_runs", lambda: sim(record_runs="yes"), TypeError, "record_runs"),
    ("progress", lambda: sim(progress=1), TypeError, "progress"),
    ("problem type", lambda: sim(problem="bernoulli"), TypeError, "problem"),
    ("agent type", lambda: sim(agent="greedy"), TypeError, "agent"),
    ("swapped", lambda: sim(problem=AGENT, agent=PROBLEM), TypeError, "problem"),
    ("schedule as agent", lambda: sim(agent=Schedule()), TypeError, "agent"),
]


@pytest.mark.parametrize("make, error, name", [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_raises_naming_argument(make, error, name):
    with pytest.raises(error, match=name):
        make()


def test_configs_are_frozen():
    with pytest.raises(AttributeError):
        AGENT.epsilon = 0.5
    with pytest.raises(AttributeError):
        PROBLEM.drift_std = 0.1
    with pytest.raises(ValueError):
        PROBLEM.probs[0] = 0.9  # read-only arrays


@SETTINGS
@given(outside(0.0, 1.0))
def test_epsilon_outside_unit_interval(epsilon):
    with pytest.raises(ValueError, match="epsilon"):
        EpsilonGreedy(epsilon)


@SETTINGS
@given(outside(0.0, 1.0, low_open=True), st.sampled_from([EpsilonGreedy, Softmax, UCB]))
def test_alpha_outside_step_size_range(alpha, cls):
    with pytest.raises(ValueError, match="alpha"):
        cls(alpha=alpha)


@SETTINGS
@given(outside(0.0, math.inf, low_open=True), outside(0.0, math.inf))
def test_beta_and_c(beta, c):
    with pytest.raises(ValueError, match="beta"):
        Softmax(beta)
    with pytest.raises(ValueError, match="c"):
        UCB(c)


@SETTINGS
@given(st.integers(1, 4), st.integers(0, 3), outside(0.0, 1.0))
def test_probs_outside_unit_interval(k, where, bad):
    probs = np.full(k, 0.5)
    probs[where % k] = bad
    with pytest.raises(ValueError, match="probs"):
        BernoulliBandit(probs)


@SETTINGS
@given(not_a_number)
def test_non_numbers_raise_type_error(value):
    for make in (EpsilonGreedy, Softmax, UCB, GradientBandit, ThompsonSampling):
        with pytest.raises((TypeError, ValueError)):
            make(value)
    if isinstance(value, str):
        with pytest.raises(TypeError, match="means"):
            GaussianBandit(value)


@SETTINGS
@given(non_integers | negative_integers, st.sampled_from(["runs", "steps", "seed"]))
def test_bad_counts_and_seeds(value, name):
    if name == "seed" and isinstance(value, int) and not isinstance(value, bool) and value == 0:
        value = -1  # 0 is a valid seed
    with pytest.raises((TypeError, ValueError), match=name):
        sim(**{name: value})


@SETTINGS
@given(configs())
def test_valid_configs_run(config):
    problem, agent, runs, steps, seed = config
    res = simulate(problem, agent, runs=runs, steps=steps, seed=seed, record_runs=True)
    for name in ("mean_reward", "optimal_action", "regret"):
        curve = getattr(res, name)
        assert curve.shape == (steps,) and np.all(np.isfinite(curve)), name
        se = getattr(res, name + "_se")
        assert se.shape == (steps,)
        assert np.all(np.isnan(se)) if runs == 1 else np.all(np.isfinite(se) & (se >= 0))
    assert np.isfinite(res.average_reward)
    assert res.actions.shape == res.rewards.shape == (runs, steps)
    assert res.actions.min() >= 0 and res.actions.max() < problem.num_arms
    assert np.all((res.optimal_action >= 0) & (res.optimal_action <= 1))
    assert np.all(np.diff(res.regret) >= -1e-9 * (1 + np.abs(res.regret[1:])))
    if isinstance(problem, BernoulliBandit):
        assert set(np.unique(res.rewards)) <= {0.0, 1.0}
    np.testing.assert_allclose(res.mean_reward, res.rewards.mean(axis=0), rtol=1e-9, atol=1e-9)
