"""A single Gymnasium ``Env`` over a tabular MDP, stepped by the vector kernels."""

from __future__ import annotations

import numbers

import gymnasium as gym
import numpy as np
from gymnasium import error, spaces

from fastrl import rng
from fastrl.gym import _common
from fastrl.gym._kernels import MODE_DISABLED, _reset_tabular, _step_tabular
from fastrl.gym.render import grid_layout, render_ansi, render_rgb
from fastrl.gym.tabular_vector import (
    CLIFF_WALKING_ACTIONS,
    FROZEN_LAKE_ACTIONS,
    frozen_lake_model,
)
from fastrl.tabular import cliff_walking
from fastrl.tabular._dynamics import successor_tables
from fastrl.tabular.mdp import TabularMDP, batched_arrays
from fastrl.validation import check_int

__all__ = ["TabularEnv", "FrozenLakeEnv", "CliffWalkingEnv"]


class TabularEnv(gym.Env):
    """One environment of a :class:`~fastrl.tabular.TabularMDP` (``fastrl/Tabular-v0``).

    ## Description
    The dynamics are the MDP's, stepped by the same compiled kernel as
    :class:`~fastrl.gym.TabularVectorEnv` with one sub-environment, so a
    ``SyncVectorEnv`` of these environments and the native vector environment
    give identical trajectories for the same seeds and actions. Randomness is
    fastrl's addressed draws: ``reset(seed=s)`` derives the environment's key
    from ``s``; ``reset()`` continues the stream (fresh entropy if no seed was
    ever given), and every reset draws a new start state (resets have their
    own counter in the stream). Any integer type seeds alike.

    ## Action Space
    ``Discrete(A)`` (int64).

    ## Observation Space
    ``Discrete(S)`` (int64): the state index, as Gymnasium's toy-text environments.

    ## Rewards
    The reward of the sampled transition. ``info["prob"]`` is the probability
    of the sampled successor entry (1.0 after ``reset``), as in Gymnasium.

    ## Episode End
    Terminated on a terminating transition; truncated when the episode
    reaches ``max_episode_steps`` (registered ids also get Gymnasium's
    ``TimeLimit`` from their spec, at the same step).

    ## Arguments
    mdp : TabularMDP
    render_mode : {"ansi", "rgb_array"} or None
    max_episode_steps : int or None
        None uses ``mdp.max_episode_steps`` (None there: no limit).
    action_names : sequence of str, optional
        Shown by the ``ansi`` rendering.
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 4}

    def __init__(
        self,
        mdp: TabularMDP,
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        action_names=None,
    ):
        if not isinstance(mdp, TabularMDP):
            raise TypeError(f"mdp must be a TabularMDP, got {type(mdp).__name__}")
        modes = self.metadata["render_modes"]
        if render_mode is not None and (
            not isinstance(render_mode, str) or render_mode not in modes
        ):
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']} or None")
        self.mdp = mdp
        self.render_mode = render_mode
        self._limit = _common.episode_limit(max_episode_steps, mdp.max_episode_steps)
        self.max_episode_steps = self._limit or None
        self._arrays = tuple(_common.readonly(a) for a in batched_arrays(mdp))
        self._successors = successor_tables(self._arrays[1])
        self.observation_space = spaces.Discrete(mdp.num_states)
        self.action_space = spaces.Discrete(mdp.num_actions)
        names = action_names or tuple(str(a) for a in range(mdp.num_actions))
        self.action_names = tuple(names)
        self._layout = grid_layout(mdp.desc, mdp.num_states)
        self._s = np.zeros(1, dtype=np.int64)
        self._t = np.zeros(1, dtype=np.int64)
        self._resets = np.zeros(1, dtype=np.int64)
        self._ep_len = np.zeros(1, dtype=np.int64)
        self._keys = np.zeros(1, dtype=np.uint64)
        self._needs_reset = np.zeros(1, dtype=np.bool_)
        self._mask = np.ones(1, dtype=np.bool_)
        self._action = np.zeros(1, dtype=np.int64)
        self._out = (
            np.zeros(1, dtype=np.int64),
            np.zeros(1, dtype=np.float64),
            np.zeros(1, dtype=np.bool_),
            np.zeros(1, dtype=np.bool_),
            np.zeros(1, dtype=np.int64),
        )
        self._draw = np.zeros(1)
        self._entries: dict = {}
        self._table: dict | None = None
        self._seeded = False
        self.lastaction: int | None = None

    @property
    def s(self) -> int:
        """The current state; settable, as in Gymnasium's toy-text environments."""
        return int(self._s[0])

    @s.setter
    def s(self, value) -> None:
        self._s[0] = check_int("s", value, low=0, high=self.mdp.num_states - 1)

    @property
    def P(self) -> dict:
        """Gymnasium's toy-text table: ``P[s][a]`` lists ``(prob, next_state, reward, terminated)``.

        Built from the MDP on first use (entries in order, zero-probability
        padding left out), so clients of Gymnasium's ``FrozenLakeEnv.P`` (and
        ``TabularMDP.from_gymnasium``) read the same table. Built from the
        model, not read by it: changing it does not change the dynamics.
        """
        if self._table is None:
            m = self.mdp
            rows = zip(
                m.prob.tolist(), m.next_state.tolist(), m.reward.tolist(),
                m.terminated.tolist(), strict=True,
            )  # fmt: skip
            self._table = {
                s: {
                    a: [e for e in zip(*entries, strict=True) if e[0] > 0.0]
                    for a, entries in enumerate(zip(*row, strict=True))
                }
                for s, row in enumerate(rows)
            }
        return self._table

    @property
    def initial_state_distrib(self) -> np.ndarray:
        """The initial-state distribution, float64 of shape ``(S,)`` (a copy)."""
        return np.array(self.mdp.initial, dtype=np.float64)

    @property
    def desc(self) -> np.ndarray | None:
        """The map as Gymnasium's toy-text environments hold it (a bytes array), or None."""
        return None if self.mdp.desc is None else np.asarray(self.mdp.desc, dtype="c")

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        seed = None if seed is None else rng.check_seed(seed)
        super().reset(seed=seed)
        _common.check_options(options)
        if seed is not None or not self._seeded:
            base = _common.fresh_seed() if seed is None else seed
            self._keys[:] = _common.stream_keys([base])[:, rng.STREAM_ENV]
            self._t[0] = 0
            self._resets[0] = 0
            self._seeded = True
        obs = self._out[0]
        _reset_tabular(
            self._arrays[4], self._keys, self._s, self._resets, self._ep_len, self._needs_reset,
            self._mask, obs,
        )  # fmt: skip
        self.lastaction = None
        return int(obs[0]), {"prob": 1.0}

    def step(self, action):
        if not self._seeded:
            raise error.ResetNeeded("call reset before step")
        if isinstance(action, np.ndarray) and action.shape == ():
            action = action.item()
        if isinstance(action, bool) or not isinstance(action, numbers.Integral):
            raise TypeError(f"action must be an integer, got {action!r}")
        if not 0 <= action < self.mdp.num_actions:
            raise ValueError(f"action must lie in [0, {self.mdp.num_actions}), got {action}")
        s = int(self._s[0])
        self._action[0] = action
        obs, rew, term, trunc, final = self._out
        next_state, _, reward, terminated, initial = self._arrays
        _step_tabular(
            next_state, *self._successors, reward, terminated, initial, self._keys, self._s,
            self._t, self._resets, self._ep_len,
            self._needs_reset, self._action, self._limit, MODE_DISABLED, obs, rew, term, trunc,
            final, self._draw,
        )  # fmt: skip
        self.lastaction = int(action)
        prob = self._entry_prob(s, action, float(self._draw[0]))
        return int(obs[0]), float(rew[0]), bool(term[0]), bool(trunc[0]), {"prob": prob}

    def _entry_prob(self, s, a, u) -> float:
        # The probability of the entry the step sampled, replaying the choice of
        # fastrl.tabular._dynamics.env_step on the kernel's uniform ``u``: the
        # first positive entry whose cumulative probability exceeds ``u``, else
        # the last positive one. Entries with equal outcomes may have different
        # probabilities (rainy Taxi: 0.8 and 0.1 for the same cell at a wall),
        # so matching the outcome is not enough. The cumulative sums of (s, a)
        # are cached as Python floats, summed in the kernel's order, so the
        # comparison is the kernel's bit for bit; numpy here costs more than the
        # whole step.
        entries = self._entries.get((s, a))
        if entries is None:
            acc, entries = 0.0, []
            for pk in self._arrays[1][0, s, a].tolist():
                acc += pk
                if pk > 0.0:
                    entries.append((acc, pk))
            self._entries[(s, a)] = entries
        for acc, pk in entries:
            if u < acc:
                return pk
        return entries[-1][1]

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode at creation")
            return None
        if self.render_mode == "ansi":
            return render_ansi(self._layout, self._s[0], self.lastaction, self.action_names)
        return render_rgb(self._layout, self._s[0])


