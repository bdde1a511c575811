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

Tile coding (group ``control-tile-sarsa``): ``tile_sarsa`` (Sutton & Barto
figure 10.2, alpha = 0.5/8) on 100 runs x 100 episodes, against the tutorials'
loop, the same algorithm in plain Python (a dictionary of tiles, ``tiles3``
style) stepping Gymnasium's ``MountainCarEnv``; both report env-steps/s.
"""

from __future__ import annotations

import math

import numpy as np
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


def _tile_sarsa_fastrl(scale):
    from fastrl.control import tile_sarsa

    runs = max(int(100 * scale), 4)
    return None, lambda: tile_sarsa(runs=runs, episodes=100, alpha=0.5).env_steps


def _tile_sarsa_python(scale):
    """The tutorials' loop: book Sarsa, dict of tiles, Gymnasium's env stepped per action."""
    from gymnasium.envs.classic_control.mountain_car import MountainCarEnv

    episodes = max(int(5 * scale), 1)
    env = MountainCarEnv()
    scale_p, scale_v = 64 / 1.7, 64 / 0.14

    def features(obs, a, table):
        qp = math.floor((obs[0] + 1.2) * scale_p)
        qv = math.floor((obs[1] + 0.07) * scale_v)
        return [table.setdefault((k, (qp + k) // 8, (qv + 3 * k) // 8, a), len(table))
                for k in range(8)]  # fmt: skip

    def call():
        gen = np.random.default_rng(0)
        w = np.zeros(4096)
        table = {}
        steps = 0

        def act(obs):
            q = [w[features(obs, a, table)].sum() for a in range(3)]
            best = max(q)
            return int(gen.choice([a for a in range(3) if q[a] == best]))

        for _ in range(episodes):
            obs, _ = env.reset(seed=int(gen.integers(1 << 31)))
            a = act(obs)
            while True:
                nxt, r, term, _, _ = env.step(a)
                steps += 1
                x = features(obs, a, table)
                if term:
                    w[x] += 0.5 / 8 * (r - w[x].sum())
                    break
                a2 = act(nxt)
                w[x] += 0.5 / 8 * (r + w[features(nxt, a2, table)].sum() - w[x].sum())
                obs, a = nxt, a2
        return steps

    return None, call


@pytest.mark.benchmark(group="control-tile-sarsa")
def test_tile_sarsa_fused(benchmark):
    _bench(benchmark, _tile_sarsa_fastrl, 1.0)


@pytest.mark.benchmark(group="control-tile-sarsa")
def test_tile_sarsa_python_loop(benchmark):
    _bench(benchmark, _tile_sarsa_python, 1.0)
