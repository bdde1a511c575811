"""Bandit agents: frozen, validated configurations.

An agent is a value object; the simulation kernel reads it as an integer code
and a small float64 parameter vector (:meth:`_params`), so every agent runs in
the same compiled driver.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fastrl.schedules import Schedule, as_schedule
from fastrl.validation import check_bool, check_real

__all__ = ["EpsilonGreedy", "Softmax", "UCB", "GradientBandit", "ThompsonSampling", "BanditAgent"]

AGENT_EPSILON_GREEDY = 0
AGENT_SOFTMAX = 1
AGENT_UCB = 2
AGENT_GRADIENT = 3
AGENT_THOMPSON = 4

# Layout of the parameter vector read by the kernel.
P_EXPLORE = 0  # epsilon, beta, c or the gradient step size
P_ALPHA = 1  # constant step size; 0 means sample averages
P_INIT = 2  # initial value estimate
P_SCHED = 3  # schedule code
P_DECAY = 4
P_FLOOR = 5
P_DURATION = 6
P_BASELINE = 7  # gradient bandit: 1 with the average-reward baseline
P_PRIOR_MEAN = 8  # Thompson sampling, Gaussian problems
P_PRIOR_STD = 9
NUM_PARAMS = 10


def _alpha(alpha) -> float:
    if alpha is None:
        return 0.0
    return check_real("alpha", alpha, low=0.0, high=1.0, low_open=True)


def _vector(
    code: int,
    explore: float,
    alpha: float = 0.0,
    init: float = 0.0,
    schedule: Schedule | None = None,
    baseline: float = 0.0,
    prior_mean: float = 0.0,
    prior_std: float = 1.0,
):
    p = np.zeros(NUM_PARAMS)
    p[P_BASELINE], p[P_PRIOR_MEAN], p[P_PRIOR_STD] = baseline, prior_mean, prior_std
    p[P_EXPLORE], p[P_ALPHA], p[P_INIT] = explore, alpha, init
    if schedule is not None:
        p[P_SCHED], p[P_DECAY], p[P_FLOOR], p[P_DURATION] = (
            schedule.code,
            schedule.decay,
            schedule.floor,
            schedule.duration,
        )
    return code, p


@dataclass(frozen=True)
class EpsilonGreedy:
    """Epsilon-greedy action values (Sutton & Barto 2.2-2.5).

    Parameters
    ----------
    epsilon : float
        Exploration probability in [0, 1] (the start value under a schedule).
    alpha : float or None
        Constant step size in (0, 1]; ``None`` for sample averages.
    initial_value : float
        Initial action-value estimate (optimistic values encourage exploration).
    schedule : Schedule, str or None
        How epsilon changes with the step: ``"constant"``, ``"1/t"``,
        ``Schedule("exponential", decay=...)``, ``Schedule("linear", floor=..., duration=...)``.

    Ties between greedy arms are broken uniformly at random.
    """

    epsilon: float = 0.1
    alpha: float | None = None
    initial_value: float = 0.0
    schedule: Schedule | str | None = field(default=None)

    def __post_init__(self):
        object.__setattr__(self, "epsilon", check_real("epsilon", self.epsilon, low=0.0, high=1.0))
        object.__setattr__(self, "initial_value", check_real("initial_value", self.initial_value))
        _alpha(self.alpha)
        object.__setattr__(self, "schedule", as_schedule(self.schedule))
        if self.schedule.floor > 1.0:
            raise ValueError(f"schedule floor must be <= 1 for epsilon, got {self.schedule.floor}")

    def _params(self):
        s = self.schedule
        return _vector(
            AGENT_EPSILON_GREEDY, self.epsilon, _alpha(self.alpha), self.initial_value, s
        )


@dataclass(frozen=True)
class Softmax:
    """Boltzmann (softmax) selection over action values, inverse temperature ``beta``.

    Parameters
    ----------
    beta : float
        Inverse temperature, > 0; larger is greedier.
    alpha : float or None
        Constant step size in (0, 1]; ``None`` for sample averages.
    initial_value : float
        Initial action-value estimate.
    schedule : Schedule, str or None
        Annealing of the temperature ``1 / beta`` with the step (``floor`` is
        the lowest temperature; a temperature of 0 is greedy).
    """

    beta: float = 1.0
    alpha: float | None = None
    initial_value: float = 0.0
    schedule: Schedule | str | None = field(default=None)

    def __post_init__(self):
        object.__setattr__(self, "beta", check_real("beta", self.beta, low=0.0, low_open=True))
        object.__setattr__(self, "initial_value", check_real("initial_value", self.initial_value))
        _alpha(self.alpha)
        object.__setattr__(self, "schedule", as_schedule(self.schedule))

    def _params(self):
        s = self.schedule
        return _vector(AGENT_SOFTMAX, self.beta, _alpha(self.alpha), self.initial_value, s)


@dataclass(frozen=True)
class UCB:
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

    def __post_init__(self):
        object.__setattr__(self, "c", check_real("c", self.c, low=0.0))
        _alpha(self.alpha)

    def _params(self):
        return _vector(AGENT_UCB, self.c, _alpha(self.alpha))


@dataclass(frozen=True)
class GradientBandit:
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

    def __post_init__(self):
        object.__setattr__(self, "alpha", check_real("alpha", self.alpha, low=0.0, low_open=True))
        object.__setattr__(self, "baseline", check_bool("baseline", self.baseline))

    def _params(self):
        return _vector(AGENT_GRADIENT, self.alpha, baseline=float(self.baseline))


@dataclass(frozen=True)
class ThompsonSampling:
    """Thompson sampling (posterior sampling).

    Bernoulli problems: Beta(1, 1) priors, posterior Beta(1 + successes,
    1 + failures). Gaussian problems: a Normal(``prior_mean``,
    ``prior_std^2``) prior on each mean and the problem's known reward
    variance, so the posterior is Normal too.

    Parameters
    ----------
    prior_mean : float
        Prior mean of each arm's value (Gaussian problems).
    prior_std : float
        Prior standard deviation, > 0 (Gaussian problems).
    """

    prior_mean: float = 0.0
    prior_std: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "prior_mean", check_real("prior_mean", self.prior_mean))
        object.__setattr__(
            self, "prior_std", check_real("prior_std", self.prior_std, low=0.0, low_open=True)
        )

    def _params(self):
        return _vector(AGENT_THOMPSON, 0.0, prior_mean=self.prior_mean, prior_std=self.prior_std)


BanditAgent = EpsilonGreedy | Softmax | UCB | GradientBandit | ThompsonSampling
