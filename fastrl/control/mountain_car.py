"""``MountainCar``: the parameters of Gymnasium's MountainCar-v0, per run if wanted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastrl.control import _dynamics as d
from fastrl.control._params import param_table, set_params
from fastrl.validation import check_size

__all__ = ["MountainCar"]

# (field, column, lower bound, open): force and gravity may not be negative, the
# speed limit must be positive; positions and the goal are unbounded.
_FIELDS = (
    ("force", d.M_FORCE, 0.0, False),
    ("gravity", d.M_GRAVITY, 0.0, False),
    ("min_position", d.M_MIN_POSITION, None, False),
    ("max_position", d.M_MAX_POSITION, None, False),
    ("max_speed", d.M_MAX_SPEED, 0.0, True),
    ("goal_position", d.M_GOAL_POSITION, None, False),
    ("goal_velocity", d.M_GOAL_VELOCITY, None, False),
)


@dataclass(frozen=True, eq=False)
class MountainCar:
    """Gymnasium's ``MountainCar-v0`` (Moore 1990; Sutton & Barto section 10.1).

    An under-powered car in a valley, ``velocity += (action - 1) * force -
    gravity * cos(3 * position)``, clipped to ``[-max_speed, max_speed]``;
    the position is clipped to ``[min_position, max_position]`` and the velocity
    zeroed at the left wall. Reward -1 per step; terminated when ``position >=
    goal_position and velocity >= goal_velocity``; truncated at
    ``max_episode_steps`` (200). Reset: position ``uniform(-0.6, -0.4)``,
    velocity 0. Defaults are Gymnasium's; each parameter is a float or a 1-D
    array with one value per run.

    Parameters
    ----------
    force, gravity, max_speed : float or array, >= 0 (max_speed > 0)
    min_position, max_position : float or array, min_position < max_position
    goal_position, goal_velocity : float or array
    max_episode_steps : int, >= 1
    """

    force: float | np.ndarray = 0.001
    gravity: float | np.ndarray = 0.0025
    min_position: float | np.ndarray = -1.2
    max_position: float | np.ndarray = 0.6
    max_speed: float | np.ndarray = 0.07
    goal_position: float | np.ndarray = 0.5
    goal_velocity: float | np.ndarray = 0.0
    max_episode_steps: int = 200

    def __post_init__(self):
        set_params(self, _FIELDS)
        if np.any(np.asarray(self.min_position) >= np.asarray(self.max_position)):
            raise ValueError("min_position must be < max_position")
        steps = check_size("max_episode_steps", self.max_episode_steps)
        object.__setattr__(self, "max_episode_steps", steps)

    @property
    def num_rows(self) -> int:
        """1 when every run shares the parameters, else the length of the per-run arrays."""
        return self._num_rows

    def params(self) -> np.ndarray:
        """The kernels' parameter table: float64, shape ``(num_rows, NUM_MOUNTAIN_CAR_PARAMS)``."""
        return param_table(self, _FIELDS, d.NUM_MOUNTAIN_CAR_PARAMS)
