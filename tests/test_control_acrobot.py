"""Acrobot-v1 dynamics (RK4): fastrl's trajectories equal Gymnasium's; parameters are validated.

Gymnasium's ``AcrobotEnv`` (pure Python RK4, ~50 us a step) is driven from
fastrl's initial states with the same actions over 1000 episodes: 900 short
ones (truncated at 12 steps) and 100 driven to the goal by an energy-pumping
rule with noise (torque along the second joint's velocity), so both episode
ends are compared. Tolerance 1e-12: Gymnasium takes numpy's ``cos``/``sin``,
whose last bit may differ from libm's. The double pendulum is chaotic, so over
the hundred-odd steps to the goal those last-bit differences grow (measured:
up to 5e-12 after 100 steps, 3e-9 after 490); the long episodes (truncated at
200 steps) are compared to 1e-9, their ends exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.envs.classic_control.acrobot import AcrobotEnv as GymAcrobot

from fastrl.control import Acrobot
from fastrl.gym import AcrobotVectorEnv


def _gym_episodes(init, physics, seed, eps, limit):
    gen = np.random.default_rng(seed)
    env = GymAcrobot()
    out = []
    for j in range(init.shape[0]):
        for name, value in physics.items():
            setattr(
                env, name.upper() if name != "dt" else name, value[j] if np.ndim(value) else value
            )
        env.state = init[j].copy()
        actions, states, terms, observations, rewards = [], [], [], [], []
        explore = (gen.random(limit) < eps).tolist()
        noise = gen.integers(3, size=limit).tolist()
        for t in range(limit):
            a = noise[t] if explore[t] else (2 if env.state[3] > 0 else 0)
            obs, rew, term, _, _ = env.step(a)
            actions.append(a)
            states.append(env.state.copy())
            terms.append(term)
            observations.append(obs)
            rewards.append(rew)
            if term:
                break
        truncs = [False] * len(terms)
        truncs[-1] = len(terms) == limit
        out.append(tuple(map(np.array, (actions, states, terms, truncs, observations, rewards))))
    return out


def _compare(num_envs, physics, seed, eps, limit, atol=1e-12):
    env = AcrobotVectorEnv(num_envs, max_episode_steps=limit, **physics)
    obs, _ = env.reset(seed=seed)
    init = env.state
    assert np.all(np.abs(init) <= 0.1) and np.array_equal(init, init.astype(np.float32))
    episodes = _gym_episodes(init, physics, seed, eps, limit)
    longest = max(len(e[0]) for e in episodes)
    actions = np.ones((longest, num_envs), dtype=np.int64)
    for j, e in enumerate(episodes):
        actions[: len(e[0]), j] = e[0]
    states = np.empty((longest, num_envs, 4))
    observations = np.empty((longest, num_envs, 6), dtype=np.float32)
    rewards = np.empty((longest, num_envs))
    terms = np.empty((longest, num_envs), dtype=bool)
    truncs = np.empty((longest, num_envs), dtype=bool)
    for t in range(longest):
        observations[t], rewards[t], terms[t], truncs[t], _ = env.step(actions[t])
        states[t] = env.state
    for j, (a, s, term, trunc, o, r) in enumerate(episodes):
        n = len(a)
        np.testing.assert_allclose(states[:n, j], s, rtol=0, atol=atol)
        np.testing.assert_allclose(observations[:n, j], o, rtol=0, atol=1e-6)
        np.testing.assert_array_equal(rewards[:n, j], r)
        np.testing.assert_array_equal(terms[:n, j], term)
        np.testing.assert_array_equal(truncs[:n, j], trunc)
    return episodes


def test_short_episodes_match_gymnasium():
    episodes = _compare(900, {}, seed=0, eps=1.0, limit=12)
    assert all(e[3][-1] for e in episodes)


def test_episodes_to_the_goal_match_gymnasium():
    episodes = _compare(100, {}, seed=1, eps=0.1, limit=200, atol=1e-9)
    assert np.mean([e[2][-1] for e in episodes]) > 0.8


def test_per_run_parameters_match_gymnasium():
    gen = np.random.default_rng(2)
    n = 50
    physics = dict(
        link_length_1=gen.uniform(0.5, 1.5, n),
        link_mass_1=gen.uniform(0.5, 1.5, n),
        link_mass_2=gen.uniform(0.5, 1.5, n),
        link_com_pos_2=gen.uniform(0.2, 0.8, n),
        link_moi=gen.uniform(0.5, 1.5, n),
        dt=0.1,
    )
    _compare(n, physics, seed=2, eps=0.2, limit=20)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("link_mass_1", -1.0),
        ("link_length_2", 0.0),
        ("dt", 0.0),
        ("link_com_pos_1", -0.5),
        ("max_vel_2", [1.0, 0.0]),
    ],  # fmt: skip
)
def test_bad_parameters_name_themselves(name, value):
    with pytest.raises(ValueError, match=name):
        Acrobot(**{name: value})
