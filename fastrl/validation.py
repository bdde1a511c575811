"""Argument checks shared by the public layers.

Numba kernels do not check bounds, so every public function validates its
arguments here first and raises a ``ValueError`` or ``TypeError`` that names
the argument and the value expected.
"""

from __future__ import annotations

import math
import numbers
import os

import numpy as np

__all__ = [
    "check_int",
    "check_real",
    "check_bool",
    "check_array",
    "check_probabilities",
    "check_size",
    "check_memory",
    "frozen_copy",
    "OutputTooLargeError",
    "MAX_SIZE",
    "MAX_BYTES",
    "MAX_MAGNITUDE",
]

#: upper bound of every size argument (runs, steps, episodes, arms, ...): far above any
#: feasible request, and small enough that the kernels' int64 index arithmetic
#: (``run * steps + t``, counters, block offsets) cannot overflow for a product of two
MAX_SIZE = 2**31

#: the most bytes one call may allocate for its outputs: above it a request fails before
#: allocating, naming the argument (a guard against typos like ``steps=10**11``, not a
#: promise that anything below fits the machine's memory)
MAX_BYTES = 2**40

#: bound on the magnitude of reward parameters (means, standard deviations, priors): a
#: square of such a value summed over ``MAX_SIZE`` steps (the kernels' running variances)
#: stays far from float64 overflow, and no real problem comes near it
MAX_MAGNITUDE = 1e100


def check_int(name: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """An integer (not bool) with ``low <= value <= high``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def check_real(
    name: str,
    value,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_inf: bool = False,
) -> float:
    """A finite real number in the given (closed unless ``*_open``) interval."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if math.isnan(value) or (math.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be finite, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, got {value}")
    return value


def check_bool(name: str, value) -> bool:
    """A Python or numpy bool."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool, got {value!r}")
    return bool(value)


def check_array(name: str, value, *, ndim: int | tuple[int, ...], dtype=np.float64) -> np.ndarray:
    """A C-contiguous array of ``dtype`` with the given number of dimensions, no NaN or inf."""
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be array-like, got {value!r}") from exc
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    ndims = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in ndims:
        raise ValueError(
            f"{name} must have {' or '.join(map(str, ndims))} dimension(s), got shape {arr.shape}"
        )
    if np.dtype(dtype).kind in "iu" and arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must hold integers, got {arr!r}")
    arr = np.ascontiguousarray(arr, dtype=dtype)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def check_probabilities(name: str, value, *, ndim: int | tuple[int, ...]) -> np.ndarray:
    """A float64 array of probabilities, every entry in [0, 1]."""
    arr = check_array(name, value, ndim=ndim)
    if arr.size and (arr.min() < 0.0 or arr.max() > 1.0):
        raise ValueError(f"{name} must lie in [0, 1], got values from {arr.min()} to {arr.max()}")
    return arr


class OutputTooLargeError(MemoryError, ValueError):
    """A request whose outputs cannot fit in memory, raised before allocating.

    A ``MemoryError`` (what numpy raises for a failed allocation) and a
    ``ValueError`` (the argument is at fault); the message names the argument
    and the bytes needed.
    """


def check_size(name: str, value, *, low: int = 1, high: int = MAX_SIZE) -> int:
    """A size argument: an integer in ``[low, high]``, ``high`` at most :data:`MAX_SIZE`."""
    return check_int(name, value, low=low, high=min(high, MAX_SIZE))


def check_memory(needs: dict[str, int], *, limit: int = MAX_BYTES) -> None:
    """Refuse a request whose outputs cannot fit in memory, before allocating.

    ``needs`` maps each size argument to the bytes it costs (a lower estimate of
    the outputs and scratch it makes the call allocate). When their sum exceeds
    ``limit`` or the machine's physical memory, raise :class:`OutputTooLargeError`
    naming the costliest argument and the bytes needed.
    """
    total = sum(int(v) for v in needs.values())
    bound = min(limit, _physical_memory())
    if total > bound:
        name = max(needs, key=lambda k: int(needs[k]))
        raise OutputTooLargeError(
            f"{name} is too large: the outputs need at least {total:,} bytes "
            f"({total / 2**30:.3g} GiB), more than the {bound:,} bytes available"
        )


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not on POSIX
        return MAX_BYTES


def frozen_copy(arr: np.ndarray) -> np.ndarray:
    """A private, truly read-only copy of ``arr`` (same dtype and shape, C order).

    The copy lives in an immutable ``bytes`` buffer, so ``setflags(write=True)``
    raises ``ValueError`` on it and on every view of it: a validated model
    cannot be edited into one that makes a kernel index out of bounds.
    """
    arr = np.ascontiguousarray(arr)
    out = np.frombuffer(arr.tobytes(), dtype=arr.dtype).reshape(arr.shape)
    if not out.flags.aligned:  # never seen (bytes data is 16-byte aligned): a plain copy
        out = arr.copy()
        out.setflags(write=False)
    return out
