"""MOSS and anytime MOSS (Audibert & Bubeck 2009; Degenne & Perchet 2016)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.policies import argmax_random, untried_arm
from fastrl.validation import check_real, check_size

__all__ = ["MOSS", "MOSSAnytime"]


@dataclass(frozen=True)
class MOSS(Agent):
    """MOSS, the minimax-optimal index policy tuned to the horizon (Audibert & Bubeck 2009).

    Audibert & Bubeck (2009), "Minimax policies for adversarial and
    stochastic bandits" (COLT), section 3. Untried arms first (chosen
    uniformly at random among them), then

        argmax_a  Q(a) + sqrt(max(ln(H / (k N(a))), 0) / N(a))

    with ``H`` the horizon, ``k`` the number of arms, ``N(a)`` the pulls of
    arm ``a`` and ``Q(a)`` its mean reward; ties broken at random. An arm
    pulled more than ``H / k`` times has no exploration bonus. The index of an
    arm changes only when it is pulled, so it is computed in ``update`` and
    ``select`` is one argmax.

    Parameters
    ----------
    horizon : int or None
        ``H``, >= 1; ``None`` (the default) takes ``simulate``'s ``steps``.

    Notes
    -----
    The index is computed as ``q + sqrt(max(log(H / (k * n)), 0.0) / n)``
    (``H / (k * n)`` in float64); the bound is for rewards in [0, 1].
    """

    horizon: int | None = None

    arrays = {"q": 0.0, "n": 0.0, "u": None}  # means, pulls, indices (set at each pull)

    def __post_init__(self):
        if self.horizon is not None:
            object.__setattr__(self, "horizon", check_size("horizon", self.horizon))

    def params(self, problem):
        if self.horizon is None:
            raise ValueError("MOSS.horizon is None: use simulate (it sets steps) or give it")
        return dict(horizon=float(self.horizon))

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        if t < st.q.shape[1]:
            return untried_arm(st.n, j, key, t)
        return argmax_random(st.u, j, key, t)

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0
        n = st.n[j, a]
        st.q[j, a] += (r - st.q[j, a]) / n
        bonus = max(math.log(p.horizon / (st.q.shape[1] * n)), 0.0)
        st.u[j, a] = st.q[j, a] + math.sqrt(bonus / n)


@dataclass(frozen=True)
class MOSSAnytime(Agent):
    """Anytime MOSS: MOSS with the step number in place of the horizon (Degenne & Perchet 2016).

    Degenne & Perchet (2016), "Anytime optimal algorithms in stochastic
    multi-armed bandits" (ICML), MOSS-anytime. Untried arms first (chosen
    uniformly at random among them), then at step ``t`` (1-based)

        argmax_a  Q(a) + sqrt((1 + alpha) / 2 * max(ln(t / (k N(a))), 0) / N(a))

    ties broken at random. ``alpha = 1`` (the default) is :class:`MOSS`'s
    index with ``t`` for the horizon.

    Parameters
    ----------
    alpha : float
        Exploration parameter, >= 0: the bonus is weighted by ``(1 + alpha) / 2``.

    Notes
    -----
    The logarithm is split so that a step costs one ``log``: ``ln(k N(a))``
    is kept per arm (set at each pull) and the index is computed as
    ``q + sqrt(h * max(log(t) - log(k * n), 0.0) / n)`` with
    ``h = (1 + alpha) / 2``.
    """

    alpha: float = 1.0

    arrays = {"q": 0.0, "n": 0.0, "lkn": None, "w": None}  # means, pulls, ln(k N), indices

    def __post_init__(self):
        object.__setattr__(self, "alpha", check_real("alpha", self.alpha, low=0.0))

    def params(self, problem):
        return dict(h=(1.0 + self.alpha) / 2.0)

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        k = st.q.shape[1]
        if t < k:
            return untried_arm(st.n, j, key, t)
        log_t = math.log(t + 1)
        for a in range(k):
            n = st.n[j, a]
            st.w[j, a] = st.q[j, a] + math.sqrt(p.h * max(log_t - st.lkn[j, a], 0.0) / n)
        return argmax_random(st.w, j, key, t)

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0
        n = st.n[j, a]
        st.q[j, a] += (r - st.q[j, a]) / n
        st.lkn[j, a] = math.log(st.q.shape[1] * n)
