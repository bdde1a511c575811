"""fastrl/CartPole-v1 through Gymnasium: checkers, autoreset modes, SyncVectorEnv equivalence."""

from __future__ import annotations

import re
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import error
from gymnasium.utils.env_checker import check_env
from gymnasium.vector import AutoresetMode, SyncVectorEnv

import fastrl.gym  # noqa: F401  (registers the ids)
from fastrl.gym import (
    AcrobotEnv,
    AcrobotVectorEnv,
    CartPoleEnv,
    CartPoleVectorEnv,
    ContinuousMountainCarEnv,
    ContinuousMountainCarVectorEnv,
    MountainCarEnv,
    MountainCarVectorEnv,
    PendulumEnv,
    PendulumVectorEnv,
    check_vector_env,
    record_gif,
)

IDS = {
    "CartPole-v1": (CartPoleEnv, CartPoleVectorEnv),
    "MountainCar-v0": (MountainCarEnv, MountainCarVectorEnv),
    "Acrobot-v1": (AcrobotEnv, AcrobotVectorEnv),
    "Pendulum-v1": (PendulumEnv, PendulumVectorEnv),
    "MountainCarContinuous-v0": (ContinuousMountainCarEnv, ContinuousMountainCarVectorEnv),
}

# Gymnasium's CartPole declares infinite velocity bounds and its Pendulum a
# torque range of [-2, 2], and check_env warns about exactly that for
# Gymnasium's own environments; fastrl declares the same spaces, so these
# messages (and nothing else) are let through.
_GYMNASIUM_OWN = (
    r".*A Box observation space (minimum|maximum) value is (-)?infinity",
    r".*For Box action spaces, we recommend using a symmetric and normalized space",
)


def _strict_check_env(env):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for message in _GYMNASIUM_OWN:
            warnings.filterwarnings("ignore", message=message)
        check_env(env)


@pytest.mark.parametrize("env_id", ["CartPole-v1", "Pendulum-v1"])
def test_gymnasium_own_envs_raise_the_same_warnings(env_id):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(gym.make(env_id).unwrapped, skip_render_check=True)
    assert caught
    for w in caught:
        assert any(re.match(m, str(w.message)) for m in _GYMNASIUM_OWN), str(w.message)


@pytest.mark.parametrize("env_id", IDS)
@pytest.mark.parametrize("render_mode", [None, "rgb_array"])
def test_check_env(env_id, render_mode):
    _strict_check_env(gym.make(f"fastrl/{env_id}", render_mode=render_mode).unwrapped)


@pytest.mark.parametrize("env_id", IDS)
def test_spaces_are_gymnasiums(env_id):
    ours, theirs = gym.make(f"fastrl/{env_id}"), gym.make(env_id)
    assert ours.observation_space == theirs.observation_space
    assert ours.observation_space.dtype == np.float32
    assert ours.action_space == theirs.action_space
    assert ours.action_space.dtype == theirs.action_space.dtype
    assert ours.spec.max_episode_steps == theirs.spec.max_episode_steps
    venv = gym.make_vec(f"fastrl/{env_id}", num_envs=3)
    assert venv.single_observation_space == theirs.observation_space
    assert venv.max_episode_steps == theirs.spec.max_episode_steps


@pytest.mark.parametrize("env_id", IDS)
@pytest.mark.parametrize("mode", list(AutoresetMode))
def test_check_vector_env(env_id, mode):
    # max_episode_steps 30 so MountainCar's episodes (truncated) end within the rollout
    venv = gym.make_vec(f"fastrl/{env_id}", num_envs=8, autoreset_mode=mode, max_episode_steps=30)
    assert check_vector_env(venv, steps=150)["episodes_ended"] > 10


def _trajectory(env, actions, seed):
    mode = env.metadata["autoreset_mode"]
    out = [env.reset(seed=seed)[0]]
    for a in actions:
        obs, rew, term, trunc, info = env.step(a)
        out += [obs, rew, term, trunc]
        done = term | trunc
        if mode == AutoresetMode.SAME_STEP:
            mask = info.get("_final_obs", np.zeros(len(done), dtype=bool))
            out += [mask, np.array([info["final_obs"][j] for j in np.flatnonzero(mask)])]
        if mode == AutoresetMode.DISABLED and done.any():
            out.append(env.reset(options={"reset_mask": done})[0])
    return out


