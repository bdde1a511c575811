"""Gymnasium integration: fastrl models as ``Env`` and native ``VectorEnv`` classes.

Importing this module registers, each with an ``entry_point`` (single
environment) and a ``vector_entry_point`` (native vector environment):

* ``fastrl/FrozenLake-v1`` (``map_name``, ``desc``, ``is_slippery``; 100 steps)
  and ``fastrl/FrozenLake8x8-v1`` (200 steps), as Gymnasium's;
* ``fastrl/CliffWalking-v1`` (``is_slippery``; no limit), as Gymnasium's;
* ``fastrl/Tabular-v0``: any :class:`~fastrl.tabular.TabularMDP` (``mdp=``),
  e.g. Gymnasium's Taxi converted with ``TabularMDP.from_gymnasium``; the
  vector form also takes an :class:`~fastrl.tabular.MDPStack` (one MDP per
  sub-environment);
* ``fastrl/Bandit-v0``: a ``BernoulliBandit`` or ``GaussianBandit``
  (``problem=``; 1000 steps);
* ``fastrl/CartPole-v1`` (500 steps), ``fastrl/MountainCar-v0`` (200
  steps), ``fastrl/MountainCarContinuous-v0`` (999), ``fastrl/Acrobot-v1``
  (500) and ``fastrl/Pendulum-v1`` (200): Gymnasium's, physical
  parameters as keyword arguments (per sub-environment in the vector form).

Episode limits are Gymnasium's: the id's, or ``max_episode_steps=`` of
``make``/``make_vec`` (larger or smaller; ``-1``: none). Through ``make`` the
single environment has no built-in limit underneath ``TimeLimit``;
``fastrl/Tabular-v0`` registers none, so the MDP's ``max_episode_steps`` is
its environment's limit (see :mod:`fastrl.gym._entry`).

The core never imports this module, so ``import fastrl`` does not import
Gymnasium.

Examples
--------
>>> import gymnasium as gym
>>> envs = gym.make_vec("fastrl.gym:fastrl/FrozenLake-v1", num_envs=4096)
>>> obs, info = envs.reset(seed=0)
>>> obs, rewards, terminations, truncations, info = envs.step(envs.action_space.sample())
"""

from __future__ import annotations

import gymnasium

from fastrl.gym.bandit_env import BanditEnv, BanditVectorEnv
from fastrl.gym.checker import check_vector_env
from fastrl.gym.control_env import (
    AcrobotEnv,
    AcrobotVectorEnv,
    CartPoleEnv,
    CartPoleVectorEnv,
    ContinuousMountainCarEnv,
    ContinuousMountainCarVectorEnv,
    MountainCarEnv,
    MountainCarVectorEnv,
    PendulumEnv,
    PendulumVectorEnv,
)
from fastrl.gym.gif import record_gif
from fastrl.gym.tabular_env import CliffWalkingEnv, FrozenLakeEnv, TabularEnv
from fastrl.gym.tabular_vector import CliffWalkingVectorEnv, FrozenLakeVectorEnv, TabularVectorEnv

__all__ = [
    "ENV_IDS",
    "register_envs",
    "TabularEnv",
    "FrozenLakeEnv",
    "CliffWalkingEnv",
    "TabularVectorEnv",
    "FrozenLakeVectorEnv",
    "CliffWalkingVectorEnv",
    "BanditEnv",
    "BanditVectorEnv",
    "CartPoleEnv",
    "CartPoleVectorEnv",
    "MountainCarEnv",
    "MountainCarVectorEnv",
    "AcrobotEnv",
    "AcrobotVectorEnv",
    "PendulumEnv",
    "PendulumVectorEnv",
    "ContinuousMountainCarEnv",
    "ContinuousMountainCarVectorEnv",
    "check_vector_env",
    "record_gif",
]

_HERE = "fastrl.gym"
_SPECS = {
    "fastrl/FrozenLake-v1": dict(
        entry_point=f"{_HERE}._entry:frozen_lake",
        vector_entry_point=f"{_HERE}.tabular_vector:FrozenLakeVectorEnv",
        kwargs={"map_name": "4x4"},
        max_episode_steps=100,
        reward_threshold=0.70,
    ),
    "fastrl/FrozenLake8x8-v1": dict(
        entry_point=f"{_HERE}._entry:frozen_lake",
        vector_entry_point=f"{_HERE}.tabular_vector:FrozenLakeVectorEnv",
        kwargs={"map_name": "8x8"},
        max_episode_steps=200,
        reward_threshold=0.85,
    ),
    "fastrl/CliffWalking-v1": dict(
        entry_point=f"{_HERE}.tabular_env:CliffWalkingEnv",
        vector_entry_point=f"{_HERE}.tabular_vector:CliffWalkingVectorEnv",
    ),
    "fastrl/Tabular-v0": dict(
        entry_point=f"{_HERE}.tabular_env:TabularEnv",
        vector_entry_point=f"{_HERE}.tabular_vector:TabularVectorEnv",
    ),
    "fastrl/Bandit-v0": dict(
        entry_point=f"{_HERE}._entry:bandit",
        vector_entry_point=f"{_HERE}.bandit_env:BanditVectorEnv",
        max_episode_steps=1000,
    ),
    "fastrl/CartPole-v1": dict(
        entry_point=f"{_HERE}.control_env:CartPoleEnv",
        vector_entry_point=f"{_HERE}.control_env:CartPoleVectorEnv",
        max_episode_steps=500,
        reward_threshold=475.0,
    ),
    "fastrl/MountainCar-v0": dict(
        entry_point=f"{_HERE}.control_env:MountainCarEnv",
        vector_entry_point=f"{_HERE}.control_env:MountainCarVectorEnv",
        max_episode_steps=200,
        reward_threshold=-110.0,
    ),
    "fastrl/MountainCarContinuous-v0": dict(
        entry_point=f"{_HERE}.control_env:ContinuousMountainCarEnv",
        vector_entry_point=f"{_HERE}.control_env:ContinuousMountainCarVectorEnv",
        max_episode_steps=999,
        reward_threshold=90.0,
    ),
    "fastrl/Acrobot-v1": dict(
        entry_point=f"{_HERE}.control_env:AcrobotEnv",
        vector_entry_point=f"{_HERE}.control_env:AcrobotVectorEnv",
        max_episode_steps=500,
        reward_threshold=-100.0,
    ),
    "fastrl/Pendulum-v1": dict(
        entry_point=f"{_HERE}.control_env:PendulumEnv",
        vector_entry_point=f"{_HERE}.control_env:PendulumVectorEnv",
        max_episode_steps=200,
    ),
}

#: the ids registered by :func:`register_envs`
ENV_IDS = tuple(_SPECS)


def register_envs() -> None:
    """Register fastrl's ids with Gymnasium (done at import; repeated calls do nothing)."""
    for env_id, spec in _SPECS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, **spec)


register_envs()
