"""Bandit problems: what each arm pays.

A problem fixes the arm family (how rewards are drawn around an arm's mean:
Bernoulli, Gaussian, Poisson, exponential or Beta) and where the means of each
run come from:

* given: one row of ``k`` means for every run, or one row per run;
* drawn per run from a prior (``random``: uniform on ``[low, high)``;
  ``GaussianBandit.testbed``: normal), from the problem stream, so run ``i``
  of every agent faces the same instance (common random numbers).

Means may also move during a run:

* ``drift_std > 0``: every mean takes an independent Gaussian random walk each
  step (Sutton & Barto, exercise 2.5), clipped to the family's range;
* piecewise stationary: the means jump at change points, either given
  (``change_points=[500, 1000]`` with one row of means per segment, or drawn
  means with a fresh draw from the prior per segment) or drawn per run
  (``change_rate=r``: geometric gaps of mean ``1 / r`` steps, fresh means from
  the prior). The optimal arm and the regret follow the current segment.

Draw addresses are documented in :mod:`fastrl.bandits._dynamics`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from fastrl.bandits._problem import (  # noqa: F401  (the kernel codes live here too)
    MEANS_GIVEN,
    MEANS_NORMAL,
    MEANS_UNIFORM,
    P_LOC,
    P_RATE,
    P_SCALE,
    P_SPREAD,
    REWARD_BERNOULLI,
    REWARD_BETA,
    REWARD_EXPONENTIAL,
    REWARD_GAUSSIAN,
    REWARD_POISSON,
    BanditProblem,
    KernelSpec,
    _doc,
)
from fastrl.validation import MAX_MAGNITUDE, check_real

__all__ = [
    "PROBLEMS",
    "BanditProblem",
    "BernoulliBandit",
    "GaussianBandit",
    "PoissonBandit",
    "ExponentialBandit",
    "BetaBandit",
]


@_doc
@dataclass(frozen=True, eq=False, repr=False)
class BernoulliBandit(BanditProblem):
    """Arms pay 1 with probability ``probs[a]`` and 0 otherwise.

    Parameters
    ----------
    probs : array_like of float, shape (k,), (runs, k) or (segments, k)
        Success probabilities in [0, 1]: the same for every run, one row per
        run (then ``simulate`` must be called with ``runs == probs.shape[0]``),
        or one row per segment with ``change_points``. ``None`` with
        :meth:`random` draws them per run.
    {common}
    low, high : float
        The uniform prior ``[low, high)`` of drawn probabilities, within [0, 1].

    Examples
    --------
    >>> problem = BernoulliBandit([0.7, 0.3])
    >>> problem.num_arms
    2
    """

    probs: np.ndarray | None
    drift_std: float = 0.0
    num_arms: int = field(default=0, compare=False)
    low: float = 0.0
    high: float = 1.0
    change_points: np.ndarray | None = None
    change_rate: float = 0.0

    family: ClassVar[str] = "bernoulli"
    _REWARD: ClassVar[int] = REWARD_BERNOULLI
    _VALUES: ClassVar[str] = "probs"
    reward_range: ClassVar[tuple[float, float]] = (0.0, 1.0)

    def __post_init__(self):
        self._setup()

    @classmethod
    def random(
        cls, num_arms: int, drift_std: float = 0.0, *, low: float = 0.0, high: float = 1.0,
        change_points=None, change_rate: float = 0.0,
    ) -> BernoulliBandit:  # fmt: skip
        """Per-run success probabilities drawn uniformly from ``[low, high)``."""
        return cls._drawn(
            num_arms, drift_std=drift_std, low=low, high=high, change_points=change_points,
            change_rate=change_rate,
        )  # fmt: skip

    def _what(self) -> str:
        if self.probs is None and self.low == 0.0 and self.high == 1.0:
            return f"random, num_arms={self.num_arms}"
        return super()._what()


@_doc
@dataclass(frozen=True, eq=False, repr=False)
class GaussianBandit(BanditProblem):
    """Arms pay ``means[a] + reward_std * N(0, 1)``.

    Parameters
    ----------
    means : array_like of float, shape (k,), (runs, k) or (segments, k)
        True arm values, the same for every run, one row per run, or one row
        per segment with ``change_points``. ``None`` with :meth:`testbed`
        draws them per run from ``N(mean_offset, mean_std^2)``.
    reward_std : float
        Standard deviation of the reward noise, > 0.
    {common}
    mean_offset, mean_std : float
        The normal prior of drawn means (Gaussian problems have no ``low``/``high``).

    Examples
    --------
    >>> GaussianBandit.testbed().num_arms
    10
    """

    means: np.ndarray | None
    reward_std: float = 1.0
    drift_std: float = 0.0
    num_arms: int = field(default=0, compare=False)
    mean_offset: float = 0.0
    mean_std: float = 1.0
    change_points: np.ndarray | None = None
    change_rate: float = 0.0

    family: ClassVar[str] = "gaussian"
    _REWARD: ClassVar[int] = REWARD_GAUSSIAN

    def __post_init__(self):
        std = check_real("reward_std", self.reward_std, low=0.0, low_open=True, high=MAX_MAGNITUDE)
        object.__setattr__(self, "reward_std", std)
        self._setup()

    def _check_prior(self):
        bound = MAX_MAGNITUDE
        offset = check_real("mean_offset", self.mean_offset, low=-bound, high=bound)
        object.__setattr__(self, "mean_offset", offset)
        std = check_real("mean_std", self.mean_std, low=0.0, high=bound)
        object.__setattr__(self, "mean_std", std)

    @classmethod
    def testbed(
        cls, num_arms: int = 10, mean_offset: float = 0.0, mean_std: float = 1.0,
        reward_std: float = 1.0, drift_std: float = 0.0, *, change_points=None,
        change_rate: float = 0.0,
    ) -> GaussianBandit:  # fmt: skip
        """Sutton & Barto's k-armed testbed: true means ~ N(mean_offset, mean_std^2) per run."""
        return cls._drawn(
            num_arms, reward_std=reward_std, drift_std=drift_std, mean_offset=mean_offset,
            mean_std=mean_std, change_points=change_points, change_rate=change_rate,
        )  # fmt: skip

    def _spread(self):
        return self.reward_std

    def _prior_codes(self):
        return MEANS_NORMAL, self.mean_offset, self.mean_std

    def __repr__(self) -> str:
        if self.means is None:
            what = (
                f"testbed, num_arms={self.num_arms}, mean_offset={self.mean_offset}, "
                f"mean_std={self.mean_std}"
            )
        else:
            what = f"means={self.means.tolist()}"
        extras = self._extras().replace(", drift_std", f", reward_std={self.reward_std}, drift_std")
        return f"GaussianBandit({what}{extras})"


