"""The family-independent part of the bandit problems: kernel codes, the base class.

:mod:`fastrl.bandits.problems` defines one frozen dataclass per arm family on
:class:`BanditProblem`; this module holds what they share (validation, what
the kernels read, the Lai-Robbins bound, ``repr``).
"""

from __future__ import annotations

import math
from typing import ClassVar, NamedTuple

import numpy as np

from fastrl.validation import (
    MAX_MAGNITUDE,
    check_array,
    check_int,
    check_real,
    check_size,
    frozen_copy,
)

__all__ = ["BanditProblem", "KernelSpec"]

# Kernel codes: how rewards are drawn (the family), and where the true values come from.
REWARD_BERNOULLI = 0
REWARD_GAUSSIAN = 1
REWARD_POISSON = 2
REWARD_EXPONENTIAL = 3
REWARD_BETA = 4
MEANS_GIVEN = 0
MEANS_UNIFORM = 1
MEANS_NORMAL = 2
# problem_params slots: the prior's location and scale, the family's spread
# (Gaussian reward_std, Beta concentration) and the rate of drawn change points.
P_LOC, P_SCALE, P_SPREAD, P_RATE = 0, 1, 2, 3


def _readonly(arr: np.ndarray) -> np.ndarray:
    # A private copy: check_array returns the caller's own array (or a view of it) when it
    # already is contiguous float64, and a problem must not change when that array does.
    return frozen_copy(arr)


def _check_magnitude(name: str, arr: np.ndarray) -> None:
    # Larger values overflow the kernels' float64 sums of squares (NaN or inf curves).
    if arr.size and np.abs(arr).max() > MAX_MAGNITUDE:
        raise ValueError(
            f"{name} must lie within +-{MAX_MAGNITUDE:g}, got values from "
            f"{arr.min()} to {arr.max()}"
        )


class KernelSpec(NamedTuple):
    """What the kernels read of a problem (see :meth:`BanditProblem.kernel_spec`)."""

    reward_code: int
    means_code: int
    means_in: np.ndarray  # (rows, k) float64, writable: given rows (runs or segments)
    params: np.ndarray  # float64 [loc, scale, spread, change_rate]
    change_points: np.ndarray  # int64, strictly increasing; empty without given change points
    piecewise: bool


