"""Run i depends only on (seed, i): threads, block size, chunking, batch size (T4)."""

from __future__ import annotations

import numba
import numpy as np
import pytest
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
from fastrl.bandits.simulate import _simulate

CURVES = (
    "mean_reward",
    "mean_reward_se",
    "optimal_action",
    "optimal_action_se",
    "regret",
    "regret_se",
)
TRACES = ("actions", "rewards")

CASES = {
    "eps-testbed-drift": (GaussianBandit.testbed(drift_std=0.05), EpsilonGreedy(0.1)),
    "thompson-bernoulli": (BernoulliBandit.random(5), ThompsonSampling()),
    "ucb-testbed": (GaussianBandit.testbed(), UCB(2.0)),
    "gradient": (GaussianBandit.testbed(mean_offset=4.0), GradientBandit(0.1)),
    "softmax-1/t": (BernoulliBandit([0.3, 0.6, 0.5]), Softmax(2.0, schedule="1/t")),
    "softmax-two-arms": (BernoulliBandit([0.7, 0.3]), Softmax(5.0, alpha=0.1, initial_value=0.5)),
    "user-eps-testbed": (GaussianBandit.testbed(), UserEpsilonGreedy(0.2)),
}
RUNS = 200  # four blocks of 64 (the last one short)
STEPS = 60


def run(name, block_size=64, chunk_blocks=None, runs=RUNS, steps=STEPS, seed=11, progress=False):
    problem, agent = CASES[name]
    return _simulate(problem, agent, runs, steps, seed, True, progress, None,
                     block_size, chunk_blocks)  # fmt: skip


def assert_identical(a, b):
    for field in CURVES + TRACES:
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    assert a.average_reward == b.average_reward
    assert a.average_reward_se == b.average_reward_se


@pytest.mark.parametrize("name", list(CASES))
def test_thread_count_does_not_matter(name):
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = run(name)
    finally:
        numba.set_num_threads(threads)
    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    try:
        two = run(name)
    finally:
        numba.set_num_threads(threads)
    assert_identical(one, two)


@pytest.mark.parametrize("name", ["eps-testbed-drift", "thompson-bernoulli", "user-eps-testbed"])
def test_block_size_changes_only_summation_order(name):
    ref = run(name, block_size=64)
    for block_size in (1, 7):
        res = run(name, block_size=block_size)
        for field in TRACES:
            np.testing.assert_array_equal(getattr(res, field), getattr(ref, field))
        for field in CURVES:
            a, b = getattr(res, field), getattr(ref, field)
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * np.abs(b).max())
        np.testing.assert_allclose(res.average_reward, ref.average_reward, rtol=1e-12)
        np.testing.assert_allclose(res.average_reward_se, ref.average_reward_se, rtol=1e-9)


@pytest.mark.parametrize("name", ["eps-testbed-drift", "ucb-testbed", "user-eps-testbed"])
def test_chunking_is_bit_identical(name):
    assert_identical(run(name, chunk_blocks=1), run(name))
    assert_identical(run(name, chunk_blocks=2, block_size=7), run(name, block_size=7))


@pytest.mark.parametrize("name", list(CASES))
def test_batch_prefix(name):
    small = run(name, runs=3)
    big = run(name, runs=130)
    for field in TRACES:
        np.testing.assert_array_equal(getattr(big, field)[:3], getattr(small, field))
    # Run i of a longer simulation starts like the shorter one.
    longer = run(name, runs=3, steps=STEPS + 25)
    np.testing.assert_array_equal(longer.actions[:, :STEPS], small.actions)
    np.testing.assert_array_equal(longer.rewards[:, :STEPS], small.rewards)


def test_seeds():
    a, b, c = run("ucb-testbed"), run("ucb-testbed"), run("ucb-testbed", seed=12)
    assert_identical(a, b)
    assert not np.array_equal(a.actions, c.actions)
    assert not np.array_equal(a.rewards, c.rewards)
    assert a.average_reward != c.average_reward
    # Common random numbers: with the same seed, two agents face the same problem
    # instances and the same reward for the same arm at the same step.
    problem = GaussianBandit.testbed()
    x = simulate(problem, EpsilonGreedy(0.5), runs=50, steps=20, seed=3, record_runs=True)
    y = simulate(problem, UCB(1.0), runs=50, steps=20, seed=3, record_runs=True)
    same = x.actions == y.actions
    assert same.any()
    np.testing.assert_array_equal(x.rewards[same], y.rewards[same])


def test_recording_does_not_change_curves():
    problem, agent = CASES["gradient"]
    recorded = run("gradient")
    plain = simulate(problem, agent, runs=RUNS, steps=STEPS, seed=11)
    assert plain.actions is None and plain.rewards is None
    for field in CURVES:
        np.testing.assert_array_equal(getattr(plain, field), getattr(recorded, field))


def test_progress_bar_changes_nothing(capsys):
    quiet = run("thompson-bernoulli", chunk_blocks=1)
    capsys.readouterr()
    loud = run("thompson-bernoulli", chunk_blocks=1, progress=True)
    err = capsys.readouterr().err
    assert "runs" in err and "100.0%" in err and err.count("\r") == 4
    assert_identical(quiet, loud)
