"""The classic-control tasks of the Gymnasium face: kernels, spaces and renderers per task.

Each :class:`~fastrl.gym._classic.Task` ties a physics config of
:mod:`fastrl.control` to its vector kernels, its observation (and, for
continuous tasks, action) space as Gymnasium declares it, and its numpy
renderer; :mod:`fastrl.gym.control_env` turns each into a single and a vector
environment.
"""

from __future__ import annotations

import numpy as np
from gymnasium import spaces
from gymnasium.envs.classic_control import utils

from fastrl.control import _dynamics as d
from fastrl.control.acrobot import Acrobot
from fastrl.control.cartpole import CartPole
from fastrl.control.continuous_mountain_car import ContinuousMountainCar
from fastrl.control.mountain_car import MountainCar
from fastrl.control.pendulum import Pendulum
from fastrl.gym._classic import Task
from fastrl.gym._control_kernels import (
    PARALLEL_MIN_ENVS,
    _reset_acrobot,
    _reset_cartpole,
    _reset_mountain_car,
    _reset_pendulum,
    _step_acrobot,
    _step_cartpole,
    _step_cartpole_parallel,
    _step_continuous_mountain_car,
    _step_mountain_car,
    _step_pendulum,
)
from fastrl.gym.control_render import (
    render_acrobot,
    render_cartpole,
    render_mountain_car,
    render_pendulum,
)

__all__ = ["ACROBOT", "CARTPOLE", "CONTINUOUS_MOUNTAIN_CAR", "MOUNTAIN_CAR", "PENDULUM"]


def _cartpole_space(params: np.ndarray) -> spaces.Box:
    # Gymnasium's bounds; with per-environment thresholds, the widest.
    high = np.array(
        [
            params[:, d.P_X_THRESHOLD].max() * 2,
            np.inf,
            params[:, d.P_THETA_THRESHOLD].max() * 2,
            np.inf,
        ],
        dtype=np.float32,
    )
    return spaces.Box(-high, high, dtype=np.float32)


def _mountain_car_space(params: np.ndarray) -> spaces.Box:
    # Gymnasium's float32 bounds; with per-environment limits, the widest.
    low = np.array(
        [params[:, d.M_MIN_POSITION].min(), -params[:, d.M_MAX_SPEED].max()], dtype=np.float32
    )
    high = np.array(
        [params[:, d.M_MAX_POSITION].max(), params[:, d.M_MAX_SPEED].max()], dtype=np.float32
    )
    return spaces.Box(low, high, dtype=np.float32)


def _acrobot_space(params: np.ndarray) -> spaces.Box:
    high = np.array(
        [1.0, 1.0, 1.0, 1.0, params[:, d.A_MAX_VEL_1].max(), params[:, d.A_MAX_VEL_2].max()],
        dtype=np.float32,
    )
    return spaces.Box(-high, high, dtype=np.float32)


CARTPOLE = Task(
    config=CartPole,
    dim=4,
    num_actions=2,
    reset_bounds=(-0.05, 0.05),
    step_kernel=_step_cartpole,
    reset_kernel=_reset_cartpole,
    parallel_step=(_step_cartpole_parallel, PARALLEL_MIN_ENVS),
    observation_space=_cartpole_space,
    render=lambda p, s: render_cartpole(s[0], s[2], p[d.P_LENGTH], p[d.P_X_THRESHOLD]),
    warn_after_termination=True,
)

MOUNTAIN_CAR = Task(
    config=MountainCar,
    dim=2,
    num_actions=3,
    reset_bounds=(-0.6, -0.4),
    step_kernel=_step_mountain_car,
    reset_kernel=_reset_mountain_car,
    observation_space=_mountain_car_space,
    render=lambda p, s: render_mountain_car(
        s[0], p[d.M_MIN_POSITION], p[d.M_MAX_POSITION], p[d.M_GOAL_POSITION]
    ),
)


ACROBOT = Task(
    config=Acrobot,
    dim=4,
    num_actions=3,
    reset_bounds=(-0.1, 0.1),
    step_kernel=_step_acrobot,
    reset_kernel=_reset_acrobot,
    observation_space=_acrobot_space,
    render=lambda p, s: render_acrobot(s[0], s[1], p[d.A_LINK_LENGTH_1], p[d.A_LINK_LENGTH_2]),
    obs_dim=6,
)


def _pendulum_space(params: np.ndarray) -> spaces.Box:
    high = np.array([1.0, 1.0, params[:, d.D_MAX_SPEED].max()], dtype=np.float32)
    return spaces.Box(-high, high, dtype=np.float32)


def _pendulum_actions(params: np.ndarray) -> spaces.Box:
    high = np.float32(params[:, d.D_MAX_TORQUE].max())
    return spaces.Box(low=-high, high=high, shape=(1,), dtype=np.float32)


def _pendulum_reset_options(options):
    # Gymnasium's options: symmetric bounds x_init (theta) and y_init (theta_dot).
    if options is None:
        return np.pi, 1.0
    x = utils.verify_number_and_cast(options.get("x_init", np.pi))
    y = utils.verify_number_and_cast(options.get("y_init", 1.0))
    return float(x), float(y)


PENDULUM = Task(
    config=Pendulum,
    dim=2,
    num_actions=0,
    reset_bounds=(np.pi, 1.0),
    step_kernel=_step_pendulum,
    reset_kernel=_reset_pendulum,
    observation_space=_pendulum_space,
    render=lambda p, s: render_pendulum(s[0]),
    obs_dim=3,
    action_space=_pendulum_actions,
    reset_options=_pendulum_reset_options,
)


def _continuous_mountain_car_space(params: np.ndarray) -> spaces.Box:
    low = np.array(
        [params[:, d.C_MIN_POSITION].min(), -params[:, d.C_MAX_SPEED].max()], dtype=np.float32
    )
    high = np.array(
        [params[:, d.C_MAX_POSITION].max(), params[:, d.C_MAX_SPEED].max()], dtype=np.float32
    )
    return spaces.Box(low, high, dtype=np.float32)


CONTINUOUS_MOUNTAIN_CAR = Task(
    config=ContinuousMountainCar,
    dim=2,
    num_actions=0,
    reset_bounds=(-0.6, -0.4),
    step_kernel=_step_continuous_mountain_car,
    reset_kernel=_reset_mountain_car,
    observation_space=_continuous_mountain_car_space,
    render=lambda p, s: render_mountain_car(
        s[0], p[d.C_MIN_POSITION], p[d.C_MAX_POSITION], p[d.C_GOAL_POSITION]
    ),
    action_space=lambda p: spaces.Box(low=-1.0, high=1.0, shape=(1,), dtype=np.float32),
)
