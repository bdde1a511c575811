"""Monte Carlo evaluation of random policies on FrozenLake 4x4 (the random-search tutorial).

Headline: environment steps per second. Full size (``--benchmark-enable``):
10,000 random deterministic policies x 100 episodes (target: under 2 s).
Baseline: the tutorial's plain loop stepping ``gymnasium.make("FrozenLake-v1")``
for a few policies; ``episodes_per_s`` of both lets the ratio be read per episode.
"""

from __future__ import annotations

import numpy as np
import pytest

from fastrl._baselines import gymnasium_evaluate_loop
from fastrl._bench import machine_info
from fastrl.tabular import evaluate, frozen_lake, random_policies, value_iteration


def _record(benchmark, episodes, steps):
    benchmark.extra_info.update(machine_info())
    benchmark.extra_info["episodes"] = episodes
    if not benchmark.disabled:
        t = benchmark.stats.stats.mean
        benchmark.extra_info["episodes_per_s"] = episodes / t
        benchmark.extra_info["steps_per_s"] = steps / t


@pytest.mark.benchmark(group="evaluate-frozenlake-4x4")
def test_evaluate_fastrl(benchmark):
    num_policies = 200 if benchmark.disabled else 10_000
    episodes = 100
    mdp = frozen_lake("4x4")
    pols = random_policies(16, 4, num_policies, seed=0)
    evaluate(mdp, pols[:10], episodes=episodes)  # warm up (compile)
    res = benchmark.pedantic(
        evaluate, args=(mdp, pols), kwargs={"episodes": episodes}, rounds=3, iterations=1
    )
    steps = float(res.mean_length.sum()) * episodes
    _record(benchmark, num_policies * episodes, steps)
    # The timed evaluation is right: the value-iteration policy succeeds about 74% of
    # the time within 100 steps (10,000 episodes: SE 0.0044), random ones far less.
    assert np.all((res.mean_length >= 1) & (res.mean_length <= mdp.max_episode_steps))
    assert np.all((res.success_rate >= 0) & (res.success_rate <= 1))
    best = evaluate(mdp, value_iteration(mdp, 0.999).policy, episodes=10_000, seed=1)
    assert 0.70 < best.success_rate[0] < 0.78, best.success_rate
    assert res.success_rate.mean() < best.success_rate[0] - 0.3


@pytest.mark.benchmark(group="evaluate-frozenlake-4x4")
def test_evaluategymnasium_evaluate_loop(benchmark):
    num_policies = 2 if benchmark.disabled else 20
    episodes = 100
    pols = random_policies(16, 4, num_policies, seed=0)
    steps = benchmark.pedantic(
        gymnasium_evaluate_loop, args=(pols, episodes), rounds=1, iterations=1
    )
    _record(benchmark, num_policies * episodes, steps)
    # Every episode takes 1 to 100 steps.
    assert num_policies * episodes <= steps <= num_policies * episodes * 100
