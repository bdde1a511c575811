"""Epsilon-greedy, softmax, UCB1, gradient bandit and Thompson sampling in plain Python."""

from __future__ import annotations

import math


def argmax(values, gen) -> int:
    """An index of the largest value, ties at random."""
    best = max(values)
    ties = [a for a, v in enumerate(values) if v == best]
    return ties[0] if len(ties) == 1 else ties[int(gen.integers(len(ties)))]


def sample(weights, gen) -> int:
    """An index drawn with probability proportional to ``weights``."""
    target = gen.random() * sum(weights)
    acc = 0.0
    for a, w in enumerate(weights):
        acc += w
        if target < acc:
            return a
    return len(weights) - 1


class SampleAverages:
    def __init__(self, k, gen):
        self.k, self.gen = k, gen
        self.q = [0.0] * k
        self.n = [0] * k

    def update(self, a, r, t):
        self.n[a] += 1
        self.q[a] += (r - self.q[a]) / self.n[a]


class EpsilonGreedy(SampleAverages):
    def __init__(self, k, gen, epsilon=0.1):
        super().__init__(k, gen)
        self.epsilon = epsilon

    def select(self, t):
        if self.gen.random() < self.epsilon:
            return int(self.gen.integers(self.k))
        return argmax(self.q, self.gen)


class Softmax(SampleAverages):
    def __init__(self, k, gen, beta=1.0):
        super().__init__(k, gen)
        self.beta = beta

    def select(self, t):
        top = max(self.q)
        return sample([math.exp(self.beta * (v - top)) for v in self.q], self.gen)


class UCB1(SampleAverages):
    def __init__(self, k, gen, c=2.0):
        super().__init__(k, gen)
        self.c = c

    def select(self, t):
        untried = [a for a in range(self.k) if self.n[a] == 0]
        if untried:
            return untried[int(self.gen.integers(len(untried)))]
        log_t = math.log(t + 1)
        return argmax(
            [q + self.c * math.sqrt(log_t / n) for q, n in zip(self.q, self.n, strict=True)],
            self.gen,
        )


class Gradient:
    def __init__(self, k, gen, alpha=0.1):
        self.k, self.gen, self.alpha = k, gen, alpha
        self.h = [0.0] * k
        self.rbar = 0.0
        self.pi = [1.0 / k] * k

    def select(self, t):
        top = max(self.h)
        e = [math.exp(x - top) for x in self.h]
        total = sum(e)
        self.pi = [x / total for x in e]
        return sample(self.pi, self.gen)

    def update(self, a, r, t):
        self.rbar += (r - self.rbar) / (t + 1)
        step = self.alpha * (r - self.rbar)
        for b in range(self.k):
            self.h[b] += step * ((1.0 if b == a else 0.0) - self.pi[b])


class Thompson:
    def __init__(self, k, gen):
        self.k, self.gen = k, gen
        self.s = [0.0] * k
        self.f = [0.0] * k

    def select(self, t):
        beta = self.gen.beta
        return argmax(
            [beta(1.0 + s, 1.0 + f) for s, f in zip(self.s, self.f, strict=True)], self.gen
        )

    def update(self, a, r, t):
        self.s[a] += r
        self.f[a] += 1.0 - r


LOOPS = {
    "epsilon-greedy": EpsilonGreedy,
    "softmax": Softmax,
    "ucb": UCB1,
    "gradient": Gradient,
    "thompson": Thompson,
}
