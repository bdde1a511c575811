"""Discounted Thompson sampling for drifting Bernoulli arms (Raj & Kalyani 2017)."""

from __future__ import annotations

from dataclasses import dataclass

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.bandits.agents._beta_rows import beta_row
from fastrl.policies import FIRST_FREE_SLOT, argmax_random
from fastrl.rng import counter, mix64, random_u64
from fastrl.validation import check_real

__all__ = ["DiscountedThompsonSampling"]

#: the agent-stream slot of the per-step sub-key of the posterior draws
SLOT_SAMPLE = FIRST_FREE_SLOT


@dataclass(frozen=True)
class DiscountedThompsonSampling(Agent):
    """Discounted Thompson sampling, Beta posteriors that forget at rate ``gamma``
    (Raj & Kalyani 2017).

    Raj & Kalyani (2017), "Taming non-stationary bandits: a Bayesian
    approach", Algorithm 2, for Bernoulli arms. Each step draws
    ``theta(a) ~ Beta(S(a) + alpha0, F(a) + beta0)`` for every arm and plays
    the largest (ties at random); after reward ``r`` of arm ``A``, every arm

        S(a) <- gamma S(a) + r [a = A],   F(a) <- gamma F(a) + (1 - r) [a = A].

    ``gamma = 1`` is Thompson sampling with a Beta(``alpha0``, ``beta0``)
    prior. The draws are exact (``fastrl.rng.beta_mt`` at counter ``a`` of
    the sub-key of slot :data:`SLOT_SAMPLE`), for any positive shapes.

    Parameters
    ----------
    gamma : float
        Discount factor in (0, 1].
    alpha0, beta0 : float
        The Beta prior, > 0.

    Notes
    -----
    The discount multiplies every arm's ``S`` and ``F`` each step, as in the
    paper: the shapes of every arm change every step anyway, so the
    Marsaglia-Tsang constants are computed in the sampling loop, where they
    vectorise (``_beta_rows``), and a running scale (as in
    :class:`DiscountedUCB`) would save only this loop of ``2 k``
    multiplications, which vectorises too.
    """

    gamma: float = 0.99
    alpha0: float = 1.0
    beta0: float = 1.0

    arrays = {"s": 0.0, "f": 0.0, "w": None}  # discounted successes, failures; the samples

    def __post_init__(self):
        object.__setattr__(
            self, "gamma", check_real("gamma", self.gamma, low=0.0, high=1.0, low_open=True)
        )
        for name in ("alpha0", "beta0"):
            value = check_real(name, getattr(self, name), low=0.0, low_open=True)
            object.__setattr__(self, name, value)

    def check_problem(self, problem):
        family = getattr(problem, "family", None)
        if family != "bernoulli":
            raise ValueError(
                f"DiscountedThompsonSampling needs Bernoulli arms (Beta posteriors), "
                f"got problem.family = {family!r}"
            )

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        sub = mix64(random_u64(key, counter(t, SLOT_SAMPLE)))
        # computed constants: st.s stands in for the unused constant tables
        beta_row(sub, st.w, j, p.alpha0, st.s, p.beta0, st.f, st.s, st.s, st.s, st.s, False)
        return argmax_random(st.w, j, key, t)

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        for b in range(st.s.shape[1]):
            st.s[j, b] *= p.gamma
            st.f[j, b] *= p.gamma
        st.s[j, a] += r
        st.f[j, a] += 1.0 - r
