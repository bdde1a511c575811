"""Gymnasium's classic-control tasks on fastrl's kernels: single ``Env`` and native ``VectorEnv``.

CartPole-v1, MountainCar-v0, MountainCarContinuous-v0, Acrobot-v1 and
Pendulum-v1. Each is a :class:`~fastrl.gym._classic.Task`
(:mod:`fastrl.gym._control_tasks`: physics config, kernels, spaces, renderer)
plugged into the shared single and vector environments of
:mod:`fastrl.gym._classic`.
"""

from __future__ import annotations

from fastrl.gym._classic import ClassicEnv, ClassicVectorEnv
from fastrl.gym._control_tasks import (
    ACROBOT,
    CARTPOLE,
    CONTINUOUS_MOUNTAIN_CAR,
    MOUNTAIN_CAR,
    PENDULUM,
)

__all__ = [
    "CartPoleEnv",
    "CartPoleVectorEnv",
    "MountainCarEnv",
    "MountainCarVectorEnv",
    "ContinuousMountainCarEnv",
    "ContinuousMountainCarVectorEnv",
    "AcrobotEnv",
    "AcrobotVectorEnv",
    "PendulumEnv",
    "PendulumVectorEnv",
]


class CartPoleEnv(ClassicEnv):
    """Gymnasium's ``CartPole-v1`` stepped by fastrl's kernel (``fastrl/CartPole-v1``).

    ## Description
    A pole on an un-actuated joint of a cart on a frictionless track (Barto,
    Sutton & Anderson 1983); push the cart left or right to keep it upright.
    The equations, their float64 arithmetic and the float32 observations are
    Gymnasium's, stepped by the same compiled kernel as
    :class:`CartPoleVectorEnv` with one sub-environment, so a ``SyncVectorEnv``
    of these and the native vector environment agree exactly for the same
    seeds. Randomness is fastrl's addressed draws (``reset(seed=s)`` derives the
    key from ``s``), so initial states differ from Gymnasium's for equal seeds.

    ## Action Space
    ``Discrete(2)``: 0 pushes the cart left, 1 right, with ``force_mag``.

    ## Observation Space
    ``Box(-high, high, (4,), float32)`` as Gymnasium's: cart position and
    velocity, pole angle and angular velocity, ``high = [2 * x_threshold, inf,
    2 * theta_threshold_radians, inf]``.

    ## Rewards
    +1 for every step, the terminating one included; 0 for steps taken after
    termination (with Gymnasium's warning).

    ## Episode End
    Terminated when ``|x| > x_threshold`` (2.4) or ``|theta| >
    theta_threshold_radians`` (12 degrees). Truncation at 500 steps comes from
    the registered spec's ``TimeLimit``, or from ``max_episode_steps``.

    ## Arguments
    render_mode : {"rgb_array"} or None
        Frames drawn with numpy (no pygame).
    max_episode_steps : int or None
        Truncate episodes in the environment itself (None: leave it to ``TimeLimit``).
    **physics
        Fields of :class:`fastrl.control.CartPole` (gravity, masscart, masspole,
        length, force_mag, tau, theta_threshold_radians, x_threshold,
        kinematics_integrator); floats only.
    """

    TASK = CARTPOLE


