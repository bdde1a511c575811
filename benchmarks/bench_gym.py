"""Gymnasium vector stepping: ``make_vec("fastrl/FrozenLake-v1", num_envs=4096)``.

Headline: env-steps per second (``num_envs`` per ``step`` call, autoreset
steps included, as for the baseline) with random actions drawn in numpy
beforehand (a cycle of 16 arrays, so the environment is measured, not the
action sampler). Target: at least 20 million/s and at least 200x the
baseline. Baseline in the same group: Gymnasium's ``SyncVectorEnv`` of
``FrozenLake-v1`` at the same ``num_envs`` (a few steps). The fastrl test also
measures that baseline itself to record the ratio, and reports
``gymnasium.utils.performance.benchmark_vector_step`` (which counts only
non-autoreset steps and samples actions with the action space each step).
"""

from __future__ import annotations

import time

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.performance import benchmark_vector_step

import fastrl.gym  # noqa: F401  (registers the ids)
from fastrl._bench import machine_info

GROUP = "gym-frozenlake-4x4-vector"


def _sizes(benchmark):
    """(num_envs, fastrl steps, baseline steps) for the full or the smoke run."""
    return (256, 10, 2) if benchmark.disabled else (4096, 500, 10)


def _actions(num_envs):
    gen = np.random.default_rng(0)
    return [gen.integers(0, 4, size=num_envs) for _ in range(16)]


def _run(env, actions, steps):
    for i in range(steps):
        out = env.step(actions[i % 16])
    return out


def _check_step(env, out):
    # A step of either vector env: observations are states of the 4x4 map, rewards
    # 0/1, and the flags booleans, one per sub-environment.
    obs, rewards, terminations, truncations, _ = out
    n = env.num_envs
    assert obs.shape == rewards.shape == terminations.shape == truncations.shape == (n,)
    assert np.all((obs >= 0) & (obs < 16)) and set(np.unique(rewards)) <= {0.0, 1.0}
    assert terminations.dtype == truncations.dtype == np.bool_


def _record(benchmark, num_envs, steps):
    benchmark.extra_info.update(machine_info())
    benchmark.extra_info["num_envs"] = num_envs
    if not benchmark.disabled:
        benchmark.extra_info["steps_per_s"] = num_envs * steps / benchmark.stats.stats.mean


def _steps_per_s(env, actions, steps) -> float:
    start = time.perf_counter()
    _run(env, actions, steps)
    return env.num_envs * steps / (time.perf_counter() - start)


@pytest.mark.benchmark(group=GROUP)
def test_gym_fastrl_make_vec(benchmark):
    num_envs, steps, base_steps = _sizes(benchmark)
    env = gym.make_vec("fastrl/FrozenLake-v1", num_envs=num_envs)
    actions = _actions(num_envs)
    env.reset(seed=0)
    _run(env, actions, 2)  # warm up (compile or load the cache)
    out = benchmark.pedantic(_run, args=(env, actions, steps), rounds=5, iterations=1)
    _record(benchmark, num_envs, steps)
    _check_step(env, out)
    sync = gym.make_vec("FrozenLake-v1", num_envs=num_envs, vectorization_mode="sync")
    sync.reset(seed=0)
    baseline = _steps_per_s(sync, actions, base_steps)
    benchmark.extra_info["baseline_sync_steps_per_s"] = baseline
    duration = 0.2 if benchmark.disabled else 3
    util = benchmark_vector_step(env, target_duration=duration, seed=0)
    benchmark.extra_info["benchmark_vector_step"] = util
    assert util > 0
    if not benchmark.disabled:
        benchmark.extra_info["ratio_vs_sync"] = benchmark.extra_info["steps_per_s"] / baseline


@pytest.mark.benchmark(group=GROUP)
def test_gym_gymnasium_sync_vector_env(benchmark):
    num_envs, _, base_steps = _sizes(benchmark)
    env = gym.make_vec("FrozenLake-v1", num_envs=num_envs, vectorization_mode="sync")
    actions = _actions(num_envs)
    env.reset(seed=0)
    out = benchmark.pedantic(_run, args=(env, actions, base_steps), rounds=2, iterations=1)
    _record(benchmark, num_envs, base_steps)
    _check_step(env, out)
