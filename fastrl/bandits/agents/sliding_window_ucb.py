"""Sliding-window UCB (Garivier & Moulines 2011), for piecewise-stationary problems."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.policies import argmax_random, pick_untried
from fastrl.validation import check_int, check_real

__all__ = ["SlidingWindowUCB"]


@dataclass(frozen=True)
class SlidingWindowUCB(Agent):
    """Sliding-window UCB (Garivier & Moulines 2011): UCB on the last ``window`` plays only.

    At step ``t`` (1-based) an arm's mean ``X(a)`` and count ``N(a)`` cover the
    last ``tau = window`` plays, and the agent plays
    ``argmax X(a) + B sqrt(xi log(min(t, tau)) / N(a))`` (their eq. for
    SW-UCB), an arm absent from the window first (chosen uniformly at random
    among them), ties at random. ``B sqrt(xi)`` is applied as one constant
    ``c``. Garivier & Moulines tune ``tau = 2 B sqrt(T log T / Upsilon)`` for
    ``Upsilon`` change points in a horizon ``T``; their experiments use
    ``xi = 0.6``.

    Parameters
    ----------
    window : int
        The window length ``tau``, >= 1.
    xi : float
        Exploration constant, > 1/2 in their analysis; > 0 here.
    bound : float
        ``B``, an upper bound of the rewards' range, > 0.
    """

    window: int = 1000
    xi: float = 0.6
    bound: float = 1.0

    arrays = {"q": 0.0, "n": 0.0, "s": 0.0, "w": None}  # window means, counts, sums; indices
    scalars = {"absent": "num_arms"}  # arms with no play in the window
    buffers = {"past_a": ("window", None), "past_r": ("window", None)}

    def __post_init__(self):
        object.__setattr__(self, "window", check_int("window", self.window, low=1, high=2**31))
        object.__setattr__(self, "xi", check_real("xi", self.xi, low=0.0, low_open=True))
        object.__setattr__(self, "bound", check_real("bound", self.bound, low=0.0, low_open=True))

    def params(self, problem):
        return dict(
            window=self.window,
            c=self.bound * math.sqrt(self.xi),
            log_window=math.log(self.window),
            num_arms=float(problem.num_arms),
        )

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        # fastrl.policies.ucb's choice, bit for bit, in UCB's faster form (see
        # agents/ucb.py): the absent arms are counted by update, not by every
        # step; the indices go to a scratch row in a loop without branches,
        # which LLVM vectorises; log(min(t, tau)) is a constant once t >= tau.
        if st.absent[j] > 0.0:
            return pick_untried(st.n, j, np.int64(st.absent[j]), key, t)
        m = t + 1
        log_m = math.log(m) if m < p.window else p.log_window
        for a in range(st.q.shape[1]):
            st.w[j, a] = st.q[j, a] + p.c * math.sqrt(log_m / st.n[j, a])
        return argmax_random(st.w, j, key, t)

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        slot = t % p.window
        if t >= p.window:  # the play of step t - window leaves the window
            old = int(st.past_a[j, slot])
            st.n[j, old] -= 1.0
            st.s[j, old] -= st.past_r[j, slot]
            if st.n[j, old] > 0.0:
                st.q[j, old] = st.s[j, old] / st.n[j, old]
            else:
                st.q[j, old] = 0.0
                st.absent[j] += 1.0
        st.past_a[j, slot] = a
        st.past_r[j, slot] = r
        if st.n[j, a] == 0.0:
            st.absent[j] -= 1.0
        st.n[j, a] += 1.0
        st.s[j, a] += r
        st.q[j, a] = st.s[j, a] / st.n[j, a]
