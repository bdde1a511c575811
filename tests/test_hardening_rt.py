"""Issue 16, the runtime: the disk cache heals and is never stale, kernels survive a fork
and concurrent threads under any threading layer, and Ctrl-C stops a job within a second.

Each check that crashed, hung or poisoned a cache before runs in a subprocess with a
timeout; checks of the same kind share one subprocess (each costs an import).
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import fastrl
from fastrl import _chunks
from fastrl._jit import CACHE
from fastrl._threads import ParallelKernel

posix = pytest.mark.skipif(os.name != "posix", reason="fork and SIGINT are POSIX")
cached = pytest.mark.skipif(not CACHE, reason="FASTRL_NUMBA_CACHE turns the on-disk cache off")

# The suite's small problems: their drivers are compiled (and cached) by other tests.
SMALL = """
import numpy as np
from fastrl.bandits import BernoulliBandit, EpsilonGreedy, simulate
from fastrl.tabular import QLearning, frozen_lake, train

P, A, MDP, L = BernoulliBandit([0.2, 0.5, 0.7]), EpsilonGreedy(), frozen_lake(), QLearning()

def sim(seed, runs=200):
    return simulate(P, A, runs=runs, steps=100, seed=seed).mean_reward

def tr(seed, runs=64):
    return train(MDP, L, runs=runs, episodes=50, seed=seed).episode_return
