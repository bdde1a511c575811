"""Explore-then-commit with a fixed exploration length (Lattimore & Szepesvari 2020, ch. 6)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.policies import argmax_random
from fastrl.validation import check_int

__all__ = ["ExploreThenCommit"]


@dataclass(frozen=True)
class ExploreThenCommit(Agent):
    """Explore-then-commit: every arm ``m`` times in turn, then the best mean for good
    (Lattimore & Szepesvari 2020).

    Lattimore & Szepesvari (2020), *Bandit Algorithms*, chapter 6, algorithm
    1. Steps ``0 .. m k - 1`` play
    arm ``t mod k`` (round robin); at step ``m k`` the agent commits to
    ``argmax_a Q(a)`` of the sample means, ties broken at random
    (``argmax_random`` at that step's tie address), and plays it until the
    end of the run.

    Parameters
    ----------
    m : int
        Pulls of each arm before committing, >= 1. Lattimore & Szepesvari's
        choice for two arms with gap ``Delta`` over ``n`` steps is about
        ``4 / Delta^2 * ln(n Delta^2 / 4)``.
    """

    m: int = 10

    arrays = {"q": 0.0, "n": 0.0}  # sample means, pulls
    scalars = {"arm": 0.0}  # the committed arm

    def __post_init__(self):
        object.__setattr__(self, "m", check_int("m", self.m, low=1, high=2**31 - 1))

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        k = st.q.shape[1]
        explore = p.m * k
        if t < explore:
            return t % k
        if t == explore:
            st.arm[j] = argmax_random(st.q, j, key, t)
        return np.int64(st.arm[j])

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        # After the commitment the means are never read again.
        if t < p.m * st.q.shape[1]:
            st.n[j, a] += 1.0
            st.q[j, a] += (r - st.q[j, a]) / st.n[j, a]
