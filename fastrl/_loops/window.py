"""Sliding-window UCB (Garivier & Moulines 2011) in plain Python."""

from __future__ import annotations

import math
from collections import deque

from fastrl._loops.classic import argmax


class SlidingWindowUCB:
    def __init__(self, k, gen, window=1000, xi=0.6, bound=1.0):
        self.k, self.gen, self.window = k, gen, window
        self.c = bound * math.sqrt(xi)
        self.past = deque()
        self.n = [0] * k
        self.s = [0.0] * k

    def select(self, t):
        untried = [a for a in range(self.k) if self.n[a] == 0]
        if untried:
            return untried[int(self.gen.integers(len(untried)))]
        log_m = math.log(min(t + 1, self.window))
        return argmax(
            [s / n + self.c * math.sqrt(log_m / n) for s, n in zip(self.s, self.n, strict=True)],
            self.gen,
        )

    def update(self, a, r, t):
        if len(self.past) == self.window:
            old_a, old_r = self.past.popleft()
            self.n[old_a] -= 1
            self.s[old_a] -= old_r
        self.past.append((a, r))
        self.n[a] += 1
        self.s[a] += r


LOOPS = {"sw-ucb": SlidingWindowUCB}
