"""Sliding-window UCB (Garivier & Moulines 2011), for piecewise-stationary problems."""

from __future__ import annotations

import math
from dataclasses import dataclass

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.policies import ucb
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

    arrays = {"q": 0.0, "n": 0.0, "s": 0.0}  # window means, counts and sums
    buffers = {"past_a": ("window", None), "past_r": ("window", None)}

    def __post_init__(self):
        object.__setattr__(self, "window", check_int("window", self.window, low=1, high=2**31))
        object.__setattr__(self, "xi", check_real("xi", self.xi, low=0.0, low_open=True))
        object.__setattr__(self, "bound", check_real("bound", self.bound, low=0.0, low_open=True))

    def params(self, problem):
        return dict(window=self.window, c=self.bound * math.sqrt(self.xi))

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        return ucb(st.q, st.n, j, min(t + 1, p.window), p.c, key, t)

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        slot = t % p.window
        if t >= p.window:  # the play of step t - window leaves the window
            old = int(st.past_a[j, slot])
            st.n[j, old] -= 1.0
            st.s[j, old] -= st.past_r[j, slot]
            st.q[j, old] = st.s[j, old] / st.n[j, old] if st.n[j, old] > 0.0 else 0.0
        st.past_a[j, slot] = a
        st.past_r[j, slot] = r
        st.n[j, a] += 1.0
        st.s[j, a] += r
        st.q[j, a] = st.s[j, a] / st.n[j, a]
