"""Single-environment entry points of the ids whose spec holds the episode limit.

``gymnasium.make`` never passes ``max_episode_steps`` to the environment: it
wraps it in ``TimeLimit`` with the spec's limit or the caller's override
(``-1``: none). An environment that also kept its model's built-in limit
(FrozenLake's 100 for a 4x4 map, the bandit's 1000) would truncate there
underneath a larger override, or under ``FrozenLake8x8-v1``'s 200 with a 4x4
``desc``. These entry points build the environment without a built-in limit,
so ``TimeLimit`` alone decides, as for Gymnasium's own environments; built
directly, the classes keep their documented defaults.

``fastrl/Tabular-v0`` has no registered limit, so its entry point is the class
itself and the MDP's ``max_episode_steps`` stays the environment's limit: a
``make`` override can lower it but not raise it (build the MDP with the limit
you want, or pass ``max_episode_steps`` to ``TabularEnv``); the native vector
environment takes either.
"""

from __future__ import annotations

from fastrl.gym.bandit_env import BanditEnv
from fastrl.gym.tabular_env import FrozenLakeEnv


def _limited_by_time_limit(cls):
    def create(**kwargs):
        env = cls(**kwargs)
        if kwargs.get("max_episode_steps") is None:
            env._limit = 0
            env.max_episode_steps = None
        return env

    create.__name__ = create.__qualname__ = cls.__name__
    create.__doc__ = f"{cls.__name__} without a built-in episode limit (``TimeLimit`` decides)."
    # gymnasium.make reads the creator's metadata for its render-mode wrappers.
    create.metadata = cls.metadata
    return create


frozen_lake = _limited_by_time_limit(FrozenLakeEnv)
bandit = _limited_by_time_limit(BanditEnv)