@pytest.mark.parametrize("env_id", IDS)
@pytest.mark.parametrize("mode", list(AutoresetMode))
def test_native_equals_sync_vector_env(env_id, mode):
    single, vector = IDS[env_id]
    n, steps = 6, 120
    # Random CartPole actions end episodes after ~20 steps: a limit of 15 makes
    # both terminations and truncations happen.
    native = vector(n, max_episode_steps=15, autoreset_mode=mode)
    native.action_space.seed(0)
    actions = [native.action_space.sample() for _ in range(steps)]
    sync = SyncVectorEnv(
        [lambda: single(max_episode_steps=15) for _ in range(n)], autoreset_mode=mode
    )
    a, b = _trajectory(native, actions, 7), _trajectory(sync, actions, 7)
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def test_truncation_and_reward_after_termination():
    env = CartPoleEnv(max_episode_steps=5)
    env.reset(seed=0)
    outs = [env.step(0) for _ in range(5)]
    assert [o[3] for o in outs] == [False] * 4 + [True]
    env = CartPoleEnv()
    env.reset(seed=0)
    term = False
    while not term:
        obs, r, term, trunc, _ = env.step(1)
        assert r == 1.0 and obs.dtype == np.float32
    with pytest.warns(UserWarning, match="terminated = True"):
        _, r, _, _, _ = env.step(1)
    assert r == 0.0


def test_fresh_arrays_and_reset_bounds():
    venv = CartPoleVectorEnv(4)
    obs0, _ = venv.reset(seed=0)
    obs1, *_ = venv.step(np.ones(4, dtype=np.int64))
    obs2, *_ = venv.step(np.ones(4, dtype=np.int64))
    assert not np.shares_memory(obs1, obs2) and not np.shares_memory(obs0, obs1)
    wide, _ = venv.reset(seed=0, options={"low": -0.5, "high": 0.5})
    assert np.abs(wide).max() > 0.05 and np.abs(wide).max() < 0.5
    single = CartPoleEnv()
    obs, _ = single.reset(seed=3)
    assert np.array_equal(obs, CartPoleVectorEnv(1).reset(seed=3)[0][0])


def test_errors():
    env = CartPoleEnv()
    with pytest.raises(error.ResetNeeded):
        env.step(0)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="action"):
        env.step(2)
    with pytest.raises(TypeError, match="action"):
        env.step(0.5)
    with pytest.raises(ValueError, match="length"):
        CartPoleEnv(length=0.0)
    with pytest.raises(ValueError, match="masspole"):
        gym.make_vec("fastrl/CartPole-v1", num_envs=2, masspole=[0.1, -0.1])
    with pytest.raises(ValueError, match="num_envs"):
        CartPoleVectorEnv(3, length=[0.5, 1.0])
    with pytest.raises(ValueError, match="render_mode"):
        CartPoleVectorEnv(2, render_mode="human")
    venv = CartPoleVectorEnv(2, autoreset_mode="Disabled")
    venv.reset(seed=0)
    with pytest.raises(ValueError, match="actions"):
        venv.step(np.array([0, 3]))
    done = np.zeros(2, dtype=bool)
    while not done.any():
        _, _, term, trunc, _ = venv.step(np.zeros(2, dtype=np.int64))
        done = term | trunc
    with pytest.raises(error.ResetNeeded):
        venv.step(np.zeros(2, dtype=np.int64))


def test_per_env_parameters_change_the_dynamics():
    venv = CartPoleVectorEnv(2, length=[0.5, 2.0])
    venv.reset(seed=[5, 5])
    for _ in range(5):
        obs, *_ = venv.step(np.zeros(2, dtype=np.int64))
    assert not np.array_equal(obs[0], obs[1])


@pytest.mark.parametrize("env_id", IDS)
def test_render_rgb_array(env_id):
    single, vector = IDS[env_id]
    env = single(render_mode="rgb_array")
    env.reset(seed=0)
    frame = env.render()
    assert frame.ndim == 3 and frame.shape[2] == 3 and frame.dtype == np.uint8
    assert (frame == 0).any() and (frame == 255).any()
    venv = vector(2, render_mode="rgb_array")
    venv.reset(seed=0)
    frames = venv.render()
    assert len(frames) == 2 and frames[0].shape == frame.shape


@pytest.mark.parametrize("env_id", IDS)
def test_record_gif(env_id, tmp_path):
    single, _ = IDS[env_id]
    env = single(render_mode="rgb_array")
    path = tmp_path / "run.gif"
    frames = record_gif(env, lambda obs: env.action_space.sample(), path, max_steps=3)
    assert frames == 4 and path.stat().st_size > 1000
