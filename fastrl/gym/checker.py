"""``check_vector_env``: a conformance checker for Gymnasium vector environments.

Gymnasium's ``check_env`` covers single environments only. This checker runs
a vector environment with seeded random actions and verifies the vector API:
batched spaces, dtypes and shapes, fresh (not reused) returned arrays,
seeding determinism, the autoreset semantics of the declared
``metadata["autoreset_mode"]`` and partial resets with ``reset_mask``. It
works on any ``VectorEnv`` (fastrl's and Gymnasium's ``SyncVectorEnv``).
"""

from __future__ import annotations

import numpy as np
from gymnasium.utils.env_checker import data_equivalence
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from fastrl import rng
from fastrl.validation import check_size

__all__ = ["check_vector_env"]


def _fail(message: str):
    raise AssertionError(f"check_vector_env: {message}")


def _require(condition, message: str) -> None:
    if not condition:
        _fail(message)


def _check_spaces(env: VectorEnv) -> None:
    n = env.num_envs
    _require(isinstance(n, int) and n >= 1, f"num_envs must be a positive int, got {n!r}")
    for kind in ("observation", "action"):
        single = getattr(env, f"single_{kind}_space")
        batched = getattr(env, f"{kind}_space")
        _require(
            batched == batch_space(single, n),
            f"{kind}_space {batched} is not batch_space(single_{kind}_space, {n})",
        )


def _check_step_output(env: VectorEnv, out, label: str) -> None:
    n = env.num_envs
    _require(isinstance(out, tuple) and len(out) == 5, f"{label} must return a 5-tuple")
    obs, rew, term, trunc, info = out
    _require(env.observation_space.contains(obs), f"{label} observation not in observation_space")
    _require(
        np.asarray(obs).dtype == env.observation_space.dtype,
        f"{label} observation dtype {np.asarray(obs).dtype} != {env.observation_space.dtype}",
    )
    for name, arr, kinds in (("rewards", rew, "fiu"), ("terminations", term, "b"),
                             ("truncations", trunc, "b")):  # fmt: skip
        _require(isinstance(arr, np.ndarray), f"{label} {name} must be a numpy array")
        _require(arr.shape == (n,), f"{label} {name} must have shape ({n},), got {arr.shape}")
        _require(arr.dtype.kind in kinds, f"{label} {name} has dtype {arr.dtype}")
    _check_info(info, n, label)


def _check_info(info, n: int, label: str) -> None:
    _require(isinstance(info, dict), f"{label} info must be a dict, got {type(info)}")
    for key, value in info.items():
        if key.startswith("_"):
            _require(key[1:] in info, f"{label} info has mask {key} without {key[1:]}")
            _require(
                isinstance(value, np.ndarray) and value.dtype == np.bool_ and value.shape == (n,),
                f"{label} info mask {key} must be a bool array of shape ({n},)",
            )
        elif isinstance(value, dict):
            _check_info(value, n, f"{label} info[{key!r}]")
        else:
            _require(f"_{key}" in info, f"{label} info key {key!r} has no mask _{key}")


def _rollout(env: VectorEnv, seed: int, actions: list) -> list:
    mode = env.metadata["autoreset_mode"]
    record = [env.reset(seed=seed)[0]]
    for a in actions:
        obs, rew, term, trunc, info = env.step(a)
        record += [obs, rew, term, trunc]
        done = term | trunc
        if mode == AutoresetMode.DISABLED and done.any():
            record.append(env.reset(options={"reset_mask": done})[0])
    return record


