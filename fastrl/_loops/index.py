"""MOSS, anytime MOSS, UCB-V, UCB1-tuned, explore-then-commit and discounted UCB in plain Python."""

from __future__ import annotations

import math

from fastrl._loops.classic import SampleAverages, argmax


class _Index(SampleAverages):
    """Untried arms first, then the argmax of ``self.index(a, t)``."""

    def select(self, t):
        untried = [a for a in range(self.k) if self.n[a] == 0]
        if untried:
            return untried[int(self.gen.integers(len(untried)))]
        return argmax([self.index(a, t) for a in range(self.k)], self.gen)


class MOSS(_Index):
    def __init__(self, k, gen, horizon=1000):
        super().__init__(k, gen)
        self.horizon = horizon

    def index(self, a, t):
        n = self.n[a]
        return self.q[a] + math.sqrt(max(math.log(self.horizon / (self.k * n)), 0.0) / n)


class MOSSAnytime(_Index):
    def __init__(self, k, gen, alpha=1.0):
        super().__init__(k, gen)
        self.alpha = alpha

    def index(self, a, t):
        n = self.n[a]
        bonus = (1.0 + self.alpha) / 2.0 * max(math.log((t + 1) / (self.k * n)), 0.0) / n
        return self.q[a] + math.sqrt(bonus)


class _Variance(_Index):
    def __init__(self, k, gen):
        super().__init__(k, gen)
        self.m2 = [0.0] * k

    def update(self, a, r, t):
        self.n[a] += 1
        d = r - self.q[a]
        self.q[a] += d / self.n[a]
        self.m2[a] += d * (r - self.q[a])


class UCBV(_Variance):
    def __init__(self, k, gen, zeta=1.2, c=1.0, b=1.0):
        super().__init__(k, gen)
        self.zeta, self.c, self.b = zeta, c, b

    def index(self, a, t):
        x = self.zeta * math.log(t + 1) / self.n[a]
        v = self.m2[a] / self.n[a]
        return self.q[a] + math.sqrt(2.0 * v * x) + 3.0 * self.c * self.b * x


class UCB1Tuned(_Variance):
    def index(self, a, t):
        x = math.log(t + 1) / self.n[a]
        v = self.m2[a] / self.n[a]
        return self.q[a] + math.sqrt(x * min(0.25, v + math.sqrt(2.0 * x)))


class ExploreThenCommit(SampleAverages):
    def __init__(self, k, gen, m=10):
        super().__init__(k, gen)
        self.m = m
        self.arm = -1

    def select(self, t):
        if t < self.m * self.k:
            return t % self.k
        if self.arm < 0:
            self.arm = argmax(self.q, self.gen)
        return self.arm


class DiscountedUCB:
    def __init__(self, k, gen, gamma=0.99, xi=0.6, b=1.0):
        self.k, self.gen, self.gamma, self.xi, self.b = k, gen, gamma, xi, b
        self.n = [0.0] * k
        self.s = [0.0] * k

    def select(self, t):
        untried = [a for a in range(self.k) if self.n[a] == 0.0]
        if untried:
            return untried[int(self.gen.integers(len(untried)))]
        total = sum(self.n)
        c = 2.0 * self.b
        index = [
            self.s[a] / self.n[a] + c * math.sqrt(self.xi * math.log(total) / self.n[a])
            for a in range(self.k)
        ]
        return argmax(index, self.gen)

    def update(self, a, r, t):
        for b in range(self.k):  # discount every arm, then add the new play
            self.n[b] *= self.gamma
            self.s[b] *= self.gamma
        self.n[a] += 1.0
        self.s[a] += r


LOOPS = {
    "moss": MOSS,
    "moss-anytime": MOSSAnytime,
    "ucb-v": UCBV,
    "ucb1-tuned": UCB1Tuned,
    "etc": ExploreThenCommit,
    "discounted-ucb": DiscountedUCB,
}
