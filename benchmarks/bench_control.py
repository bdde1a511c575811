"""Classic control: fused CartPole rollouts and the Gymnasium face, against Gymnasium, one run.

Headline: environment steps per second. Fused: ``evaluate_linear`` on 4096
random-search candidates x 10 episodes (one parallel kernel: rollouts, policy
and returns). Baseline in the same group: Gymnasium's numpy
``CartPoleVectorEnv`` at 65,536 envs (its best batch size) with one linear
policy per env, actions computed in numpy. Python API: ``make_vec
("fastrl/CartPole-v1", num_envs=4096)`` stepped with numpy actions against
``CartPoleVectorEnv`` at the same size. The other classic-control tasks:
``make_vec`` with 4096 envs against Gymnasium's own env stepped from Python
(target: 20x). Workloads are ``fastrl._bench``'s.
"""

from __future__ import annotations

import pytest

from fastrl._bench import (
    CLASSIC_IDS,
    cartpole_fastrl,
    cartpole_gymnasium,
    classic_fastrl,
    classic_gymnasium,
    gym_cartpole_fastrl,
    gym_cartpole_gymnasium,
    machine_info,
)


def _bench(benchmark, make, group_scale):
    scale = 0.02 if benchmark.disabled else group_scale
    work, call = make(scale)
    out = call()  # warm up (compile or load the cache)
    benchmark.pedantic(call, rounds=3, iterations=1)
    benchmark.extra_info.update(machine_info())
    work = int(out) if work is None else work
    if not benchmark.disabled:
        benchmark.extra_info["steps_per_s"] = work / benchmark.stats.stats.mean


@pytest.mark.benchmark(group="control-cartpole")
def test_cartpole_fused_rollouts(benchmark):
    _bench(benchmark, cartpole_fastrl, 1.0)


@pytest.mark.benchmark(group="control-cartpole")
def test_cartpole_gymnasium_vector_env(benchmark):
    _bench(benchmark, cartpole_gymnasium, 1.0)


@pytest.mark.benchmark(group="gym-cartpole")
def test_cartpole_make_vec(benchmark):
    _bench(benchmark, gym_cartpole_fastrl, 1.0)


@pytest.mark.benchmark(group="gym-cartpole")
def test_cartpole_gymnasium_same_size(benchmark):
    _bench(benchmark, gym_cartpole_gymnasium, 1.0)


@pytest.mark.parametrize("env_id", CLASSIC_IDS)
def test_classic_make_vec(benchmark, env_id):
    benchmark.group = f"gym-{env_id}"
    _bench(benchmark, classic_fastrl(env_id), 1.0)


@pytest.mark.parametrize("env_id", CLASSIC_IDS)
def test_classic_gymnasium_from_python(benchmark, env_id):
    benchmark.group = f"gym-{env_id}"
    _bench(benchmark, classic_gymnasium(env_id), 1.0)