@_doc
@dataclass(frozen=True, eq=False, repr=False)
class PoissonBandit(BanditProblem):
    """Arms pay Poisson counts: ``P(R = n) = exp(-mu) mu^n / n!`` with mean ``means[a]``.

    Rewards are exact Poisson draws (:func:`fastrl.rng.poisson`: inversion
    below a mean of 10, Hormann's PTRS rejection method above), as float64.

    Parameters
    ----------
    means : array_like of float, shape (k,), (runs, k) or (segments, k)
        Arm means, >= 0. ``None`` with :meth:`random` draws them per run.
    {common}
    low, high : float
        The uniform prior ``[low, high)`` of drawn means, ``0 <= low <= high``.

    Examples
    --------
    >>> PoissonBandit([1.0, 2.0, 3.0]).family
    'poisson'
    """

    means: np.ndarray | None
    drift_std: float = 0.0
    num_arms: int = field(default=0, compare=False)
    low: float = 0.0
    high: float = 1.0
    change_points: np.ndarray | None = None
    change_rate: float = 0.0

    family: ClassVar[str] = "poisson"
    _REWARD: ClassVar[int] = REWARD_POISSON
    reward_range: ClassVar[tuple[float, float]] = (0.0, math.inf)

    def __post_init__(self):
        self._setup()

    @classmethod
    def random(
        cls, num_arms: int, low: float, high: float, *, drift_std: float = 0.0,
        change_points=None, change_rate: float = 0.0,
    ) -> PoissonBandit:  # fmt: skip
        """Per-run means drawn uniformly from ``[low, high)``."""
        return cls._drawn(
            num_arms, drift_std=drift_std, low=low, high=high, change_points=change_points,
            change_rate=change_rate,
        )  # fmt: skip


