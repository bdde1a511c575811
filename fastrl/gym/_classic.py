"""The machinery shared by the classic-control environments: state, seeding, spaces, checks.

A task is described by a :class:`Task` (its physics config class, state
size, number of actions, reset bounds, kernels, observation space and
renderer); :class:`ClassicEnv` and :class:`ClassicVectorEnv` are the
single and native vector environments of any task, built on the same
seeding and autoreset conventions as the tabular environments
(:mod:`fastrl.gym._common`).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass

import gymnasium as gym
import numpy as np
from gymnasium import error, spaces
from gymnasium.envs.classic_control import utils
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from fastrl import rng
from fastrl.gym import _common
from fastrl.gym._kernels import MODE_DISABLED, MODE_SAME_STEP


@dataclass(frozen=True)
class Task:
    """What distinguishes one classic-control task from another in the environments."""

    config: type
    dim: int
    num_actions: int
    reset_bounds: tuple[float, float]
    step_kernel: Callable
    reset_kernel: Callable
    observation_space: Callable  # params -> spaces.Box
    render: Callable  # (params row, state row) -> uint8 image
    warn_after_termination: bool = False
    obs_dim: int | None = None  # None: the observation is the state, cast to float32
    # Continuous tasks: params -> the single Box action space (num_actions is 0);
    # actions reach the kernel as float32, the space's dtype, as Gymnasium computes.
    action_space: Callable | None = None
    # options -> (low, high) of the reset kernel; None: Gymnasium's "low"/"high".
    reset_options: Callable | None = None
    # (kernel, minimum sub-environments): the same step on numba's threads, same bits
    parallel_step: tuple[Callable, int] | None = None

    @property
    def obs_size(self) -> int:
        return self.dim if self.obs_dim is None else self.obs_dim


class Sim:
    """Struct-of-arrays state of ``n`` environments of one task, stepped by its kernels."""

    def __init__(self, task: Task, physics, n: int):
        self.task = task
        self.params = physics.params()
        self.state = np.zeros((n, task.dim))
        self.resets = np.zeros(n, dtype=np.int64)
        self.ep_len = np.zeros(n, dtype=np.int64)
        self.keys = np.zeros(n, dtype=np.uint64)
        self.needs_reset = np.zeros(n, dtype=np.bool_)
        self.terminated = np.zeros(n, dtype=np.bool_)
        self.low, self.high = task.reset_bounds

    def reseed(self, idx, seeds) -> None:
        self.keys[idx] = _common.stream_keys(seeds)[:, rng.STREAM_ENV]
        self.resets[idx] = 0

    def reset(self, mask, options) -> np.ndarray:
        if self.task.reset_options is not None:
            self.low, self.high = self.task.reset_options(options)
        else:
            self.low, self.high = utils.maybe_parse_reset_bounds(options, *self.task.reset_bounds)
        obs = np.empty((self.state.shape[0], self.task.obs_size), dtype=np.float32)
        self.task.reset_kernel(
            self.keys, self.state, self.resets, self.ep_len, self.needs_reset, self.terminated,
            mask, float(self.low), float(self.high), obs,
        )  # fmt: skip
        return obs

    def step(self, actions, limit, mode, final_obs):
        n = self.state.shape[0]
        obs = np.empty((self.state.shape[0], self.task.obs_size), dtype=np.float32)
        rew = np.empty(n, dtype=np.float64)
        term = np.empty(n, dtype=np.bool_)
        trunc = np.empty(n, dtype=np.bool_)
        kernel = self.task.step_kernel
        if self.task.parallel_step is not None and n >= self.task.parallel_step[1]:
            kernel = self.task.parallel_step[0]
        kernel(
            self.params, self.keys, self.state, self.resets, self.ep_len, self.needs_reset,
            self.terminated, actions, limit, mode, float(self.low), float(self.high),
            obs, rew, term, trunc, final_obs,
        )  # fmt: skip
        return obs, rew, term, trunc

    def render(self, j: int) -> np.ndarray:
        r = j if self.params.shape[0] > 1 else 0
        return self.task.render(self.params[r], self.state[j])


def _single_action_space(task: Task, params: np.ndarray) -> spaces.Space:
    if task.action_space is not None:
        return task.action_space(params)
    return spaces.Discrete(task.num_actions)


def _box_actions(actions, n: int, name: str) -> np.ndarray:
    """Continuous actions of shape ``(n, 1)`` (or ``(1,)`` for one env) as float32 ``(n,)``.

    Out-of-range values are clipped by the dynamics, as in Gymnasium; NaN is refused.
    """
    arr = np.asarray(actions)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}")
    if arr.shape not in ((n, 1), (n,)) or (n > 1 and arr.shape == (n,)):
        want = "(1,)" if name == "action" else f"({n}, 1)"
        raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    arr = np.ascontiguousarray(arr, dtype=np.float32).reshape(n)
    if np.isnan(arr).any():
        raise ValueError(f"{name} must not be NaN")
    return arr


def _check_render_mode(render_mode, metadata):
    if render_mode is not None and (
        not isinstance(render_mode, str) or render_mode not in metadata["render_modes"]
    ):
        raise ValueError(f"render_mode must be one of {metadata['render_modes']} or None")


class ClassicEnv(_common.PlainSpec, gym.Env):
    """A single environment of a classic-control task (subclasses set ``TASK``)."""

    TASK: Task
    metadata = {"render_modes": ["rgb_array"], "render_fps": 50}

    def __init__(self, render_mode: str | None = None, max_episode_steps: int | None = None,
                 **physics):  # fmt: skip
        _check_render_mode(render_mode, self.metadata)
        physics = self.TASK.config(**physics)
        if physics.num_rows != 1:
            per_env = sorted(k for k, v in vars(physics).items() if isinstance(v, np.ndarray))
            raise ValueError(
                f"{type(self).__name__} takes one set of physical parameters, got arrays for "
                f"{', '.join(per_env)}; use the vector env for per-environment values"
            )
        self.render_mode = render_mode
        self.physics = physics
        self._limit = _common.episode_limit(max_episode_steps, None)
        self._sim = Sim(self.TASK, physics, 1)
        self.action_space = _single_action_space(self.TASK, self._sim.params)
        self.observation_space = self.TASK.observation_space(self._sim.params)
        self._all = np.ones(1, dtype=np.bool_)
        continuous = self.TASK.action_space is not None
        self._action = np.zeros(1, dtype=np.float32 if continuous else np.int64)
        self._final = np.empty((1, self.TASK.obs_size), dtype=np.float32)
        self._seeded = False
        self._warned = False

    @property
    def state(self) -> np.ndarray:
        """The float64 physical state (a copy)."""
        return self._sim.state[0].copy()

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        seed = None if seed is None else rng.check_seed(seed)
        super().reset(seed=seed)
        _common.check_options(options)
        if seed is not None or not self._seeded:
            base = _common.fresh_seed() if seed is None else seed
            self._sim.reseed([0], [base])
            self._seeded = True
        self._warned = False
        return self._sim.reset(self._all, options)[0], {}

    def step(self, action):
        if not self._seeded:
            raise error.ResetNeeded("call reset (every sub-environment, once) before step")
        if self.TASK.action_space is not None:
            action = _box_actions(action, 1, "action")[0]
        else:
            if isinstance(action, np.ndarray) and action.shape == ():
                action = action.item()
            if isinstance(action, bool) or not isinstance(action, numbers.Integral):
                raise TypeError(f"action must be an integer, got {action!r}")
            if not 0 <= action < self.TASK.num_actions:
                raise ValueError(f"action must lie in [0, {self.TASK.num_actions}), got {action}")
        if self.TASK.warn_after_termination and self._sim.terminated[0] and not self._warned:
            gym.logger.warn(
                "You are calling 'step()' even though this environment has already returned "
                "terminated = True. You should always call 'reset()' once you receive "
                "'terminated = True' -- any further steps are undefined behavior."
            )
            self._warned = True
        self._action[0] = action
        obs, rew, term, trunc = self._sim.step(
            self._action, self._limit, MODE_DISABLED, self._final
        )
        return obs[0], float(rew[0]), bool(term[0]), bool(trunc[0]), {}

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode at creation")
            return None
        return self._sim.render(0)


class ClassicVectorEnv(_common.PlainSpec, VectorEnv):
    """``num_envs`` environments of a classic-control task stepped by one numba call."""

    TASK: Task
    metadata = {
        "render_modes": ["rgb_array"],
        "render_fps": 50,
        "autoreset_mode": AutoresetMode.NEXT_STEP,
    }

    def __init__(
        self,
        num_envs: int = 1,
        *,
        max_episode_steps: int | None = None,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        render_mode: str | None = None,
        **physics,
    ):
        num_envs = _common.check_num_envs(num_envs)
        _check_render_mode(render_mode, self.metadata)
        physics = self.TASK.config(**physics)
        if physics.num_rows not in (1, num_envs):
            raise ValueError(
                f"per-environment parameters need num_envs={physics.num_rows} values, "
                f"got num_envs={num_envs}"
            )
        self.num_envs = num_envs
        self.physics = physics
        self.autoreset_mode = _common.autoreset_mode(autoreset_mode)
        self._mode = _common.mode_code(self.autoreset_mode)
        self.metadata = {**type(self).metadata, "autoreset_mode": self.autoreset_mode}
        limit = physics.max_episode_steps if max_episode_steps is None else max_episode_steps
        self._limit = _common.episode_limit(limit, None)
        self.max_episode_steps = self._limit or None
        self.render_mode = render_mode
        self._sim = Sim(self.TASK, physics, num_envs)
        self.single_observation_space = self.TASK.observation_space(self._sim.params)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.single_action_space = _single_action_space(self.TASK, self._sim.params)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self._scratch = np.empty((num_envs, self.TASK.obs_size), dtype=np.float32)
        self._seeded = np.zeros(num_envs, dtype=np.bool_)
        self._ready = False

    @property
    def state(self) -> np.ndarray:
        """The float64 physical states, shape ``(num_envs, dim)`` (a copy)."""
        return self._sim.state.copy()

    def reset(self, *, seed=None, options=None):
        """Reset all sub-environments, or those in ``options["reset_mask"]``.

        ``seed``: None (continue each stream; fresh entropy the first time), an
        int ``s`` (sub-environment ``j`` gets ``s + j``) or a list of ints or
        None. ``options`` may also hold Gymnasium's reset bounds ``low``/``high``.
        """
        selected, idx, new_seeds = _common.reset_plan(seed, options, self._seeded)
        super().reset(seed=_common.np_random_seed(seed))
        if idx:
            self._sim.reseed(idx, new_seeds)
        obs = self._sim.reset(selected, options)
        self._ready = bool(self._seeded.all())
        return obs, {}

    def step(self, actions):
        """Step every sub-environment with integer ``actions`` of shape ``(num_envs,)``."""
        if not self._ready:
            raise error.ResetNeeded("call reset (every sub-environment, once) before step")
        if self.TASK.action_space is not None:
            actions = _box_actions(actions, self.num_envs, "actions")
        else:
            actions = _common.check_actions(actions, self.num_envs, self.TASK.num_actions)
        if self._mode == MODE_DISABLED and self._sim.needs_reset.any():
            raise error.ResetNeeded(
                "autoreset is disabled and some sub-environments have finished: "
                "call reset(options={'reset_mask': terminations | truncations}) first"
            )
        same = self._mode == MODE_SAME_STEP
        shape = (self.num_envs, self.TASK.obs_size)
        final = np.empty(shape, dtype=np.float32) if same else self._scratch
        obs, rew, term, trunc = self._sim.step(actions, self._limit, self._mode, final)
        infos = {}
        if same:
            done = term | trunc
            if done.any():
                infos = {
                    "final_obs": final,
                    "_final_obs": done,
                    "final_info": {},
                    "_final_info": done.copy(),
                }
        return obs, rew, term, trunc, infos

    def render(self):
        """One ``rgb_array`` frame per sub-environment, or None without a render mode."""
        if self.render_mode is None:
            return None
        return tuple(self._sim.render(j) for j in range(self.num_envs))
