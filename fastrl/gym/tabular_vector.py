"""A native Gymnasium ``VectorEnv`` over a tabular MDP: one numba call per ``step``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from gymnasium import error, spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from fastrl import rng
from fastrl.gym import _common
from fastrl.gym._kernels import MODE_DISABLED, MODE_SAME_STEP, _reset_tabular, _step_tabular
from fastrl.gym.render import grid_layout, render_ansi, render_rgb
from fastrl.tabular import cliff_walking, frozen_lake, random_map
from fastrl.tabular._dynamics import successor_tables
from fastrl.tabular.mdp import MDPStack, TabularMDP, batched_arrays
from fastrl.validation import check_real

__all__ = ["TabularVectorEnv", "FrozenLakeVectorEnv", "CliffWalkingVectorEnv"]

FROZEN_LAKE_ACTIONS = ("Left", "Down", "Right", "Up")
CLIFF_WALKING_ACTIONS = ("Up", "Right", "Down", "Left")
_ONE_THIRD = 1.0 / 3.0


def frozen_lake_model(
    map_name, desc, is_slippery, success_rate=_ONE_THIRD, reward_schedule=(1, 0, 0)
) -> TabularMDP:
    """:func:`fastrl.tabular.frozen_lake` with the options of Gymnasium's newer ``FrozenLakeEnv``.

    ``success_rate``: probability of the intended move when slippery (each
    perpendicular one gets half the rest, Gymnasium's floats);
    ``reward_schedule``: rewards for entering ``(G, H, F)`` (``S`` counts as
    ``F``; bumping into the border too); ``map_name=None`` with no ``desc``: a
    random 8x8 map (:func:`~fastrl.tabular.random_map`, ``p=0.8``) from fresh
    entropy, as Gymnasium's ``generate_random_map()``.
    """
    success_rate = check_real("success_rate", success_rate, low=0.0, high=1.0)
    if isinstance(reward_schedule, str | bytes) or not isinstance(reward_schedule, Sequence):
        raise TypeError(
            f"reward_schedule must be a sequence of 3 rewards (G, H, F), got {reward_schedule!r}"
        )
    if len(reward_schedule) != 3:
        raise ValueError(
            f"reward_schedule must have 3 rewards (G, H, F), got {len(reward_schedule)}"
        )
    schedule = [check_real("reward_schedule", r) for r in reward_schedule]
    if desc is None and map_name is None:
        desc = random_map(8, 0.8, seed=_common.fresh_seed())
    base = frozen_lake("4x4" if map_name is None else map_name, desc, is_slippery)
    if success_rate == _ONE_THIRD and schedule == [1.0, 0.0, 0.0]:
        return base
    # The base model has Gymnasium's layout: (a-1, a, a+1) entries when slippery,
    # one self-loop entry (then padding) in G and H cells.
    cells = np.array(list("".join(base.desc)))
    moving = ~np.isin(cells, ["G", "H"])
    prob = np.array(base.prob)
    if is_slippery:
        fail_rate = (1.0 - success_rate) / 2.0
        prob[moving] = (fail_rate, success_rate, fail_rate)
    letters = cells[base.next_state]
    rewards = np.where(
        letters == "G", schedule[0], np.where(letters == "H", schedule[1], schedule[2])
    )
    reward = np.where(moving[:, None, None], rewards, 0.0)
    return TabularMDP(
        base.next_state, prob, reward, base.terminated, base.initial, base.name, base.desc,
        base.max_episode_steps,
    )  # fmt: skip


class TabularVectorEnv(VectorEnv):
    """``num_envs`` independent copies of a :class:`~fastrl.tabular.TabularMDP`, stepped in numba.

    ## Description
    Every ``step`` advances all sub-environments with one compiled call
    (autoreset included) and no per-environment Python. Sub-environment ``j``
    reset with seed ``s`` behaves exactly like :class:`~fastrl.gym.TabularEnv`
    reset with seed ``s``; ``reset(seed=s)`` seeds sub-environment ``j`` with
    ``s + j``, Gymnasium's vector convention, so this environment and a
    ``SyncVectorEnv`` of single environments give identical trajectories.
    Without a seed, ``reset`` continues each sub-environment's random stream.

    ## Action Space
    ``MultiDiscrete([A] * num_envs)`` (int64); one action per sub-environment.

    ## Observation Space
    ``MultiDiscrete([S] * num_envs)`` (int64). Returned arrays are fresh each
    call, never views of internal state.

    ## Rewards
    Those of the MDP's transitions; 0 on the autoreset step of ``NEXT_STEP``.

    ## Info
    ``reset`` returns ``{}``, and so does ``step`` apart from ``SAME_STEP``'s
    final observations. Unlike a ``SyncVectorEnv`` of
    :class:`~fastrl.gym.TabularEnv`, there is no ``info["prob"]``/``"_prob"``
    (the probability of each sampled entry): computed with numpy from the
    kernel's draws it cost 1.5x the whole step (4096 FrozenLakes: 1040 against
    420 microseconds per step), far over the 10% it would be worth. The single
    environment reports it; ``TabularEnv.P`` and the MDP's ``prob`` hold the
    probabilities.

    ## Episode End
    Terminated on a transition with ``terminated=True``; truncated when the
    episode reaches ``max_episode_steps`` (both may be true at once, as with
    Gymnasium's ``TimeLimit``). Autoreset follows ``autoreset_mode``:
    ``NEXT_STEP`` (default), ``SAME_STEP`` (``infos["final_obs"]`` is an int64
    array holding the last observation of every sub-environment, with mask
    ``infos["_final_obs"]``; ``final_info`` is empty) or ``DISABLED`` (reset
    finished sub-environments with ``reset(options={"reset_mask": mask})``;
    stepping one before that raises :class:`gymnasium.error.ResetNeeded`).

    ## Arguments
    mdp : TabularMDP or MDPStack
        One model for all sub-environments, or one per sub-environment
        (a stack of ``num_envs`` MDPs: per-environment maps).
    num_envs : int
    max_episode_steps : int or None
        Episode limit; None uses the MDP's (``make_vec`` passes the spec's).
    autoreset_mode : AutoresetMode or str
    render_mode : {"ansi", "rgb_array"} or None
        ``render()`` returns a tuple with one frame per sub-environment.
    action_names : sequence of str, optional
        Shown by the ``ansi`` rendering.

    Examples
    --------
    >>> import gymnasium as gym, fastrl.gym
    >>> envs = gym.make_vec("fastrl/FrozenLake-v1", num_envs=4096)
    >>> obs, info = envs.reset(seed=0)
    >>> obs, rew, term, trunc, info = envs.step(envs.action_space.sample())
    """

    metadata = {
        "render_modes": ["ansi", "rgb_array"],
        "render_fps": 4,
        "autoreset_mode": AutoresetMode.NEXT_STEP,
    }

    def __init__(
        self,
        mdp: TabularMDP | MDPStack,
        num_envs: int = 1,
        *,
        max_episode_steps: int | None = None,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        render_mode: str | None = None,
        action_names=None,
    ):
        if not isinstance(mdp, TabularMDP | MDPStack):
            raise TypeError(f"mdp must be a TabularMDP or MDPStack, got {type(mdp).__name__}")
        num_envs = _common.check_num_envs(num_envs)
        if isinstance(mdp, MDPStack) and mdp.num_mdps != num_envs:
            raise ValueError(
                f"an MDPStack of {mdp.num_mdps} MDPs needs num_envs={mdp.num_mdps}, got {num_envs}"
            )
        modes = self.metadata["render_modes"]
        if render_mode is not None and (
            not isinstance(render_mode, str) or render_mode not in modes
        ):
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']} or None")
        self.mdp = mdp
        self.num_envs = num_envs
        self.autoreset_mode = _common.autoreset_mode(autoreset_mode)
        self._mode = _common.mode_code(self.autoreset_mode)
        self.metadata = {**type(self).metadata, "autoreset_mode": self.autoreset_mode}
        self._limit = _common.episode_limit(max_episode_steps, mdp.max_episode_steps)
        self.max_episode_steps = self._limit or None
        self.render_mode = render_mode
        self._arrays = tuple(_common.readonly(a) for a in batched_arrays(mdp))
        self._successors = successor_tables(self._arrays[1])
        self.num_states, self.num_actions = mdp.num_states, mdp.num_actions
        self.single_observation_space = spaces.Discrete(self.num_states)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.single_action_space = spaces.Discrete(self.num_actions)
        self.action_space = batch_space(self.single_action_space, num_envs)
        names = action_names or tuple(str(a) for a in range(self.num_actions))
        self.action_names = tuple(names)
        descs = mdp.descs if isinstance(mdp, MDPStack) else (mdp.desc,)
        self._layouts = [grid_layout(d, self.num_states) for d in descs]
        self._s = np.zeros(num_envs, dtype=np.int64)
        self._t = np.zeros(num_envs, dtype=np.int64)
        self._resets = np.zeros(num_envs, dtype=np.int64)
        self._ep_len = np.zeros(num_envs, dtype=np.int64)
        self._keys = np.zeros(num_envs, dtype=np.uint64)
        self._needs_reset = np.zeros(num_envs, dtype=np.bool_)
        self._scratch = np.empty(num_envs, dtype=np.int64)
        self._draws = np.empty(num_envs)
        self._last_action: np.ndarray | None = None
        self._seeded = np.zeros(num_envs, dtype=np.bool_)
        self._ready = False

    def reset(self, *, seed=None, options=None):
        """Reset all sub-environments, or those in ``options["reset_mask"]``.

        ``seed``: None (continue each stream; fresh entropy the first time),
        an int ``s`` (sub-environment ``j`` gets ``s + j``) or a list of
        ``num_envs`` ints or None.
        """
        selected, idx, new_seeds = _common.reset_plan(seed, options, self._seeded)
        super().reset(seed=_common.np_random_seed(seed))
        if idx:
            self._keys[idx] = _common.stream_keys(new_seeds)[:, rng.STREAM_ENV]
            self._t[idx] = 0
            self._resets[idx] = 0
        obs = np.empty(self.num_envs, dtype=np.int64)
        _reset_tabular(
            self._arrays[4], self._keys, self._s, self._resets, self._ep_len, self._needs_reset,
            selected, obs,
        )  # fmt: skip
        self._ready = bool(self._seeded.all())
        self._last_action = None
        return obs, {}

    def step(self, actions):
        """Step every sub-environment with ``actions`` (int array of shape ``(num_envs,)``)."""
        if not self._ready:
            raise error.ResetNeeded("call reset (every sub-environment, once) before step")
        actions = _common.check_actions(actions, self.num_envs, self.num_actions)
        if self._mode == MODE_DISABLED and self._needs_reset.any():
            raise error.ResetNeeded(
                "autoreset is disabled and some sub-environments have finished: "
                "call reset(options={'reset_mask': terminations | truncations}) first"
            )
        n = self.num_envs
        obs = np.empty(n, dtype=np.int64)
        rew = np.empty(n, dtype=np.float64)
        term = np.empty(n, dtype=np.bool_)
        trunc = np.empty(n, dtype=np.bool_)
        final = np.empty(n, dtype=np.int64) if self._mode == MODE_SAME_STEP else self._scratch
        next_state, _, reward, terminated, initial = self._arrays
        _step_tabular(
            next_state, *self._successors, reward, terminated, initial, self._keys, self._s,
            self._t, self._resets, self._ep_len, self._needs_reset, actions, self._limit,
            self._mode, obs, rew, term, trunc, final, self._draws,
        )  # fmt: skip
        self._last_action = actions
        infos = {}
        if self._mode == MODE_SAME_STEP:
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
        """One frame per sub-environment: ``ansi`` strings or ``rgb_array`` images."""
        if self.render_mode is None:
            return None
        frames = []
        for j in range(self.num_envs):
            layout = self._layouts[j if len(self._layouts) > 1 else 0]
            if self.render_mode == "ansi":
                last = None if self._last_action is None else int(self._last_action[j])
                frames.append(render_ansi(layout, self._s[j], last, self.action_names))
            else:
                frames.append(render_rgb(layout, self._s[j]))
        return tuple(frames)


class FrozenLakeVectorEnv(TabularVectorEnv):
    """Gymnasium's FrozenLake as a native vector environment (``fastrl/FrozenLake-v1``).

    Arguments as Gymnasium's ``FrozenLakeEnv`` (``map_name``, ``desc``,
    ``is_slippery``, ``success_rate``, ``reward_schedule``; see
    :func:`frozen_lake_model`) plus those of :class:`TabularVectorEnv`.
    Actions 0 left, 1 down, 2 right, 3 up; reward 1 on reaching the goal; a
    hole or the goal terminates. ``map_name=None`` draws one random map,
    shared by all sub-environments (a ``SyncVectorEnv`` of single
    environments draws one per environment; for per-environment maps pass an
    :class:`~fastrl.tabular.MDPStack` to :class:`TabularVectorEnv`).
    """

    def __init__(
        self,
        num_envs: int = 1,
        *,
        map_name: str | None = "4x4",
        desc=None,
        is_slippery: bool = True,
        success_rate: float = _ONE_THIRD,
        reward_schedule=(1, 0, 0),
        max_episode_steps: int | None = None,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        render_mode: str | None = None,
    ):
        super().__init__(
            frozen_lake_model(map_name, desc, is_slippery, success_rate, reward_schedule),
            num_envs,
            max_episode_steps=max_episode_steps,
            autoreset_mode=autoreset_mode,
            render_mode=render_mode,
            action_names=FROZEN_LAKE_ACTIONS,
        )


class CliffWalkingVectorEnv(TabularVectorEnv):
    """Gymnasium's CliffWalking as a native vector environment (``fastrl/CliffWalking-v1``).

    Actions 0 up, 1 right, 2 down, 3 left; -1 per step, -100 and back to the
    start on the cliff; the goal terminates. No episode limit unless given.
    """

    def __init__(
        self,
        num_envs: int = 1,
        *,
        is_slippery: bool = False,
        max_episode_steps: int | None = None,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        render_mode: str | None = None,
    ):
        super().__init__(
            cliff_walking(is_slippery=is_slippery),
            num_envs,
            max_episode_steps=max_episode_steps,
            autoreset_mode=autoreset_mode,
            render_mode=render_mode,
            action_names=CLIFF_WALKING_ACTIONS,
        )
