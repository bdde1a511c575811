"""fastrl's FrozenLake and Gymnasium's agree in distribution (visit frequencies).

Episodes are independent, so the per-episode visit counts of each state are
i.i.d. samples in each simulator; the difference of their means is tested
with 5 standard errors from the pooled variance (the null hypothesis is
equality), with fixed seeds, so the test is deterministic.
"""

import gymnasium as gym
import numpy as np

import fastrl.gym  # noqa: F401  (registers the ids)

HORIZON = 15
# a fixed, deliberately imperfect policy for the 8x8 map (any fixed policy works)
POLICY = np.random.default_rng(0).integers(0, 4, size=64)


def _fastrl_visits(num_episodes: int, **kwargs) -> np.ndarray:
    env = gym.make_vec("fastrl/FrozenLake8x8-v1", num_envs=num_episodes, **kwargs)
    obs, _ = env.reset(seed=0)
    visits = np.zeros((num_episodes, 64))
    rows = np.arange(num_episodes)
    visits[rows, obs] += 1
    done = np.zeros(num_episodes, dtype=bool)
    for _ in range(HORIZON):
        nxt, _, term, trunc, _ = env.step(POLICY[obs])
        obs = np.where(done, obs, nxt)  # after the episode ends, stay at its last state
        visits[rows, obs] += 1
        done |= term | trunc
    return visits


def _gymnasium_visits(num_episodes: int) -> np.ndarray:
    env = gym.make("FrozenLake8x8-v1").unwrapped
    visits = np.zeros((num_episodes, 64))
    s, _ = env.reset(seed=123)
    for e in range(num_episodes):
        if e:
            s, _ = env.reset()
        visits[e, s] += 1
        done = False
        for _ in range(HORIZON):
            if not done:
                s, _, done, _, _ = env.step(int(POLICY[s]))
            visits[e, s] += 1
    return visits


def _outliers(ours, theirs) -> np.ndarray:
    """States whose mean visit counts differ by more than 5 pooled standard errors."""
    n1, n2 = len(ours), len(theirs)
    pooled = np.concatenate([ours, theirs]).var(axis=0, ddof=1)
    se = np.sqrt(pooled * (1.0 / n1 + 1.0 / n2))
    diff = np.abs(ours.mean(axis=0) - theirs.mean(axis=0))
    return np.flatnonzero(diff > 5.0 * se)


def test_visit_frequencies_match_gymnasium():
    theirs = _gymnasium_visits(4000)
    assert _outliers(_fastrl_visits(20000), theirs).size == 0
    # the test has power: a lake that is not slippery is told apart
    assert _outliers(_fastrl_visits(20000, is_slippery=False), theirs).size > 0
    # the policy explores: the test compares many states, not just the start
    assert np.count_nonzero(theirs.sum(axis=0)) >= 10