@_doc
@dataclass(frozen=True, eq=False, repr=False)
class ExponentialBandit(BanditProblem):
    """Arms pay exponential rewards with mean ``means[a]``: density ``exp(-r / mu) / mu``.

    A reward is ``mu * E`` with ``E = -log(U)`` the standard exponential of
    :func:`fastrl.rng.exponential` (inversion).

    Parameters
    ----------
    means : array_like of float, shape (k,), (runs, k) or (segments, k)
        Arm means, > 0. ``None`` with :meth:`random` draws them per run.
    {common}
    low, high : float
        The uniform prior ``[low, high)`` of drawn means, ``0 < low <= high``.

    Examples
    --------
    >>> ExponentialBandit.random(4, low=0.5, high=2.0).num_arms
    4
    """

    means: np.ndarray | None
    drift_std: float = 0.0
    num_arms: int = field(default=0, compare=False)
    low: float = 0.5
    high: float = 1.5
    change_points: np.ndarray | None = None
    change_rate: float = 0.0

    family: ClassVar[str] = "exponential"
    _REWARD: ClassVar[int] = REWARD_EXPONENTIAL
    reward_range: ClassVar[tuple[float, float]] = (0.0, math.inf)

    def __post_init__(self):
        self._setup()

    def _check_mean_values(self, name, arr):
        if arr.min() <= 0.0:
            raise ValueError(f"{name} must be > 0, got values from {arr.min()} to {arr.max()}")

    def _check_prior(self):
        check_real("low", self.low, low=0.0, low_open=True)
        super()._check_prior()

    @classmethod
    def random(
        cls, num_arms: int, low: float, high: float, *, drift_std: float = 0.0,
        change_points=None, change_rate: float = 0.0,
    ) -> ExponentialBandit:  # fmt: skip
        """Per-run means drawn uniformly from ``[low, high)``."""
        return cls._drawn(
            num_arms, drift_std=drift_std, low=low, high=high, change_points=change_points,
            change_rate=change_rate,
        )  # fmt: skip


@_doc
@dataclass(frozen=True, eq=False, repr=False)
class BetaBandit(BanditProblem):
    """Arms pay rewards in [0, 1] drawn from ``Beta(kappa mu, kappa (1 - mu))``, mean ``mu``.

    ``mu = means[a]`` and ``kappa = concentration``: the variance is
    ``mu (1 - mu) / (kappa + 1)``, so a small concentration approaches
    Bernoulli rewards and a large one the constant ``mu``; ``kappa = 2`` with
    ``mu = 0.5`` is the uniform distribution. A mean of exactly 0 or 1 pays
    that value. Rewards are exact Beta draws (:func:`fastrl.rng.beta`).

    Parameters
    ----------
    means : array_like of float, shape (k,), (runs, k) or (segments, k)
        Arm means in [0, 1]. ``None`` with :meth:`random` draws them per run.
    concentration : float
        The precision ``kappa = a + b`` of the Beta distributions, > 0.
    {common}
    low, high : float
        The uniform prior ``[low, high)`` of drawn means, within [0, 1].

    Examples
    --------
    >>> BetaBandit([0.2, 0.6], concentration=5.0).reward_range
    (0.0, 1.0)
    """

    means: np.ndarray | None
    concentration: float = 2.0
    drift_std: float = 0.0
    num_arms: int = field(default=0, compare=False)
    low: float = 0.0
    high: float = 1.0
    change_points: np.ndarray | None = None
    change_rate: float = 0.0

    family: ClassVar[str] = "beta"
    _REWARD: ClassVar[int] = REWARD_BETA
    reward_range: ClassVar[tuple[float, float]] = (0.0, 1.0)

    def __post_init__(self):
        kappa = check_real("concentration", self.concentration, low=0.0, low_open=True)
        object.__setattr__(self, "concentration", kappa)
        self._setup()

    def _spread(self):
        return self.concentration

    @classmethod
    def random(
        cls, num_arms: int, concentration: float = 2.0, *, low: float = 0.0, high: float = 1.0,
        drift_std: float = 0.0, change_points=None, change_rate: float = 0.0,
    ) -> BetaBandit:  # fmt: skip
        """Per-run means drawn uniformly from ``[low, high)``."""
        return cls._drawn(
            num_arms, concentration=concentration, drift_std=drift_std, low=low, high=high,
            change_points=change_points, change_rate=change_rate,
        )  # fmt: skip

    def _extras(self) -> str:
        return f", concentration={self.concentration}" + super()._extras()


#: every problem class, by family
PROBLEMS: dict[str, type[BanditProblem]] = {
    cls.family: cls
    for cls in (BernoulliBandit, GaussianBandit, PoissonBandit, ExponentialBandit, BetaBandit)
}
