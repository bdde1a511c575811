"""Sliding-window UCB and per-run buffers of the agent protocol."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import reference

from fastrl.bandits import Agent, BernoulliBandit, GaussianBandit, SlidingWindowUCB, simulate

GAUSSIAN = GaussianBandit([0.0, 0.4, -0.2, 0.3], reward_std=0.8)


def test_sliding_window_ucb_matches_the_reference_loop():
    # Gaussian rewards: the running window sums are inexact, and must match too.
    reference.assert_matches(GAUSSIAN, SlidingWindowUCB(window=30, xi=0.6), seed=11, steps=150)


def _numpy_sw_ucb(means, window, c, runs, steps, seed):
    """Vectorised over runs, from the paper, with numpy's generator: mean final regret, SE."""
    gen = np.random.default_rng(seed)
    k = means.size
    hist_a = np.zeros((runs, steps), dtype=np.int64)
    hist_r = np.zeros((runs, steps))
    regret = np.zeros(runs)
    for t in range(steps):
        lo = max(0, t - window)
        onehot = hist_a[:, lo:t, None] == np.arange(k)
        n = onehot.sum(axis=1)
        s = (onehot * hist_r[:, lo:t, None]).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            index = s / n + c * np.sqrt(np.log(min(t + 1, window)) / n)
        index = np.where(n == 0, np.inf, index) + 1e-12 * gen.random((runs, k))
        a = index.argmax(axis=1)
        hist_a[:, t] = a
        hist_r[:, t] = gen.random(runs) < means[a]
        regret += means.max() - means[a]
    return regret.mean(), regret.std(ddof=1) / np.sqrt(runs)


def test_sliding_window_ucb_agrees_with_an_independent_implementation():
    means = np.array([0.3, 0.5, 0.45])
    runs, steps, window = 1000, 200, 40
    res = simulate(BernoulliBandit(means), SlidingWindowUCB(window=window), runs=runs, steps=steps)
    mine, mine_se = res.regret[-1], res.regret_se[-1]
    theirs, theirs_se = _numpy_sw_ucb(means, window, 0.6**0.5, runs, steps, seed=3)
    assert abs(mine - theirs) < 5 * np.hypot(mine_se, theirs_se), (mine, theirs)


def test_a_window_longer_than_the_run_is_ucb_with_its_constant():
    res = simulate(GAUSSIAN, SlidingWindowUCB(window=10_000), runs=2, steps=60, record_runs=True)
    ref = reference.run(GAUSSIAN, SlidingWindowUCB(window=10_000), seed=0, i=1, steps=60)
    np.testing.assert_array_equal(res.actions[1], ref["actions"])


@pytest.mark.parametrize(
    "kwargs, match",
    [({"window": 0}, "window"), ({"window": 2.5}, "window"), ({"xi": 0.0}, "xi"),
     ({"bound": -1.0}, "bound")],
)  # fmt: skip
def test_sliding_window_ucb_validates(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        SlidingWindowUCB(**kwargs)


def test_buffers_must_name_an_integer_parameter():
    with pytest.raises(TypeError, match="buffers"):

        @dataclass(frozen=True)
        class Bad(Agent):
            arrays = {"q": 0.0}
            buffers = {"past": 10}

    @dataclass(frozen=True)
    class RealLength(Agent):
        length: float = 3.0
        arrays = {"q": 0.0}
        buffers = {"past": ("length", 0.0)}

        @staticmethod
        def select(p, st, j, key, t):
            return 0

        @staticmethod
        def update(p, st, j, a, r, key, t):
            st.past[j, 0] = r

    with pytest.raises(TypeError, match="integer field"):
        simulate(GAUSSIAN, RealLength(), runs=1, steps=2)
