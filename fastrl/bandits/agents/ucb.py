"""Upper-confidence-bound selection (Sutton & Barto 2.7; Auer, Cesa-Bianchi & Fischer 2002)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.bandits.agents._values import check_alpha, update_value
from fastrl.policies import argmax_random, untried_arm
from fastrl.validation import check_real

__all__ = ["UCB"]


@dataclass(frozen=True)
class UCB(Agent):
    """Upper-confidence-bound selection (Sutton & Barto 2.7).

    Untried arms first (chosen uniformly at random among them), then
    ``argmax Q(a) + c * sqrt(ln t / N(a))``.

    Parameters
    ----------
    c : float
        Exploration weight, >= 0.
    alpha : float or None
        Constant step size in (0, 1]; ``None`` for sample averages.
    """

    c: float = 2.0
    alpha: float | None = None

    arrays = {"q": 0.0, "n": 0.0, "w": None}  # values, pulls, the step's indices

    def __post_init__(self):
        object.__setattr__(self, "c", check_real("c", self.c, low=0.0))
        check_alpha(self.alpha)

    def params(self, problem):
        return dict(c=self.c, alpha=check_alpha(self.alpha))

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        # fastrl.policies.ucb's choice, bit for bit, 1.56x faster per step (10 arms,
        # 10,000 x 10,000 on 2 threads: 38.2 -> 59.6 M steps/s):
        # the untried phase is the first k steps (untried_arm, no count per step),
        # and the indices go to a scratch row in a loop without branches, which
        # LLVM vectorises (the division and the square root are exact IEEE
        # operations in any width), then one argmax_random. ucb's fused loop
        # computed each index between the branches of its running maximum.
        k = st.q.shape[1]
        if t < k:
            return untried_arm(st.n, j, key, t)
        log_t = math.log(t + 1)
        for a in range(k):
            st.w[j, a] = st.q[j, a] + p.c * math.sqrt(log_t / st.n[j, a])
        return argmax_random(st.w, j, key, t)

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0
        update_value(st.q, st.n, j, a, r, p.alpha)