"""


def _python(code: str, env=None, timeout=60, **kw) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=timeout, check=False, **kw)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    return out


def _env(**extra) -> dict:
    env = {**os.environ, **extra}
    root = str(Path(fastrl.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


@cached
def test_a_corrupt_cache_file_is_dropped_with_one_warning_and_recompiled(tmp_path):
    (tmp_path / "rt_kernel.py").write_text("def add_one(x):\n    return x + 1\n")
    code = textwrap.dedent("""
        import glob, warnings
        import rt_kernel
        from fastrl._jit import CorruptCacheWarning, jit

        def fresh_call():  # a new dispatcher reads the cache files again
            f = jit(rt_kernel.add_one)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                assert f(41) == 42
            msgs = [str(w.message) for w in caught if w.category is CorruptCacheWarning]
            return msgs, sum(f.stats.cache_hits.values())

        assert fresh_call() == ([], 0)  # compiled and saved
        [nbi] = glob.glob("cache/**/*add_one*.nbi", recursive=True)
        [nbc] = glob.glob("cache/**/*add_one*.nbc", recursive=True)
        assert fresh_call() == ([], 1)  # loaded
        data = open(nbc, "rb").read()
        open(nbc, "wb").write(data[: len(data) // 3])  # a killed writer
        msgs, hits = fresh_call()
        assert hits == 0 and len(msgs) == 1 and nbc in msgs[0], msgs
        open(nbi, "wb").write(b"garbage")  # a full disk
        msgs, hits = fresh_call()
        assert hits == 0 and len(msgs) == 1 and nbi in msgs[0], msgs
        assert fresh_call() == ([], 1)  # healed: loaded again, no warning
        print("ok")
    """)
    env = _env(NUMBA_CACHE_DIR=str(tmp_path / "cache"))
    env["PYTHONPATH"] += os.pathsep + str(tmp_path)
    assert _python(code, env, cwd=tmp_path).stdout.split() == ["ok"]


@cached
def test_editing_a_helper_module_recompiles_kernels_of_other_files(tmp_path):
    """numba stamps an entry with the kernel's own file only: a warm cache served the
    old machine code after an edit of ``policies.py``, which kernels elsewhere inline."""
    pkg = tmp_path / "fastrl"
    shutil.copytree(Path(fastrl.__file__).parent, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    helper = (
        "\n\nfrom fastrl._jit import jit  # noqa: E402\n\n\n"
        "@jit\ndef _rt_constant():\n    return {}\n"
    )
    policies = pkg / "policies.py"
    text = policies.read_text()
    policies.write_text(text + helper.format(1))
    (pkg / "_rt_probe.py").write_text(
        "from fastrl._jit import jit\nfrom fastrl.policies import _rt_constant\n\n\n"
        "@jit\ndef probe():\n    return _rt_constant() * 10\n"
    )
    code = "from fastrl._rt_probe import probe as f; print(f(), sum(f.stats.cache_hits.values()))"
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "NUMBA_CACHE_DIR": str(tmp_path / "nc"),
           "FASTRL_CACHE_DIR": str(tmp_path / "fc")}  # fmt: skip
    assert _python(code, env, cwd=tmp_path).stdout.split() == ["10", "0"]
    policies.write_text(text + helper.format(2))  # the probe's own file is untouched
    assert _python(code, env, cwd=tmp_path).stdout.split() == ["20", "0"]
    assert _python(code, env, cwd=tmp_path).stdout.split() == ["20", "1"]  # cached again


@posix
def test_fork_pool_after_a_parent_call_and_ctrl_c_between_chunks():
    """A fork pool after a parent call works bit for bit (threads driver) or raises a clear
    error (GNU OpenMP's prange driver); Ctrl-C stops long jobs within about a second."""
    code = SMALL + textwrap.dedent("""
        import multiprocessing as mp, sys, time
        import numba
        ref_sim, ref_tr = sim(1), tr(1)  # the parent starts its threads
        with mp.get_context("fork").Pool(2) as pool:
            assert all(np.array_equal(x, ref_sim) for x in pool.map(sim, [1, 1]))
            try:
                got = pool.map(tr, [1, 1])
            except RuntimeError as exc:  # only where OpenMP cannot run in the child
                assert numba.threading_layer() == "omp", numba.threading_layer()
                assert "'spawn'" in str(exc) and "'forkserver'" in str(exc), exc
            else:
                assert all(np.array_equal(x, ref_tr) for x in got)
        for name, job in (("simulate", lambda: sim(1, runs=10**7)),
                          ("train", lambda: tr(1, runs=10**6))):
            print("ready", flush=True)
            tic = time.perf_counter()
            try:
                job()
            except KeyboardInterrupt:
                print(name, "stopped after", time.perf_counter() - tic, flush=True)
            else:
                sys.exit(name + " was not interrupted")
        assert np.array_equal(sim(1), ref_sim) and np.array_equal(tr(1), ref_tr)
        print("usable", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], env=_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    lines, deadline = [], time.monotonic() + 90
    try:
        for line in proc.stdout:
            lines.append(line.strip())
            if line.startswith("ready"):
                time.sleep(0.5)
                proc.send_signal(signal.SIGINT)
            assert time.monotonic() < deadline, lines
        assert proc.wait(timeout=30) == 0, "\n".join(lines) + proc.stderr.read()
    finally:
        proc.kill()
    stopped = [float(x.split()[-1]) for x in lines if " stopped after " in x]
    assert len(stopped) == 2 and lines[-1] == "usable", lines
    assert max(stopped) < 0.5 + 1.5, lines  # the signal came 0.5 s in; chunks take ~0.25 s


@posix
def test_concurrent_threads_and_a_fork_pool_under_the_workqueue_layer():
    """workqueue aborted the process (SIGABRT) when two threads launched prange kernels."""
    code = SMALL + textwrap.dedent("""
        import multiprocessing as mp, threading
        import numba
        refs = {s: (sim(s), tr(s)) for s in range(4)}
        assert numba.threading_layer() == "workqueue"
        out = {}
        def work(s):
            for _ in range(3):
                out[s] = sim(s), tr(s)
        threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for s, (a, b) in refs.items():
            assert np.array_equal(out[s][0], a) and np.array_equal(out[s][1], b), s
        with mp.get_context("fork").Pool(2) as pool:  # workqueue is fork-safe
            assert all(np.array_equal(x, refs[1][1]) for x in pool.map(tr, [1, 1]))
        print("ok")
    """)
    assert _python(code, _env(NUMBA_THREADING_LAYER="workqueue")).stdout.split() == ["ok"]


def test_a_parallel_kernel_is_its_dispatcher_behind_a_guard():
    from fastrl.tabular._rollout_kernels import _evaluate as kernel

    assert isinstance(kernel, ParallelKernel) and kernel.__name__ == "_evaluate"
    assert kernel.py_func is kernel.dispatcher.py_func and "ParallelKernel" in repr(kernel)
    assert kernel.__doc__ == kernel.py_func.__doc__


@pytest.mark.parametrize("seconds", [0.0, 1e-4, 10.0])
def test_timed_chunks_cover_every_block_once_within_bounds(monkeypatch, seconds):
    clock = itertools.count(0.0, seconds or 1.0)
    monkeypatch.setattr(time, "perf_counter", lambda: float(next(clock)))
    if not seconds:  # free chunks: as large as allowed, growing at most 4x
        monkeypatch.setattr(_chunks, "CHUNK_SECONDS", 1e9)
    chunks = list(_chunks.chunk_blocks(1000, 64, 2))
    starts = [s for s, _ in chunks]
    sizes = [n for _, n in chunks]
    assert starts == list(np.cumsum([0] + sizes[:-1])) and sum(sizes) == 1000
    assert sizes[0] == 2 and all(2 <= n <= 64 for n in sizes[:-1])
    assert all(b <= 4 * a for a, b in zip(sizes, sizes[1:], strict=False))
    if seconds == 10.0:  # slow blocks: the smallest chunks
        assert set(sizes) == {2}
    else:
        assert 64 in sizes
