"""``ContinuousMountainCar``: the parameters of Gymnasium's MountainCarContinuous-v0."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastrl.control import _dynamics as d
from fastrl.control._params import param_table, set_params
from fastrl.validation import check_size

__all__ = ["ContinuousMountainCar"]

_FIELDS = (
    ("power", d.C_POWER, 0.0, False),
    ("min_position", d.C_MIN_POSITION, None, False),
    ("max_position", d.C_MAX_POSITION, None, False),
    ("max_speed", d.C_MAX_SPEED, 0.0, True),
    ("goal_position", d.C_GOAL_POSITION, None, False),
    ("goal_velocity", d.C_GOAL_VELOCITY, None, False),
)


@dataclass(frozen=True, eq=False)
class ContinuousMountainCar:
    """Gymnasium's ``MountainCarContinuous-v0``: MountainCar with a force in [-1, 1].

    ``velocity += force * power - 0.0025 cos(3 position)``; clipping as in
    :class:`MountainCar`; reward 100 on reaching the goal (``position >= 0.45``
    and ``velocity >= goal_velocity``) minus ``0.1 force^2`` every step;
    truncated at ``max_episode_steps`` (999). Gymnasium keeps this state in
    float32 after every step and mixes float32 into the arithmetic; the kernel
    rounds exactly where Gymnasium does, so trajectories agree bit for bit.
    Defaults are Gymnasium's; each parameter is a float or a 1-D array with
    one value per run.

    Parameters
    ----------
    power : float or array, >= 0
    max_speed : float or array, > 0
    min_position, max_position : float or array, min_position < max_position
    goal_position, goal_velocity : float or array
    max_episode_steps : int, >= 1
    """

    power: float | np.ndarray = 0.0015
    min_position: float | np.ndarray = -1.2
    max_position: float | np.ndarray = 0.6
    max_speed: float | np.ndarray = 0.07
    goal_position: float | np.ndarray = 0.45
    goal_velocity: float | np.ndarray = 0.0
    max_episode_steps: int = 999

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
        """The kernels' parameter table, float64 with one row per run (or one)."""
        return param_table(self, _FIELDS, d.NUM_CONTINUOUS_MOUNTAIN_CAR_PARAMS)
