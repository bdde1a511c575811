"""Drivers are cached on disk: a second process loads them, and an edited agent recompiles.

numba keys its disk cache on the driver's own file, so a driver specialised to a
user's agent must not serve stale machine code after the agent's module changes
(fastrl names each generated driver by a hash of every source it depends on).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from fastrl._jit import CACHE

AGENT = """
from dataclasses import dataclass

from fastrl.bandits import Agent


@dataclass(frozen=True)
class RoundRobin(Agent):
    shift: int = 0
    arrays = {"n": 0.0}

    @staticmethod
    def select(p, st, j, key, t):
        return (t + p.shift + OFFSET) % st.n.shape[1]

    @staticmethod
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0


OFFSET = {offset}
"""

RUN = textwrap.dedent("""
    from fastrl.bandits import BernoulliBandit, simulate
    from fastrl.bandits.simulate import _plan
    from my_agents import RoundRobin
    problem, agent = BernoulliBandit([0.1, 0.2, 0.3]), RoundRobin()
    res = simulate(problem, agent, runs=2, steps=4, record_runs=True)
    stats = _plan(problem, agent, 2, 5)[0].simulate_blocks.stats
    print(*res.actions[0], sum(stats.cache_hits.values()), sum(stats.cache_misses.values()))
""")


@pytest.mark.skipif(not CACHE, reason="FASTRL_NUMBA_CACHE turns the on-disk cache off")
def test_user_agent_is_cached_and_never_stale(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(tmp_path)}
    env.pop("FASTRL_CACHE_DIR", None)
    module = tmp_path / "my_agents.py"

    def run() -> list[str]:
        out = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True,
                             text=True, check=False, cwd=tmp_path)  # fmt: skip
        assert out.returncode == 0, out.stderr
        return out.stdout.split()

    module.write_text(AGENT.replace("{offset}", "0"))
    assert run() == ["0", "1", "2", "0", "0", "1"]  # empty cache: compiled once
    assert run() == ["0", "1", "2", "0", "1", "0"]  # a new process loads it
    module.write_text(AGENT.replace("{offset}", "1"))  # edit the agent's module
    assert run() == ["1", "2", "0", "1", "0", "1"]  # new behaviour: compiled again
