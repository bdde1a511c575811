"""A k-armed bandit problem as a Gymnasium environment (``fastrl/Bandit-v0``)."""

from __future__ import annotations

import numbers

import gymnasium as gym
import numpy as np
from gymnasium import error, spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from fastrl import rng
from fastrl.bandits.problems import BanditProblem, GaussianBandit
from fastrl.gym import _common
from fastrl.gym._bandit_kernels import _reset_bandit, _step_bandit
from fastrl.gym._kernels import MODE_DISABLED

__all__ = ["BanditEnv", "BanditVectorEnv", "DEFAULT_EPISODE_STEPS"]

#: episode limit of ``fastrl/Bandit-v0`` (bandits never terminate)
DEFAULT_EPISODE_STEPS = 1000


class _BanditState:
    """Problem parameters and per-environment state shared by both classes."""

    def _setup(self, problem, num_envs: int, max_episode_steps):
        if not isinstance(problem, BanditProblem):
            raise TypeError(
                "problem must be a fastrl bandit problem (BernoulliBandit, GaussianBandit, "
                f"PoissonBandit, ExponentialBandit, BetaBandit), got {type(problem).__name__}"
            )
        spec = problem.kernel_spec()
        means_in = spec.means_in
        if not spec.piecewise and means_in.shape[0] > 1 and means_in.shape[0] != num_envs:
            raise ValueError(
                f"problem has {means_in.shape[0]} rows of arm values; it needs "
                f"num_envs={means_in.shape[0]}, got {num_envs}"
            )
        self.problem = problem
        self.num_arms = problem.num_arms
        limit = DEFAULT_EPISODE_STEPS if max_episode_steps is None else max_episode_steps
        self._limit = _common.episode_limit(limit, None)
        self.max_episode_steps = self._limit
        self._problem_args = (
            spec.means_code, _common.readonly(means_in), _common.readonly(spec.params),
            _common.readonly(spec.change_points), bool(spec.piecewise),
        )  # fmt: skip
        self._reward_code = int(spec.reward_code)
        self._drift_std = float(problem.drift_std)
        self._stream_keys = np.zeros((rng.NUM_STREAMS, num_envs), dtype=np.uint64)
        self._means = np.zeros((num_envs, self.num_arms))
        self._seg = np.zeros(num_envs, dtype=np.int64)
        self._change_at = np.zeros(num_envs, dtype=np.int64)
        self._t = np.zeros(num_envs, dtype=np.int64)
        self._ep_len = np.zeros(num_envs, dtype=np.int64)
        self._needs_reset = np.zeros(num_envs, dtype=np.bool_)

    def _seed(self, idx, seeds):
        self._stream_keys[:, idx] = _common.stream_keys(seeds).T
        self._t[idx] = 0

    def _reset_kernel(self, mask):
        _reset_bandit(
            *self._problem_args, self._stream_keys[rng.STREAM_PROBLEM], self._means, self._seg,
            self._change_at, self._ep_len, self._needs_reset, mask,
        )  # fmt: skip

    def _step_kernel(self, actions, mode, rew, trunc):
        keys = self._stream_keys
        means_code, means_in, params, change_points, piecewise = self._problem_args
        _step_bandit(
            self._reward_code, means_code, means_in, params, self._drift_std, change_points,
            piecewise, keys[rng.STREAM_PROBLEM], keys[rng.STREAM_ENV], keys[rng.STREAM_EXTRA],
            self._means, self._seg, self._change_at, self._t, self._ep_len, self._needs_reset,
            actions, self._limit, mode, rew, trunc,
        )  # fmt: skip

    @property
    def means(self) -> np.ndarray:
        """Current true arm values (the current segment's), float64 ``(num_envs, k)``, a copy."""
        return self._means.copy()


