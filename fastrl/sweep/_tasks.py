"""The unit of work of a sweep (one chunk of runs of one grid point) and the exact merge.

A task is a small picklable spec (agent and problem configurations, seed, run
range); :func:`run_chunk` is a top-level function that looks its kernel up on
whatever process runs it. Numba dispatchers are never shipped: a pickled
dispatcher is rebuilt with its disk cache off and recompiles in every worker.

A chunk returns its per-block statistics, not a merged mean: the merge is a
left fold over blocks (Chan et al.) whose last bits depend on the grouping, so
:class:`Merger` folds the blocks of chunk ``c`` only after those of chunks
``0 .. c-1``, exactly as ``simulate``/``train`` do in one process. Chunks that
arrive early wait in a buffer; the arrival order never reaches the numbers.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import numpy as np

from fastrl.rng import stream_roots
from fastrl.stats import Accumulator
from fastrl.sweep._grid import BLOCK

#: numba's workqueue threading layer aborts the process if two Python threads
#: call a parallel kernel at once, so a process runs one chunk at a time.
_KERNEL_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class ChunkTask:
    """Runs ``start .. start + count - 1`` of grid point ``point``: ``length`` steps/episodes."""

    family: str
    point: int
    chunk: int
    label: str
    problem: object
    agent: object
    seed: int
    runs: int
    start: int
    count: int
    length: int
    max_steps: int = 0
    #: ``((host, Dask threads on it), ...)`` when the task runs on a Dask cluster
    host_threads: tuple = ()
    #: ship the chunk's Q tables back (``train(client=...)``); a sweep keeps policies only
    keep_q: bool = False


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _set_threads(task: ChunkTask) -> None:
    """On a Dask worker, share this host's cores among the Dask threads running on it.

    Dask's nanny sets ``OMP_NUM_THREADS`` but not numba's thread count, and an
    env set through ``LocalCluster(env=...)`` arrives after numba has read its
    config, so the task calls ``numba.set_num_threads`` itself. In the caller's
    process (no ``host_threads``) numba's setting is left as the user made it.
    """
    if not task.host_threads:
        return
    import numba
    from distributed import get_worker
    from distributed.comm import get_address_host

    try:
        host = get_address_host(get_worker().address)
    except ValueError:  # not on a worker after all
        return
    sharing = dict(task.host_threads).get(host, 1)
    threads = max(1, min(_cores() // max(sharing, 1), numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(threads)


def _bandit_chunk(task: ChunkTask) -> dict:
    from fastrl.bandits.simulate import _plan, _run_blocks

    plan = _plan(task.problem, task.agent, task.runs, task.length)
    empty = np.zeros((0, 0))
    counts, mean, m2, run_mean, run_m2 = _run_blocks(
        plan, stream_roots(task.seed), task.start, task.count, task.length, BLOCK,
        False, np.zeros((0, 0), dtype=np.int64), empty,
    )  # fmt: skip
    return {"n": counts, "mean": mean, "m2": m2, "run_mean": run_mean, "run_m2": run_m2}


def tail_episodes(episodes: int) -> int:
    """Episodes of the per-run "final" summaries, as in ``train``."""
    return max(1, -(-episodes // 10))


def _readonly(a: np.ndarray) -> np.ndarray:
    view = np.ascontiguousarray(a).view()
    view.flags.writeable = False
    return view


def _tabular_chunk(task: ChunkTask) -> dict:
    from fastrl.tabular._learn_driver import NUM_SUMMARY
    from fastrl.tabular.mdp import batched_arrays
    from fastrl.tabular.train import _train_blocks, train_kernel_for

    # Read-only views, as in ``train``: an unpickled array comes back writable,
    # and a writable one would make numba compile a second specialization.
    arrays = tuple(_readonly(a) for a in batched_arrays(task.problem))
    _, num_states, num_actions, _ = arrays[0].shape
    # The kernel writes rows at global run indices. np.empty only reserves
    # address space; the pages below ``start`` are never touched, so a chunk
    # costs memory for its own rows only.
    rows = task.start + task.count
    q = np.empty((rows, num_states, num_actions))
    summary = np.empty((rows, NUM_SUMMARY))
    n, mean, m2 = _train_blocks(
        train_kernel_for(task.agent), task.agent, arrays, task.max_steps, task.length,
        stream_roots(task.seed), task.start, task.count, False, tail_episodes(task.length),
        q, summary, np.zeros((0, task.length)), np.zeros((0, task.length), dtype=np.int64),
    )  # fmt: skip
    lo, hi = task.start, rows
    policy = np.argmax(q[lo:hi], axis=2).astype(np.int64)
    out = {"n": n, "mean": mean, "m2": m2, "summary": summary[lo:hi].copy(), "policy": policy}
    if task.keep_q:
        out["q"] = q[lo:hi].copy()
    return out


def run_chunk(task: ChunkTask) -> dict:
    """Compute one chunk; the worker-side entry point (top level, so it pickles by name)."""
    with _KERNEL_LOCK:
        _set_threads(task)
        if task.family == "bandit":
            return _bandit_chunk(task)
        return _tabular_chunk(task)


def warm(tasks) -> None:
    """Compile (or load) each kernel the tasks need in this process, on a one-run chunk.

    Workers then load the kernels from numba's on-disk cache instead of each
    compiling them again.
    """
    from fastrl._plugin import _importable

    seen = set()
    for task in tasks:
        if _importable(type(task.agent)) is None:
            # Defined in a script or notebook: Dask ships it by value, and the
            # workers' copies have no source file to share a cache entry with ours.
            continue
        try:
            key = _kernel_id(task)
            if key in seen:
                continue
            seen.add(key)
            tiny = {**task.__dict__, "chunk": -1, "start": 0, "count": 1, "length": 1}
            run_chunk(ChunkTask(**tiny))
        except Exception:  # a bad task fails on its worker, which names the grid point
            pass


def _kernel_id(task: ChunkTask) -> int:
    if task.family == "bandit":
        from fastrl.bandits.simulate import _plan

        return id(_plan(task.problem, task.agent, task.runs, task.length)[0])
    from fastrl.tabular.train import train_kernel_for

    return id(train_kernel_for(task.agent))


class Merger:
    """Fold chunk outputs of every point in chunk order, whatever order they arrive in."""

    def __init__(
        self, points, family: str, runs: int, length: int, num_chunks: int, keep_q: bool = False
    ):
        self.family = family
        self.runs = runs
        self.num_chunks = num_chunks
        self.next = [0] * len(points)
        self.pending: list[dict] = [{} for _ in points]
        self.curves = [Accumulator(3, length) for _ in points]
        if family == "bandit":
            self.per_run = [Accumulator(1, 1) for _ in points]
        else:
            self.summary = [None] * len(points)
            self.policy = [None] * len(points)
            self.q = [None] * len(points) if keep_q else None

    def add(self, point: int, chunk: int, start: int, out: dict) -> None:
        """Take chunk ``chunk`` of ``point`` (runs from ``start``); fold what is now in order."""
        self.pending[point][chunk] = (start, out)
        while self.next[point] in self.pending[point]:
            start, out = self.pending[point].pop(self.next[point])
            self._fold(point, start, out)
            self.next[point] += 1

    def _fold(self, p: int, start: int, out: dict) -> None:
        self.curves[p].add_blocks(out["n"], out["mean"], out["m2"])
        if self.family == "bandit":
            self.per_run[p].add_blocks(out["n"], out["run_mean"], out["run_m2"])
            return
        if self.summary[p] is None:
            from fastrl.tabular._learn_driver import NUM_SUMMARY

            self.summary[p] = np.empty((self.runs, NUM_SUMMARY))
            self.policy[p] = np.empty((self.runs, out["policy"].shape[1]), dtype=np.int64)
            if self.q is not None:
                self.q[p] = np.empty((self.runs, *out["q"].shape[1:]))
        hi = start + out["summary"].shape[0]
        self.summary[p][start:hi] = out["summary"]
        self.policy[p][start:hi] = out["policy"]
        if self.q is not None:
            self.q[p][start:hi] = out["q"]

    def done(self) -> bool:
        """Whether every chunk of every point has been folded."""
        return all(n == self.num_chunks for n in self.next)
