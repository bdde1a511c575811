"""Validation of physical parameters: a float for all runs, or a 1-D array with one per run."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_param", "num_rows", "set_params", "param_table", "single_task"]


def check_param(name, value, low=None, low_open=False):
    """A finite float or read-only float64 1-D array, ``> low`` (open) or ``>= low``."""
    if isinstance(value, bool) or isinstance(value, np.bool_):
        raise TypeError(f"{name} must be a real number or a 1-D array of them, got {value!r}")
    if isinstance(value, numbers.Real):
        arr = np.float64(value)
    else:
        try:
            arr = np.asarray(value)
        except Exception as exc:
            raise TypeError(f"{name} must be a real number or a 1-D array, got {value!r}") from exc
        if arr.dtype.kind not in "iuf" or arr.ndim != 1 or arr.size == 0:
            raise TypeError(
                f"{name} must be a real number or a non-empty 1-D array of them, got {value!r}"
            )
        arr = arr.astype(np.float64)
        arr.setflags(write=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is None:
        return float(arr) if arr.ndim == 0 else arr
    bad = arr <= low if low_open else arr < low
    if np.any(bad):
        worst = float(np.min(arr))
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {worst}")
    return float(arr) if arr.ndim == 0 else arr


def num_rows(config, names) -> int:
    """1 when no field of ``names`` is an array, else the arrays' common length."""
    values = [getattr(config, n) for n in names]
    sizes = {v.shape[0] for v in values if isinstance(v, np.ndarray)}
    if len(sizes) > 1:
        raise ValueError(f"per-run parameter arrays must have one length, got {sorted(sizes)}")
    return sizes.pop() if sizes else 1


def set_params(config, fields) -> None:
    """Validate a frozen task's ``(name, column, low, low_open)`` fields in place.

    Each field becomes a float or a read-only float64 array (:func:`check_param`),
    and ``config._num_rows`` records the runs' row count (:func:`num_rows`).
    """
    for name, _, low, low_open in fields:
        object.__setattr__(config, name, check_param(name, getattr(config, name), low, low_open))
    object.__setattr__(config, "_num_rows", num_rows(config, [f[0] for f in fields]))


def param_table(config, fields, width: int) -> np.ndarray:
    """The kernels' float64 table ``(num_rows, width)``: each field in its column."""
    p = np.zeros((config._num_rows, width))
    for name, col, _, _ in fields:
        p[:, col] = np.broadcast_to(getattr(config, name), config._num_rows)
    return p


def single_task(task, cls, env_id: str, purpose: str = ""):
    """``task`` as one set of ``cls`` parameters: ``env_id`` (the defaults) or a ``cls``.

    The check of every function that runs one task (search, tile coding, binned
    learning); ``purpose`` ends the message about several parameter sets.
    """
    name = cls.__name__
    if isinstance(task, str):
        if task != env_id:
            raise ValueError(f"task must be {env_id!r} or a {name}, got {task!r}")
        return cls()
    if not isinstance(task, cls):
        raise TypeError(f"task must be {env_id!r} or a {name}, got {task!r}")
    if task.num_rows != 1:
        raise ValueError(f"task must have one set of parameters{purpose}, got {task.num_rows}")
    return task
