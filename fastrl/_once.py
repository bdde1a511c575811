"""Compile a kernel once across processes that share a disk cache.

Several processes that need the same kernel at the same moment (pytest-xdist
workers, Dask workers on one machine, a user's process pool) each compiled it:
numba looks in the disk cache before compiling, but a kernel that another
process is still compiling is not there yet. Measured in fastrl's own test
suite (2 workers, fresh cache): 9 drivers compiled twice, 75 CPU seconds.

:func:`compile_once` takes an exclusive file lock named by the kernel before
compiling it for the call's argument types, so the second process waits, then
loads the first one's machine code from the cache. The lock is held for the
compile only, never while the kernel runs. It is a scheduling aid, not a
correctness device: where a lock cannot be taken (no ``fcntl``, a read-only
cache folder) or another process holds it for over :data:`WAIT_S` seconds,
the kernel compiles as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from pathlib import Path

__all__ = ["compile_once"]

try:
    import fcntl
except ImportError:  # Windows: no lock, each process compiles as numba does
    fcntl = None


def _dispatcher(kernel):
    return getattr(kernel, "dispatcher", kernel)  # a ParallelKernel wraps its dispatcher


#: the longest wait for another process's compile (a stopped process keeps its lock)
WAIT_S = 600.0


def _acquire(fd: int) -> bool:
    """Poll for the lock (Ctrl-C stays responsive); False after :data:`WAIT_S`."""
    deadline = time.monotonic() + WAIT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)


@contextlib.contextmanager
def _locked(name: str):
    """Hold the exclusive lock of ``name``, or nothing where none can be had."""
    from fastrl._plugin import driver_dir

    fd = -1
    locked = False
    try:
        if fcntl is not None:
            try:
                folder = Path(driver_dir()) / "locks"
                folder.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256(name.encode()).hexdigest()[:24]
                fd = os.open(folder / f"{digest}.lock", os.O_RDWR | os.O_CREAT, 0o644)
                locked = _acquire(fd)
            except OSError:
                pass
        yield
    finally:
        if locked:
            fcntl.flock(fd, fcntl.LOCK_UN)
        if fd >= 0:
            os.close(fd)


def compile_once(kernel, args: tuple) -> None:
    """Compile ``kernel`` for ``args`` (the values of its first call here), under a lock.

    Only a kernel with no compiled signature in this process is looked at: the
    public layer fixes dtypes, so a kernel compiles once (STYLE K5), and the
    check then costs a dictionary's length, not the ~400 us of typing 26
    arguments in Python. Anything unusual (a kernel that is not a caching numba
    dispatcher, an argument numba cannot type) returns without compiling: the
    call itself then compiles, or raises numba's error, as without this.
    """
    disp = _dispatcher(kernel)
    overloads = getattr(disp, "overloads", None)
    if overloads is None or len(overloads) > 0:
        return
    if getattr(disp, "_cache", None) is None or type(disp._cache).__name__ == "NullCache":
        return
    try:
        sig = tuple(disp.typeof_pyval(a) for a in args)
    except Exception:  # numba's own error comes from the call
        return
    name = f"{disp.py_func.__module__}.{disp.py_func.__qualname__}"
    with _locked(name):
        if sig not in disp.overloads:
            disp.compile(sig)  # loads from the disk cache when another process compiled it
