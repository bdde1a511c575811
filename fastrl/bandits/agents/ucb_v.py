"""UCB-V: upper confidence bounds from empirical variances (Audibert, Munos & Szepesvari 2009)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.policies import argmax_random, untried_arm
from fastrl.validation import check_real

__all__ = ["UCBV"]


@dataclass(frozen=True)
class UCBV(Agent):
    """UCB-V, upper confidence bounds from the arms' empirical variances (Audibert,
    Munos & Szepesvari 2009).

    Audibert, Munos & Szepesvari (2009), "Exploration-exploitation tradeoff
    using variance estimates in multi-armed bandits", Theoretical Computer
    Science 410, eq. (1). Untried arms first (chosen uniformly at random
    among them), then at step ``t`` (1-based)

        argmax_a  Q(a) + sqrt(2 V(a) E / N(a)) + 3 c b E / N(a),   E = zeta ln t

    with ``Q(a)`` the mean, ``V(a)`` the empirical variance (divided by
    ``N(a)``, the paper's) and ``N(a)`` the pulls of arm ``a``; ties broken at
    random. The paper's regret bound holds for rewards in ``[0, b]`` with
    ``c = 1`` and ``zeta > 1``; on other problems ``b`` is a scale.

    Parameters
    ----------
    zeta : float
        Weight of the exploration function ``E = zeta ln t``, > 0 (paper: 1.2).
    c : float
        Weight of the range term, >= 0 (paper: 1).
    b : float
        Range of the rewards, > 0 (1 for Bernoulli arms).

    Notes
    -----
    Means and variances are kept with Welford's update
    (``d = r - q; q += d / n; m2 += d * (r - q); v = m2 / n``). The index is
    computed as ``e = zeta * log(t); x = e / n;
    q + sqrt(2.0 * v * x) + (3.0 * c * b) * x``.
    """

    zeta: float = 1.2
    c: float = 1.0
    b: float = 1.0

    arrays = {"q": 0.0, "n": 0.0, "m2": 0.0, "v": 0.0, "w": None}

    def __post_init__(self):
        object.__setattr__(self, "zeta", check_real("zeta", self.zeta, low=0.0, low_open=True))
        object.__setattr__(self, "c", check_real("c", self.c, low=0.0))
        object.__setattr__(self, "b", check_real("b", self.b, low=0.0, low_open=True))

    def params(self, problem):
        return dict(zeta=self.zeta, cb3=3.0 * self.c * self.b)

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        k = st.q.shape[1]
        if t < k:
            return untried_arm(st.n, j, key, t)
        e = p.zeta * math.log(t + 1)
        for a in range(k):
            x = e / st.n[j, a]
            st.w[j, a] = st.q[j, a] + math.sqrt(2.0 * st.v[j, a] * x) + p.cb3 * x
        return argmax_random(st.w, j, key, t)

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0
        n = st.n[j, a]
        d = r - st.q[j, a]
        st.q[j, a] += d / n
        st.m2[j, a] += d * (r - st.q[j, a])
        st.v[j, a] = st.m2[j, a] / n