class BanditEnv(_BanditState, gym.Env):
    """A k-armed bandit: every step pulls one arm and pays a reward.

    ## Description
    Rewards follow the fastrl problem (Bernoulli, Gaussian, Poisson,
    exponential or Beta arms; optional drift or change points). Arm values
    drawn by the problem (``random``, ``GaussianBandit.testbed``) are drawn
    from the problem stream of the seed given to ``reset``, and every episode
    of that seed starts from the same values; the drift and the reward draws
    continue across episodes. Change points count the steps of an episode, so
    each episode replays the same piecewise problem.

    ## Action Space
    ``Discrete(k)``: the arm.

    ## Observation Space
    ``Discrete(1)``: always 0 (a bandit has no state).

    ## Rewards
    Bernoulli: 1 with the arm's probability, else 0. Gaussian: the arm's
    mean plus ``reward_std`` times a standard normal. Poisson, exponential,
    Beta: a draw of that family with the arm's mean (see the problem
    classes). ``info`` is empty.

    ## Episode End
    Never terminated; truncated after ``max_episode_steps`` pulls.

    ## Arguments
    problem : BanditProblem
        Any fastrl bandit problem with one row of arm values, drawn values, or
        one row per segment of a piecewise problem.
    max_episode_steps : int or None
        Default :data:`DEFAULT_EPISODE_STEPS`.
    render_mode : "ansi" or None
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(self, problem=None, render_mode: str | None = None, max_episode_steps=None):
        problem = GaussianBandit.testbed() if problem is None else problem
        modes = self.metadata["render_modes"]
        if render_mode is not None and (
            not isinstance(render_mode, str) or render_mode not in modes
        ):
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']} or None")
        self._setup(problem, 1, max_episode_steps)
        self.render_mode = render_mode
        self.observation_space = spaces.Discrete(1)
        self.action_space = spaces.Discrete(self.num_arms)
        self._mask = np.ones(1, dtype=np.bool_)
        self._action = np.zeros(1, dtype=np.int64)
        self._rew = np.zeros(1)
        self._trunc = np.zeros(1, dtype=np.bool_)
        self._seeded = False
        self._last: tuple[int, float] | None = None

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        seed = None if seed is None else rng.check_seed(seed)
        super().reset(seed=seed)
        _common.check_options(options)
        if seed is not None or not self._seeded:
            self._seed([0], [_common.fresh_seed() if seed is None else seed])
            self._seeded = True
        self._reset_kernel(self._mask)
        self._last = None
        return 0, {}

    def step(self, action):
        if not self._seeded:
            raise error.ResetNeeded("call reset before step")
        if isinstance(action, np.ndarray) and action.shape == ():
            action = action.item()
        if isinstance(action, bool) or not isinstance(action, numbers.Integral):
            raise TypeError(f"action must be an integer, got {action!r}")
        if not 0 <= action < self.num_arms:
            raise ValueError(f"action must lie in [0, {self.num_arms}), got {action}")
        self._action[0] = action
        self._step_kernel(self._action, MODE_DISABLED, self._rew, self._trunc)
        self._last = (int(action), float(self._rew[0]))
        return 0, float(self._rew[0]), False, bool(self._trunc[0]), {}

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode at creation")
            return None
        if self._last is None:
            return f"{self.num_arms}-armed bandit, step {int(self._ep_len[0])}\n"
        return f"step {int(self._ep_len[0])}: arm {self._last[0]} paid {self._last[1]:.4g}\n"


class BanditVectorEnv(_BanditState, VectorEnv):
    """``num_envs`` bandits pulled in one numba call per ``step``.

    Sub-environment ``j`` reset with seed ``s`` behaves exactly like
    :class:`BanditEnv` reset with seed ``s``; ``reset(seed=s)`` gives
    sub-environment ``j`` the seed ``s + j``. A problem with one row of arm
    values per run needs ``num_envs`` equal to its number of rows. Autoreset
    modes, ``reset_mask`` and ``final_obs`` as in
    :class:`~fastrl.gym.TabularVectorEnv`; observations are always 0.
    """

    metadata = {"render_modes": [], "autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(
        self,
        num_envs: int = 1,
        problem=None,
        *,
        max_episode_steps: int | None = None,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        render_mode: str | None = None,
    ):
        num_envs = _common.check_num_envs(num_envs)
        problem = GaussianBandit.testbed() if problem is None else problem
        if render_mode is not None:
            raise ValueError("the bandit vector environment does not render")
        self._setup(problem, num_envs, max_episode_steps)
        self.num_envs = num_envs
        self.autoreset_mode = _common.autoreset_mode(autoreset_mode)
        self._mode = _common.mode_code(self.autoreset_mode)
        self.metadata = {**type(self).metadata, "autoreset_mode": self.autoreset_mode}
        self.single_observation_space = spaces.Discrete(1)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.single_action_space = spaces.Discrete(self.num_arms)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self._seeded = np.zeros(num_envs, dtype=np.bool_)
        self._ready = False

    def reset(self, *, seed=None, options=None):
        selected, idx, new_seeds = _common.reset_plan(seed, options, self._seeded)
        super().reset(seed=_common.np_random_seed(seed))
        if idx:
            self._seed(idx, new_seeds)
        self._reset_kernel(selected)
        self._ready = bool(self._seeded.all())
        return np.zeros(self.num_envs, dtype=np.int64), {}

    def step(self, actions):
        if not self._ready:
            raise error.ResetNeeded("call reset before step")
        actions = _common.check_actions(actions, self.num_envs, self.num_arms)
        if self._mode == MODE_DISABLED and self._needs_reset.any():
            raise error.ResetNeeded(
                "autoreset is disabled and some sub-environments have finished: "
                "call reset(options={'reset_mask': truncations}) first"
            )
        n = self.num_envs
        rew = np.empty(n)
        trunc = np.empty(n, dtype=np.bool_)
        self._step_kernel(actions, self._mode, rew, trunc)
        obs = np.zeros(n, dtype=np.int64)
        term = np.zeros(n, dtype=np.bool_)
        infos = {}
        if self.autoreset_mode == AutoresetMode.SAME_STEP and trunc.any():
            infos = {
                "final_obs": np.zeros(n, dtype=np.int64),
                "_final_obs": trunc.copy(),
                "final_info": {},
                "_final_info": trunc.copy(),
            }
        return obs, rew, term, trunc, infos
