"""Thompson sampling, discounted Thompson sampling, EXP3 and EXP3-IX in plain Python.

The per-step baselines of ``fastrl bench`` for these agents: what a researcher
writes without fastrl, one run at a time on Python floats, with numpy's
generator for randomness, each written from its paper. The classes follow
:mod:`fastrl._loops` (``__init__(k, gen, **params)``, ``select(t)``,
``update(a, r, t)``; :data:`LOOPS` maps registry names to them, ``horizon``
filled with the run's steps by ``fastrl._loops.play``); the functions play
Bernoulli arms and return the mean cumulative regret per step. They are
baselines, not references: the tests check fastrl against ``tests/reference*.py``.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl._loops.classic import argmax, sample

__all__ = [
    "LOOPS",
    "Thompson",
    "DiscountedThompson",
    "EXP3",
    "EXP3IX",
    "thompson_loop",
    "discounted_thompson_loop",
    "exp3_loop",
    "exp3_ix_loop",
]


class Thompson:
    """Beta(1, 1) priors, one posterior sample per arm, the largest played."""

    def __init__(self, k, gen):
        self.k, self.gen = k, gen
        self.s = [0.0] * k
        self.f = [0.0] * k

    def select(self, t):
        beta = self.gen.beta
        return argmax([beta(1.0 + s, 1.0 + f) for s, f in zip(self.s, self.f, strict=True)],
                      self.gen)  # fmt: skip

    def update(self, a, r, t):
        self.s[a] += r
        self.f[a] += 1.0 - r


class DiscountedThompson(Thompson):
    """Raj & Kalyani (2017), Algorithm 2: every arm's counts discounted each step."""

    def __init__(self, k, gen, gamma=0.99, alpha0=1.0, beta0=1.0):
        super().__init__(k, gen)
        self.gamma, self.alpha0, self.beta0 = gamma, alpha0, beta0

    def select(self, t):
        beta = self.gen.beta
        theta = [beta(s + self.alpha0, f + self.beta0) for s, f in zip(self.s, self.f, strict=True)]
        return argmax(theta, self.gen)

    def update(self, a, r, t):
        for b in range(self.k):
            self.s[b] *= self.gamma
            self.f[b] *= self.gamma
        self.s[a] += r
        self.f[a] += 1.0 - r


class EXP3:
    """Auer et al. (2002), Figure 1, with Corollary 3.2's tuning for ``horizon`` steps.

    The weights are kept as log-weights (their maximum subtracted before
    exponentiating), so that long runs do not overflow.
    """

    def __init__(self, k, gen, horizon=1000, gamma=None):
        self.k, self.gen = k, gen
        if gamma is None:
            gamma = min(1.0, math.sqrt(k * math.log(k) / ((math.e - 1.0) * horizon)))
        self.gamma = gamma
        self.lw = [0.0] * k
        self.p = [1.0 / k] * k

    def select(self, t):
        top = max(self.lw)
        w = [math.exp(x - top) for x in self.lw]
        total = sum(w)
        self.p = [(1.0 - self.gamma) * x / total + self.gamma / self.k for x in w]
        return sample(self.p, self.gen)

    def update(self, a, r, t):
        self.lw[a] += self.gamma * (r / self.p[a]) / self.k


class EXP3IX:
    """Neu (2015), Algorithm 1, with Theorem 1's ``eta`` and ``gamma = eta / 2``."""

    def __init__(self, k, gen, horizon=1000, eta=None, gamma=None):
        self.k, self.gen = k, gen
        if eta is None:
            eta = math.sqrt(2.0 * math.log(k) / (k * horizon))
        self.eta = eta
        self.ix = eta / 2.0 if gamma is None else gamma
        self.lw = [0.0] * k
        self.p = [1.0 / k] * k

    def select(self, t):
        top = max(self.lw)
        w = [math.exp(x - top) for x in self.lw]
        total = sum(w)
        self.p = [x / total for x in w]
        return sample(self.p, self.gen)

    def update(self, a, r, t):
        self.lw[a] -= self.eta * (1.0 - r) / (self.p[a] + self.ix)


#: registry name of the agent -> its plain-Python class
LOOPS: dict[str, type] = {
    "thompson": Thompson,
    "discounted-thompson": DiscountedThompson,
    "exp3": EXP3,
    "exp3-ix": EXP3IX,
}


def _play(cls, probs, runs, steps, seed, **params) -> np.ndarray:
    gen = np.random.default_rng(seed)
    probs = [float(p) for p in probs]
    best = max(probs)
    curve = np.zeros(steps)
    for _ in range(runs):
        agent = cls(len(probs), gen, **params)
        regret = 0.0
        for t in range(steps):
            a = agent.select(t)
            r = 1.0 if gen.random() < probs[a] else 0.0
            agent.update(a, r, t)
            regret += best - probs[a]
            curve[t] += regret
    return curve / runs


def thompson_loop(probs, runs: int, steps: int, seed: int = 0) -> np.ndarray:
    """Mean cumulative regret per step of Thompson sampling on Bernoulli ``probs``."""
    return _play(Thompson, probs, runs, steps, seed)


def discounted_thompson_loop(probs, runs, steps, seed=0, gamma=0.99, alpha0=1.0, beta0=1.0):
    """Mean cumulative regret per step of discounted Thompson sampling."""
    return _play(DiscountedThompson, probs, runs, steps, seed, gamma=gamma, alpha0=alpha0,
                 beta0=beta0)  # fmt: skip


def exp3_loop(probs, runs, steps, seed=0, gamma=None, horizon=None):
    """Mean cumulative regret per step of EXP3 (``horizon`` defaults to ``steps``)."""
    horizon = steps if horizon is None else horizon
    return _play(EXP3, probs, runs, steps, seed, horizon=horizon, gamma=gamma)


def exp3_ix_loop(probs, runs, steps, seed=0, eta=None, gamma=None, horizon=None):
    """Mean cumulative regret per step of EXP3-IX (``horizon`` defaults to ``steps``)."""
    horizon = steps if horizon is None else horizon
    return _play(EXP3IX, probs, runs, steps, seed, horizon=horizon, eta=eta, gamma=gamma)
