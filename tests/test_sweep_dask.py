"""fastrl.sweep on a 2-worker Dask LocalCluster: same bits as in-process, faults, resume.

One module-scoped cluster (processes, one thread each, dashboard off). The
parent compiles the kernels first, so the workers load them from numba's disk
cache instead of compiling.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from fastrl.bandits import UCB, EpsilonGreedy, GaussianBandit, simulate
from fastrl.sweep import SweepError, _exec, _tasks, sweep
from fastrl.tabular import QLearning, frozen_lake, train

distributed = pytest.importorskip("distributed")

from test_sweep import (  # noqa: E402
    BANDIT_GRID,
    BANDIT_KW,
    TESTBED,
    assert_bandit_equal,
    assert_train_equal,
)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_cluster_equals_local_bit_for_bit(client):
    local = sweep(BANDIT_GRID, TESTBED, **BANDIT_KW)
    remote = sweep(BANDIT_GRID, TESTBED, client=client, **BANDIT_KW)
    assert remote.chunks_computed == 24
    for a, b in zip(local.results, remote.results, strict=True):
        assert_bandit_equal(a, b)


def test_one_huge_simulate_or_train_call_on_the_cluster(client):
    kw = dict(runs=150, steps=40, seed=2)  # chunking never changes the bits
    want = simulate(TESTBED, UCB(2.0), **kw)
    assert_bandit_equal(simulate(TESTBED, UCB(2.0), client=client, **kw), want)
    agent = QLearning(alpha=0.5, epsilon=0.2)
    want = train(frozen_lake(), agent, runs=70, episodes=15)
    got = train(frozen_lake(), agent, runs=70, episodes=15, client=client)
    assert np.array_equal(got.q, want.q)  # each chunk sends its runs' Q tables back
    assert_train_equal(got, want)
    with pytest.raises(ValueError, match="record_runs"):
        simulate(TESTBED, UCB(2.0), runs=4, steps=2, record_runs=True, client=client)


def test_tabular_on_cluster_by_address(client):
    grid = {"q": (QLearning, {"alpha": [0.1, 0.5], "epsilon": 0.2})}
    kw = dict(runs=70, episodes=15, _chunk_blocks=1)
    local = sweep(grid, frozen_lake(), **kw)
    remote = sweep(grid, frozen_lake(), client=client.scheduler.address, **kw)
    for a, b in zip(local.results, remote.results, strict=True):
        assert_train_equal(a, b)


def test_cluster_by_scheduler_file(client, tmp_path):
    """A scheduler file (what ``dask scheduler --scheduler-file`` and dask-jobqueue write)."""
    path = tmp_path / "scheduler.json"
    # What a scheduler writes, less its identity (Client.write_scheduler_file fails to
    # encode the identity once a worker has restarted: it holds tuple keys)
    path.write_text(json.dumps({"type": "Scheduler", "address": client.scheduler.address}))
    local = sweep(BANDIT_GRID, TESTBED, **BANDIT_KW)
    remote = sweep(BANDIT_GRID, TESTBED, client=str(path), **BANDIT_KW)
    assert remote.chunks_computed == 24
    for a, b in zip(local.results, remote.results, strict=True):
        assert_bandit_equal(a, b)
    with pytest.raises(ValueError, match="neither a scheduler file"):
        sweep(BANDIT_GRID, TESTBED, client=str(tmp_path / "missing.json"), **BANDIT_KW)


_USER_SCRIPT = """
import sys
from dataclasses import dataclass
import numpy as np
from fastrl.bandits import Agent, GaussianBandit
from fastrl.policies import epsilon_greedy
from fastrl.sweep import sweep

@dataclass(frozen=True)
class MyEpsilonGreedy(Agent):  # in __main__: Dask ships it to the workers by value
    epsilon: float = 0.1
    arrays = {"q": 0.0, "n": 0.0}

    @staticmethod
    def select(p, st, j, key, t):
        return epsilon_greedy(st.q, j, p.epsilon, key, t)

    @staticmethod
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0
        st.q[j, a] += (r - st.q[j, a]) / st.n[j, a]

# one chunk (one block of runs): one worker compiles the agent's driver
res = sweep({"mine": MyEpsilonGreedy(0.2)}, GaussianBandit.testbed(), runs=64, steps=40, seed=1,
            client=sys.argv[1])
