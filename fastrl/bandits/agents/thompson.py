"""Thompson sampling (posterior sampling; Thompson 1933, Agrawal & Goyal 2012)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.bandits.problems import BernoulliBandit
from fastrl.policies import FIRST_FREE_SLOT, argmax_random
from fastrl.rng import beta, counter, mix64, normal, random_u64
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
    :data:`SLOT_SAMPLE`, counter ``a``) and plays the largest.

    Parameters
    ----------
    prior_mean : float
        Prior mean of each arm's value (Gaussian problems).
    prior_std : float
        Prior standard deviation, > 0 (Gaussian problems).
    """

    prior_mean: float = 0.0
    prior_std: float = 1.0

    arrays = {"n": 0.0, "s": 0.0, "w": None}  # pulls, reward sums, the samples

    def __post_init__(self):
        object.__setattr__(self, "prior_mean", check_real("prior_mean", self.prior_mean))
        object.__setattr__(
            self, "prior_std", check_real("prior_std", self.prior_std, low=0.0, low_open=True)
        )

    def params(self, problem):
        return dict(
            prior_mean=self.prior_mean,
            prior_std=self.prior_std,
            reward_std=float(problem.reward_std),
        )

    def hooks(self, problem):
        return (select_beta if isinstance(problem, BernoulliBandit) else select_normal), update


@ijit
def select_beta(p, st, j, key, t):
    sub = mix64(random_u64(key, counter(t, SLOT_SAMPLE)))
    for a in range(st.w.shape[1]):
        st.w[j, a] = beta(sub, np.uint64(a), 1.0 + st.s[j, a], 1.0 + st.n[j, a] - st.s[j, a])
    return argmax_random(st.w, j, key, t)


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
