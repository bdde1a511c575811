"""Batched value iteration on random 8x8 FrozenLake maps vs vectorized dense numpy.

Headline: maps solved per second (``steps_per_s`` records Bellman state
backups per second). Full size (``--benchmark-enable``): 10,000 maps, gamma
0.99, tol 1e-8; the dense-numpy baseline runs on a 500-map slice (10,000 dense
``(S, A, S)`` tables would need 1.3 GB) and is compared per map.
"""

from __future__ import annotations

import numpy as np
import pytest

from fastrl._baselines import dense_numpy_value_iteration
from fastrl._bench import machine_info
from fastrl.tabular import frozen_lake, random_map, stack, value_iteration

GAMMA = 0.99
TOL = 1e-8


def _maps(n):
    return [frozen_lake(desc=random_map(8, 0.8, seed)) for seed in range(n)]


def _record(benchmark, maps, sweeps_states):
    t = benchmark.stats.stats.mean if not benchmark.disabled else None
    benchmark.extra_info["maps"] = maps
    benchmark.extra_info.update(machine_info())
    if t:
        benchmark.extra_info["maps_per_s"] = maps / t
        benchmark.extra_info["steps_per_s"] = sweeps_states / t


@pytest.mark.benchmark(group="planning-vi-8x8")
def test_value_iteration_fastrl(benchmark):
    n = 50 if benchmark.disabled else 10_000
    s = stack(_maps(n))
    res = value_iteration(s, GAMMA, tol=TOL)  # warm up (compile)
    assert res.converged.all()
    res = benchmark.pedantic(
        value_iteration, args=(s, GAMMA), kwargs={"tol": TOL}, rounds=3, iterations=1
    )
    _record(benchmark, n, float(res.iterations.sum()) * s.num_states)


@pytest.mark.benchmark(group="planning-vi-8x8")
def test_value_iteration_dense_numpy(benchmark):
    n = 20 if benchmark.disabled else 500
    mdps = _maps(n)
    v, it = benchmark.pedantic(
        dense_numpy_value_iteration, args=(mdps, GAMMA, TOL), rounds=1, iterations=1
    )
    np.testing.assert_allclose(v, value_iteration(stack(mdps), GAMMA, tol=TOL).values, atol=1e-5)
    _record(benchmark, n, float(it) * n * mdps[0].num_states)
