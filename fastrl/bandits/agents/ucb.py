"""Upper-confidence-bound selection (Sutton & Barto 2.7; Auer, Cesa-Bianchi & Fischer 2002)."""

from __future__ import annotations

from dataclasses import dataclass

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.bandits.agents._values import check_alpha, update_value
from fastrl.policies import ucb
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

    arrays = {"q": 0.0, "n": 0.0}

    def __post_init__(self):
        object.__setattr__(self, "c", check_real("c", self.c, low=0.0))
        check_alpha(self.alpha)

    def params(self, problem):
        return dict(c=self.c, alpha=check_alpha(self.alpha))

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        return ucb(st.q, st.n, j, t + 1, p.c, key, t)

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0
        update_value(st.q, st.n, j, a, r, p.alpha)
