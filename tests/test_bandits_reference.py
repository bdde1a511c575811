"""``simulate`` against the naive reference loops of ``tests/reference.py`` (T1)."""

from __future__ import annotations

import numpy as np
import pytest
import reference
from user_agents import UserEpsilonGreedy

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

RUNS = 3
STEPS = 120

TESTBED = GaussianBandit.testbed()
TESTBED_OFFSET = GaussianBandit.testbed(num_arms=5, mean_offset=4.0, mean_std=0.5, reward_std=2.0)
BERNOULLI = BernoulliBandit([0.2, 0.5, 0.5, 0.8])
BERNOULLI_RANDOM = BernoulliBandit.random(6)
BERNOULLI_DRIFT = BernoulliBandit.random(5, drift_std=0.05)
GAUSSIAN_DRIFT = GaussianBandit(np.zeros(4), reward_std=0.5, drift_std=0.1)
# Two stationary arms run a driver compiled for two arms; with drift, the general one.
TWO_ARMS = BernoulliBandit([0.7, 0.3])
TWO_ARMS_TIED = BernoulliBandit([0.5, 0.5])
TWO_ARMS_DRIFT = BernoulliBandit([0.5, 0.5], drift_std=0.05)
GAUSSIAN_ROWS = GaussianBandit([[0.0, 1.0, 0.5], [2.0, -1.0, 2.0], [0.3, 0.3, 0.3]], reward_std=0.7)

CASES = {
    "eps-testbed": (TESTBED, EpsilonGreedy(0.1)),
    "greedy-bernoulli-ties": (BERNOULLI, EpsilonGreedy(0.0)),
    "eps-1/t-alpha-optimistic-drift": (
        GAUSSIAN_DRIFT,
        EpsilonGreedy(0.5, alpha=0.1, initial_value=5.0, schedule="1/t"),
    ),
    "eps-exponential": (
        BERNOULLI_RANDOM,
        EpsilonGreedy(0.3, schedule=Schedule("exponential", decay=0.97, floor=0.02)),
    ),
    "eps-linear-rows": (
        GAUSSIAN_ROWS,
        EpsilonGreedy(0.6, schedule=Schedule("linear", floor=0.05, duration=50)),
    ),
    "softmax-testbed": (TESTBED, Softmax(2.0)),
    "softmax-linear-to-greedy": (
        BERNOULLI,
        Softmax(1.0, alpha=0.2, schedule=Schedule("linear", floor=0.0, duration=60)),
    ),
    "softmax-1/t-drift": (BERNOULLI_DRIFT, Softmax(0.5, schedule="1/t")),
    "ucb-testbed": (TESTBED, UCB(2.0)),
    "ucb-c0-bernoulli": (BERNOULLI, UCB(0.0)),
    "ucb-alpha-drift": (GAUSSIAN_DRIFT, UCB(1.0, alpha=0.1)),
    "gradient-baseline": (TESTBED_OFFSET, GradientBandit(0.1, baseline=True)),
    "gradient-no-baseline": (TESTBED_OFFSET, GradientBandit(0.4, baseline=False)),
    "gradient-bernoulli": (BERNOULLI_RANDOM, GradientBandit(0.2)),
    "thompson-bernoulli": (BERNOULLI, ThompsonSampling()),
    "thompson-bernoulli-drift": (BERNOULLI_DRIFT, ThompsonSampling()),
    "thompson-gaussian": (TESTBED, ThompsonSampling(prior_mean=0.5, prior_std=2.0)),
    "thompson-gaussian-rows": (GAUSSIAN_ROWS, ThompsonSampling()),
    "eps-two-arms": (TWO_ARMS, EpsilonGreedy(0.1, alpha=0.1, initial_value=0.5)),
    "greedy-two-arms-ties": (TWO_ARMS_TIED, EpsilonGreedy(0.0)),
    "softmax-two-arms": (TWO_ARMS, Softmax(5.0, alpha=0.1, initial_value=0.5)),
    "softmax-two-arms-drift": (TWO_ARMS_DRIFT, Softmax(5.0, alpha=0.1)),
    "ucb-two-arms": (TWO_ARMS, UCB(1.0)),
    "gradient-two-arms": (TWO_ARMS, GradientBandit(0.2)),
    "thompson-two-arms": (TWO_ARMS, ThompsonSampling()),
    # A user's agent (tests/user_agents.py) in the same driver, against the built-in's loop.
    "user-eps-testbed": (TESTBED, UserEpsilonGreedy(0.1)),
    "user-eps-two-arms": (TWO_ARMS, UserEpsilonGreedy(0.3)),
}
# The reference loop of a user's agent: the built-in it re-implements.
SAME_AS = {UserEpsilonGreedy: lambda agent: EpsilonGreedy(agent.epsilon)}