class CartPoleVectorEnv(ClassicVectorEnv):
    """``num_envs`` CartPole-v1 environments stepped by one numba call (``fastrl/CartPole-v1``).

    ## Description
    As :class:`CartPoleEnv`, batched: every ``step`` advances all
    sub-environments, autoreset included, with no per-environment Python.
    Sub-environment ``j`` reset with seed ``s`` behaves exactly like
    :class:`CartPoleEnv` reset with seed ``s``; ``reset(seed=s)`` seeds
    sub-environment ``j`` with ``s + j`` (Gymnasium's convention), so this and
    a ``SyncVectorEnv`` of single environments give identical trajectories.
    Physical parameters may differ per sub-environment (arrays of length
    ``num_envs``).

    ## Action Space
    ``MultiDiscrete([2] * num_envs)`` (int64).

    ## Observation Space
    ``Box`` of shape ``(num_envs, 4)``, float32, batched from Gymnasium's single
    space. Returned arrays are fresh each call.

    ## Rewards
    float64: 1 per step; 0 on the autoreset step of ``NEXT_STEP``.

    ## Episode End
    Terminated as Gymnasium's; truncated at ``max_episode_steps`` (500).
    Autoreset follows ``autoreset_mode``: ``NEXT_STEP`` (default, as
    Gymnasium's ``CartPoleVectorEnv``), ``SAME_STEP`` (``infos["final_obs"]``,
    float32 ``(num_envs, 4)``, masked by ``infos["_final_obs"]``) or
    ``DISABLED`` (reset finished sub-environments with ``reset(options=
    {"reset_mask": mask})``; stepping them before raises ``ResetNeeded``).

    ## Arguments
    num_envs : int
    max_episode_steps : int or None
        None: the task's 500.
    autoreset_mode : AutoresetMode or str
    render_mode : {"rgb_array"} or None
        ``render()`` returns a tuple with one frame per sub-environment.
    **physics
        Fields of :class:`fastrl.control.CartPole`, floats or arrays of length ``num_envs``.

    Examples
    --------
    >>> import gymnasium as gym, fastrl.gym
    >>> envs = gym.make_vec("fastrl/CartPole-v1", num_envs=4096)
    >>> obs, info = envs.reset(seed=0)
    >>> obs, rew, term, trunc, info = envs.step(envs.action_space.sample())
    """

    TASK = CARTPOLE


class MountainCarEnv(ClassicEnv):
    """Gymnasium's ``MountainCar-v0`` stepped by fastrl's kernel (``fastrl/MountainCar-v0``).

    ## Description
    An under-powered car at the bottom of a valley must rock back and forth to
    reach the flag on the right hill (Moore 1990; Sutton & Barto section 10.1).
    Equations, float64 arithmetic and float32 observations are Gymnasium's (see
    :class:`fastrl.control.MountainCar`); initial states come from fastrl's
    addressed draws.

    ## Action Space
    ``Discrete(3)``: 0 accelerate left, 1 do nothing, 2 accelerate right.

    ## Observation Space
    ``Box([-1.2, -0.07], [0.6, 0.07], (2,), float32)``: position and velocity.

    ## Rewards
    -1 per step.

    ## Episode End
    Terminated when ``position >= 0.5`` (and ``velocity >= goal_velocity``);
    truncation at 200 steps from the registered spec's ``TimeLimit``, or from
    ``max_episode_steps``.

    ## Arguments
    render_mode : {"rgb_array"} or None
    max_episode_steps : int or None
    **physics
        Fields of :class:`fastrl.control.MountainCar` (force, gravity, goal_velocity, ...).
    """

    TASK = MOUNTAIN_CAR


class MountainCarVectorEnv(ClassicVectorEnv):
    """``num_envs`` MountainCar-v0 environments in one numba call (``fastrl/MountainCar-v0``).

    As :class:`MountainCarEnv`, batched, with the conventions of
    :class:`CartPoleVectorEnv`: seeding ``s + j``, the three autoreset modes
    (``final_obs`` float32 of shape ``(num_envs, 2)`` in ``SAME_STEP``), fresh
    arrays, float64 rewards, truncation at ``max_episode_steps`` (None: 200) and
    physical parameters that may be arrays of length ``num_envs``.
    """

    TASK = MOUNTAIN_CAR


class AcrobotEnv(ClassicEnv):
    """Gymnasium's ``Acrobot-v1`` stepped by fastrl's kernel (``fastrl/Acrobot-v1``).

    ## Description
    Two links hang from a fixed joint; the torque on the middle joint must
    swing the tip above the line one link-length over the pivot (Sutton 1996).
    Gymnasium's "book" dynamics, integrated with Gymnasium's RK4 step (see
    :class:`fastrl.control.Acrobot`); initial states come from fastrl's
    addressed draws, rounded to float32 as Gymnasium does.

    ## Action Space
    ``Discrete(3)``: torque -1, 0 or +1 on the joint between the links.

    ## Observation Space
    ``Box(-high, high, (6,), float32)``: ``cos``/``sin`` of both angles and the
    two angular velocities, ``high = [1, 1, 1, 1, 4 pi, 9 pi]``.

    ## Rewards
    -1 per step, 0 on the terminating step.

    ## Episode End
    Terminated when ``-cos(theta1) - cos(theta1 + theta2) > 1``; truncation at
    500 steps from the registered spec's ``TimeLimit``, or from
    ``max_episode_steps``.

    ## Arguments
    render_mode : {"rgb_array"} or None
    max_episode_steps : int or None
    **physics
        Fields of :class:`fastrl.control.Acrobot` (link lengths, masses, dt, ...).
    """

    TASK = ACROBOT


