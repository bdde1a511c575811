"""Tabular learners on a binned CartPole (``fastrl.control.binned``), the tutorials' recipe.

Expected numbers: ``tests/reference_binned.py``, a naive loop of Q-learning
on the binned float32 observation with its own CartPole step, on the same
addressed draws: the kernel's Q tables equal it bit for bit (our code, not a
book). One learner config (one compiled driver) for the whole file.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from reference_binned import q_learning_run

from fastrl._jit import get_num_threads, set_num_threads
from fastrl.control import CartPole
from fastrl.control._binned_driver import bin_index
from fastrl.control.binned import DEFAULT_BINS, DEFAULT_HIGH, DEFAULT_LOW, _binning, train_binned
from fastrl.tabular import QLearning

AGENT = QLearning(alpha=0.2, gamma=0.99, epsilon=0.1)
SPEC = dict(bins=DEFAULT_BINS, low=DEFAULT_LOW, high=DEFAULT_HIGH)


def test_bin_index_hand_computed():
    binning = _binning(**SPEC)
    # theta = 0.01: (0.01 + 0.2094) * 6 / 0.4189 = 3.14 -> 3; theta_dot = 0.1:
    # (0.1 + 0.8727) * 12 / 1.7453 = 6.69 -> 6; x and x_dot have one bin each
    assert bin_index(binning, 1.0, -2.0, 0.01, 0.1) == 3 * 12 + 6
    # beyond the bounds: the outer bins
    assert bin_index(binning, 9.0, 9.0, 1.0, -5.0) == 5 * 12 + 0
    assert bin_index(binning, 0.0, 0.0, -1.0, 5.0) == 11
    fine = _binning((3, 2, 1, 1), (-1.0, -1.0, -1.0, -1.0), (1.0, 1.0, 1.0, 1.0))
    assert bin_index(fine, 0.5, -0.5, 0.0, 0.0) == 2 * 2 + 0


def test_kernel_equals_reference_loop():
    res = train_binned(AGENT, runs=3, episodes=30, seed=5, **SPEC)
    lengths = []
    for run in range(3):
        n, q = q_learning_run(5, run, episodes=30, alpha=0.2, gamma=0.99, epsilon=0.1, **SPEC)
        np.testing.assert_array_equal(res.q[run], q)
        lengths.append(n)
    lengths = np.array(lengths)
    np.testing.assert_allclose(res.episode_length, lengths.mean(axis=0), rtol=1e-12)
    assert res.env_steps == lengths.sum()
    assert res.q.shape == (3, 72, 2) and res.policy.shape == (3, 72)


def test_runs_do_not_depend_on_batch_or_threads():
    big = train_binned(AGENT, runs=40, episodes=20, seed=2)
    small = train_binned(AGENT, runs=3, episodes=20, seed=2)
    np.testing.assert_array_equal(small.q, big.q[:3])
    threads = get_num_threads()
    try:
        set_num_threads(1)
        one = train_binned(AGENT, runs=40, episodes=20, seed=2)
    finally:
        set_num_threads(threads)
    np.testing.assert_array_equal(one.episode_length, big.episode_length)
    np.testing.assert_array_equal(one.episode_length_se, big.episode_length_se)


def test_learns():
    """Our numbers, statistical: episodes 291-300 last longer than episodes 1-10 by 5 SE."""
    res = train_binned(AGENT, runs=256, episodes=300, seed=0)
    first = res.episode_length[:10].mean(), res.episode_length_se[:10].max()
    last = res.episode_length[-10:].mean(), res.episode_length_se[-10:].max()
    assert last[0] - first[0] > 5 * math.hypot(first[1], last[1])
    frame = res.to_frame()
    assert list(frame.columns) == ["episode", "episode_length", "episode_length_se", "solved_rate"]
    assert np.all((res.solved_rate >= 0) & (res.solved_rate <= 1))


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(agent="q"), TypeError, "agent"),
        (dict(task="MountainCar-v0"), ValueError, "task"),
        (dict(task=CartPole(length=[0.5, 1.0])), ValueError, "one set"),
        (dict(runs=0), ValueError, "runs"),
        (dict(bins=(1, 1, 6)), ValueError, "bins"),
        (dict(bins=(1, 1, 0, 3)), ValueError, "bins"),
        (dict(low=(0.0, 0.0, 0.0, 0.0), high=(0.0, 1.0, 1.0, 1.0)), ValueError, "low"),
        (dict(max_episode_steps=0), ValueError, "max_episode_steps"),
        (dict(seed=-1), ValueError, "seed"),
    ],
)
def test_validation(kwargs, exc, match):
    kwargs = {"agent": AGENT, "runs": 2, "episodes": 2, **kwargs}
    with pytest.raises(exc, match=match):
        train_binned(**kwargs)
