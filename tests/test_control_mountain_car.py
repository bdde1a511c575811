"""MountainCar-v0 dynamics: fastrl's trajectories equal Gymnasium's; parameters are validated.

Gymnasium's ``MountainCarEnv`` is driven directly from fastrl's initial
states with the same actions, over 1000 episodes: random actions (truncated
at 200 steps) and an energy-pumping policy with noise (terminating at the
flag), so both episode ends are compared. Tolerance 1e-12 (Gymnasium's
``math.cos`` is libm's, like numba's, but the bound keeps the test CPU-proof).
"""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.envs.classic_control.mountain_car import MountainCarEnv as GymMountainCar

from fastrl.control import MountainCar
from fastrl.gym import MountainCarVectorEnv

LIMIT = 200


def _gym_episodes(init, physics, seed, eps):
    gen = np.random.default_rng(seed)
    env = GymMountainCar()
    out = []
    for j in range(init.shape[0]):
        for name, value in physics.items():
            setattr(env, name, value[j] if np.ndim(value) else value)
        env.state = init[j].copy()
        actions, states, terms, observations = [], [], [], []
        explore = (gen.random(LIMIT) < eps[j]).tolist()
        noise = gen.integers(3, size=LIMIT).tolist()
        for t in range(LIMIT):
            a = noise[t] if explore[t] else (2 if env.state[1] >= 0 else 0)
            obs, rew, term, _, _ = env.step(a)
            assert rew == -1.0
            actions.append(a)
            states.append(tuple(env.state))
            terms.append(term)
            observations.append(obs)
            if term:
                break
        truncs = [False] * len(terms)
        truncs[-1] = len(terms) == LIMIT
        states = np.array(states, dtype=np.float64)
        np.testing.assert_array_equal(np.array(observations), states.astype(np.float32))
        out.append((np.array(actions), states, np.array(terms), np.array(truncs)))
    return out


def _compare(num_envs, physics, seed, eps):
    env = MountainCarVectorEnv(num_envs, **physics)
    assert env.max_episode_steps == LIMIT
    obs, _ = env.reset(seed=seed)
    init = env.state
    np.testing.assert_array_equal(obs, init.astype(np.float32))
    assert np.all((init[:, 0] >= -0.6) & (init[:, 0] < -0.4)) and np.all(init[:, 1] == 0)
    episodes = _gym_episodes(init, physics, seed, eps)
    longest = max(len(e[0]) for e in episodes)
    actions = np.ones((longest, num_envs), dtype=np.int64)
    for j, (a, *_rest) in enumerate(episodes):
        actions[: len(a), j] = a
    states = np.empty((longest, num_envs, 2))
    terms = np.empty((longest, num_envs), dtype=bool)
    truncs = np.empty((longest, num_envs), dtype=bool)
    for t in range(longest):
        obs, rew, terms[t], truncs[t], _ = env.step(actions[t])
        states[t] = env.state
        np.testing.assert_array_equal(obs, states[t].astype(np.float32))
    for j, (a, s, term, trunc) in enumerate(episodes):
        n = len(a)
        np.testing.assert_allclose(states[:n, j], s, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(terms[:n, j], term)
        np.testing.assert_array_equal(truncs[:n, j], trunc)
    return episodes


def test_trajectories_match_gymnasium_over_1000_episodes():
    eps = np.where(np.arange(1000) % 2 == 0, 1.0, 0.1)
    episodes = _compare(1000, {}, seed=0, eps=eps)
    ends = np.array([bool(e[2][-1]) for e in episodes])
    assert ends[1::2].mean() > 0.9  # the pumping policy reaches the flag
    assert not ends[::2].all()  # random actions are truncated


def test_per_run_parameters_match_gymnasium():
    gen = np.random.default_rng(1)
    n = 100
    physics = dict(
        force=gen.uniform(0.0005, 0.002, n),
        gravity=gen.uniform(0.001, 0.004, n),
        goal_velocity=gen.uniform(0.0, 0.02, n),
    )
    _compare(n, physics, seed=1, eps=np.full(n, 0.2))


@pytest.mark.parametrize(
    ("name", "value"),
    [("force", -0.001), ("gravity", [0.0025, -1.0]), ("max_speed", 0.0), ("goal_position", np.inf)],
)
def test_bad_parameters_name_themselves(name, value):
    with pytest.raises(ValueError, match=name):
        MountainCar(**{name: value})


def test_bad_bounds_and_limit():
    with pytest.raises(ValueError, match="min_position"):
        MountainCar(min_position=0.7)
    with pytest.raises(ValueError, match="max_episode_steps"):
        MountainCar(max_episode_steps=0)
    with pytest.raises(TypeError, match="force"):
        MountainCar(force=None)
