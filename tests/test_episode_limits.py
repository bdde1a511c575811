"""Episode limits without friction: the book's tasks train without ``max_episode_steps``."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from fastrl.tabular import QLearning, Sarsa, TabularMDP, cliff_walking, train
from fastrl.tabular.train import SAFETY_CAP


def _loop() -> TabularMDP:
    """Two states, one action, no terminal state: every episode runs to the limit."""
    P = np.array([[[0.0, 1.0]], [[1.0, 0.0]]])
    R = np.zeros((2, 1, 2))
    return TabularMDP.from_dense(P, R, terminated=np.zeros(2, bool), initial=[1.0, 0.0])


def test_cliff_walking_trains_without_a_limit():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the cap is not hit: no warning
        res = train(cliff_walking(), Sarsa(alpha=0.5, epsilon=0.1, gamma=1.0), runs=8, episodes=20)
    assert res.max_episode_steps == SAFETY_CAP
    assert res.truncated_episodes == 0
    assert np.all(res.episode_length >= 13)  # the shortest path takes 13 steps


def test_the_safety_cap_stops_a_policy_that_never_ends_and_is_named():
    with pytest.warns(RuntimeWarning, match=f"safety cap of {SAFETY_CAP} steps"):
        res = train(_loop(), QLearning(), runs=2, episodes=2)
    assert res.truncated_episodes == 4
    np.testing.assert_array_equal(res.episode_length, [SAFETY_CAP, SAFETY_CAP])


def _chain(length: int) -> TabularMDP:
    """One action, deterministic: the episode terminates on step ``length``."""
    P = np.zeros((length + 1, 1, length + 1))
    P[np.arange(length), 0, np.arange(1, length + 1)] = 1.0
    P[length, 0, length] = 1.0
    term = np.zeros(length + 1, bool)
    term[length] = True
    initial = np.zeros(length + 1)
    initial[0] = 1.0
    return TabularMDP.from_dense(P, np.ones((length + 1, 1, length + 1)), terminated=term,
                                 initial=initial)  # fmt: skip


@pytest.mark.parametrize(("limit", "truncated"), [(5, 0), (4, 0), (3, 15)])
def test_a_limit_given_truncates_without_warning_and_is_counted(limit, truncated):
    # A step that terminates exactly at the limit is not a truncation.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = train(_chain(4), QLearning(), runs=3, episodes=5, max_episode_steps=limit)
    assert res.truncated_episodes == truncated and res.max_episode_steps == limit
    np.testing.assert_array_equal(res.episode_length, np.full(5, min(limit, 4)))
