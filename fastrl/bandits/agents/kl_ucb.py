"""KL-UCB (Garivier & Cappé 2011) and KL-UCB+ (Garivier, Ménard & Stoltz 2016; Kaufmann 2016)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from fastrl._jit import ijit, jit
from fastrl._math import exp
from fastrl.bandits.agents._base import Agent
from fastrl.bandits.agents._kl_index import (
    TOL,
    kl_ucb_bernoulli,
    kl_ucb_exponential,
    kl_ucb_gaussian,
    kl_ucb_poisson,
)
from fastrl.bandits.agents._lazy import (
    STATE,
    full_argmax,
    lazy_argmax,
    linear_bound,
    mark_stale,
)
from fastrl.policies import argmax_random
from fastrl.validation import check_bool, check_real

__all__ = ["KLUCB", "KLUCBPlus", "FAMILIES"]

#: the arm families KL-UCB has a divergence for (``problem.family``)
FAMILIES = ("bernoulli", "beta", "gaussian", "poisson", "exponential")


@dataclass(frozen=True)
class KLUCB(Agent):
    """KL-UCB (Garivier & Cappé 2011): the largest upper confidence bound in
    Kullback-Leibler divergence.

    Untried arms first (at random among them), then at round ``t = step + 1``
    the arm with the largest index

        ``u_a = max{q : n_a kl(mean_a, q) <= f},   f = g + c log(max(g, 1))``

    with ``g = log t`` and ``kl`` the divergence of the problem's arm family
    (:func:`fastrl.bandits.divergences.divergence`: Bernoulli for Bernoulli
    arms and for rewards in [0, 1] (``"beta"``), Poisson, exponential, and
    Gaussian with the problem's known variance, where the index is
    ``mean_a + sqrt(2 reward_std^2 f / n_a)``). Ties go at random
    (:func:`fastrl.policies.argmax_random`). The paper proves its bounds
    with ``c = 3`` and recommends ``c = 0`` in practice, used in its
    experiments: the default. The ``log log`` term is floored at 0 (``g >=
    1``: from round 3 on it is the paper's).

    Each index is solved to an absolute tolerance of ``1e-9`` on ``q``
    (``fastrl.bandits.agents._kl_index``: safeguarded Halley steps in a
    coordinate where ``kl`` is convex; the result lies within ``[u_a, u_a +
    1e-9]``). By default the indices are computed lazily
    (``fastrl.bandits.agents._lazy``): an index only grows between the
    arm's pulls, concavely in ``g``, so most steps compute only the index
    of the arm just pulled and bound the others; the choices are those of
    computing every index every step, bit for bit. Measured on 10
    Bernoulli arms (10,000 runs x 10,000 steps, 2 cores): see the README.

    Parameters
    ----------
    c : float
        Weight of the ``log log t`` term, >= 0 (0: the paper's practical choice).
    lazy : bool
        Compute only the indices that can change the choice (True), or every
        index at every step (False: the same choices, for measurement).
    """

    c: float = 0.0
    lazy: bool = True

    arrays = {"n": 0.0, "s": 0.0, **STATE}

    #: exploration level g = log(t / n_a) instead of log t (KL-UCB+)
    plus: ClassVar[bool] = False

    def __post_init__(self):
        object.__setattr__(self, "c", check_real("c", self.c, low=0.0))
        object.__setattr__(self, "lazy", check_bool("lazy", self.lazy))

    def params(self, problem):
        std = float(problem.reward_std) if problem.family == "gaussian" else 1.0
        return dict(c=self.c, sigma2=std * std)

    def check_problem(self, problem):
        family = getattr(problem, "family", None)
        if family not in FAMILIES:
            raise ValueError(
                f"{type(self).__name__} needs arms of a family with a KL divergence, one of "
                f"{', '.join(FAMILIES)}; got problem.family = {family!r}"
            )

    def hooks(self, problem):
        family = problem.family
        if family == "gaussian":
            return (_gaussian_plus if self.plus else _gaussian), update
        if family == "poisson":
            table = _POISSON
        elif family == "exponential":
            table = _EXPONENTIAL
        else:  # bernoulli, beta
            table = _BERNOULLI
        return table[(self.plus, self.lazy)], update


@dataclass(frozen=True)
class KLUCBPlus(KLUCB):
    """KL-UCB+ (Garivier, Ménard & Stoltz 2016; Kaufmann 2016): KL-UCB exploring
    with ``log(t / n_a)``.

    :class:`KLUCB` with the exploration level ``g = log(t / n_a)`` in place
    of ``log t`` (``f = g + c log(max(g, 1))``): an arm pulled often explores
    less. The name follows Kaufmann (2016), who derives it from Bayesian
    index policies; empirically it has lower regret than KL-UCB.

    Parameters
    ----------
    c : float
        Weight of the ``log log`` term, >= 0 (default 0).
    lazy : bool
        As for :class:`KLUCB`.
    """

    plus: ClassVar[bool] = True


@ijit
def update(p, st, j, a, r, key, t):
    st.n[j, a] += 1.0
    st.s[j, a] += r
    mark_stale(st, j, a)


# --- exploration levels: g is log(t), shared by all arms; f the arm's level --------------


@ijit
def _level(g, rnd, n, c):
    return g + c * math.log(max(g, 1.0)) if c > 0.0 else g


@ijit
def _level_plus(g, rnd, n, c):
    gn = math.log(rnd / n)
    return gn + c * math.log(max(gn, 1.0)) if c > 0.0 else gn


# --- derivative bounds dq/df at the index (evaluated TOL below it: they decrease in q) ------


@ijit
def _slope_bernoulli(mean, q, n):
    if mean >= 1.0:
        return 0.0  # the index is 1 for good
    q = q - TOL
    return q * (1.0 - q) / (n * (q - mean)) if q > mean else math.inf


@ijit
def _slope_log(mean, q, n):
    # Poisson: dq/df = q / (n (q - mean)); exponential: d log(q) / df, the same formula
    q = q - TOL
    return q / (n * (q - mean)) if q > mean else math.inf


@ijit
def _refresh(n, s, val, slope, g_at, at, j, a, t, g, c, level, index, slope_of):
    count = n[j, a]
    if count == 0.0:
        val[j, a] = math.inf
        slope[j, a] = 0.0
    else:
        mean = s[j, a] / count
        f = level(g, t + 1.0, count, c)
        q = index(mean, f / count, TOL)
        val[j, a] = q
        slope[j, a] = slope_of(mean, q, count) * (1.0 + c)  # f grows at most 1 + c times g
    g_at[j, a] = g
    at[j, a] = t


@ijit
def _exp_bound(p, st, j, a, g):
    # log(q) is concave in f for exponential arms (q itself is not): bound it, then q
    slope = st.slope[j, a]
    if slope == 0.0:
        return st.val[j, a] + 2.0 * TOL
    if slope == math.inf:
        return math.inf
    grow = (g - st.g_at[j, a]) * (1.0 + 1e-12) + 1e-12
    return (st.val[j, a] + TOL) * exp(slope * grow) + TOL


@ijit
def _bound(p, st, j, a, g):
    return linear_bound(st, j, a, g)


# One refresh per family and level, one select per refresh and strategy: the driver is
# compiled for the hooks alone (variants are chosen in hooks(), not by run-time branches).
# The refreshes are compiled on their own (arrays in, no record: shared by every driver and
# cached once): inlined at their two call sites they doubled a driver's compile time, and
# they run about once a step, where a call costs little beside the root-finding.


@jit
def _refresh_bernoulli_k(n, s, val, slope, g_at, at, j, a, t, g, c):
    _refresh(n, s, val, slope, g_at, at, j, a, t, g, c, _level, kl_ucb_bernoulli, _slope_bernoulli)


@jit
def _refresh_bernoulli_plus_k(n, s, val, slope, g_at, at, j, a, t, g, c):
    _refresh(
        n, s, val, slope, g_at, at, j, a, t, g, c, _level_plus, kl_ucb_bernoulli, _slope_bernoulli
    )


@jit
def _refresh_poisson_k(n, s, val, slope, g_at, at, j, a, t, g, c):
    _refresh(n, s, val, slope, g_at, at, j, a, t, g, c, _level, kl_ucb_poisson, _slope_log)


@jit
def _refresh_poisson_plus_k(n, s, val, slope, g_at, at, j, a, t, g, c):
    _refresh(n, s, val, slope, g_at, at, j, a, t, g, c, _level_plus, kl_ucb_poisson, _slope_log)


@jit
def _refresh_exponential_k(n, s, val, slope, g_at, at, j, a, t, g, c):
    _refresh(n, s, val, slope, g_at, at, j, a, t, g, c, _level, kl_ucb_exponential, _slope_log)


@jit
def _refresh_exponential_plus_k(n, s, val, slope, g_at, at, j, a, t, g, c):
    _refresh(n, s, val, slope, g_at, at, j, a, t, g, c, _level_plus, kl_ucb_exponential, _slope_log)


@ijit
def _refresh_bernoulli(p, st, j, a, t, g):
    _refresh_bernoulli_k(st.n, st.s, st.val, st.slope, st.g_at, st.at, j, a, t, g, p.c)


@ijit
def _refresh_bernoulli_plus(p, st, j, a, t, g):
    _refresh_bernoulli_plus_k(st.n, st.s, st.val, st.slope, st.g_at, st.at, j, a, t, g, p.c)


@ijit
def _refresh_poisson(p, st, j, a, t, g):
    _refresh_poisson_k(st.n, st.s, st.val, st.slope, st.g_at, st.at, j, a, t, g, p.c)


@ijit
def _refresh_poisson_plus(p, st, j, a, t, g):
    _refresh_poisson_plus_k(st.n, st.s, st.val, st.slope, st.g_at, st.at, j, a, t, g, p.c)


@ijit
def _refresh_exponential(p, st, j, a, t, g):
    _refresh_exponential_k(st.n, st.s, st.val, st.slope, st.g_at, st.at, j, a, t, g, p.c)


@ijit
def _refresh_exponential_plus(p, st, j, a, t, g):
    _refresh_exponential_plus_k(st.n, st.s, st.val, st.slope, st.g_at, st.at, j, a, t, g, p.c)


@ijit
def _bernoulli_lazy(p, st, j, key, t):
    return lazy_argmax(p, st, j, key, t, math.log(t + 1.0), _refresh_bernoulli, _bound)


@ijit
def _bernoulli_full(p, st, j, key, t):
    return full_argmax(p, st, j, key, t, math.log(t + 1.0), _refresh_bernoulli, _bound)


@ijit
def _bernoulli_plus_lazy(p, st, j, key, t):
    return lazy_argmax(p, st, j, key, t, math.log(t + 1.0), _refresh_bernoulli_plus, _bound)


@ijit
def _bernoulli_plus_full(p, st, j, key, t):
    return full_argmax(p, st, j, key, t, math.log(t + 1.0), _refresh_bernoulli_plus, _bound)


@ijit
def _poisson_lazy(p, st, j, key, t):
    return lazy_argmax(p, st, j, key, t, math.log(t + 1.0), _refresh_poisson, _bound)


@ijit
def _poisson_full(p, st, j, key, t):
    return full_argmax(p, st, j, key, t, math.log(t + 1.0), _refresh_poisson, _bound)


@ijit
def _poisson_plus_lazy(p, st, j, key, t):
    return lazy_argmax(p, st, j, key, t, math.log(t + 1.0), _refresh_poisson_plus, _bound)


@ijit
def _poisson_plus_full(p, st, j, key, t):
    return full_argmax(p, st, j, key, t, math.log(t + 1.0), _refresh_poisson_plus, _bound)


@ijit
def _exponential_lazy(p, st, j, key, t):
    return lazy_argmax(p, st, j, key, t, math.log(t + 1.0), _refresh_exponential, _exp_bound)


@ijit
def _exponential_full(p, st, j, key, t):
    return full_argmax(p, st, j, key, t, math.log(t + 1.0), _refresh_exponential, _exp_bound)


@ijit
def _exponential_plus_lazy(p, st, j, key, t):
    g = math.log(t + 1.0)
    return lazy_argmax(p, st, j, key, t, g, _refresh_exponential_plus, _exp_bound)


@ijit
def _exponential_plus_full(p, st, j, key, t):
    g = math.log(t + 1.0)
    return full_argmax(p, st, j, key, t, g, _refresh_exponential_plus, _exp_bound)


# (plus, lazy) -> select
_BERNOULLI = {
    (False, True): _bernoulli_lazy,
    (False, False): _bernoulli_full,
    (True, True): _bernoulli_plus_lazy,
    (True, False): _bernoulli_plus_full,
}
_POISSON = {
    (False, True): _poisson_lazy,
    (False, False): _poisson_full,
    (True, True): _poisson_plus_lazy,
    (True, False): _poisson_plus_full,
}
_EXPONENTIAL = {
    (False, True): _exponential_lazy,
    (False, False): _exponential_full,
    (True, True): _exponential_plus_lazy,
    (True, False): _exponential_plus_full,
}


@ijit
def _gaussian_index(p, st, j, t, level):
    # The closed form costs less than bounding it: every arm, every step.
    g = math.log(t + 1.0)
    for a in range(st.n.shape[1]):
        n = st.n[j, a]
        if n == 0.0:
            st.val[j, a] = math.inf
        else:
            f = level(g, t + 1.0, n, p.c)
            st.val[j, a] = kl_ucb_gaussian(st.s[j, a] / n, f / n, p.sigma2)


@ijit
def _gaussian(p, st, j, key, t):
    _gaussian_index(p, st, j, t, _level)
    return argmax_random(st.val, j, key, t)


@ijit
def _gaussian_plus(p, st, j, key, t):
    _gaussian_index(p, st, j, t, _level_plus)
    return argmax_random(st.val, j, key, t)
