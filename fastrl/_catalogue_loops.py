"""Plain-Python baselines of the catalogue's index policies: one run and one step at a time.

What a tutorial would write: Python floats and lists, ``math.log``/``math.sqrt``
and a numpy ``Generator`` for the random draws, no vectorisation. One problem
loop (:func:`_regret_curve`, Bernoulli arms) serves every agent, which is a
small class with ``select(t)`` and ``update(a, r)``; each public ``*_loop``
function returns the mean cumulative regret per step over ``runs`` runs, so
``fastrl bench`` can time it beside ``simulate`` on the same problem.

Every agent plays each untried arm first (uniformly among them) and breaks ties
of its index uniformly, like fastrl's agents, but with numpy's random numbers:
the curves agree with fastrl's in distribution, not bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "moss_loop",
    "moss_anytime_loop",
    "ucb_v_loop",
    "ucb1_tuned_loop",
    "etc_loop",
    "discounted_ucb_loop",
]


class _Agent:
    """Sample means and pulls, untried arms first, then the largest index."""

    def __init__(self, k: int, steps: int, gen: np.random.Generator):
        self.k, self.steps, self.gen = k, steps, gen
        self.q = [0.0] * k
        self.n = [0.0] * k
        self.m2 = [0.0] * k

    def index(self, a: int, t: int) -> float:
        raise NotImplementedError

    def pick(self, values: list[float]) -> int:
        best = max(values)
        ties = [a for a, v in enumerate(values) if v == best]
        return ties[0] if len(ties) == 1 else ties[int(self.gen.integers(len(ties)))]

    def select(self, t: int) -> int:
        untried = [a for a in range(self.k) if self.n[a] == 0]
        if untried:
            return untried[int(self.gen.integers(len(untried)))]
        return self.pick([self.index(a, t) for a in range(self.k)])

    def update(self, a: int, r: float) -> None:
        self.n[a] += 1.0
        d = r - self.q[a]
        self.q[a] += d / self.n[a]
        self.m2[a] += d * (r - self.q[a])


class _MOSS(_Agent):
    def index(self, a, t):
        n = self.n[a]
        return self.q[a] + math.sqrt(max(math.log(self.steps / (self.k * n)), 0.0) / n)


class _MOSSAnytime(_Agent):
    alpha = 1.0

    def index(self, a, t):
        n = self.n[a]
        bonus = (1.0 + self.alpha) / 2.0 * max(math.log((t + 1) / (self.k * n)), 0.0)
        return self.q[a] + math.sqrt(bonus / n)


class _UCBV(_Agent):
    zeta, c, b = 1.2, 1.0, 1.0

    def index(self, a, t):
        n = self.n[a]
        e = self.zeta * math.log(t + 1)
        return self.q[a] + math.sqrt(2.0 * self.m2[a] / n * e / n) + 3.0 * self.c * self.b * e / n


class _UCB1Tuned(_Agent):
    def index(self, a, t):
        n = self.n[a]
        x = math.log(t + 1) / n
        return self.q[a] + math.sqrt(x * min(0.25, self.m2[a] / n + math.sqrt(2.0 * x)))


class _ExploreThenCommit(_Agent):
    m = 10

    def __init__(self, k, steps, gen):
        super().__init__(k, steps, gen)
        self.arm = -1

    def select(self, t):
        if t < self.m * self.k:
            return t % self.k
        if self.arm < 0:
            self.arm = self.pick(self.q)
        return self.arm


class _DiscountedUCB(_Agent):
    gamma, xi, b = 0.99, 0.6, 1.0

    def __init__(self, k, steps, gen):
        super().__init__(k, steps, gen)
        self.dn = [0.0] * k  # discounted pulls
        self.ds = [0.0] * k  # discounted reward sums
        self.total = 0.0  # their sum over the arms

    def index(self, a, t):
        bonus = math.sqrt(self.xi * math.log(self.total) / self.dn[a])
        return self.ds[a] / self.dn[a] + 2.0 * self.b * bonus

    def update(self, a, r):
        super().update(a, r)  # n marks the tried arms
        for b in range(self.k):
            self.dn[b] *= self.gamma
            self.ds[b] *= self.gamma
        self.dn[a] += 1.0
        self.ds[a] += r
        self.total = self.gamma * self.total + 1.0


def _regret_curve(agent_class, probs, runs: int, steps: int, seed: int) -> np.ndarray:
    """Mean cumulative regret at each step of ``runs`` runs of ``agent_class`` on Bernoulli arms."""
    gen = np.random.default_rng(seed)
    probs = [float(p) for p in probs]
    best = max(probs)
    curve = [0.0] * steps
    for _ in range(runs):
        agent = agent_class(len(probs), steps, gen)
        regret = 0.0
        for t in range(steps):
            a = agent.select(t)
            r = 1.0 if gen.random() < probs[a] else 0.0
            agent.update(a, r)
            regret += best - probs[a]
            curve[t] += regret
    return np.array(curve) / runs


def moss_loop(probs, runs: int, steps: int, seed: int = 0) -> np.ndarray:
    """MOSS (horizon ``steps``): the mean regret curve, shape ``(steps,)``."""
    return _regret_curve(_MOSS, probs, runs, steps, seed)


def moss_anytime_loop(probs, runs: int, steps: int, seed: int = 0) -> np.ndarray:
    """Anytime MOSS (``alpha = 1``): the mean regret curve."""
    return _regret_curve(_MOSSAnytime, probs, runs, steps, seed)


def ucb_v_loop(probs, runs: int, steps: int, seed: int = 0) -> np.ndarray:
    """UCB-V (``zeta = 1.2, c = 1, b = 1``): the mean regret curve."""
    return _regret_curve(_UCBV, probs, runs, steps, seed)


def ucb1_tuned_loop(probs, runs: int, steps: int, seed: int = 0) -> np.ndarray:
    """UCB1-tuned: the mean regret curve."""
    return _regret_curve(_UCB1Tuned, probs, runs, steps, seed)


def etc_loop(probs, runs: int, steps: int, seed: int = 0) -> np.ndarray:
    """Explore-then-commit (``m = 10``): the mean regret curve."""
    return _regret_curve(_ExploreThenCommit, probs, runs, steps, seed)


def discounted_ucb_loop(probs, runs: int, steps: int, seed: int = 0) -> np.ndarray:
    """Discounted UCB (``gamma = 0.99, xi = 0.6, B = 1``), every arm discounted each step."""
    return _regret_curve(_DiscountedUCB, probs, runs, steps, seed)
