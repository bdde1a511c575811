"""Naive reference loops of the index policies of issue 12 (MOSS, anytime MOSS, UCB-V,
UCB1-tuned, explore-then-commit, discounted UCB).

Written from the agents' docstrings (the papers' formulas, evaluated in the order
the Notes sections give), in plain Python floats, one run at a time. Like
``tests/reference.py`` they share only the addressed draws of ``fastrl.rng``:
untried arms come from ``randint`` at slot 1 of the step over the list of
untried arms, ties from :func:`reference.greedy` (slot 2). Untried arms are
found by looking at the pull counts, not from the step number as the agents do.
"""

from __future__ import annotations

import math

import reference
from reference import SLOT_ACTION, ReferenceAgent, address, greedy, reference_for

from fastrl import rng
from fastrl.bandits import (
    MOSS,
    UCBV,
    DiscountedUCB,
    ExploreThenCommit,
    MOSSAnytime,
    UCB1Tuned,
)

__all__ = ["reference"]


class _Index(ReferenceAgent):
    """Untried arms first, then the largest index; sample means and pulls."""

    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.q = [0.0] * k
        self.n = [0.0] * k

    def index(self, b: int, t: int) -> float:
        raise NotImplementedError

    def select(self, t):
        untried = [b for b in range(self.k) if self.n[b] == 0]
        if untried:
            return untried[int(rng.randint(self.key, address(t, SLOT_ACTION), len(untried)))]
        return greedy([self.index(b, t) for b in range(self.k)], self.key, t)

    def update(self, a, r, t):
        self.n[a] += 1.0
        self.q[a] += (r - self.q[a]) / self.n[a]


@reference_for(MOSS)
class _MOSS(_Index):
    def index(self, b, t):
        horizon = self.agent.horizon
        if horizon is None:
            raise ValueError("pass MOSS(horizon=...) or agent.with_horizon(steps)")
        n = self.n[b]
        return self.q[b] + math.sqrt(max(math.log(float(horizon) / (self.k * n)), 0.0) / n)


@reference_for(MOSSAnytime)
class _MOSSAnytime(_Index):
    def index(self, b, t):
        n = self.n[b]
        h = (1.0 + self.agent.alpha) / 2.0
        return self.q[b] + math.sqrt(h * max(math.log(t + 1) - math.log(self.k * n), 0.0) / n)


class _Variance(_Index):
    """Means and biased empirical variances by Welford's update."""

    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.m2 = [0.0] * k

    def update(self, a, r, t):
        self.n[a] += 1.0
        d = r - self.q[a]
        self.q[a] += d / self.n[a]
        self.m2[a] += d * (r - self.q[a])

    def var(self, b):
        return self.m2[b] / self.n[b]


@reference_for(UCBV)
class _UCBV(_Variance):
    def index(self, b, t):
        agent = self.agent
        x = agent.zeta * math.log(t + 1) / self.n[b]
        return self.q[b] + math.sqrt(2.0 * self.var(b) * x) + 3.0 * agent.c * agent.b * x


@reference_for(UCB1Tuned)
class _UCB1Tuned(_Variance):
    def index(self, b, t):
        x = math.log(t + 1) / self.n[b]
        return self.q[b] + math.sqrt(x * min(0.25, self.var(b) + math.sqrt(2.0 * x)))


@reference_for(ExploreThenCommit)
class _ExploreThenCommit(_Index):
    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.arm = None

    def select(self, t):
        explore = self.agent.m * self.k
        if t < explore:
            return t % self.k
        if self.arm is None:
            self.arm = greedy(self.q, self.key, t)
        return self.arm


@reference_for(DiscountedUCB)
class _DiscountedUCB(ReferenceAgent):
    """The paper's discounted pulls and sums, every arm discounted at every update."""

    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.dn = [0.0] * k  # N(a)
        self.ds = [0.0] * k  # S(a)
        self.pulled = [False] * k
        self.total = 0.0  # n = sum of N(a)

    def select(self, t):
        untried = [b for b in range(self.k) if not self.pulled[b]]
        if untried:
            return untried[int(rng.randint(self.key, address(t, SLOT_ACTION), len(untried)))]
        agent = self.agent
        x = agent.xi * math.log(self.total)
        index = [
            self.ds[b] / self.dn[b] + 2.0 * agent.b * math.sqrt(x / self.dn[b])
            for b in range(self.k)
        ]
        return greedy(index, self.key, t)

    def update(self, a, r, t):
        gamma = self.agent.gamma
        self.pulled[a] = True
        self.dn = [n * gamma for n in self.dn]
        self.ds = [s * gamma for s in self.ds]
        self.dn[a] += 1.0
        self.ds[a] += r
        self.total = gamma * self.total + 1.0
