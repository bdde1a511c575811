"""Pendulum-v1 dynamics: fastrl's trajectories equal Gymnasium's; parameters and actions validated.

Gymnasium's ``PendulumEnv`` is driven from fastrl's initial states with the
same float32 torques (uniform on [-3, 3], so clipping is exercised) over 1000
episodes truncated at 30 steps plus 20 full 200-step episodes. States agree to
1e-12 (bit for bit on the machines measured). Rewards agree to 1e-9:
Gymnasium's ``0.001 * u**2`` squares the float32 torque with numpy's scalar
power, which is not always correctly rounded (one float32 ulp, 2e-10 after
the factor 0.001); fastrl squares exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.envs.classic_control.pendulum import PendulumEnv as GymPendulum

from fastrl.control import Pendulum
from fastrl.gym import PendulumEnv, PendulumVectorEnv


def _compare(num_envs, physics, seed, limit):
    env = PendulumVectorEnv(num_envs, max_episode_steps=limit, **physics)
    obs, _ = env.reset(seed=seed)
    init = env.state
    assert np.all(np.abs(init[:, 0]) <= np.pi) and np.all(np.abs(init[:, 1]) <= 1.0)
    torques = np.random.default_rng(seed).uniform(-3, 3, size=(limit, num_envs, 1))
    torques = torques.astype(np.float32)
    states = np.empty((limit, num_envs, 2))
    rewards = np.empty((limit, num_envs))
    observations = np.empty((limit, num_envs, 3), dtype=np.float32)
    for t in range(limit):
        observations[t], rewards[t], term, trunc, _ = env.step(torques[t])
        states[t] = env.state
        assert not term.any() and trunc.all() == (t == limit - 1) and trunc.any() == trunc.all()
    gym_env = GymPendulum()
    for j in range(num_envs):
        for name, value in physics.items():
            # Python floats, as Gymnasium's own attributes: a numpy float64
            # ``m`` or ``max_torque`` would promote its float32 torque terms.
            setattr(gym_env, name, float(value[j] if np.ndim(value) else value))
        gym_env.state = init[j].copy()
        ref_s, ref_r, ref_o = [], [], []
        for t in range(limit):
            o, r, term, _, _ = gym_env.step(torques[t, j])
            ref_s.append(tuple(gym_env.state))
            ref_r.append(r)
            ref_o.append(o)
            assert not term
        np.testing.assert_allclose(states[:, j], np.array(ref_s), rtol=0, atol=1e-12)
        np.testing.assert_allclose(rewards[:, j], np.array(ref_r), rtol=0, atol=1e-9)
        np.testing.assert_allclose(observations[:, j], np.array(ref_o), rtol=0, atol=1e-6)


def test_short_episodes_match_gymnasium():
    _compare(1000, {}, seed=0, limit=30)


def test_full_episodes_match_gymnasium():
    _compare(20, {}, seed=1, limit=200)


def test_per_run_parameters_match_gymnasium():
    gen = np.random.default_rng(2)
    n = 50
    physics = dict(
        g=gen.uniform(5.0, 15.0, n),
        m=gen.uniform(0.5, 2.0, n),
        l=gen.uniform(0.5, 2.0, n),
        max_torque=gen.uniform(1.0, 3.0, n),
        dt=0.02,
    )
    _compare(n, physics, seed=2, limit=30)


@pytest.mark.parametrize(
    ("name", "value"), [("m", 0.0), ("l", -1.0), ("dt", 0.0), ("g", -9.8), ("max_torque", [1.0, 0])]
)
def test_bad_parameters_name_themselves(name, value):
    with pytest.raises(ValueError, match=name):
        Pendulum(**{name: value})


def test_bad_actions():
    env = PendulumEnv()
    env.reset(seed=0)
    with pytest.raises(ValueError, match="action"):
        env.step(np.array([0.1, 0.2], dtype=np.float32))
    with pytest.raises(ValueError, match="NaN"):
        env.step(np.array([np.nan], dtype=np.float32))
    with pytest.raises(TypeError, match="action"):
        env.step(np.array(["a"]))
    venv = PendulumVectorEnv(3)
    venv.reset(seed=0)
    with pytest.raises(ValueError, match="actions"):
        venv.step(np.zeros(3, dtype=np.float32))
    obs, rew, *_ = venv.step(np.full((3, 1), 5.0))  # clipped to max_torque, as Gymnasium does
    assert obs.shape == (3, 3) and obs.dtype == np.float32
