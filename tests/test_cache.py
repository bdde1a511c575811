"""The per-kind drivers are cached on disk: a second process loads, never recompiles."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fastrl._jit import CACHE

CODE = """
from fastrl.bandits import BernoulliBandit, EpsilonGreedy, simulate
from fastrl.bandits._kernels import simulate_kernel
from fastrl.bandits.agents import P_SCHED
problem, agent = BernoulliBandit([0.7, 0.3]), EpsilonGreedy(0.1, alpha=0.1)  # two-arm driver
simulate(problem, agent, runs=2, steps=2)
code, params = agent._params()
kernel = simulate_kernel(int(code), int(problem._codes()[0]), bool(params[P_SCHED] != 0), True)
print(sum(kernel.stats.cache_hits.values()), sum(kernel.stats.cache_misses.values()))
"""


@pytest.mark.skipif(not CACHE, reason="FASTRL_NUMBA_CACHE turns the on-disk cache off")
def test_closure_kernel_is_loaded_from_the_disk_cache(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}

    def run() -> list[str]:
        out = subprocess.run(
            [sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=False
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.split()

    assert run() == ["0", "1"]  # empty cache: compiled once
    assert run() == ["1", "0"]  # new process: loaded, not compiled
