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

The disk cache is hardened (:func:`harden`):

* **Never stale.** numba stamps a cache entry with the modification time and
  size of the kernel's *own* file, so after an upgrade or an edit of a helper
  module (``policies.py``, inlined into kernels of other files) a warm cache
  served the old machine code. fastrl's entries are also stamped with a hash of
  every source file of the installed package (:func:`package_digest`, 7 ms
  once per process): any change of the package recompiles every kernel.
* **Self-healing.** A truncated or garbage ``.nbi``/``.nbc`` file (a killed
  process, a full disk) made every later call raise ``UnpicklingError`` or
  ``EOFError``. fastrl warns once naming the file, deletes it and recompiles.

Parallel kernels are launched through :class:`fastrl._threads.ParallelKernel`,
which makes them safe to call from several Python threads under any threading
layer and gives a clear error in a forked child that cannot run them.
"""

from __future__ import annotations

import functools
import hashlib
import os
import warnings
from pathlib import Path

import numba
from numba.core.caching import FunctionCache, IndexDataCacheFile

from fastrl._threads import ParallelKernel

__all__ = [
    "CACHE", "CorruptCacheWarning", "jit", "ijit", "pjit", "prange", "set_num_threads",
    "get_num_threads", "package_digest",
]  # fmt: skip

CACHE: bool = os.environ.get("FASTRL_NUMBA_CACHE", "1").lower() not in {"0", "false", "no", "off"}

_OPTIONS = dict(cache=CACHE, nogil=True, fastmath=False, error_model="numpy")
_PACKAGE = Path(__file__).resolve().parent

prange = numba.prange
set_num_threads = numba.set_num_threads
get_num_threads = numba.get_num_threads


@functools.cache
def package_digest() -> bytes:
    """sha256 of the relative path and bytes of every ``.py`` file of the installed package."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        h.update(str(path.relative_to(_PACKAGE)).encode())
        h.update(path.read_bytes())
    return h.digest()


class CorruptCacheWarning(RuntimeWarning):
    """A numba cache file could not be read; fastrl deleted it and recompiles."""


_WARNED: set[str] = set()


def _drop(path: str, exc: BaseException) -> None:
    if path not in _WARNED:
        _WARNED.add(path)
        warnings.warn(
            f"fastrl: the numba cache file {path} is corrupt ({type(exc).__name__}: {exc}); "
            "it was deleted and the kernel is compiled again",
            CorruptCacheWarning,
            stacklevel=2,
        )
    try:
        os.unlink(path)
    except OSError:  # gone already, or read-only: the entry is skipped either way
        pass


class _CacheFile(IndexDataCacheFile):
    """numba's index/data files, stamped with the package digest and healing corrupt files.

    Installed on a dispatcher's cache by swapping ``__class__`` (no state added).
    An ``ImportError`` is not corruption (an entry naming a module this process
    cannot import, see ``fastrl._plugin._parent``) and is raised as before.
    """

    @property
    def _source_stamp(self):
        return self.__dict__["_source_stamp"], package_digest().hex()

    @_source_stamp.setter
    def _source_stamp(self, value):
        self.__dict__["_source_stamp"] = value

    def _load_index(self):
        try:
            return super()._load_index()
        except ImportError:
            raise
        except Exception as exc:  # pickle raises many types on garbage: all mean corrupt
            _drop(self._index_path, exc)
            return {}

    def _load_data(self, name):
        try:
            return super()._load_data(name)
        except (ImportError, OSError):
            raise
        except Exception as exc:
            _drop(self._data_path(name), exc)
            # numba's load() treats an OSError as a missing file: compile again
            raise FileNotFoundError(self._data_path(name)) from exc


def harden(dispatcher):
    """Give ``dispatcher``'s disk cache (if any) fastrl's stamp and self-healing."""
    cache = getattr(dispatcher, "_cache", None)
    if isinstance(cache, FunctionCache) and type(cache._cache_file) is IndexDataCacheFile:
        cache._cache_file.__class__ = _CacheFile
    return dispatcher


def _decorate(func, wrap=None, **extra):
    def decorator(f):
        try:
            dispatcher = harden(numba.njit(**extra, **_OPTIONS)(f))
        except RuntimeError as exc:
            # A function with no source file numba can locate (a user's agent that
            # cloudpickle shipped by value to a Dask worker, code from exec): there is
            # no file to key a disk cache on, so it compiles once per process.
            if "cannot cache" not in str(exc):
                raise
            dispatcher = numba.njit(**extra, **{**_OPTIONS, "cache": False})(f)
        return dispatcher if wrap is None else wrap(dispatcher)

    return decorator if func is None else decorator(func)


def jit(func=None):
    """Compile a serial kernel or scalar helper with fastrl's options."""
    return _decorate(func)


def ijit(func=None):
    """Compile a small helper that numba inlines into its callers.

    Measured: LLVM does not inline numba functions across dispatchers, and a
    call that passes arrays costs tens of cycles (each array travels as seven
    arguments, with reference counting), which made a bandit step five times
    slower. ``inline="always"`` inlines at numba's IR level instead. Use it for
    the per-step helpers of hot loops, not for whole kernels.
    """
    return _decorate(func, inline="always")


def pjit(func=None):
    """Compile a kernel whose outer ``prange`` loop runs over blocks of runs.

    Returns a :class:`~fastrl._threads.ParallelKernel` (call it from Python
    only: no jitted code calls a parallel kernel).
    """
    return _decorate(func, ParallelKernel, parallel=True)
