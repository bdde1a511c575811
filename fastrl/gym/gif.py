"""``record_gif``: an animated GIF of a policy rollout (needs pillow, the ``gif`` extra)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from fastrl.gym.tabular_env import TabularEnv
from fastrl.tabular.mdp import TabularMDP
from fastrl.validation import check_memory, check_real, check_size

__all__ = ["record_gif"]


def _policy_fn(policy, num_states: int, num_actions: int) -> Callable[[int], int]:
    if callable(policy) and not isinstance(policy, type):  # a class is no obs -> action map
        return policy
    try:
        table = np.asarray(policy)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"policy must be a callable or an int array, got {policy!r}") from exc
    if table.shape != (num_states,) or table.dtype.kind not in "iu":
        raise ValueError(
            f"policy must be a callable obs -> action or an int array of shape ({num_states},), "
            f"got {table.dtype} array of shape {table.shape}"
        )
    if table.min() < 0 or table.max() >= num_actions:
        raise ValueError(f"policy actions must lie in [0, {num_actions})")
    return lambda s: int(table[s])


def record_gif(
    mdp_or_env,
    policy,
    path: str | os.PathLike,
    *,
    seed: int = 0,
    episodes: int = 1,
    max_steps: int = 200,
    fps: float = 4.0,
) -> int:
    """Write an animated GIF of ``policy`` acting in a tabular MDP or environment.

    Parameters
    ----------
    mdp_or_env : TabularMDP or gymnasium.Env
        A model (wrapped in :class:`~fastrl.gym.TabularEnv`) or an environment
        created with ``render_mode="rgb_array"``.
    policy : callable or int array of shape (S,)
        ``policy(obs) -> action``, or a table of actions such as
        ``value_iteration(mdp).policy``.
    path : str or path-like
        Output ``.gif`` file.
    seed : int
        Seed of the first ``reset``; later episodes continue the stream.
    episodes : int
        Episodes to record, one after the other.
    max_steps : int
        Steps per episode at most.
    fps : float
        Frames per second of the animation.

    Returns
    -------
    int
        Number of frames written (one per reset and per step).

    Examples
    --------
    >>> from fastrl.tabular import frozen_lake, value_iteration
    >>> mdp = frozen_lake("4x4")
    >>> record_gif(mdp, value_iteration(mdp, gamma=0.99).policy, "lake.gif")  # doctest: +SKIP
    """
    try:
        from PIL import Image
    except ImportError as exc:  # pillow is the optional "gif" extra
        raise ImportError("record_gif needs pillow: pip install 'fastrl[gif]'") from exc
    episodes = check_size("episodes", episodes)
    max_steps = check_size("max_steps", max_steps)
    # every step keeps a frame (at least a 64 x 64 RGB image): refuse what cannot fit
    check_memory({"max_steps": episodes * (max_steps + 1) * 64 * 64 * 3})
    # at most 1000 s a frame: the GIF's integer frame duration in ms stays small
    fps = check_real("fps", fps, low=1e-3)
    if isinstance(mdp_or_env, TabularMDP):
        env = TabularEnv(mdp_or_env, render_mode="rgb_array")
    elif getattr(mdp_or_env, "render_mode", None) == "rgb_array":
        env = mdp_or_env
    else:
        raise TypeError("mdp_or_env must be a TabularMDP or an env with render_mode='rgb_array'")
    space = env.observation_space
    num_states = int(getattr(space, "n", 0))
    num_actions = int(getattr(env.action_space, "n", 0))
    act = _policy_fn(policy, num_states, num_actions)
    frames = []
    for e in range(episodes):
        obs, _ = env.reset(seed=seed if e == 0 else None)
        frames.append(env.render())
        for _ in range(max_steps):
            obs, _, term, trunc, _ = env.step(act(obs))
            frames.append(env.render())
            if term or trunc:
                break
    images = [Image.fromarray(np.asarray(f, dtype=np.uint8)) for f in frames]
    images[0].save(
        Path(path),
        save_all=True,
        append_images=images[1:],
        duration=int(round(1000.0 / fps)),
        loop=0,
    )
    return len(images)
