"""Where a sweep's chunks run (this process or a Dask cluster) and how they are checkpointed.

Both paths feed the same :class:`~fastrl.sweep._tasks.Merger`, which folds
chunks in chunk order, so the result has the same bits whichever path ran it,
how many workers there were, in which order chunks finished or how often one
was retried. Dask is imported only when a ``client`` is given.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from pathlib import Path

import numpy as np

from fastrl.sweep import _tasks

__all__ = ["SweepError", "run_tasks"]

_MANIFEST = "manifest.json"


class SweepError(RuntimeError):
    """A chunk of a sweep failed; the message names its grid point."""


class Checkpoint:
    """A directory of finished chunks, ``p<point>-c<chunk>.npz``, and the sweep's fingerprint."""

    def __init__(self, path, fingerprint: dict):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        manifest = self.path / _MANIFEST
        if manifest.exists():
            try:
                old = json.loads(manifest.read_text())
            except (OSError, ValueError) as exc:
                raise ValueError(f"checkpoint {manifest} is unreadable: {exc}") from None
            diff = [k for k in fingerprint if old.get(k) != fingerprint[k]]
            if diff:
                raise ValueError(
                    f"checkpoint directory {str(self.path)!r} holds another sweep "
                    f"(its {', '.join(diff)} differ{'s' if len(diff) == 1 else ''}); "
                    "refusing to mix results: use a new directory or delete this one"
                )
        else:
            self._write(manifest, json.dumps(fingerprint, indent=1).encode())

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Write, flush to disk, then rename: a reader sees the whole file or none."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    def _file(self, task) -> Path:
        return self.path / f"p{task.point:06d}-c{task.chunk:06d}.npz"

    def load(self, task):
        """The chunk's saved output, or None."""
        path = self._file(task)
        if not path.exists():
            return None
        with np.load(path) as data:
            return {k: data[k] for k in data.files}

    def save(self, task, out: dict) -> None:
        """Save a finished chunk atomically."""
        import io

        buf = io.BytesIO()
        np.savez(buf, **out)
        self._write(self._file(task), buf.getvalue())


def _bar(total: int, enabled: bool):
    if not enabled:
        return contextlib.nullcontext(None)
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="runs", desc="sweep", unit_scale=True)


def run_tasks(tasks, merger, *, client=None, retries=0, checkpoint=None, progress=False):
    """Compute every task (or load it from ``checkpoint``) and feed the merger in order.

    Returns the number of chunks computed (the others came from the checkpoint).
    """
    todo = []
    with _bar(sum(t.count for t in tasks), progress) as bar:
        for task in tasks:
            out = checkpoint.load(task) if checkpoint is not None else None
            if out is None:
                todo.append(task)
                continue
            merger.add(task.point, task.chunk, task.start, out)
            if bar is not None:
                bar.update(task.count)

        def finish(task, out):
            if checkpoint is not None:
                checkpoint.save(task, out)
            merger.add(task.point, task.chunk, task.start, out)
            if bar is not None:
                bar.update(task.count)

        if client is None:
            for task in todo:
                finish(task, _run_local(task))
        elif todo:
            with _client(client) as c:
                _run_dask(c, todo, retries, finish)
    return len(todo)


def _run_local(task):
    try:
        return _tasks.run_chunk(task)
    except Exception as exc:
        raise SweepError(
            f"grid point {task.label} (runs {task.start}..{task.start + task.count - 1}) "
            f"failed: {type(exc).__name__}: {exc}"
        ) from exc


@contextlib.contextmanager
def _client(client):
    """A ``distributed.Client`` for ``client``; closes what it started."""
    import distributed

    if isinstance(client, distributed.Client):
        yield client
        return
    if client == "local" or (isinstance(client, int) and not isinstance(client, bool)):
        n = None if client == "local" else int(client)
        if n is not None and n < 1:
            raise ValueError(f"client must be >= 1 workers, got {n}")
        cluster = distributed.LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
        )
        try:
            with distributed.Client(cluster) as c:
                yield c
        finally:
            cluster.close()
        return
    if isinstance(client, str | os.PathLike):
        text = os.fspath(client)
        if os.path.isfile(text):
            kwargs = {"scheduler_file": text}
        elif "://" in text or (":" in text and os.sep not in text):
            kwargs = {"address": text}
        else:
            raise ValueError(
                f"client={text!r} is neither a scheduler file (none there) nor a scheduler "
                "address such as 'tcp://host:8786'"
            )
        with distributed.Client(**kwargs) as c:
            yield c
        return
    raise TypeError(
        "client must be None, 'local', a worker count, a scheduler address or file, "
        f"or a distributed.Client, got {client!r}"
    )


#: Packages whose versions must match between this process and every worker:
#: another fastrl or numba could compute other numbers.
_SAME_VERSIONS = ("fastrl", "numba", "numpy")


def check_versions(versions: dict) -> None:
    """Raise ``SweepError`` if a worker's fastrl, numba or numpy differs from this process's.

    ``versions`` is ``Client.get_versions(...)``; with ``check=True`` Dask only
    warns about mismatches, so the packages that decide the numbers are checked here.
    """
    mine = (versions.get("client") or {}).get("packages", {})
    for address, info in sorted((versions.get("workers") or {}).items()):
        theirs = (info or {}).get("packages", {}) if isinstance(info, dict) else {}
        bad = [
            f"{pkg} {theirs.get(pkg, 'MISSING')} (here {mine.get(pkg)})"
            for pkg in _SAME_VERSIONS
            if theirs.get(pkg, "MISSING") != mine.get(pkg)
        ]
        if bad:
            raise SweepError(
                f"worker {address} runs {', '.join(bad)}: install the same versions on every worker"
            )


def _host_threads(client) -> tuple:
    """``((host, Dask threads of all workers on it), ...)``: each task shares its host's cores."""
    from distributed.comm import get_address_host

    per_host: dict[str, int] = {}
    try:
        info = client.scheduler_info(n_workers=-1)  # newer Dask lists only 5 workers by default
    except TypeError:
        info = client.scheduler_info()
    for address, w in info["workers"].items():
        host = get_address_host(address)
        per_host[host] = per_host.get(host, 0) + int(w.get("nthreads", 1))
    return tuple(sorted(per_host.items()))


def _run_dask(client, todo, retries, finish) -> None:
    import dataclasses

    import distributed

    check_versions(client.get_versions(check=True, packages=list(_SAME_VERSIONS)))
    host_threads = _host_threads(client)
    # Compile here first: workers then load the kernels from numba's disk cache.
    _tasks.warm(todo)
    run_id = uuid.uuid4().hex[:12]
    futures = {}
    for task in todo:
        task = dataclasses.replace(task, host_threads=host_threads)
        fut = client.submit(
            _tasks.run_chunk,
            task,
            key=f"fastrl-chunk-{run_id}-{task.point}-{task.chunk}",
            retries=retries,
            pure=False,
        )
        futures[fut] = task
    try:
        for fut in distributed.as_completed(list(futures)):
            task = futures.pop(fut)
            if fut.status != "finished":
                exc = fut.exception()
                raise SweepError(
                    f"grid point {task.label} (runs {task.start}..{task.start + task.count - 1})"
                    f" failed after {retries} retries: {type(exc).__name__}: {exc}"
                ) from exc
            out = fut.result()
            fut.release()
            finish(task, out)
    finally:
        if futures:
            client.cancel(list(futures))
