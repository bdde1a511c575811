"""Sweep throughput: figure 2.6 in one call, and a sweep on a 2-worker Dask LocalCluster.

Headline: agent-steps per second. Groups (each with its baseline, in one run):

* ``sweep-fig26``: Sutton & Barto's figure 2.6 study (25 points x 2000 runs x
  1000 steps) in one ``sweep`` call against 25 ``simulate`` calls. Target: < 2 s.
* ``sweep-cluster``: an 8-point sweep of 100,000 runs x 1000 steps each on a
  2-worker ``LocalCluster`` against the same sweep on local numba threads.
  Target: >= 0.9x. ``fastrl bench --group sweep-cluster --scale 25`` is the
  issue's 2e10 agent-steps.
* ``sweep-chunk-overhead``: 800 chunks of one block x 1 step (no work) on the
  cluster and in this process: chunks per second is what the sweep machinery
  costs per chunk (a real chunk is 8192 runs x the steps).

With ``--benchmark-disable`` (the default) each runs once at a small scale.
"""

from __future__ import annotations

import pytest

from fastrl._bench import GROUPS, machine_info

SWEEP_GROUPS = [g for g in GROUPS if g.name.startswith("sweep-")]


@pytest.mark.parametrize("group", SWEEP_GROUPS, ids=[g.name for g in SWEEP_GROUPS])
@pytest.mark.parametrize("side", ["fastrl", "baseline"])
def test_sweep_throughput(benchmark, group, side):
    if group.name == "sweep-cluster":
        pytest.importorskip("distributed")
    benchmark.group = group.name
    scale = 0.001 if benchmark.disabled else 1.0
    work, call = (group.fastrl if side == "fastrl" else group.baseline)(scale)
    call()  # compile (or load from the cache) first
    benchmark.pedantic(call, rounds=1 if benchmark.disabled else 3, iterations=1)
    benchmark.extra_info.update(machine_info())
    benchmark.extra_info["work"] = work
    if not benchmark.disabled:
        benchmark.extra_info["steps_per_s"] = work / benchmark.stats.stats.min