def check_vector_env(env: VectorEnv, *, seed: int = 0, steps: int = 200) -> dict:
    """Check that ``env`` follows Gymnasium's vector API; raise ``AssertionError`` if not.

    Arguments that are not a vector environment, a seed or a positive step
    count raise ``TypeError``/``ValueError`` naming the argument.

    Parameters
    ----------
    env : gymnasium.vector.VectorEnv
        Left reset with ``seed`` at the end.
    seed : int
        Seed of the environment and of the random actions.
    steps : int
        Steps of random actions per rollout; episodes should end within them
        for the autoreset checks to bite.

    Returns
    -------
    dict
        ``{"autoreset_mode": ..., "episodes_ended": int}``: how many episode
        ends the autoreset checks saw (0 means they were vacuous).
    """
    if not isinstance(env, VectorEnv):
        raise TypeError(f"env must be a gymnasium VectorEnv, got {type(env).__name__}")
    seed = rng.check_seed(seed)
    steps = check_size("steps", steps)
    mode = env.metadata.get("autoreset_mode")
    _require(
        isinstance(mode, AutoresetMode),
        f"metadata['autoreset_mode'] must be an AutoresetMode, got {mode!r}",
    )
    _check_spaces(env)
    n = env.num_envs

    obs, info = env.reset(seed=seed)
    _require(env.observation_space.contains(obs), "reset observation not in observation_space")
    _check_info(info, n, "reset")
    obs_again, _ = env.reset(seed=seed)
    _require(data_equivalence(obs, obs_again, exact=True), "reset(seed) is not deterministic")
    _require(not np.shares_memory(obs, obs_again), "reset returns the same array object twice")

    env.action_space.seed(seed)
    actions = [env.action_space.sample() for _ in range(steps)]
    first = _rollout(env, seed, actions)
    second = _rollout(env, seed, actions)
    _require(
        all(data_equivalence(x, y, exact=True) for x, y in zip(first, second, strict=True)),
        "same seed and actions gave different trajectories",
    )

    env.reset(seed=seed)
    prev_obs = prev_copy = None
    prev_done = np.zeros(n, dtype=np.bool_)
    episodes_ended = 0
    for t, a in enumerate(actions):
        out = env.step(a)
        _check_step_output(env, out, f"step {t}")
        obs, rew, term, trunc, info = out
        if prev_obs is not None:
            _require(
                data_equivalence(prev_obs, prev_copy, exact=True),
                f"step {t} modified the observation returned by step {t - 1} (reused array)",
            )
        done = term | trunc
        if mode == AutoresetMode.NEXT_STEP:
            _require(
                not np.any(rew[prev_done]) and not np.any(done[prev_done]),
                f"NEXT_STEP: step {t} after an episode end must return reward 0, "
                "terminated False and truncated False",
            )
            episodes_ended += int(np.count_nonzero(done & ~prev_done))
        elif mode == AutoresetMode.SAME_STEP:
            if done.any():
                _require(
                    "final_obs" in info and "_final_obs" in info,
                    f"SAME_STEP: step {t} ended episodes but info has no final_obs/_final_obs",
                )
                _require(
                    np.array_equal(info["_final_obs"], done),
                    f"SAME_STEP: info['_final_obs'] at step {t} differs from terminations | "
                    "truncations",
                )
                _require("final_info" in info, f"SAME_STEP: step {t} info has no final_info")
                for j in np.flatnonzero(done):
                    _require(
                        env.single_observation_space.contains(info["final_obs"][j]),
                        f"SAME_STEP: final_obs[{j}] at step {t} not in single_observation_space",
                    )
            else:
                _require(
                    "_final_obs" not in info or not info["_final_obs"].any(),
                    f"SAME_STEP: step {t} has a final_obs mask but no episode ended",
                )
            episodes_ended += int(np.count_nonzero(done))
        else:
            episodes_ended += int(np.count_nonzero(done))
            if done.any():
                kept = obs.copy()
                reset_obs, reset_info = env.reset(options={"reset_mask": done})
                _check_info(reset_info, n, f"reset_mask at step {t}")
                _require(
                    env.observation_space.contains(reset_obs),
                    f"reset_mask at step {t}: observation not in observation_space",
                )
                _require(
                    np.array_equal(np.asarray(reset_obs)[~done], np.asarray(kept)[~done]),
                    f"reset_mask at step {t} changed the observations of unmasked environments",
                )
                obs = reset_obs
        prev_obs, prev_copy = obs, np.copy(obs)
        prev_done = done if mode == AutoresetMode.NEXT_STEP else np.zeros(n, dtype=np.bool_)

    if mode != AutoresetMode.DISABLED:
        env.reset(seed=seed)
        for a in actions[: max(1, steps // 4)]:
            env.step(a)
        mask = np.zeros(n, dtype=np.bool_)
        mask[::2] = True
        before = env.step(actions[0])[0]
        after, _ = env.reset(options={"reset_mask": mask})
        _require(
            np.array_equal(np.asarray(after)[~mask], np.asarray(before)[~mask]),
            "reset_mask changed the observations of unmasked environments",
        )
    env.reset(seed=seed)
    return {"autoreset_mode": mode, "episodes_ended": episodes_ended}
