"""Discounted Thompson sampling, EXP3 and EXP3-IX in plain Python.

The per-step baselines of ``fastrl bench`` for these agents: what a researcher
writes without fastrl, one run at a time on Python floats, with numpy's
generator for randomness, each written from its paper. The classes follow
:mod:`fastrl._loops` (``__init__(k, gen, **params)``, ``select(t)``,
``update(a, r, t)``; :data:`LOOPS` maps registry names to them, ``horizon``
filled with the run's steps by ``fastrl._loops.play``). They are
baselines, not references: the tests check fastrl against ``tests/reference*.py``.
"""

from __future__ import annotations

import math

from fastrl._loops.classic import Thompson, argmax, sample

__all__ = [
    "LOOPS",
    "DiscountedThompson",
    "EXP3",
    "EXP3IX",
]


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


def normalised(log_weights):
    """The probabilities proportional to ``exp(log_weights)``, computed without overflow."""
    top = max(log_weights)
    w = [math.exp(x - top) for x in log_weights]
    total = sum(w)
    return [x / total for x in w]


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
        mix = self.gamma / self.k
        self.p = [(1.0 - self.gamma) * x + mix for x in normalised(self.lw)]
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
        self.p = normalised(self.lw)
        return sample(self.p, self.gen)

    def update(self, a, r, t):
        self.lw[a] -= self.eta * (1.0 - r) / (self.p[a] + self.ix)


#: registry name of the agent -> its plain-Python class
LOOPS: dict[str, type] = {
    "discounted-thompson": DiscountedThompson,
    "exp3": EXP3,
    "exp3-ix": EXP3IX,
}