np.save(sys.argv[2], res.results[0].mean_reward)
"""


def test_user_agent_from_a_script_runs_on_the_cluster(client, tmp_path):
    """A script's agent reaches the workers by value (cloudpickle), with no source file.

    numba cannot cache such functions, so the driver compiles once per worker
    (here one: the sweep is one chunk); the bits are the built-in
    epsilon-greedy's, which the agent copies.
    """
    out = tmp_path / "curves.npy"
    subprocess.run(
        [sys.executable, "-c", _USER_SCRIPT, client.scheduler.address, str(out)],
        check=True, timeout=300,
    )  # fmt: skip
    want = simulate(TESTBED, EpsilonGreedy(0.2), runs=64, steps=40, seed=1)
    assert np.array_equal(np.load(out), want.mean_reward)


def threads_in_task(task):
    import numba

    _tasks._set_threads(task)
    return numba.get_num_threads()


def test_each_task_shares_its_hosts_cores(client):
    import numba

    task = _tasks.ChunkTask("bandit", 0, 0, "x", TESTBED, UCB(2.0), 0, 8, 0, 8, 3)
    task = dataclasses.replace(task, host_threads=_exec._host_threads(client))
    assert task.host_threads == (("127.0.0.1", 2),)
    want = max(1, min(_tasks._cores() // 2, numba.config.NUMBA_NUM_THREADS))
    assert client.submit(threads_in_task, task, pure=False).result() == want


def test_poison_task_raises_naming_the_point(client):
    good = _tasks.ChunkTask("bandit", 0, 0, "eps ok", TESTBED, EpsilonGreedy(0.1), 0, 8, 0, 8, 3)
    bad = _tasks.ChunkTask("bandit", 1, 0, "eps epsilon=0.5 seed=7", TESTBED, None, 7, 8, 0, 8, 3)
    merger = _tasks.Merger([None, None], "bandit", 8, 3, 1)
    start = time.perf_counter()
    with pytest.raises(SweepError, match=r"grid point eps epsilon=0\.5 seed=7.*1 retries"):
        _exec.run_tasks([good, bad], merger, client=client, retries=1)
    assert time.perf_counter() - start < 30


def _marker() -> Path:
    # A worker is a child of the test process (its nanny lives there).
    return Path(tempfile.gettempdir()) / f"fastrl-sweep-kill-{os.getppid()}"


def kill_once(task):
    """Run the chunk, except the first time chunk 1 runs: SIGKILL this worker instead."""
    marker = _marker()
    if task.chunk == 1 and not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return _tasks.run_chunk(task)


def test_worker_killed_mid_sweep_completes(client, monkeypatch):
    marker = Path(tempfile.gettempdir()) / f"fastrl-sweep-kill-{os.getpid()}"
    marker.unlink(missing_ok=True)
    monkeypatch.setattr(_tasks, "run_chunk", kill_once)  # shipped by name to the workers
    try:
        res = sweep({"eps": EpsilonGreedy(0.1)}, TESTBED, runs=150, steps=40, client=client,
                    retries=2, _chunk_blocks=1)  # fmt: skip
        assert marker.exists()  # a worker did die
    finally:
        marker.unlink(missing_ok=True)
    want = simulate(TESTBED, EpsilonGreedy(0.1), runs=150, steps=40)
    assert_bandit_equal(res.results[0], want)
    client.wait_for_workers(2, timeout=60)


_CHILD = """
import sys
from fastrl.bandits import EpsilonGreedy, GaussianBandit
from fastrl.sweep import sweep
sweep({"eps": EpsilonGreedy(0.1)}, GaussianBandit.testbed(), runs=64 * 40, steps=20000,
      checkpoint=sys.argv[1], _chunk_blocks=1)
"""


def test_client_killed_then_resume(tmp_path, monkeypatch):
    ckpt = tmp_path / "ckpt"
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(ckpt)])
    try:
        deadline = time.monotonic() + 120
        while len(list(ckpt.glob("p*.npz"))) < 4 and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    done = len(list(ckpt.glob("p*.npz")))
    assert 4 <= done < 40, "the child finished before it was killed"
    calls = []
    real = _tasks.run_chunk
    monkeypatch.setattr(_tasks, "run_chunk", lambda t: calls.append(t.chunk) or real(t))
    res = sweep({"eps": EpsilonGreedy(0.1)}, GaussianBandit.testbed(), runs=64 * 40,
                steps=20000, checkpoint=ckpt, _chunk_blocks=1)  # fmt: skip
    assert len(calls) == res.chunks_computed == 40 - done
    want = simulate(GaussianBandit.testbed(), EpsilonGreedy(0.1), runs=64 * 40, steps=20000)
    assert_bandit_equal(res.results[0], want)


def test_bad_client_is_refused():
    with pytest.raises(TypeError, match="client"):
        sweep({"ucb": UCB(2.0)}, TESTBED, runs=4, steps=2, client=3.5)
    assert np.isfinite(simulate(TESTBED, UCB(2.0), runs=4, steps=2).average_reward)
