"""``CartPole``: the physical parameters of Gymnasium's CartPole-v1, per run if wanted."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fastrl.control import _dynamics as d
from fastrl.control._params import check_param, num_rows
from fastrl.validation import check_size

__all__ = ["CartPole"]

# (field, lower bound, bound is open): a negative mass, a zero length or step
# would make the equations meaningless (division by zero, time running back).
_BOUNDS = (
    ("gravity", 0.0, False),
    ("masscart", 0.0, True),
    ("masspole", 0.0, False),
    ("length", 0.0, True),
    ("force_mag", 0.0, False),
    ("tau", 0.0, True),
    ("theta_threshold_radians", 0.0, True),
    ("x_threshold", 0.0, True),
)
_INTEGRATORS = ("euler", "semi-implicit euler")


@dataclass(frozen=True, eq=False)
class CartPole:
    """Gymnasium's ``CartPole-v1`` (Barto, Sutton & Anderson 1983), with its parameters.

    Every physical parameter is a float shared by all runs, or a 1-D array with
    one value per run (all arrays of one task have the same length). Defaults
    are Gymnasium's; the equations, the reset distribution
    ``uniform(-0.05, 0.05)`` per state variable, the termination (``|x| >
    x_threshold`` or ``|theta| > theta_threshold_radians``), the reward (+1 per
    step, the terminating one included) and the truncation at
    ``max_episode_steps`` are Gymnasium's too.

    Parameters
    ----------
    gravity : float or array, >= 0
    masscart, masspole : float or array, > 0 and >= 0
    length : float or array, > 0
        Half the pole's length, as in Gymnasium.
    force_mag : float or array, >= 0
    tau : float or array, > 0
        Seconds between state updates.
    theta_threshold_radians, x_threshold : float or array, > 0
    kinematics_integrator : {"euler", "semi-implicit euler"}
    max_episode_steps : int, >= 1

    Examples
    --------
    >>> from fastrl.control import CartPole
    >>> CartPole(length=[0.5, 1.0]).num_rows
    2
    """

    gravity: float | np.ndarray = 9.8
    masscart: float | np.ndarray = 1.0
    masspole: float | np.ndarray = 0.1
    length: float | np.ndarray = 0.5
    force_mag: float | np.ndarray = 10.0
    tau: float | np.ndarray = 0.02
    theta_threshold_radians: float | np.ndarray = 12 * 2 * math.pi / 360
    x_threshold: float | np.ndarray = 2.4
    kinematics_integrator: str = "euler"
    max_episode_steps: int = 500

    def __post_init__(self):
        for name, low, low_open in _BOUNDS:
            object.__setattr__(self, name, check_param(name, getattr(self, name), low, low_open))
        rows = num_rows(self, [b[0] for b in _BOUNDS])
        integrator = self.kinematics_integrator
        if not isinstance(integrator, str) or integrator not in _INTEGRATORS:
            raise ValueError(
                f"kinematics_integrator must be one of {_INTEGRATORS}, "
                f"got {self.kinematics_integrator!r}"
            )
        steps = check_size("max_episode_steps", self.max_episode_steps)
        object.__setattr__(self, "max_episode_steps", steps)
        object.__setattr__(self, "_num_rows", rows)

    @property
    def num_rows(self) -> int:
        """1 when every run shares the parameters, else the length of the per-run arrays."""
        return self._num_rows

    def params(self) -> np.ndarray:
        """The kernels' parameter table: float64, shape ``(num_rows, NUM_PARAMS)``.

        The derived columns are computed as Gymnasium computes them
        (``total_mass = masspole + masscart``, ``polemass_length = masspole *
        length``), so the kernels divide by the same numbers.
        """
        n = self._num_rows
        p = np.zeros((n, d.NUM_PARAMS))
        col = np.broadcast_to
        p[:, d.P_GRAVITY] = col(self.gravity, n)
        p[:, d.P_MASSCART] = col(self.masscart, n)
        p[:, d.P_MASSPOLE] = col(self.masspole, n)
        p[:, d.P_TOTAL_MASS] = p[:, d.P_MASSPOLE] + p[:, d.P_MASSCART]
        p[:, d.P_LENGTH] = col(self.length, n)
        p[:, d.P_POLEMASS_LENGTH] = p[:, d.P_MASSPOLE] * p[:, d.P_LENGTH]
        p[:, d.P_FORCE_MAG] = col(self.force_mag, n)
        p[:, d.P_TAU] = col(self.tau, n)
        p[:, d.P_THETA_THRESHOLD] = col(self.theta_threshold_radians, n)
        p[:, d.P_X_THRESHOLD] = col(self.x_threshold, n)
        p[:, d.P_SEMI_IMPLICIT] = float(self.kinematics_integrator != "euler")
        return p
