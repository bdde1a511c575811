"""The gradient bandit / reinforcement comparison (Sutton & Barto 2.8)."""

from __future__ import annotations

from dataclasses import dataclass

from fastrl._jit import ijit, jit
from fastrl._math import exp
from fastrl.bandits.agents._base import Agent
from fastrl.policies import softmax
from fastrl.validation import check_bool, check_real

__all__ = ["GradientBandit"]


@dataclass(frozen=True)
class GradientBandit(Agent):
    """Gradient bandit / reinforcement comparison (Sutton & Barto 2.8).

    Preferences ``H`` with ``pi = softmax(H)``; after reward ``R`` on arm
    ``A``: ``H(A) += alpha (R - Rbar)(1 - pi(A))``, ``H(b) -= alpha (R - Rbar) pi(b)``.
    ``Rbar`` is the average of all rewards up to and including this step
    (with ``baseline=True``) or 0.

    Parameters
    ----------
    alpha : float
        Preference step size, > 0.
    baseline : bool
        Whether to use the average-reward baseline.
    """

    alpha: float = 0.1
    baseline: bool = True

    arrays = {"h": 0.0, "w": None}  # w: the selector's scratch row
    scalars = {"rbar": 0.0}

    def __post_init__(self):
        object.__setattr__(self, "alpha", check_real("alpha", self.alpha, low=0.0, low_open=True))
        object.__setattr__(self, "baseline", check_bool("baseline", self.baseline))

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        return softmax(st.h, j, 1.0, key, t, st.w)

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        if p.baseline:
            st.rbar[j] += (r - st.rbar[j]) / (t + 1.0)
        _preference_step(p.alpha, st.h, j, st.rbar[j], a, r)


@jit
def _preference_step(alpha, h, j, baseline, a, r):
    # pi = softmax(h[j]); then the preference update of Sutton & Barto eq. 2.12.
    k = h.shape[1]
    hmax = h[j, 0]
    for b in range(1, k):
        hmax = max(hmax, h[j, b])
    total = 0.0
    for b in range(k):
        total += exp(h[j, b] - hmax)
    step = alpha * (r - baseline)
    pa = 0.0
    for b in range(k):
        pi = exp(h[j, b] - hmax) / total
        if b == a:
            pa = pi
        else:
            h[j, b] -= step * pi
    h[j, a] += step * (1.0 - pa)
