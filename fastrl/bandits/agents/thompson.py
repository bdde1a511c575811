"""Thompson sampling (posterior sampling; Thompson 1933, Agrawal & Goyal 2012)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.bandits.agents._beta_rows import beta_row
from fastrl.bandits.problems import BernoulliBandit
from fastrl.policies import FIRST_FREE_SLOT, argmax_random
from fastrl.rng import counter, gamma_constants, mix64, normal, random_u64
from fastrl.validation import check_real

__all__ = ["ThompsonSampling"]

#: the agent-stream slot of the per-step sub-key of the posterior draws
SLOT_SAMPLE = FIRST_FREE_SLOT


@dataclass(frozen=True)
class ThompsonSampling(Agent):
    """Thompson sampling (Thompson 1933), with Beta or Normal posteriors.

    Bernoulli problems: Beta(1, 1) priors, posterior Beta(1 + successes,
    1 + failures). Gaussian problems: a Normal(``prior_mean``,
    ``prior_std^2``) prior on each mean and the problem's known reward
    variance, so the posterior is Normal too. Each step draws one sample per
    arm from the posterior (exact samplers, from the sub-key of slot
    :data:`SLOT_SAMPLE`: ``fastrl.rng.beta_mt`` at counter ``a``, or
    ``normal`` at counter ``a``) and plays the largest (Agrawal & Goyal 2012
    analyse the Beta-Bernoulli case).

    Parameters
    ----------
    prior_mean : float
        Prior mean of each arm's value (Gaussian problems).
    prior_std : float
        Prior standard deviation, > 0 (Gaussian problems).
    """

    prior_mean: float = 0.0
    prior_std: float = 1.0

    # Normal posteriors: pulls n and reward sums s. Beta posteriors: successes s,
    # failures f and the Marsaglia-Tsang constants of each arm's two gamma shapes
    # 1 + s and 1 + f, recomputed where they change (_beta_rows). w: the samples.
    arrays = {
        "n": 0.0,
        "s": 0.0,
        "f": 0.0,
        "w": None,
        "dx": "d0",
        "cx": "c0",
        "dy": "d0",
        "cy": "c0",
    }

    def __post_init__(self):
        object.__setattr__(self, "prior_mean", check_real("prior_mean", self.prior_mean))
        object.__setattr__(
            self, "prior_std", check_real("prior_std", self.prior_std, low=0.0, low_open=True)
        )

    def params(self, problem):
        d0, c0 = gamma_constants(1.0)  # of the Beta(1, 1) prior's shapes
        return dict(
            prior_mean=self.prior_mean,
            prior_std=self.prior_std,
            reward_std=float(problem.reward_std),
            d0=float(d0),
            c0=float(c0),
        )

    def hooks(self, problem):
        if isinstance(problem, BernoulliBandit):
            return select_beta, update_beta
        return select_normal, update


@ijit
def select_beta(p, st, j, key, t):
    sub = mix64(random_u64(key, counter(t, SLOT_SAMPLE)))
    beta_row(sub, st.w, j, 1.0, st.s, 1.0, st.f, st.dx, st.cx, st.dy, st.cy, True)
    return argmax_random(st.w, j, key, t)


@ijit
def update_beta(p, st, j, a, r, key, t):
    st.s[j, a] += r
    st.f[j, a] += 1.0 - r
    st.dx[j, a], st.cx[j, a] = gamma_constants(1.0 + st.s[j, a])
    st.dy[j, a], st.cy[j, a] = gamma_constants(1.0 + st.f[j, a])


@ijit
def select_normal(p, st, j, key, t):
    sub = mix64(random_u64(key, counter(t, SLOT_SAMPLE)))
    prior_prec = 1.0 / (p.prior_std * p.prior_std)
    noise_prec = 1.0 / (p.reward_std * p.reward_std)
    for a in range(st.w.shape[1]):
        prec = prior_prec + st.n[j, a] * noise_prec
        mu = (p.prior_mean * prior_prec + st.s[j, a] * noise_prec) / prec
        st.w[j, a] = mu + normal(sub, np.uint64(a)) / math.sqrt(prec)
    return argmax_random(st.w, j, key, t)


@ijit
def update(p, st, j, a, r, key, t):
    st.n[j, a] += 1.0
    st.s[j, a] += r
