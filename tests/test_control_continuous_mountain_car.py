"""MountainCarContinuous-v0: fastrl's trajectories equal Gymnasium's bit for bit.

Gymnasium keeps this state in float32 after every step and mixes float32 and
float64 arithmetic; the kernel rounds where Gymnasium rounds, so states,
rewards and episode ends are compared exactly. 1200 episodes from fastrl's
initial states: 1000 pumping energy with noise (forces up to 1.4 and random
ones in [-1.5, 1.5], both clipped) that reach the flag, hit the left wall and
the speed limit, and 200 with random forces truncated at 40 steps.
"""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.envs.classic_control.continuous_mountain_car import (
    Continuous_MountainCarEnv as GymContinuousMountainCar,
)

from fastrl.control import ContinuousMountainCar
from fastrl.gym import ContinuousMountainCarVectorEnv


def _gym_episodes(init, seed, pump, limit):
    gen = np.random.default_rng(seed)
    env = GymContinuousMountainCar()
    out = []
    for j in range(init.shape[0]):
        env.state = init[j].copy()
        noise = gen.uniform(-1.5, 1.5, size=limit).astype(np.float32).tolist()
        scale = gen.uniform(0.5, 1.4, size=limit).astype(np.float32).tolist()
        explore = (gen.random(limit) < (1.0 if not pump[j] else 0.2)).tolist()
        actions, states, rewards, terms = [], [], [], []
        for t in range(limit):
            if explore[t]:
                a = noise[t]
            else:
                a = scale[t] if env.state[1] >= 0 else -scale[t]
            action = np.array([a], dtype=np.float32)
            obs, rew, term, _, _ = env.step(action)
            actions.append(a)
            states.append(env.state.tolist())
            rewards.append(rew)
            terms.append(term)
            if term:
                break
        truncs = [False] * len(terms)
        truncs[-1] = len(terms) == limit
        out.append(tuple(map(np.array, (actions, states, rewards, terms, truncs))))
    return out


def _compare(num_envs, seed, pump, limit):
    env = ContinuousMountainCarVectorEnv(num_envs, max_episode_steps=limit)
    env.reset(seed=seed)
    init = env.state
    episodes = _gym_episodes(init, seed, pump, limit)
    longest = max(len(e[0]) for e in episodes)
    actions = np.zeros((longest, num_envs, 1), dtype=np.float32)
    for j, e in enumerate(episodes):
        actions[: len(e[0]), j, 0] = e[0]
    states = np.empty((longest, num_envs, 2))
    rewards = np.empty((longest, num_envs))
    terms = np.empty((longest, num_envs), dtype=bool)
    truncs = np.empty((longest, num_envs), dtype=bool)
    for t in range(longest):
        obs, rewards[t], terms[t], truncs[t], _ = env.step(actions[t])
        states[t] = env.state
        np.testing.assert_array_equal(obs, states[t].astype(np.float32))
    for j, (a, s, r, term, trunc) in enumerate(episodes):
        n = len(a)
        np.testing.assert_array_equal(states[:n, j], s)
        np.testing.assert_array_equal(rewards[:n, j], r)
        np.testing.assert_array_equal(terms[:n, j], term)
        np.testing.assert_array_equal(truncs[:n, j], trunc)
    return episodes


def test_trajectories_equal_gymnasium_over_1000_episodes():
    episodes = _compare(1000, seed=0, pump=np.ones(1000, dtype=bool), limit=300)
    ends = np.array([bool(e[3][-1]) for e in episodes])
    assert ends.mean() > 0.9
    states = np.concatenate([e[1] for e in episodes])
    assert np.any(states[:, 0] == np.float32(-1.2))  # the left wall
    assert np.any(np.abs(states[:, 1]) == np.float32(0.07))  # the speed limit


def test_random_forces_truncated():
    episodes = _compare(200, seed=1, pump=np.zeros(200, dtype=bool), limit=40)
    assert all(e[4][-1] for e in episodes)


@pytest.mark.parametrize(("name", "value"), [("power", -1.0), ("max_speed", 0.0)])
def test_bad_parameters_name_themselves(name, value):
    with pytest.raises(ValueError, match=name):
        ContinuousMountainCar(**{name: value})
