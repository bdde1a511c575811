"""Naive loops of the sliding-window agents, from Garivier & Moulines (2011)."""

from __future__ import annotations

import math

import reference
from reference import SLOT_ACTION, ReferenceAgent, address, greedy, reference_for

from fastrl import rng
from fastrl.bandits import SlidingWindowUCB


@reference_for(SlidingWindowUCB)
class _SlidingWindowUCB(ReferenceAgent):
    """Keeps the whole history and recounts the window every step."""

    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.history = []  # (a, r) per step

    def select(self, t):
        tau, k = self.agent.window, self.k
        recent = self.history[-tau:]
        n = [0.0] * k
        for a, _ in recent:
            n[a] += 1.0
        untried = [b for b in range(k) if n[b] == 0]
        if untried:
            return untried[int(rng.randint(self.key, address(t, SLOT_ACTION), len(untried)))]
        # The kernel keeps running window sums (the same additions and
        # subtractions in the same order), so the means are replayed that way.
        s = [0.0] * k
        for step, (a, r) in enumerate(self.history):
            if step >= tau:
                old_a, old_r = self.history[step - tau]
                s[old_a] -= old_r
            s[a] += r
        c = self.agent.bound * math.sqrt(self.agent.xi)
        log_m = math.log(min(t + 1, tau))
        index = [s[b] / n[b] + c * math.sqrt(log_m / n[b]) for b in range(k)]
        return greedy(index, self.key, t)

    def update(self, a, r, t):
        self.history.append((a, r))


assert reference.REFERENCES[SlidingWindowUCB] is _SlidingWindowUCB
