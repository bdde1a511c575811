"""The one home of numba options.

Every kernel in fastrl is decorated with :func:`jit` or :func:`pjit` from this
module; nothing else spells numba options.

* ``cache=True`` by default so a second Python process loads compiled machine
  code from disk instead of compiling again. Set ``FASTRL_NUMBA_CACHE=0`` to
  turn the on-disk cache off (numba's own ``NUMBA_CACHE_DIR`` chooses where it
  lives).
* ``fastmath=False`` so results are reproducible bit for bit: no reassociation
  of floating-point sums, no approximate transcendental functions.
* ``nogil=True`` so kernels can run beside other Python threads.
* ``error_model="numpy"``: division by zero gives inf/nan instead of raising,
  which lets LLVM vectorize loops; the public layer validates every input so
  kernels never see such a division.
"""

from __future__ import annotations

import os

import numba

__all__ = ["CACHE", "jit", "ijit", "pjit", "prange", "set_num_threads", "get_num_threads"]

CACHE: bool = os.environ.get("FASTRL_NUMBA_CACHE", "1").lower() not in {"0", "false", "no", "off"}

_OPTIONS = dict(cache=CACHE, nogil=True, fastmath=False, error_model="numpy")

prange = numba.prange
set_num_threads = numba.set_num_threads
get_num_threads = numba.get_num_threads


def jit(func=None):
    """Compile a serial kernel or scalar helper with fastrl's options."""
    decorator = numba.njit(**_OPTIONS)
    return decorator if func is None else decorator(func)


def ijit(func=None):
    """Compile a small helper that numba inlines into its callers.

    Measured: LLVM does not inline numba functions across dispatchers, and a
    call that passes arrays costs tens of cycles (each array travels as seven
    arguments, with reference counting), which made a bandit step five times
    slower. ``inline="always"`` inlines at numba's IR level instead. Use it for
    the per-step helpers of hot loops, not for whole kernels.
    """
    decorator = numba.njit(inline="always", **_OPTIONS)
    return decorator if func is None else decorator(func)


def pjit(func=None):
    """Compile a kernel whose outer ``prange`` loop runs over blocks of runs."""
    decorator = numba.njit(parallel=True, **_OPTIONS)
    return decorator if func is None else decorator(func)
