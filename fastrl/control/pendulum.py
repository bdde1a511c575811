"""``Pendulum``: the parameters of Gymnasium's Pendulum-v1, per run if wanted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastrl.control import _dynamics as d
from fastrl.control._params import param_table, set_params
from fastrl.validation import check_size

__all__ = ["Pendulum"]

_FIELDS = (
    ("g", d.D_G, 0.0, False),
    ("m", d.D_M, 0.0, True),
    ("l", d.D_L, 0.0, True),
    ("dt", d.D_DT, 0.0, True),
    ("max_speed", d.D_MAX_SPEED, 0.0, True),
    ("max_torque", d.D_MAX_TORQUE, 0.0, True),
)


@dataclass(frozen=True, eq=False)
class Pendulum:
    """Gymnasium's ``Pendulum-v1``: swing a pendulum up and hold it with a bounded torque.

    ``theta_dot += (3 g / (2 l) sin(theta) + 3 / (m l^2) u) dt`` clipped to
    ``max_speed``, then ``theta += theta_dot dt``; the torque ``u`` is clipped
    to ``max_torque`` and held in float32 as Gymnasium's action space does.
    Reward ``-(normalised theta^2 + 0.1 theta_dot^2 + 0.001 u^2)``; never
    terminates; truncated at ``max_episode_steps`` (200). Reset: theta
    ``uniform(-pi, pi)``, theta_dot ``uniform(-1, 1)``. Defaults are Gymnasium's
    (``g`` is its constructor argument; ``m``, ``l``, ``dt`` its attributes);
    each is a float or a 1-D array with one value per run.

    Parameters
    ----------
    g : float or array, >= 0
    m, l, dt, max_speed, max_torque : float or array, > 0
    max_episode_steps : int, >= 1
    """

    g: float | np.ndarray = 10.0
    m: float | np.ndarray = 1.0
    l: float | np.ndarray = 1.0  # noqa: E741 (Gymnasium's name)
    dt: float | np.ndarray = 0.05
    max_speed: float | np.ndarray = 8.0
    max_torque: float | np.ndarray = 2.0
    max_episode_steps: int = 200

    def __post_init__(self):
        set_params(self, _FIELDS)
        steps = check_size("max_episode_steps", self.max_episode_steps)
        object.__setattr__(self, "max_episode_steps", steps)

    @property
    def num_rows(self) -> int:
        """1 when every run shares the parameters, else the length of the per-run arrays."""
        return self._num_rows

    def params(self) -> np.ndarray:
        """The kernels' parameter table: float64, shape ``(num_rows, NUM_PENDULUM_PARAMS)``."""
        return param_table(self, _FIELDS, d.NUM_PENDULUM_PARAMS)
