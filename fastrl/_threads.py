"""Blocks of runs on threads, and safe launches of numba's parallel kernels.

A driver is a serial ``@jit`` kernel ``kernel(first, stride, ...)`` that runs
blocks ``b = first, first + stride, ...`` below its block count, each block
writing only its own rows. :func:`run_blocks` calls it from ``threads``
threads at once (fastrl's kernels release the GIL): share ``w`` gets
``first = w`` and ``stride = threads``. Blocks never share state, so the
results do not depend on the thread count.

Measured on the 2-core machine (bandit driver, cold cache, CPU seconds):
numba's ``prange`` wrapper around the same block loop cost 1.2-1.4 s of
compile time per driver (a first ``simulate`` of epsilon-greedy: 7.1-7.3 s
with it, 5.7-6.1 s without), for the same steps per second. Drivers whose
blocks are long (a block of tabular learning is 64 whole runs) skip even the
serial loop: :func:`run_each_block` calls the block function itself from
Python, about 15 us a call. An earlier measurement that the learning block
ran 1.8x slower outside ``prange`` did not reproduce (10,000 Q-learning runs
of 100 episodes on FrozenLake: 0.44-0.62 s either way, the spread of this
machine).

``prange`` kernels (``fastrl._jit.pjit``) are called through
:class:`ParallelKernel`, which guards two hazards of numba's threading layers:

* numba's ``workqueue`` layer (chosen where neither TBB nor OpenMP is
  installed: slim containers, macOS wheels) aborts the process (SIGABRT) when
  two Python threads launch parallel kernels at once. Launches are serialised
  with a lock under that layer (and until the layer is known).
* GNU OpenMP cannot run in a child forked from a process that has started its
  threads: numba's ``omp`` layer kills the child ("fork() called from a process
  already using GNU OpenMP, this is unsafe"), and a ``multiprocessing`` fork
  pool then waits for ever. Such a child gets a RuntimeError saying what to do
  instead. The Python thread pool of :func:`run_blocks` is fork-safe (a child
  builds its own), so serial drivers work in any forked child.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait

import numba

from fastrl._once import compile_once

__all__ = ["ForkError", "ParallelKernel", "run_blocks", "run_each_block"]

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid = -1
_launch = threading.Lock()  # serialises parallel launches under a thread-unsafe layer
_thread_safe: bool | None = None  # the layer's verdict, once numba has chosen one
_omp_forked = False  # a forked child of a process that started GNU OpenMP threads


class ForkError(RuntimeError):
    """A parallel kernel was called in a forked child that cannot run it."""


def _omp_started() -> bool:
    from numba.np.ufunc import parallel

    if not parallel._is_initialized or numba.threading_layer() != "omp":
        return False
    from numba.np.ufunc import omppool

    return getattr(omppool, "openmp_vendor", "GNU") == "GNU"


def _after_fork_in_child() -> None:
    global _lock, _launch, _pool, _pool_pid, _omp_forked
    # A lock held by another thread at fork time would stay held for ever.
    _lock, _launch = threading.Lock(), threading.Lock()
    _pool, _pool_pid = None, -1  # the parent's workers do not exist here
    _omp_forked = _omp_forked or _omp_started()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _layer_thread_safe() -> bool | None:
    global _thread_safe
    if _thread_safe is None:
        from numba.np.ufunc import parallel

        if parallel._is_initialized:
            _thread_safe = numba.threading_layer() != "workqueue"
    return _thread_safe


class ParallelKernel:
    """A numba ``parallel=True`` dispatcher, launched safely from Python.

    Calls go to the dispatcher; attributes (``py_func``, ``stats``,
    ``signatures`` ...) are the dispatcher's.
    """

    def __init__(self, dispatcher):
        self.dispatcher = dispatcher
        self.__wrapped__ = dispatcher
        self.__doc__ = dispatcher.__doc__
        self.__name__ = dispatcher.__name__
        self.__qualname__ = getattr(dispatcher, "__qualname__", dispatcher.__name__)
        self.__module__ = dispatcher.__module__

    def __call__(self, *args, **kwargs):
        if _omp_forked:
            raise ForkError(
                f"{self.__name__}: this process was forked from one that had started GNU "
                "OpenMP threads (numba's 'omp' threading layer), and OpenMP cannot run in a "
                "forked child. Start worker processes with multiprocessing's 'spawn' or "
                "'forkserver' method (multiprocessing.get_context('spawn').Pool(...), or "
                "ProcessPoolExecutor(mp_context=...)), or set NUMBA_THREADING_LAYER=tbb or "
                "workqueue before the parent imports numba"
            )
        if _layer_thread_safe():
            return self.dispatcher(*args, **kwargs)
        with _launch:
            return self.dispatcher(*args, **kwargs)

    def __getattr__(self, name):
        if name == "dispatcher":  # not set yet (unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.dispatcher, name)

    def __repr__(self) -> str:
        return f"ParallelKernel({self.dispatcher!r})"


def _workers() -> ThreadPoolExecutor:
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():  # a forked child gets its own pool
            size = max(numba.config.NUMBA_NUM_THREADS - 1, 1)
            _pool = ThreadPoolExecutor(size, thread_name_prefix="fastrl")
            _pool_pid = os.getpid()
        return _pool


def _wait_all(futures) -> None:
    """Wait for every future, even through Ctrl-C (raised afterwards)."""
    interrupted = None
    while True:
        try:
            wait(futures)
            break
        except KeyboardInterrupt as exc:  # the shares are short: finish them first
            interrupted = exc
    if interrupted is not None:
        raise interrupted


def run_blocks(kernel, num_blocks: int, args: tuple) -> None:
    """Run ``kernel(first, stride, *args)`` over ``num_blocks`` blocks on numba's thread count.

    The kernel is compiled first, once across processes
    (:func:`fastrl._once.compile_once`). The calling thread takes share 0;
    the call returns only when every share has finished (also on an
    exception or Ctrl-C), so no kernel is still writing into the caller's
    arrays afterwards. A worker's exception is raised here.
    """
    threads = max(1, min(numba.get_num_threads(), int(num_blocks)))
    compile_once(kernel, (0, threads, *args))
    if threads == 1:
        kernel(0, 1, *args)
        return
    pool = _workers()
    futures = [pool.submit(kernel, w, threads, *args) for w in range(1, threads)]
    try:
        kernel(0, threads, *args)
    finally:
        _wait_all(futures)
    for f in futures:
        f.result()


def _each(first, stride, kernel, num_blocks, stop, args) -> None:
    try:
        for b in range(first, num_blocks, stride):
            if stop.is_set():
                return
            kernel(b, *args)
    except BaseException:  # Ctrl-C or an error: the other shares stop after their block
        stop.set()
        raise


def run_each_block(kernel, num_blocks: int, args: tuple) -> None:
    """Run ``kernel(b, *args)`` for every block ``b < num_blocks``, as :func:`run_blocks` does.

    For block functions whose blocks are long: each call from Python costs
    about 15 us, and the driver needs no compiled loop over blocks. On Ctrl-C or
    an error every share stops after the block it is running.
    """
    compile_once(kernel, (0, *args))
    run_blocks(_each, num_blocks, (kernel, num_blocks, threading.Event(), args))
