"""What a bandit problem does in a kernel: true arm values, rewards, drift and change points.

Shared by the simulation driver and the Gymnasium bandit environment, so the
two cannot disagree about a problem. Draw addresses (run ``i``, step ``t``,
``k`` arms):

* problem stream, counter ``s * k + a``: the true value of arm ``a`` in
  segment ``s`` (drawn problems; a stationary problem has segment 0 only, so
  counter ``a``);
* problem stream, sub-key ``mix64(problem_key ^ SUB_CHANGE)`` (``SUB_CHANGE =
  0x2545F4914F6CDD1D``), counter ``s``:
  the uniform (``uniform_open``) of the geometric gap between the start of
  segment ``s`` and the next change point (``change_rate`` problems),
  ``gap = 1 + floor(log(u) / log(1 - change_rate))``;
* environment stream, counter ``t * k + a``: the reward of arm ``a`` at step
  ``t``, so agents compared with the same seed see the same reward for the same
  arm at the same step (common random numbers). Bernoulli: ``uniform < p``;
  Gaussian: ``mean + reward_std * normal``; Poisson: :func:`fastrl.rng.poisson`;
  exponential: ``mean * exponential``; Beta: :func:`fastrl.rng.beta` with
  ``(kappa mean, kappa (1 - mean))``. The samplers that need several uniforms
  take them from sub-keys of that address (documented in :mod:`fastrl.rng`);
* extra stream, counter ``t * k + a``: the drift of arm ``a`` after step ``t``.

A change point ``c`` takes effect before step ``c`` is played: steps ``0 ..
c - 1`` use segment ``s``, step ``c`` segment ``s + 1``.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl._jit import ijit, jit
from fastrl.bandits.divergences import kl_bernoulli, kl_exponential, kl_gaussian, kl_poisson
from fastrl.bandits.problems import (
    MEANS_GIVEN,
    MEANS_UNIFORM,
    REWARD_BERNOULLI,
    REWARD_BETA,
    REWARD_EXPONENTIAL,
    REWARD_GAUSSIAN,
    REWARD_POISSON,
)
from fastrl.policies import row_max
from fastrl.rng import beta, exponential, mix64, normal, poisson, run_key, uniform, uniform_open

__all__ = [
    "SUB_CHANGE",
    "NEVER",
    "init_means",
    "segment_means",
    "draw_reward",
    "drift_means",
    "change_key",
    "next_change",
    "lai_robbins_mean",
]

#: the constant that separates the change-point sub-key from the problem stream
SUB_CHANGE = np.uint64(0x2545F4914F6CDD1D)
#: the step of a change point that never comes
NEVER = np.int64(2**62)
_MAX_GAP = float(2**61)


@jit
def segment_means(means_code, means_in, row, seg, loc, scale, key, means, j):
    """Row ``j`` of ``means``: segment ``seg``'s true values (given row ``row``, or drawn)."""
    k = means.shape[1]
    base = np.uint64(seg) * np.uint64(k)
    for a in range(k):
        if means_code == MEANS_GIVEN:
            means[j, a] = means_in[row, a]
        elif means_code == MEANS_UNIFORM:
            means[j, a] = loc + scale * uniform(key, base + np.uint64(a))
        else:
            means[j, a] = loc + scale * normal(key, base + np.uint64(a))


@jit
def init_means(means_code, means_in, row, loc, scale, key, means, j):
    """Row ``j`` of ``means``: the true values of a run at step 0 (given row ``row``, or drawn)."""
    segment_means(means_code, means_in, row, 0, loc, scale, key, means, j)


@ijit
def draw_reward(reward_code, mean, spread, key, t, a, k):
    """The reward of arm ``a`` (true value ``mean``) at step ``t``.

    ``spread`` is the Gaussian ``reward_std`` or the Beta concentration.
    """
    c = np.uint64(t) * np.uint64(k) + np.uint64(a)
    if reward_code == REWARD_BERNOULLI:
        return 1.0 if uniform(key, c) < mean else 0.0
    if reward_code == REWARD_GAUSSIAN:
        return mean + spread * normal(key, c)
    if reward_code == REWARD_POISSON:
        return np.float64(poisson(key, c, mean))
    if reward_code == REWARD_EXPONENTIAL:
        return mean * exponential(key, c)
    if mean <= 0.0:  # Beta: the degenerate ends pay their mean
        return 0.0
    if mean >= 1.0:
        return 1.0
    return beta(key, c, spread * mean, spread * (1.0 - mean))


@jit
def drift_means(reward_code, means, j, drift_std, key, t):
    """The Gaussian random walk of every true value after step ``t``, clipped to the family's
    range ([0, 1] for Bernoulli and Beta, [0, inf) for Poisson and exponential)."""
    k = means.shape[1]
    for a in range(k):
        m = means[j, a] + drift_std * normal(key, np.uint64(t) * np.uint64(k) + np.uint64(a))
        if reward_code == REWARD_BERNOULLI or reward_code == REWARD_BETA:
            m = min(max(m, 0.0), 1.0)
        elif reward_code != REWARD_GAUSSIAN:
            m = max(m, 0.0)
        means[j, a] = m


@ijit
def change_key(problem_key):
    """The sub-key of a run's drawn change points."""
    return mix64(np.uint64(problem_key) ^ SUB_CHANGE)


@ijit
def next_change(change_points, change_rate, seg, start, key):
    """The step at which segment ``seg + 1`` begins, segment ``seg`` having begun at ``start``.

    Given change points: ``change_points[seg]`` (:data:`NEVER` after the
    last). Drawn (``change_rate > 0``): ``start`` plus a geometric gap >= 1
    from counter ``seg`` of ``key`` (:func:`change_key`).
    """
    if change_rate > 0.0:
        u = uniform_open(key, np.uint64(seg))
        gap = 1.0 + math.floor(math.log(u) / math.log1p(-change_rate))
        return start + np.int64(min(gap, _MAX_GAP))
    if seg < change_points.shape[0]:
        return change_points[seg]
    return NEVER


@ijit
def _kl(reward_code, p, q, sigma2):
    # The divergence of fastrl.bandits.divergences.divergence(family), by kernel code.
    if reward_code == REWARD_GAUSSIAN:
        return kl_gaussian(p, q, sigma2)
    if reward_code == REWARD_POISSON:
        return kl_poisson(p, q, sigma2)
    if reward_code == REWARD_EXPONENTIAL:
        return kl_exponential(p, q, sigma2)
    return kl_bernoulli(p, q, sigma2)  # Bernoulli and Beta


@jit
def lai_robbins_mean(reward_code, means_code, means_in, loc, scale, sigma2, root, runs):
    """Mean over runs ``0 .. runs - 1`` of ``sum_{a: mu_a < mu*} (mu* - mu_a) / KL(mu_a, mu*)``.

    Each run's means as the driver sets them at step 0 (given row, or drawn
    from the run's problem stream key ``run_key(root, i)``); ``O(k)`` memory.
    """
    k = means_in.shape[1]
    means = np.empty((1, k))
    total = 0.0
    for i in range(runs):
        row = i if means_in.shape[0] > 1 else 0
        init_means(means_code, means_in, row, loc, scale, run_key(root, np.uint64(i)), means, 0)
        best = row_max(means, 0)
        c = 0.0
        for a in range(k):
            m = means[0, a]
            if m < best:
                c += (best - m) / _kl(reward_code, m, best, sigma2)
        total += c
    return total / runs