class BanditProblem:
    """Base class of the bandit problems: what every arm family shares.

    ``isinstance(problem, BanditProblem)`` holds for every fastrl bandit
    problem. Subclasses (one per family, see :mod:`fastrl.bandits.problems`)
    are frozen dataclasses with a field of means (``probs`` for Bernoulli
    arms, else ``means``) and the fields ``drift_std``, ``num_arms``,
    ``change_points`` and ``change_rate``.

    Attributes
    ----------
    family : str
        ``"bernoulli"``, ``"gaussian"``, ``"poisson"``, ``"exponential"`` or ``"beta"``.
    reward_range : tuple of float
        The closed range of the arms' means (and rewards, for Bernoulli and Beta arms).
    piecewise, stationary : bool
        Whether the means jump at change points; whether they never move.
    """

    #: the arm family: what agents that depend on the reward distribution read
    family: ClassVar[str] = ""
    _REWARD: ClassVar[int] = -1
    _VALUES: ClassVar[str] = "means"
    #: closed range of an arm's mean (and of its rewards, for bounded families)
    reward_range: ClassVar[tuple[float, float]] = (-math.inf, math.inf)

    def __deepcopy__(self, memo):
        # Immutable after validation, so a copy may share it; Gymnasium deep-copies
        # spec kwargs (make(env.spec)), and specs holding the problem then compare equal.
        return self

    # -- validation, shared by the subclasses' __post_init__ ----------------------
    def _check_mean_values(self, name: str, arr: np.ndarray) -> None:
        low, high = self.reward_range
        if arr.min() < low or arr.max() > high:
            want = f"lie in [{low:g}, {high:g}]" if high < math.inf else f"be >= {low:g}"
            raise ValueError(f"{name} must {want}, got values from {arr.min()} to {arr.max()}")

    def _setup(self) -> None:
        set_ = object.__setattr__
        drift = check_real("drift_std", self.drift_std, low=0.0, high=MAX_MAGNITUDE)
        set_(self, "drift_std", drift)
        rate = check_real("change_rate", self.change_rate, low=0.0, high=1.0)
        set_(self, "change_rate", rate)
        cps = self.change_points
        if cps is not None:
            cps = check_array("change_points", cps, ndim=1, dtype=np.int64)
            if cps.size == 0 or cps[0] < 1 or np.any(np.diff(cps) <= 0):
                raise ValueError(
                    "change_points must be a non-empty list of strictly increasing steps >= 1, "
                    f"got {cps.tolist()}"
                )
            set_(self, "change_points", _readonly(cps))
            if rate > 0.0:
                raise ValueError("give change_points or change_rate, not both")
        if (cps is not None or rate > 0.0) and self.drift_std > 0.0:
            raise ValueError("change_points/change_rate and drift_std > 0 cannot be combined")
        name = self._VALUES
        values = getattr(self, name)
        if values is None:
            check_size("num_arms", self.num_arms)
            self._check_prior()
            return
        if rate > 0.0:
            raise ValueError(
                "change_rate needs means drawn per segment (random/testbed), not given "
                f"{name}; give change_points and one row of {name} per segment instead"
            )
        arr = check_array(name, values, ndim=(1, 2))
        if cps is not None and arr.ndim != 2:
            raise ValueError(
                f"{name} needs one row per segment with change_points: shape "
                f"({cps.size + 1}, k), got {arr.shape}"
            )
        if arr.size == 0:
            raise ValueError(f"{name} must have at least one arm and one row, got {arr.shape}")
        if cps is not None and arr.shape[0] != cps.size + 1:
            raise ValueError(
                f"{name} needs one row per segment: {cps.size + 1} rows for "
                f"{cps.size} change_points, got {arr.shape[0]}"
            )
        _check_magnitude(name, arr)
        self._check_mean_values(name, arr)
        set_(self, name, _readonly(arr))
        set_(self, "num_arms", int(arr.shape[-1]))

    def _check_prior(self) -> None:
        """The prior of drawn means (``low``/``high`` of the uniform prior by default)."""
        lo, hi = self.reward_range
        low = check_real("low", self.low, low=max(lo, -MAX_MAGNITUDE), high=min(hi, MAX_MAGNITUDE))
        high = check_real(
            "high", self.high, low=max(lo, -MAX_MAGNITUDE), high=min(hi, MAX_MAGNITUDE)
        )
        if high < low:
            raise ValueError(f"high must be >= low ({low}), got {high}")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    # -- what the kernels read ----------------------------------------------------
    @property
    def piecewise(self) -> bool:
        """Whether the means jump at change points (given or drawn)."""
        return self.change_points is not None or self.change_rate > 0.0

    @property
    def stationary(self) -> bool:
        """Whether the means stay fixed during a run (no drift, no change points)."""
        return not self.piecewise and not self.drift_std > 0.0

    @property
    def reward_std(self) -> float:
        """The Gaussian reward noise; NaN for the other families."""
        return float("nan")

    def _spread(self) -> float:
        return 0.0

    def _prior_codes(self):
        return MEANS_UNIFORM, self.low, self.high - self.low

    def kernel_spec(self) -> KernelSpec:
        """The problem as the simulation driver and the Gymnasium env read it."""
        values = getattr(self, self._VALUES)
        if values is None:
            code, loc, scale = self._prior_codes()
            means_in = np.zeros((1, self.num_arms))
        else:
            code, loc, scale = MEANS_GIVEN, 0.0, 1.0
            means_in = np.array(np.atleast_2d(values), dtype=np.float64, order="C")
        cps = self.change_points
        cps = np.zeros(0, dtype=np.int64) if cps is None else np.array(cps, dtype=np.int64)
        params = np.array([loc, scale, self._spread(), self.change_rate], dtype=np.float64)
        return KernelSpec(self._REWARD, code, means_in, params, cps, self.piecewise)

    # -- the Lai-Robbins lower bound ----------------------------------------------
    def lai_robbins(self, runs: int | None = None, seed: int = 0) -> float:
        """The constant ``C = sum_{a: mu_a < mu*} (mu* - mu_a) / KL(mu_a, mu*)``.

        Lai & Robbins (1985): every uniformly good policy has
        ``liminf_T E[R_T] / log T >= C``, with ``KL`` the divergence of the arm
        family (:func:`fastrl.bandits.divergences.divergence`; Gaussian arms with
        the known variance ``reward_std**2``; Beta arms take the Bernoulli
        divergence of their means, the bound for rewards in [0, 1], which is
        smaller than the Beta family's own). Means given per run or drawn per
        run give the mean of the runs' constants, for runs ``0 .. runs - 1`` of
        ``seed`` (so ``runs`` is needed). For continuous priors that mean is
        heavy-tailed (a run with two nearly tied arms has a huge constant).

        Raises
        ------
        ValueError
            For non-stationary problems, or without ``runs`` where needed.
        """
        if not self.stationary:
            raise ValueError(
                "the Lai-Robbins bound is defined for stationary problems (no drift, no "
                f"change points), got {self!r}"
            )
        from fastrl.bandits._dynamics import lai_robbins_mean
        from fastrl.rng import STREAM_PROBLEM, check_seed, stream_roots

        spec = self.kernel_spec()
        per_run = spec.means_code != MEANS_GIVEN or spec.means_in.shape[0] > 1
        if per_run:
            if runs is None:
                raise ValueError("runs is needed for means given or drawn per run")
            runs = check_int("runs", runs, low=1)
            if spec.means_code == MEANS_GIVEN and runs != spec.means_in.shape[0]:
                raise ValueError(
                    f"runs must equal the number of rows of {self._VALUES} "
                    f"({spec.means_in.shape[0]}), got {runs}"
                )
        else:
            runs = 1
        root = stream_roots(check_seed(seed))[STREAM_PROBLEM]
        sigma2 = self.reward_std**2 if self.family == "gaussian" else 0.0
        p = spec.params
        return float(
            lai_robbins_mean(
                spec.reward_code,
                spec.means_code,
                spec.means_in,
                p[P_LOC],
                p[P_SCALE],
                sigma2,
                root,
                runs,
            )  # fmt: skip
        )

    def lower_bound(self, steps: int, *, runs: int | None = None, seed: int = 0) -> np.ndarray:
        """Lai & Robbins' asymptotic regret bound ``C log t`` at ``t = 1 .. steps``.

        ``C`` is :meth:`lai_robbins` (same ``runs`` and ``seed`` rules).

        Returns
        -------
        ndarray of float64, shape (steps,)

        Examples
        --------
        >>> from fastrl.bandits import BernoulliBandit
        >>> b = BernoulliBandit([0.9, 0.8]).lower_bound(3)
        >>> b.shape, float(b[0])
        ((3,), 0.0)
        """
        steps = check_int("steps", steps, low=1)
        return self.lai_robbins(runs, seed) * np.log(np.arange(1, steps + 1, dtype=np.float64))

    # -- text ---------------------------------------------------------------------
    def _extras(self) -> str:
        out = f", drift_std={self.drift_std}"
        if self.change_points is not None:
            out += f", change_points={self.change_points.tolist()}"
        if self.change_rate > 0.0:
            out += f", change_rate={self.change_rate}"
        return out

    def _what(self) -> str:
        values = getattr(self, self._VALUES)
        if values is None:
            return f"random, num_arms={self.num_arms}, low={self.low}, high={self.high}"
        return f"{self._VALUES}={values.tolist()}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._what()}{self._extras()})"

    @classmethod
    def _drawn(cls, num_arms, **kwargs):
        num_arms = check_size("num_arms", num_arms, high=2**31 - 1)
        return cls(None, num_arms=num_arms, **kwargs)


_COMMON_PARAMS = """drift_std : float
        Standard deviation of each mean's Gaussian random walk per step
        (clipped to the family's range); 0 for a stationary problem.
    num_arms : int
        Set by the means; give it (with ``{values}=None``) for drawn means.
    change_points : array_like of int, optional
        Strictly increasing steps (>= 1) at which the means jump: segment ``s``
        covers steps ``change_points[s - 1] .. change_points[s] - 1`` (0-based).
        Given means then hold one row per segment, shape
        ``(len(change_points) + 1, k)``; drawn means are drawn afresh per segment.
    change_rate : float
        In (0, 1]: change points drawn per run, with independent geometric gaps
        of mean ``1 / change_rate`` steps, each segment's means drawn from the
        prior (drawn means only). 0: no drawn change points."""


def _doc(cls):
    cls.__doc__ = cls.__doc__.replace("{common}", _COMMON_PARAMS.format(values=cls._VALUES))
    return cls
