"""EXP3 (Auer, Cesa-Bianchi, Freund & Schapire 2002) and EXP3-IX (Neu 2015):
exponential weights for adversarial bandits with rewards in [0, 1]."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fastrl._jit import ijit
from fastrl._math import exp
from fastrl.bandits.agents._base import Agent
from fastrl.policies import SLOT_ACTION, categorical
from fastrl.rng import counter, uniform
from fastrl.validation import check_real, check_size

__all__ = ["EXP3", "EXP3IX"]

#: problem families whose rewards lie in [0, 1]
FAMILIES = ("bernoulli", "beta")

#: bounds of the weights' sum W, and the exact power-of-two rescaling that keeps it there
RESCALE = 2.0**600
UNSCALE = 2.0**-600

# Both agents keep the paper's weights w(a) (initially 1) and their sum W, as Discounted
# UCB keeps its scale: a step multiplies one weight by exp(...) (fastrl._math.exp, the
# same bits everywhere) and updates W by the difference, and when W leaves [2^-600,
# 2^600] every weight and W are multiplied by an exact power of two, so nothing
# overflows whatever the horizon. The action is sampled from one uniform by inverse CDF
# of w / W (fastrl.policies.categorical), EXP3's uniform exploration from the same
# uniform; select records the chosen arm's probability for update. Measured against
# log-weights with a running maximum sampled by fastrl.policies.softmax_pick (k
# exponentials bounded, most steps): 18.3 -> 30 M steps/s per core (EXP3, 10 arms).


def _check_horizon(horizon):
    return None if horizon is None else check_size("horizon", horizon)


def _check_rewards(agent, problem):
    family = getattr(problem, "family", None)
    if family not in FAMILIES:
        raise ValueError(
            f"{type(agent).__name__} needs rewards in [0, 1] (problem.family one of "
            f"{', '.join(FAMILIES)}), got problem.family = {family!r}"
        )


def _horizon(agent):
    if agent.horizon is None:
        raise ValueError(
            f"{type(agent).__name__}: horizon is None; simulate sets it to its steps "
            f"(Agent.with_horizon), or pass horizon="
        )
    return agent.horizon


@dataclass(frozen=True)
class EXP3(Agent):
    """EXP3, exponential weights mixed with uniform exploration (Auer, Cesa-Bianchi,
    Freund & Schapire 2002).

    Auer, Cesa-Bianchi, Freund & Schapire (2002), "The nonstochastic
    multiarmed bandit problem", SIAM J. Comput. 32(1), Figure 1. With weights
    ``w(a)`` (initially 1) and ``W = sum_a w(a)``, play

        p(a) = (1 - gamma) w(a) / W + gamma / k,

    then, for the reward ``x`` of arm ``A``, ``w(A) <- w(A) exp(gamma
    x / (p(A) k))``: the importance-weighted estimate ``x / p(A)``, 0 for
    the other arms. Corollary 3.2's tuning for ``horizon`` steps (``g = T``
    bounds the best arm's total reward):

        gamma = min(1, sqrt(k ln k / ((e - 1) horizon))).

    Rewards must lie in [0, 1]: Bernoulli or Beta arms.

    Parameters
    ----------
    gamma : float or None
        Exploration rate in (0, 1]; ``None`` for the tuning above.
    horizon : int or None
        The ``T`` of the tuning; ``None``: ``simulate``'s ``steps``.

    Notes
    -----
    One uniform ``u`` (slot ``SLOT_ACTION``) decides the arm: ``u < gamma``
    plays arm ``floor(u k / gamma)`` (exploration), otherwise arm ``a`` with
    probability ``w(a) / W`` by inverse CDF of ``(u - gamma) / (1 - gamma)``
    (``fastrl.policies.categorical``). ``p(A)`` is
    ``gamma / k + (1 - gamma) * (w(A) / W)``. The update is
    ``w(A) <- w(A) * exp((gamma / k) * (x / p(A)))``, then
    ``W <- W + (new w(A) - old w(A))`` (or, if that is below half the old
    ``W``, the sum of the weights from the left), and when ``W`` leaves
    ``[2^-600, 2^600]`` every weight and ``W`` are multiplied by ``2^-600``
    (or ``2^600``), exactly.
    """

    gamma: float | None = None
    horizon: int | None = None

    arrays = {"wt": 1.0}  # the weights
    scalars = {"total": "num_arms", "pa": 0.0}  # their sum; p(A) of the step

    def __post_init__(self):
        if self.gamma is not None:
            gamma = check_real("gamma", self.gamma, low=0.0, high=1.0, low_open=True)
            object.__setattr__(self, "gamma", gamma)
        object.__setattr__(self, "horizon", _check_horizon(self.horizon))

    def check_problem(self, problem):
        _check_rewards(self, problem)

    def params(self, problem):
        k = int(problem.num_arms)
        gamma = self.gamma
        if gamma is None:
            gamma = min(1.0, math.sqrt(k * math.log(k) / ((math.e - 1.0) * _horizon(self))))
        return dict(
            gamma=gamma,
            gamma_k=gamma / k,
            k_over_gamma=k / gamma if gamma > 0.0 else 0.0,
            num_arms=float(k),
        )

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        k = st.wt.shape[1]
        u = uniform(key, counter(t, SLOT_ACTION))
        total = st.total[j]
        if u < p.gamma:
            a = min(np.int64(u * p.k_over_gamma), k - 1)
        else:
            a = categorical(st.wt, j, total, (u - p.gamma) / (1.0 - p.gamma))
        st.pa[j] = p.gamma_k + (1.0 - p.gamma) * (st.wt[j, a] / total)
        return a

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        reweigh(st.wt, st.total, j, a, st.wt[j, a] * exp(p.gamma_k * (r / st.pa[j])))


@ijit
def reweigh(wt, total, j, a, new):
    """``wt[j, a] = new`` and ``total[j]`` updated by the difference; the sum recomputed
    when that halves it (cancellation: EXP3-IX's weight of a dominant arm can drop by
    orders of magnitude in a step), and the exact rescaling when it leaves
    [2^-600, 2^600]."""
    old = wt[j, a]
    wt[j, a] = new
    w = total[j] + (new - old)
    if w < 0.5 * total[j]:  # EXP3's weights only grow: never there
        w = wt[j, 0]
        for b in range(1, wt.shape[1]):
            w += wt[j, b]
    if w > RESCALE or w < UNSCALE:  # every few hundred steps at most: predictable
        scale = UNSCALE if w > RESCALE else RESCALE
        for b in range(wt.shape[1]):
            wt[j, b] *= scale
        w *= scale
    total[j] = w


@dataclass(frozen=True)
class EXP3IX(Agent):
    """EXP3-IX, exponential weights on loss estimates with implicit exploration
    (Neu 2015).

    Neu (2015), "Explore no more: improved high-probability regret bounds for
    non-stochastic bandits" (NeurIPS), Algorithm 1. With weights ``w(a)``
    (initially 1), play ``p(a) = w(a) / W``; for the loss ``l = 1 - x`` of
    arm ``A``,

        w(A) <- w(A) exp(-eta l / (p(A) + gamma)),

    the implicit-exploration estimate ``l / (p(A) + gamma)``. Theorem 1's
    tuning for ``horizon`` steps:

        eta = sqrt(2 ln k / (k horizon)),   gamma = eta / 2.

    Rewards must lie in [0, 1]: Bernoulli or Beta arms.

    Parameters
    ----------
    eta : float or None
        Learning rate in (0, 100]; ``None`` for the tuning above.
    gamma : float or None
        Implicit exploration, >= 0; ``None`` for ``eta / 2``.
    horizon : int or None
        The ``T`` of the tuning; ``None``: ``simulate``'s ``steps``.

    Notes
    -----
    One uniform (slot ``SLOT_ACTION``) decides the arm by inverse CDF of
    ``w / W`` (``fastrl.policies.categorical``); ``p(A) = w(A) / W``. The
    update is ``w(A) <- w(A) * exp(-eta * ((1 - x) / (p(A) + gamma)))``, then
    ``W`` and the rescaling as :class:`EXP3`'s.
    """

    eta: float | None = None
    gamma: float | None = None
    horizon: int | None = None

    arrays = {"wt": 1.0}  # the weights
    scalars = {"total": "num_arms", "pa": 0.0}  # their sum; p(A) of the step

    def __post_init__(self):
        if self.eta is not None:
            # <= 100: one step's factor exp(-eta / (1 + gamma)) stays far from underflow
            eta = check_real("eta", self.eta, low=0.0, high=100.0, low_open=True)
            object.__setattr__(self, "eta", eta)
        if self.gamma is not None:
            object.__setattr__(self, "gamma", check_real("gamma", self.gamma, low=0.0))
        object.__setattr__(self, "horizon", _check_horizon(self.horizon))

    def check_problem(self, problem):
        _check_rewards(self, problem)

    def params(self, problem):
        k = int(problem.num_arms)
        eta = self.eta
        if eta is None:
            eta = math.sqrt(2.0 * math.log(k) / (k * _horizon(self)))
        gamma = eta / 2.0 if self.gamma is None else self.gamma
        return dict(eta=eta, gamma=gamma, num_arms=float(k))

    @staticmethod
    @ijit
    def select(p, st, j, key, t):
        total = st.total[j]
        a = categorical(st.wt, j, total, uniform(key, counter(t, SLOT_ACTION)))
        st.pa[j] = st.wt[j, a] / total
        return a

    @staticmethod
    @ijit
    def update(p, st, j, a, r, key, t):
        loss = 1.0 - r
        reweigh(st.wt, st.total, j, a, st.wt[j, a] * exp(-p.eta * (loss / (st.pa[j] + p.gamma))))