@pytest.mark.parametrize("name", list(CASES))
def test_simulate_matches_reference(name):
    problem, agent = CASES[name]
    seed = 20240 + len(name)
    res = simulate(problem, agent, runs=RUNS, steps=STEPS, seed=seed, record_runs=True)
    ref_agent = SAME_AS.get(type(agent), lambda a: a)(agent)
    refs = [reference.run(problem, ref_agent, seed=seed, i=i, steps=STEPS) for i in range(RUNS)]
    for i, ref in enumerate(refs):
        np.testing.assert_array_equal(res.actions[i], ref["actions"], err_msg=f"run {i}")
        np.testing.assert_allclose(res.rewards[i], ref["rewards"], rtol=1e-12, atol=1e-12)
    # Curves from the reference's per-run traces and true values.
    np.testing.assert_allclose(res.mean_reward, res.rewards.mean(axis=0), rtol=1e-12, atol=1e-12)
    optimal = np.mean([ref["optimal"] for ref in refs], axis=0)
    np.testing.assert_allclose(res.optimal_action, optimal, rtol=1e-12, atol=1e-12)
    regret = np.mean([ref["regret"] for ref in refs], axis=0)
    np.testing.assert_allclose(res.regret, regret, rtol=1e-12, atol=1e-12)
    per_run = res.rewards.mean(axis=1)
    np.testing.assert_allclose(res.average_reward, per_run.mean(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        res.average_reward_se, per_run.std(ddof=1) / np.sqrt(RUNS), rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(
        res.mean_reward_se, res.rewards.std(axis=0, ddof=1) / np.sqrt(RUNS), rtol=1e-9, atol=1e-12
    )


def test_reference_reproduces_documented_problem_draws():
    # Drawn problems: the recovered true values follow the documented distributions'
    # addresses, and per-run rows pick row i.
    seed = 5
    means = reference.initial_means(TESTBED, seed, 0)
    assert len(means) == 10 and len(set(means)) == 10
    probs = reference.initial_means(BERNOULLI_RANDOM, seed, 1)
    assert all(0.0 <= p < 1.0 for p in probs)
    assert reference.initial_means(GAUSSIAN_ROWS, seed, 1) == [2.0, -1.0, 2.0]
    # A greedy agent with exact knowledge never regrets: the optimal flag and regret agree.
    res = simulate(TESTBED, EpsilonGreedy(0.1), runs=2, steps=30, seed=seed, record_runs=True)
    for i in range(2):
        true = np.array(reference.initial_means(TESTBED, seed, i))
        gap = true.max() - true[res.actions[i]]
        ref = reference.run(TESTBED, EpsilonGreedy(0.1), seed=seed, i=i, steps=30)
        np.testing.assert_allclose(np.cumsum(gap), ref["regret"], rtol=1e-12, atol=1e-12)


def test_drift_changes_the_true_values():
    ref = reference.run(GAUSSIAN_DRIFT, UCB(1.0), seed=1, i=0, steps=50)
    assert not np.all(ref["means"][-1] == 0.0)
    bern = reference.run(BERNOULLI_DRIFT, EpsilonGreedy(0.1), seed=1, i=0, steps=200)
    assert bern["means"].min() >= 0.0 and bern["means"].max() <= 1.0


def test_to_frame_long_format():
    problem, agent = CASES["ucb-testbed"]
    res = simulate(problem, agent, runs=RUNS, steps=STEPS, seed=1)
    frame = res.to_frame()
    assert list(frame.columns) == ["step", "metric", "mean", "se"]
    assert len(frame) == 3 * STEPS
    regret = frame[frame.metric == "regret"]
    np.testing.assert_array_equal(regret["step"], np.arange(1, STEPS + 1))
    np.testing.assert_array_equal(regret["mean"], res.regret)
    np.testing.assert_array_equal(regret["se"], res.regret_se)
