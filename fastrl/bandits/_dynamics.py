"""What a bandit problem does in a kernel: true arm values, rewards and drift.

Shared by the simulation driver and the Gymnasium bandit environment, so the
two cannot disagree about a problem. Draw addresses (run ``i``, step ``t``,
``k`` arms):

* problem stream, counter ``a``: the true value of arm ``a`` (drawn problems);
* environment stream, counter ``t * k + a``: the reward of arm ``a`` at step
  ``t``, so agents compared with the same seed see the same reward for the same
  arm at the same step (common random numbers);
* extra stream, counter ``t * k + a``: the drift of arm ``a`` after step ``t``.
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import ijit, jit
from fastrl.bandits.problems import MEANS_GIVEN, MEANS_UNIFORM, REWARD_BERNOULLI
from fastrl.rng import normal, uniform

__all__ = ["init_means", "draw_reward", "drift_means"]


@jit
def init_means(means_code, means_in, row, loc, scale, key, means, j):
    """Row ``j`` of ``means``: the true values of a run (given row ``row``, or drawn)."""
    for a in range(means.shape[1]):
        if means_code == MEANS_GIVEN:
            means[j, a] = means_in[row, a]
        elif means_code == MEANS_UNIFORM:
            means[j, a] = uniform(key, np.uint64(a))
        else:
            means[j, a] = loc + scale * normal(key, np.uint64(a))


@ijit
def draw_reward(reward_code, mean, reward_std, key, t, a, k):
    """The reward of arm ``a`` (true value ``mean``) at step ``t``."""
    c = np.uint64(t) * np.uint64(k) + np.uint64(a)
    if reward_code == REWARD_BERNOULLI:
        return 1.0 if uniform(key, c) < mean else 0.0
    return mean + reward_std * normal(key, c)


@jit
def drift_means(reward_code, means, j, drift_std, key, t):
    """The Gaussian random walk of every true value after step ``t`` (clipped for Bernoulli)."""
    k = means.shape[1]
    for a in range(k):
        m = means[j, a] + drift_std * normal(key, np.uint64(t) * np.uint64(k) + np.uint64(a))
        if reward_code == REWARD_BERNOULLI:
            m = min(max(m, 0.0), 1.0)
        means[j, a] = m
