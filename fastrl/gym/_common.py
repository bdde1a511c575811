"""Seeding, autoreset modes and cheap argument checks shared by the environments."""

from __future__ import annotations

import copy
import numbers

import numpy as np
from gymnasium.vector import AutoresetMode

from fastrl import rng
from fastrl.gym._kernels import MODE_DISABLED, MODE_NEXT_STEP, MODE_SAME_STEP, _derive_keys
from fastrl.validation import check_int, check_memory, check_size

_INT64_MAX = 2**63 - 1

_MODE_CODES = {
    AutoresetMode.NEXT_STEP: MODE_NEXT_STEP,
    AutoresetMode.SAME_STEP: MODE_SAME_STEP,
    AutoresetMode.DISABLED: MODE_DISABLED,
}


def autoreset_mode(value) -> AutoresetMode:
    """An :class:`~gymnasium.vector.AutoresetMode` from the enum or its string value."""
    if isinstance(value, AutoresetMode):
        return value
    try:
        return AutoresetMode(value)
    except ValueError:
        valid = [m.value for m in AutoresetMode]
        raise ValueError(
            f"autoreset_mode must be an AutoresetMode or one of {valid}, got {value!r}"
        ) from None


def mode_code(mode: AutoresetMode) -> int:
    return _MODE_CODES[mode]


def check_num_envs(num_envs, bytes_per_env: int = 64) -> int:
    """A vector env's ``num_envs``: bounded, and refused before allocating what cannot fit."""
    num_envs = check_size("num_envs", num_envs)
    check_memory({"num_envs": num_envs * bytes_per_env})
    return num_envs


def episode_limit(max_episode_steps, default) -> int:
    """The episode limit for the kernels: the argument, else the default; 0 means none.

    -1 means no limit, as ``gymnasium.make(..., max_episode_steps=-1)`` (which
    ``make_vec`` passes on to a vector entry point).
    """
    value = default if max_episode_steps is None else max_episode_steps
    if value is None or (isinstance(value, numbers.Integral) and value == -1):
        return 0
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"max_episode_steps must be a positive integer, -1 (no limit) or None, got {value!r}"
        )
    return check_int("max_episode_steps", value, low=1, high=_INT64_MAX)  # the kernels' int64


def np_random_seed(seed) -> int | None:
    """``seed`` for Gymnasium's ``Env.reset``/``VectorEnv.reset``, which take only Python ints.

    Any integer type (``np.int64`` too) seeds ``np_random`` as the equal int
    does; lists of seeds (vector environments) leave it alone.
    """
    if seed is None or isinstance(seed, list | tuple | np.ndarray):
        return None
    return rng.check_seed(seed)


def check_options(options) -> dict | None:
    """``reset``'s ``options``: None or a dict (Gymnasium's type)."""
    if options is not None and not isinstance(options, dict):
        raise TypeError(f"options must be a dict or None, got {type(options).__name__}")
    return options


def fresh_seed() -> int:
    """A seed from the operating system's entropy, for environments never given one."""
    return int(np.random.SeedSequence().entropy)


def stream_keys(seeds) -> np.ndarray:
    """uint64 keys of shape ``(len(seeds), NUM_STREAMS)``: run 0 of every stream kind per seed.

    A sub-environment reset with seed ``s`` therefore draws exactly what a
    single environment reset with seed ``s`` draws.
    """
    roots = np.array([rng.stream_roots(seed) for seed in seeds], dtype=np.uint64)
    roots = roots.reshape(-1)
    out = np.empty(roots.shape[0], dtype=np.uint64)
    _derive_keys(roots, out)
    return out.reshape(len(seeds), rng.NUM_STREAMS)


def vector_seeds(seed, num_envs: int) -> list[int | None]:
    """Gymnasium's vector seeding: None, an int (``seed + j`` for env ``j``) or a list."""
    if seed is None:
        return [None] * num_envs
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        base = rng.check_seed(seed)
        return [base + j for j in range(num_envs)]
    if isinstance(seed, list | tuple | np.ndarray):
        seeds = list(seed)
        if len(seeds) != num_envs:
            raise ValueError(f"seed must have num_envs={num_envs} entries, got {len(seeds)}")
        return [None if x is None else rng.check_seed(x) for x in seeds]
    raise TypeError(f"seed must be None, a non-negative int or a list of them, got {seed!r}")


