"""``Acrobot``: the parameters of Gymnasium's Acrobot-v1, per run if wanted."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fastrl.control import _dynamics as d
from fastrl.control._params import param_table, set_params
from fastrl.validation import check_size

__all__ = ["Acrobot"]

# (field, column, lower bound, open): lengths, masses, the inertia, the speed
# limits and the time step must be positive (masses, inertia and dt appear in
# divisions); the centres of mass may sit at the joint (0).
_FIELDS = (
    ("link_length_1", d.A_LINK_LENGTH_1, 0.0, True),
    ("link_length_2", d.A_LINK_LENGTH_2, 0.0, True),
    ("link_mass_1", d.A_LINK_MASS_1, 0.0, True),
    ("link_mass_2", d.A_LINK_MASS_2, 0.0, True),
    ("link_com_pos_1", d.A_LINK_COM_POS_1, 0.0, False),
    ("link_com_pos_2", d.A_LINK_COM_POS_2, 0.0, False),
    ("link_moi", d.A_LINK_MOI, 0.0, True),
    ("max_vel_1", d.A_MAX_VEL_1, 0.0, True),
    ("max_vel_2", d.A_MAX_VEL_2, 0.0, True),
    ("dt", d.A_DT, 0.0, True),
)


@dataclass(frozen=True, eq=False)
class Acrobot:
    """Gymnasium's ``Acrobot-v1`` (Sutton 1996), its "book" dynamics integrated with RK4.

    Two links hang from a fixed joint; torque -1, 0 or +1 on the middle joint
    swings the tip above the line one link-length over the pivot (terminated
    when ``-cos(theta1) - cos(theta1 + theta2) > 1``). Reward -1 per step, 0 on
    the terminating one; truncated at ``max_episode_steps`` (500). Reset: the
    four state variables ``uniform(-0.1, 0.1)``, rounded to float32 as
    Gymnasium does. One RK4 step of ``dt`` per action, angles wrapped to
    ``[-pi, pi]``, velocities clipped to ``max_vel_1``/``max_vel_2``. Defaults
    are Gymnasium's class attributes (``LINK_LENGTH_1`` ... ``dt``); each is a
    float or a 1-D array with one value per run. Gymnasium's
    ``torque_noise_max`` (0 there) is not supported.

    Parameters
    ----------
    link_length_1, link_length_2, link_mass_1, link_mass_2, link_moi : float or array, > 0
    link_com_pos_1, link_com_pos_2 : float or array, >= 0
    max_vel_1, max_vel_2, dt : float or array, > 0
    max_episode_steps : int, >= 1
    """

    link_length_1: float | np.ndarray = 1.0
    link_length_2: float | np.ndarray = 1.0
    link_mass_1: float | np.ndarray = 1.0
    link_mass_2: float | np.ndarray = 1.0
    link_com_pos_1: float | np.ndarray = 0.5
    link_com_pos_2: float | np.ndarray = 0.5
    link_moi: float | np.ndarray = 1.0
    max_vel_1: float | np.ndarray = 4 * math.pi
    max_vel_2: float | np.ndarray = 9 * math.pi
    dt: float | np.ndarray = 0.2
    max_episode_steps: int = 500

    def __post_init__(self):
        set_params(self, _FIELDS)
        steps = check_size("max_episode_steps", self.max_episode_steps)
        object.__setattr__(self, "max_episode_steps", steps)

    @property
    def num_rows(self) -> int:
        """1 when every run shares the parameters, else the length of the per-run arrays."""
        return self._num_rows

    def params(self) -> np.ndarray:
        """The kernels' parameter table: float64, shape ``(num_rows, NUM_ACROBOT_PARAMS)``."""
        return param_table(self, _FIELDS, d.NUM_ACROBOT_PARAMS)
