"""Gymnasium's CartPole-v1 on fastrl's kernels: a single ``Env`` and a native ``VectorEnv``."""

from __future__ import annotations

import numbers

import gymnasium as gym
import numpy as np
from gymnasium import error, spaces
from gymnasium.envs.classic_control import utils
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from fastrl import rng
from fastrl.control import _dynamics as d
from fastrl.control.cartpole import CartPole
from fastrl.gym import _common
from fastrl.gym._control_kernels import _reset_cartpole, _step_cartpole
from fastrl.gym._kernels import MODE_DISABLED, MODE_SAME_STEP
from fastrl.gym.control_render import render_cartpole
from fastrl.validation import check_int

__all__ = ["CartPoleEnv", "CartPoleVectorEnv"]

_DEFAULT = CartPole()


def _physics(kwargs) -> CartPole:
    return CartPole(**kwargs)


def _observation_space(params: np.ndarray) -> spaces.Box:
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


class _CartPoleState:
    """Struct-of-arrays state of ``n`` cart-poles, stepped and reset by the kernels."""

    def __init__(self, physics: CartPole, n: int):
        self.physics = physics
        self.params = physics.params()
        self.state = np.zeros((n, 4))
        self.t = np.zeros(n, dtype=np.int64)
        self.ep_len = np.zeros(n, dtype=np.int64)
        self.keys = np.zeros(n, dtype=np.uint64)
        self.needs_reset = np.zeros(n, dtype=np.bool_)
        self.terminated = np.zeros(n, dtype=np.bool_)
        self.low, self.high = -0.05, 0.05

    def reseed(self, idx, seeds) -> None:
        self.keys[idx] = _common.stream_keys(seeds)[:, rng.STREAM_ENV]
        self.t[idx] = 0

    def reset(self, mask, options) -> np.ndarray:
        self.low, self.high = utils.maybe_parse_reset_bounds(options, -0.05, 0.05)
        obs = np.empty((self.state.shape[0], 4), dtype=np.float32)
        _reset_cartpole(
            self.keys, self.state, self.t, self.ep_len, self.needs_reset, self.terminated, mask,
            float(self.low), float(self.high), obs,
        )  # fmt: skip
        return obs

    def step(self, actions, limit, mode, final_obs):
        n = self.state.shape[0]
        obs = np.empty((n, 4), dtype=np.float32)
        rew = np.empty(n, dtype=np.float64)
        term = np.empty(n, dtype=np.bool_)
        trunc = np.empty(n, dtype=np.bool_)
        _step_cartpole(
            self.params, self.keys, self.state, self.t, self.ep_len, self.needs_reset,
            self.terminated, actions, limit, mode, float(self.low), float(self.high),
            obs, rew, term, trunc, final_obs,
        )  # fmt: skip
        return obs, rew, term, trunc

    def render(self, j: int) -> np.ndarray:
        r = j if self.params.shape[0] > 1 else 0
        p = self.params[r]
        return render_cartpole(
            self.state[j, 0], self.state[j, 2], p[d.P_LENGTH], p[d.P_X_THRESHOLD]
        )


class CartPoleEnv(gym.Env):
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

    metadata = {"render_modes": ["rgb_array"], "render_fps": 50}

    def __init__(self, render_mode: str | None = None, max_episode_steps: int | None = None,
                 **physics):  # fmt: skip
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']} or None")
        physics = _physics(physics)
        if physics.num_rows != 1:
            raise ValueError("CartPoleEnv takes one set of physical parameters; use the vector env")
        self.render_mode = render_mode
        self._limit = _common.episode_limit(max_episode_steps, None)
        self._sim = _CartPoleState(physics, 1)
        self.physics = physics
        self.action_space = spaces.Discrete(2)
        self.observation_space = _observation_space(self._sim.params)
        self._all = np.ones(1, dtype=np.bool_)
        self._action = np.zeros(1, dtype=np.int64)
        self._final = np.empty((1, 4), dtype=np.float32)
        self._seeded = False
        self._warned = False

    @property
    def state(self) -> np.ndarray:
        """The float64 physical state ``(x, x_dot, theta, theta_dot)`` (a copy)."""
        return self._sim.state[0].copy()

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        if seed is not None or not self._seeded:
            base = _common.fresh_seed() if seed is None else rng.check_seed(seed)
            self._sim.reseed([0], [base])
            self._seeded = True
        self._warned = False
        return self._sim.reset(self._all, options)[0], {}

    def step(self, action):
        if not self._seeded:
            raise error.ResetNeeded("call reset before step")
        if isinstance(action, np.ndarray) and action.shape == ():
            action = action.item()
        if isinstance(action, bool) or not isinstance(action, numbers.Integral):
            raise TypeError(f"action must be an integer, got {action!r}")
        if action not in (0, 1):
            raise ValueError(f"action must be 0 or 1, got {action}")
        if self._sim.terminated[0] and not self._warned:
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


class CartPoleVectorEnv(VectorEnv):
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

    metadata = {
        "render_modes": ["rgb_array"],
        "render_fps": 50,
        "autoreset_mode": AutoresetMode.NEXT_STEP,
    }

    def __init__(
        self,
        num_envs: int = 1,
        *,
        max_episode_steps: int | None = 500,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        render_mode: str | None = None,
        **physics,
    ):
        num_envs = check_int("num_envs", num_envs, low=1)
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']} or None")
        physics = _physics(physics)
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
        self._limit = _common.episode_limit(max_episode_steps, None)
        self.max_episode_steps = self._limit or None
        self.render_mode = render_mode
        self._sim = _CartPoleState(physics, num_envs)
        self.single_observation_space = _observation_space(self._sim.params)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.single_action_space = spaces.Discrete(2)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self._scratch = np.empty((num_envs, 4), dtype=np.float32)
        self._ready = False

    @property
    def state(self) -> np.ndarray:
        """The float64 physical states, shape ``(num_envs, 4)`` (a copy)."""
        return self._sim.state.copy()

    def reset(self, *, seed=None, options=None):
        """Reset all sub-environments, or those in ``options["reset_mask"]``.

        ``seed``: None (continue each stream; fresh entropy the first time), an
        int ``s`` (sub-environment ``j`` gets ``s + j``) or a list of ints or
        None. ``options`` may also hold Gymnasium's reset bounds ``low``/``high``.
        """
        selected, idx, new_seeds = _common.reset_plan(seed, options, self.num_envs, self._ready)
        if isinstance(seed, int):
            super().reset(seed=seed)
        if idx:
            self._sim.reseed(idx, new_seeds)
        obs = self._sim.reset(selected, options)
        self._ready = True
        return obs, {}

    def step(self, actions):
        """Step every sub-environment with ``actions`` (ints in {0, 1}, shape ``(num_envs,)``)."""
        if not self._ready:
            raise error.ResetNeeded("call reset before step")
        actions = _common.check_actions(actions, self.num_envs, 2)
        if self._mode == MODE_DISABLED and self._sim.needs_reset.any():
            raise error.ResetNeeded(
                "autoreset is disabled and some sub-environments have finished: "
                "call reset(options={'reset_mask': terminations | truncations}) first"
            )
        same = self._mode == MODE_SAME_STEP
        final = np.empty((self.num_envs, 4), dtype=np.float32) if same else self._scratch
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