def reset_mask(options, num_envs: int) -> np.ndarray | None:
    """``options["reset_mask"]`` checked as Gymnasium's ``SyncVectorEnv`` does, same messages."""
    if check_options(options) is None or "reset_mask" not in options:
        return None
    mask = options["reset_mask"]
    if not isinstance(mask, np.ndarray):
        raise TypeError(f"`options['reset_mask']` must be a numpy array, got {type(mask)}")
    if mask.shape != (num_envs,):
        raise ValueError(
            f"`options['reset_mask']` must have shape `({num_envs},)`, got {mask.shape}"
        )
    if mask.dtype != np.bool_:
        raise TypeError(f"`options['reset_mask']` must have `dtype=np.bool_`, got {mask.dtype}")
    if not mask.any():
        raise ValueError(
            "`options['reset_mask']` must contain a boolean array with at least one True value, "
            f"got reset_mask={mask}"
        )
    return np.ascontiguousarray(mask)


def check_actions(actions, num_envs: int, num_actions: int) -> np.ndarray:
    """Actions as a contiguous int64 array of shape (num_envs,) in [0, num_actions).

    One reduction checks the range: negative values viewed as uint64 are huge.
    """
    arr = np.asarray(actions)
    if arr.ndim == 0:
        # Gymnasium's vector environments raise TypeError for a scalar action.
        raise TypeError(
            f"actions must be an array of shape ({num_envs},), one per sub-environment, "
            f"got the scalar {actions!r}"
        )
    if arr.shape != (num_envs,):
        raise ValueError(f"actions must have shape ({num_envs},), got {arr.shape}")
    if arr.dtype.kind not in "iu":
        raise TypeError(f"actions must be integers, got dtype {arr.dtype}")
    if arr.dtype != np.int64 or not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr, dtype=np.int64)
    if num_envs and arr.view(np.uint64).max() >= np.uint64(num_actions):
        bad = arr[(arr < 0) | (arr >= num_actions)][0]
        raise ValueError(f"actions must lie in [0, {num_actions}), got {bad}")
    return arr


def readonly(arr: np.ndarray) -> np.ndarray:
    """A read-only C-contiguous view, so every kernel compiles one specialization."""
    view = np.ascontiguousarray(arr).view()
    view.setflags(write=False)
    return view


def reset_plan(seed, options, seeded: np.ndarray):
    """What a vector ``reset`` touches: ``(selected mask, indices to reseed, their seeds)``.

    ``seeded`` (bool, one per sub-environment) says which were ever reset; a
    selected one that was not and is given no seed draws fresh entropy, and
    ``seeded`` is updated. ``reset_mask`` is accepted on the first reset too,
    as Gymnasium's vector environments accept it; ``step`` needs every
    sub-environment reset once.
    """
    num_envs = seeded.shape[0]
    mask = reset_mask(options, num_envs)
    seeds = vector_seeds(seed, num_envs)
    selected = np.ones(num_envs, dtype=np.bool_) if mask is None else mask
    fresh = [j for j, x in enumerate(seeds) if x is None and selected[j] and not seeded[j]]
    if fresh:
        base = fresh_seed()
        for j in fresh:
            seeds[j] = base + j
    seeded |= selected
    idx = [j for j, x in enumerate(seeds) if x is not None and selected[j]]
    return selected, idx, [seeds[j] for j in idx]


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


class PlainSpec:
    """An env's ``spec`` whose keyword arguments hold lists, not numpy arrays.

    Gymnasium stores the keyword arguments of ``make``/``make_vec`` in the spec
    as given, and specs compare with ``==``: a per-env physics array
    (``gravity=np.array([...])``) made ``spec == spec`` raise ("the truth value
    of an array ... is ambiguous"). The setter stores a copy of the spec with
    arrays as lists and numpy scalars as Python numbers, which build the same
    env, so ``make(env.spec)`` round-trips and compares equal.
    """

    @property
    def spec(self):
        return self.__dict__.get("_plain_spec")

    @spec.setter
    def spec(self, value):
        if value is not None and any(
            isinstance(v, np.ndarray | np.generic) for v in value.kwargs.values()
        ):
            value = copy.copy(value)
            value.kwargs = {k: _plain(v) for k, v in value.kwargs.items()}
        self.__dict__["_plain_spec"] = value