class AcrobotVectorEnv(ClassicVectorEnv):
    """``num_envs`` Acrobot-v1 environments in one numba call (``fastrl/Acrobot-v1``).

    As :class:`AcrobotEnv`, batched, with the conventions of
    :class:`CartPoleVectorEnv` (``final_obs`` float32 of shape ``(num_envs,
    6)``; truncation at ``max_episode_steps``, None: 500).
    """

    TASK = ACROBOT


class PendulumEnv(ClassicEnv):
    """Gymnasium's ``Pendulum-v1`` stepped by fastrl's kernel (``fastrl/Pendulum-v1``).

    ## Description
    Swing a pendulum up from a random position and keep it upright with a
    bounded torque. Gymnasium's equations and its float32 torque arithmetic
    (see :class:`fastrl.control.Pendulum`); initial states come from fastrl's
    addressed draws.

    ## Action Space
    ``Box(-2, 2, (1,), float32)``: the torque (clipped to ``max_torque``).
    Actions are taken as float32, the space's dtype.

    ## Observation Space
    ``Box([-1, -1, -8], [1, 1, 8], (3,), float32)``: ``cos theta``, ``sin theta``,
    ``theta_dot``.

    ## Rewards
    ``-(theta^2 + 0.1 theta_dot^2 + 0.001 torque^2)``, theta normalised to ``[-pi, pi)``.

    ## Episode End
    Never terminated; truncation at 200 steps from the registered spec's
    ``TimeLimit``, or from ``max_episode_steps``.

    ## Arguments
    render_mode : {"rgb_array"} or None
    max_episode_steps : int or None
    **physics
        Fields of :class:`fastrl.control.Pendulum` (g, m, l, dt, max_speed, max_torque).
    """

    TASK = PENDULUM


class PendulumVectorEnv(ClassicVectorEnv):
    """``num_envs`` Pendulum-v1 environments in one numba call (``fastrl/Pendulum-v1``).

    As :class:`PendulumEnv`, batched, with the conventions of
    :class:`CartPoleVectorEnv`; actions have shape ``(num_envs, 1)``;
    truncation at ``max_episode_steps`` (None: 200).
    """

    TASK = PENDULUM


class ContinuousMountainCarEnv(ClassicEnv):
    """Gymnasium's ``MountainCarContinuous-v0`` (``fastrl/MountainCarContinuous-v0``).

    ## Description
    :class:`MountainCarEnv` with a continuous force; Gymnasium's float32
    state and arithmetic reproduced bit for bit (see
    :class:`fastrl.control.ContinuousMountainCar`).

    ## Action Space
    ``Box(-1, 1, (1,), float32)``: the force, clipped to [-1, 1]; taken as float32.

    ## Observation Space
    ``Box([-1.2, -0.07], [0.6, 0.07], (2,), float32)``: position and velocity.

    ## Rewards
    100 on reaching the goal, minus ``0.1 force^2`` (of the unclipped action) every step.

    ## Episode End
    Terminated when ``position >= 0.45`` (and ``velocity >= goal_velocity``);
    truncation at 999 steps from the spec's ``TimeLimit`` or ``max_episode_steps``.

    ## Arguments
    render_mode : {"rgb_array"} or None
    max_episode_steps : int or None
    **physics
        Fields of :class:`fastrl.control.ContinuousMountainCar`.
    """

    TASK = CONTINUOUS_MOUNTAIN_CAR


class ContinuousMountainCarVectorEnv(ClassicVectorEnv):
    """``num_envs`` MountainCarContinuous-v0 environments in one numba call.

    As :class:`ContinuousMountainCarEnv`, batched, with the conventions of
    :class:`CartPoleVectorEnv`; actions have shape ``(num_envs, 1)``;
    truncation at ``max_episode_steps`` (None: 999).
    """

    TASK = CONTINUOUS_MOUNTAIN_CAR