class FrozenLakeEnv(TabularEnv):
    """Gymnasium's ``FrozenLake-v1`` on the fastrl model (``fastrl/FrozenLake-v1``).

    Arguments as Gymnasium's: ``map_name`` ("4x4", "8x8" or None for a
    random 8x8 map), ``desc`` (a custom map), ``is_slippery``,
    ``success_rate`` (of the intended move when slippery) and
    ``reward_schedule`` (rewards for entering G, H, F); see
    :func:`~fastrl.gym.tabular_vector.frozen_lake_model`. Actions 0 left, 1
    down, 2 right, 3 up; by default reward 1 on reaching the goal; a hole or
    the goal terminates.
    """

    def __init__(
        self,
        render_mode: str | None = None,
        desc=None,
        map_name: str | None = "4x4",
        is_slippery: bool = True,
        success_rate: float = 1.0 / 3.0,
        reward_schedule=(1, 0, 0),
        max_episode_steps: int | None = None,
    ):
        super().__init__(
            frozen_lake_model(map_name, desc, is_slippery, success_rate, reward_schedule),
            render_mode=render_mode,
            max_episode_steps=max_episode_steps,
            action_names=FROZEN_LAKE_ACTIONS,
        )


class CliffWalkingEnv(TabularEnv):
    """Gymnasium's ``CliffWalking-v1`` on the fastrl model (``fastrl/CliffWalking-v1``)."""

    def __init__(
        self,
        render_mode: str | None = None,
        is_slippery: bool = False,
        max_episode_steps: int | None = None,
    ):
        super().__init__(
            cliff_walking(is_slippery=is_slippery),
            render_mode=render_mode,
            max_episode_steps=max_episode_steps,
            action_names=CLIFF_WALKING_ACTIONS,
        )
