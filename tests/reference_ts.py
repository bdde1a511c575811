"""Naive reference loops of discounted Thompson sampling, EXP3 and EXP3-IX (issue 12).

Written from the agents' docstrings (the papers' formulas, evaluated in the order
the Notes sections give), in plain Python floats, one run at a time. Like
``tests/reference.py`` they share only the addressed draws of ``fastrl.rng``
(``beta_mt`` for the posteriors, with the Marsaglia-Tsang constants of
``gamma_constants``; ``uniform`` at slot 1 for the exponential-weights agents)
and ``fastrl._math.exp``; ties of the posterior samples from
:func:`reference.greedy` (slot 2). The inverse CDF of the weights is spelled out
here, not taken from ``fastrl.policies``.
"""

from __future__ import annotations

import math

import reference
from reference import SLOT_ACTION, SLOT_SAMPLE, ReferenceAgent, address, greedy, reference_for, u64

from fastrl import rng
from fastrl._math import exp
from fastrl.bandits import EXP3, EXP3IX, DiscountedThompsonSampling

__all__ = ["reference", "beta_sample"]

RESCALE = 2.0**600
UNSCALE = 2.0**-600


def beta_sample(sub, b: int, a_shape: float, b_shape: float) -> float:
    """``rng.beta_mt`` of arm ``b`` with the Marsaglia-Tsang constants of its shapes."""
    dx, cx = rng.gamma_constants(a_shape)
    dy, cy = rng.gamma_constants(b_shape)
    return float(rng.beta_mt(sub, u64(b), a_shape, b_shape, dx, cx, dy, cy))


@reference_for(DiscountedThompsonSampling)
class _DiscountedThompson(ReferenceAgent):
    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.s = [0.0] * k
        self.f = [0.0] * k

    def select(self, t):
        agent = self.agent
        sub = u64(rng.mix64(u64(rng.random_u64(self.key, address(t, SLOT_SAMPLE)))))
        theta = [
            beta_sample(sub, b, self.s[b] + agent.alpha0, self.f[b] + agent.beta0)
            for b in range(self.k)
        ]
        return greedy(theta, self.key, t)

    def update(self, a, r, t):
        g = self.agent.gamma
        for b in range(self.k):
            self.s[b] = g * self.s[b] + (r if b == a else 0.0)
            self.f[b] = g * self.f[b] + (1.0 - r if b == a else 0.0)


def inverse_cdf(weights: list[float], total: float, u: float) -> int:
    """The first arm whose cumulative weight exceeds ``u * total`` (positive weights)."""
    target = u * total
    acc = 0.0
    last = 0
    for a, w in enumerate(weights):
        if w > 0.0:
            acc += w
            last = a
            if target < acc:
                return a
    return last


class _Weights(ReferenceAgent):
    """The weights (initially 1), their running sum and its power-of-two rescaling."""

    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.w = [1.0] * k
        self.total = float(k)
        self.p = 0.0
        horizon = agent.horizon
        self.horizon = horizon

    def reweigh(self, a: int, factor: float) -> None:
        old = self.w[a]
        self.w[a] = old * factor
        total = self.total + (self.w[a] - old)
        if total < 0.5 * self.total:  # cancellation: the exact sum, from the left
            total = self.w[0]
            for w in self.w[1:]:
                total += w
        if total > RESCALE or total < UNSCALE:
            scale = UNSCALE if total > RESCALE else RESCALE
            self.w = [w * scale for w in self.w]
            total *= scale
        self.total = total


@reference_for(EXP3)
class _EXP3(_Weights):
    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        g = agent.gamma
        if g is None:  # Auer et al. (2002), Corollary 3.2 with g = T
            g = min(1.0, math.sqrt(k * math.log(k) / ((math.e - 1.0) * self.horizon)))
        self.g = g

    def select(self, t):
        k, g = self.k, self.g
        u = float(rng.uniform(self.key, address(t, SLOT_ACTION)))
        if u < g:
            a = min(int(u * (k / g)), k - 1)
        else:
            a = inverse_cdf(self.w, self.total, (u - g) / (1.0 - g))
        self.p = g / k + (1.0 - g) * (self.w[a] / self.total)
        return a

    def update(self, a, r, t):
        self.reweigh(a, exp(self.g / self.k * (r / self.p)))


@reference_for(EXP3IX)
class _EXP3IX(_Weights):
    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        eta = agent.eta
        if eta is None:  # Neu (2015), Theorem 1
            eta = math.sqrt(2.0 * math.log(k) / (k * self.horizon))
        self.eta = eta
        self.ix = eta / 2.0 if agent.gamma is None else agent.gamma

    def select(self, t):
        u = float(rng.uniform(self.key, address(t, SLOT_ACTION)))
        a = inverse_cdf(self.w, self.total, u)
        self.p = self.w[a] / self.total
        return a

    def update(self, a, r, t):
        loss = 1.0 - r
        # x / 0 is inf in the kernels (numpy's error model); 0 / 0 cannot happen (p > 0
        # when ix = 0: the chosen arm has a positive weight, unless it underflows)
        q = self.p + self.ix
        self.reweigh(a, exp(-self.eta * (loss / q if q > 0.0 else math.inf)))
