"""Blocks of runs on threads: the one home of the drivers' parallel loop.

A driver is a serial ``@jit`` kernel ``kernel(first, stride, ...)`` that runs
blocks ``b = first, first + stride, ...`` below its block count, each block
writing only its own rows. :func:`run_blocks` calls it from ``threads``
threads at once (fastrl's kernels release the GIL): share ``w`` gets
``first = w`` and ``stride = threads``. Blocks never share state, so the
results do not depend on the thread count.

Measured on the 2-core machine (bandit driver, cold cache, CPU seconds):
numba's ``prange`` wrapper around the same block loop cost 1.2-1.4 s of
compile time per driver (a first ``simulate`` of epsilon-greedy: 7.1-7.3 s
with it, 5.7-6.1 s without), for the same steps per second. The tabular
learning driver keeps its ``prange``: there the same block function called
from a serial loop ran 1.8x slower (0.60 s against 1.07 s for 10,000 Q-learning
runs on one thread), for reasons not found yet.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait

import numba

__all__ = ["run_blocks"]

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid = -1


def _workers() -> ThreadPoolExecutor:
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():  # a forked child gets its own pool
            size = max(numba.config.NUMBA_NUM_THREADS - 1, 1)
            _pool = ThreadPoolExecutor(size, thread_name_prefix="fastrl")
            _pool_pid = os.getpid()
        return _pool


def run_blocks(kernel, num_blocks: int, args: tuple) -> None:
    """Run ``kernel(first, stride, *args)`` over ``num_blocks`` blocks on numba's thread count.

    The calling thread takes share 0; the call returns only when every share
    has finished (also on an exception or Ctrl-C), so no kernel is still
    writing into the caller's arrays afterwards. A worker's exception is
    raised here.
    """
    threads = max(1, min(numba.get_num_threads(), int(num_blocks)))
    if threads == 1:
        kernel(0, 1, *args)
        return
    pool = _workers()
    futures = [pool.submit(kernel, w, threads, *args) for w in range(1, threads)]
    try:
        kernel(0, threads, *args)
    finally:
        wait(futures)
    for f in futures:
        f.result()
