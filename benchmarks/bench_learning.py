"""Tabular Q-learning throughput: fastrl's batched kernel vs Gymnasium stepped from Python.

Headline: environment steps per second of ``fastrl.tabular.train`` on FrozenLake
4x4 (slippery), Q-learning with epsilon 0.1, 10,000 runs, learning and
per-episode statistics included (greedy-policy evaluation too). Baseline, same
group: Gymnasium's ``FrozenLake-v1`` with the same tabular Q-learning in a plain
Python loop. Group ``learn-mc``: first-visit Monte Carlo control on Blackjack
(episodes per second, 64 runs x 300,000 episodes) against the tutorial's
Python loop on Gymnasium's ``Blackjack-v1``. With ``--benchmark-disable`` (the
default) both run once at small sizes as smoke tests.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from fastrl._baselines import gymnasium_mc_blackjack, gymnasium_q_learning
from fastrl._bench import machine_info
from fastrl.tabular import MCControl, QLearning, blackjack, frozen_lake, train

GROUP = "tabular-learning"
AGENT = QLearning(alpha=0.1, gamma=0.99, epsilon=0.1)


def _fastrl(runs: int, episodes: int) -> tuple[float, int]:
    start = time.perf_counter()
    res = train(frozen_lake(), AGENT, runs=runs, episodes=episodes, seed=0)
    elapsed = time.perf_counter() - start
    # The timed job is right: its step count is the sum of its episode lengths,
    # returns are 0/1 on FrozenLake, and every episode takes 1 to 100 steps.
    np.testing.assert_allclose(res.episode_length.sum() * runs, res.total_steps, rtol=1e-9)
    assert np.all((res.episode_return >= 0) & (res.episode_return <= 1))
    assert np.all((res.episode_length >= 1) & (res.episode_length <= 100))
    return elapsed, res.total_steps


@pytest.mark.benchmark(group=GROUP)
def test_fastrl_q_learning_frozen_lake(benchmark):
    runs, episodes = (10_000, 200) if not benchmark.disabled else (256, 20)
    _fastrl(64, 5)  # compile or load from the cache first
    best = []

    def run():
        elapsed, steps = _fastrl(runs, episodes)
        best.append(steps / elapsed)
        return steps

    if benchmark.disabled:
        steps = benchmark(run)
    else:
        steps = benchmark.pedantic(run, rounds=3, iterations=1)
    steps_per_s = max(best)
    baseline = gymnasium_q_learning(2_000 if not benchmark.disabled else 200)
    benchmark.extra_info.update(
        steps_per_s=steps_per_s,
        env_steps=steps,
        runs=runs,
        episodes=episodes,
        **machine_info(),
        gymnasium_steps_per_s=baseline,
        speedup_vs_gymnasium=steps_per_s / baseline,
    )
    assert steps > 0


@pytest.mark.benchmark(group=GROUP)
def test_gymnasium_q_learning_frozen_lake(benchmark):
    num_steps = 5_000 if not benchmark.disabled else 200
    rates = []

    def run():
        rates.append(gymnasium_q_learning(num_steps))

    if benchmark.disabled:
        benchmark(run)
    else:
        benchmark.pedantic(run, rounds=3, iterations=1)
    benchmark.extra_info.update(steps_per_s=max(rates), env_steps=num_steps, threads=1)
    assert all(0 < r < 1e8 for r in rates)  # finite, and not a loop that did nothing


MC_GROUP = "learn-mc"
MC_AGENT = MCControl(gamma=1.0, epsilon=0.1)


def _fastrl_mc(runs: int, episodes: int) -> tuple[float, int]:
    start = time.perf_counter()
    res = train(blackjack(), MC_AGENT, runs=runs, episodes=episodes, seed=0)
    elapsed = time.perf_counter() - start
    # a game pays -1, 0 or +1 and lasts 1 to 20 steps
    assert np.all((res.episode_return >= -1) & (res.episode_return <= 1))
    assert np.all((res.episode_length >= 1) & (res.episode_length <= 20))
    return elapsed, runs * episodes


@pytest.mark.benchmark(group=MC_GROUP)
def test_fastrl_mc_control_blackjack(benchmark):
    runs, episodes = (64, 300_000) if not benchmark.disabled else (64, 2_000)
    _fastrl_mc(64, 5)  # compile or load from the cache first
    best = []

    def run():
        elapsed, n = _fastrl_mc(runs, episodes)
        best.append(n / elapsed)
        return n

    if benchmark.disabled:
        n = benchmark(run)
    else:
        n = benchmark.pedantic(run, rounds=3, iterations=1)
    baseline = gymnasium_mc_blackjack(20_000 if not benchmark.disabled else 200)
    benchmark.extra_info.update(
        episodes_per_s=max(best),
        episodes=n,
        runs=runs,
        **machine_info(),
        gymnasium_episodes_per_s=baseline,
        speedup_vs_gymnasium=max(best) / baseline,
    )
    assert n > 0


@pytest.mark.benchmark(group=MC_GROUP)
def test_gymnasium_mc_control_blackjack(benchmark):
    episodes = 20_000 if not benchmark.disabled else 200
    rates = []

    def run():
        rates.append(gymnasium_mc_blackjack(episodes))

    if benchmark.disabled:
        benchmark(run)
    else:
        benchmark.pedantic(run, rounds=3, iterations=1)
    benchmark.extra_info.update(episodes_per_s=max(rates), episodes=episodes, threads=1)
    assert all(0 < r < 1e8 for r in rates)


# ---- multi-step and trace learners (fastrl._bench_learners): one group per learner ----
from fastrl._bench import GROUPS  # noqa: E402
from fastrl._bench_learners import NAMES, TARGET  # noqa: E402

LEARN_GROUPS = [g for g in GROUPS if g.name in NAMES]


@pytest.mark.parametrize("group", LEARN_GROUPS, ids=[g.name for g in LEARN_GROUPS])
@pytest.mark.parametrize("side", ["fastrl", "baseline"])
def test_multistep_learner_throughput(benchmark, group, side):
    """Env-steps/s of n-step / trace learners on FrozenLake 4x4, 10,000 runs x 200 episodes.

    The baseline side is the group's plain-Python loop of the same algorithm
    (:mod:`fastrl._baselines`, :mod:`fastrl._baselines_backups`).
    Smoke-sized (64 runs) with ``--benchmark-disable``.
    """
    benchmark.group = group.name
    scale = 0.0064 if benchmark.disabled else 1.0
    _, call = (group.fastrl if side == "fastrl" else group.baseline)(scale)
    call()  # compile, or load from the cache
    rates = []

    def run():
        start = time.perf_counter()
        steps = call()
        rates.append(steps / (time.perf_counter() - start))
        return steps

    rounds = 1 if benchmark.disabled or side == "baseline" else 3
    steps = benchmark.pedantic(run, rounds=rounds, iterations=1)
    benchmark.extra_info.update(
        steps_per_s=max(rates), env_steps=steps, target_steps_per_s=TARGET, **machine_info()
    )
    # every episode takes 1 to 100 steps: 200 episodes per run (fastrl), or a finished loop
    assert steps > 0 and all(0 < r < 1e10 for r in rates)
