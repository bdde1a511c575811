"""Bandit problems: what each arm pays.

A problem fixes how the true arm values of each run are chosen (given, or drawn
per run from the problem stream, so run ``i`` of every agent faces the same
instance) and how rewards are drawn around them (Bernoulli or Gaussian). A
positive ``drift_std`` makes every true value take an independent Gaussian
random walk each step (Sutton & Barto, exercise 2.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from fastrl.validation import check_array, check_int, check_probabilities, check_real

__all__ = ["BernoulliBandit", "GaussianBandit", "BanditProblem"]

# Kernel codes: how rewards are drawn, and where the true values come from.
REWARD_BERNOULLI = 0
REWARD_GAUSSIAN = 1
MEANS_GIVEN = 0
MEANS_UNIFORM = 1
MEANS_NORMAL = 2


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class BernoulliBandit:
    """Arms pay 1 with probability ``probs[a]`` and 0 otherwise.

    Parameters
    ----------
    probs : array_like of float, shape (k,) or (runs, k)
        Success probabilities in [0, 1]: the same for every run, or one row per
        run (then ``simulate`` must be called with ``runs == probs.shape[0]``).
        ``None`` with :meth:`random` draws them uniformly per run.
    drift_std : float
        Standard deviation of each probability's Gaussian random walk per step
        (clipped to [0, 1]); 0 for a stationary problem.

    Examples
    --------
    >>> problem = BernoulliBandit([0.7, 0.3])
    >>> problem.num_arms
    2
    """

    probs: np.ndarray | None
    drift_std: float = 0.0
    num_arms: int = field(default=0, compare=False)

    #: the arm family: what agents that depend on the reward distribution read
    family: ClassVar[str] = "bernoulli"

    def __post_init__(self):
        object.__setattr__(self, "drift_std", check_real("drift_std", self.drift_std, low=0.0))
        if self.probs is None:
            check_int("num_arms", self.num_arms, low=1)
            return
        probs = check_probabilities("probs", self.probs, ndim=(1, 2))
        if probs.size == 0:
            raise ValueError(
                f"probs must have at least one arm and one row, got shape {probs.shape}"
            )
        object.__setattr__(self, "probs", _readonly(probs))
        object.__setattr__(self, "num_arms", int(probs.shape[-1]))

    @classmethod
    def random(cls, num_arms: int, drift_std: float = 0.0) -> BernoulliBandit:
        """Per-run success probabilities drawn uniformly from [0, 1]."""
        num_arms = check_int("num_arms", num_arms, low=1, high=2**31 - 1)
        return cls(None, drift_std=drift_std, num_arms=num_arms)

    @property
    def reward_std(self) -> float:
        """Not a parameter of Bernoulli arms; Thompson sampling uses Beta posteriors."""
        return float("nan")

    def _codes(self):
        if self.probs is None:
            return REWARD_BERNOULLI, MEANS_UNIFORM, np.zeros((1, self.num_arms)), (0.0, 1.0, 0.0)
        return REWARD_BERNOULLI, MEANS_GIVEN, np.atleast_2d(self.probs), (0.0, 1.0, 0.0)

    def __repr__(self) -> str:
        what = (
            f"random, num_arms={self.num_arms}"
            if self.probs is None
            else f"probs={self.probs.tolist()}"
        )
        return f"BernoulliBandit({what}, drift_std={self.drift_std})"


@dataclass(frozen=True, eq=False)
class GaussianBandit:
    """Arms pay ``means[a] + reward_std * N(0, 1)``.

    Parameters
    ----------
    means : array_like of float, shape (k,) or (runs, k)
        True arm values, the same for every run or one row per run. ``None``
        with :meth:`testbed` draws them per run.
    reward_std : float
        Standard deviation of the reward noise, > 0.
    drift_std : float
        Standard deviation of each true value's Gaussian random walk per step;
        0 for a stationary problem (Sutton & Barto exercise 2.5 uses 0.01 with
        all means starting at 0).

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

    #: the arm family: what agents that depend on the reward distribution read
    family: ClassVar[str] = "gaussian"

    def __post_init__(self):
        object.__setattr__(
            self, "reward_std", check_real("reward_std", self.reward_std, low=0.0, low_open=True)
        )
        object.__setattr__(self, "drift_std", check_real("drift_std", self.drift_std, low=0.0))
        object.__setattr__(self, "mean_offset", check_real("mean_offset", self.mean_offset))
        object.__setattr__(self, "mean_std", check_real("mean_std", self.mean_std, low=0.0))
        if self.means is None:
            check_int("num_arms", self.num_arms, low=1)
            return
        means = check_array("means", self.means, ndim=(1, 2))
        if means.size == 0:
            raise ValueError(
                f"means must have at least one arm and one row, got shape {means.shape}"
            )
        object.__setattr__(self, "means", _readonly(means))
        object.__setattr__(self, "num_arms", int(means.shape[-1]))

    @classmethod
    def testbed(
        cls,
        num_arms: int = 10,
        mean_offset: float = 0.0,
        mean_std: float = 1.0,
        reward_std: float = 1.0,
        drift_std: float = 0.0,
    ) -> GaussianBandit:
        """Sutton & Barto's k-armed testbed: true means ~ N(mean_offset, mean_std^2) per run."""
        num_arms = check_int("num_arms", num_arms, low=1, high=2**31 - 1)
        return cls(
            None,
            reward_std=reward_std,
            drift_std=drift_std,
            num_arms=num_arms,
            mean_offset=mean_offset,
            mean_std=mean_std,
        )

    def _codes(self):
        params = (self.mean_offset, self.mean_std, self.reward_std)
        if self.means is None:
            return REWARD_GAUSSIAN, MEANS_NORMAL, np.zeros((1, self.num_arms)), params
        return REWARD_GAUSSIAN, MEANS_GIVEN, np.atleast_2d(self.means), params

    def __repr__(self) -> str:
        if self.means is None:
            what = (
                f"testbed, num_arms={self.num_arms}, mean_offset={self.mean_offset}, "
                f"mean_std={self.mean_std}"
            )
        else:
            what = f"means={self.means.tolist()}"
        return f"GaussianBandit({what}, reward_std={self.reward_std}, drift_std={self.drift_std})"


BanditProblem = BernoulliBandit | GaussianBandit
