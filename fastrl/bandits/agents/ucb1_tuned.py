"""UCB1-tuned: UCB1 with a variance-aware exploration term (Auer, Cesa-Bianchi & Fischer 2002)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.policies import argmax_random, untried_arm

__all__ = ["UCB1Tuned"]


@dataclass(frozen=True)
class UCB1Tuned(Agent):
    """UCB1-tuned, UCB1 with the bonus scaled by a bound on each arm's variance
    (Auer, Cesa-Bianchi & Fischer 2002).

    Auer, Cesa-Bianchi & Fischer (2002), "Finite-time analysis of the
    multiarmed bandit problem", Machine Learning 47, section 4. Untried arms
    first (chosen uniformly at random among them), then at step ``t``
    (1-based)

        argmax_a  Q(a) + sqrt(ln t / N(a) * min(1/4, V(a) + sqrt(2 ln t / N(a))))

    with ``Q(a)`` the mean, ``V(a)`` the empirical variance (divided by
    ``N(a)``) and ``N(a)`` the pulls of arm ``a``; ties broken at random.
    ``1/4`` is the largest variance of a reward in [0, 1]: the policy is
    meant for such rewards (it runs on any problem). No parameters.

    Notes
    -----
    Means and variances are kept with Welford's update
    (``d = r - q; q += d / n; m2 += d * (r - q); v = m2 / n``), the same
    variance as the paper's ``sum(r^2) / n - q^2`` without its cancellation.
    The index is computed as ``x = log(t) / n;
    q + sqrt(x * min(0.25, v + sqrt(2.0 * x)))``.
    """

    arrays = {"q": 0.0, "n": 0.0, "m2": 0.0, "v": 0.0, "w": None}

    def params(self, problem):
        return {}

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        k = st.q.shape[1]
        if t < k:
            return untried_arm(st.n, j, key, t)
        log_t = math.log(t + 1)
        for a in range(k):
            x = log_t / st.n[j, a]
            st.w[j, a] = st.q[j, a] + math.sqrt(x * min(0.25, st.v[j, a] + math.sqrt(2.0 * x)))
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
