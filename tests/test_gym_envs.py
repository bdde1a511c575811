"""Registration, single environments, rendering and record_gif of fastrl.gym."""

import subprocess
import sys
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import fastrl.gym
from fastrl.bandits import BernoulliBandit, GaussianBandit
from fastrl.gym import BanditEnv, TabularEnv, record_gif
from fastrl.tabular import TabularMDP, frozen_lake, value_iteration


def test_import_fastrl_does_not_import_gymnasium():
    code = "import sys, fastrl, fastrl.tabular, fastrl.bandits; print('gymnasium' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("env_id", fastrl.gym.ENV_IDS)
def test_registered_with_both_entry_points(env_id):
    spec = gym.spec(env_id)
    assert spec.entry_point and spec.vector_entry_point


def test_make_with_module_prefix():
    env = gym.make("fastrl.gym:fastrl/FrozenLake-v1", is_slippery=False)
    assert env.spec.max_episode_steps == 100
    assert env.unwrapped.mdp.name == "FrozenLake-4x4-not-slippery"


def _taxi():
    return TabularMDP.from_gymnasium(gym.make("Taxi-v4"))


@pytest.mark.parametrize(
    "env_id, kwargs",
    [
        ("fastrl/FrozenLake-v1", {}),
        ("fastrl/FrozenLake-v1", {"map_name": "8x8", "is_slippery": False}),
        ("fastrl/FrozenLake8x8-v1", {}),
        ("fastrl/CliffWalking-v1", {}),
        ("fastrl/Tabular-v0", {"mdp": "taxi"}),
        ("fastrl/Bandit-v0", {"problem": BernoulliBandit([0.2, 0.8])}),
        ("fastrl/Bandit-v0", {}),
    ],
)
def test_check_env_without_warnings(env_id, kwargs):
    if kwargs.get("mdp") == "taxi":
        kwargs = {"mdp": _taxi()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        env = gym.make(env_id, **kwargs)
        check_env(env.unwrapped)


def test_spaces_match_gymnasium_frozen_lake():
    ours, theirs = gym.make("fastrl/FrozenLake-v1"), gym.make("FrozenLake-v1")
    assert ours.observation_space == theirs.observation_space
    assert ours.action_space == theirs.action_space
    obs, info = ours.reset(seed=3)
    assert type(obs) is int and info == {"prob": 1.0}
    obs, r, term, trunc, info = ours.step(1)
    assert type(obs) is int and type(r) is float and info["prob"] == pytest.approx(1 / 3)


def test_seeding_semantics():
    env = TabularEnv(frozen_lake("8x8"))

    def run(seed):
        out = [env.reset(seed=seed)[0]]
        out += [env.step(a % 4)[0] for a in range(30)]
        return out

    assert run(5) == run(5)
    assert run(5) != run(6)
    # reset() without a seed continues the stream: a second episode differs from the first
    first = run(7)
    second = [env.reset()[0]] + [env.step(a % 4)[0] for a in range(30)]
    assert first != second
    # never seeded: still random (fresh entropy), not a fixed default
    draws = {tuple(TabularEnv(frozen_lake("8x8")).reset()[0] for _ in range(1))}
    runs = set()
    for _ in range(5):
        e = TabularEnv(frozen_lake("8x8"))
        e.reset()
        runs.add(tuple(e.step(1)[0] for _ in range(20)))
    assert draws and len(runs) > 1


def test_truncation_and_errors():
    env = TabularEnv(frozen_lake("4x4", is_slippery=False), max_episode_steps=3)
    env.reset(seed=0)
    # pushing against the left wall never terminates; the third step truncates
    assert [env.step(0)[3] for _ in range(3)] == [False, False, True]
    with pytest.raises(ValueError, match="action"):
        env.step(4)
    with pytest.raises(TypeError, match="action"):
        env.step(1.5)
    with pytest.raises(gym.error.ResetNeeded):
        TabularEnv(frozen_lake()).step(0)
    with pytest.raises(TypeError, match="mdp"):
        TabularEnv("FrozenLake")
    with pytest.raises(ValueError, match="render_mode"):
        TabularEnv(frozen_lake(), render_mode="human")


def test_render_ansi_and_rgb():
    env = gym.make("fastrl/FrozenLake-v1", render_mode="ansi", is_slippery=False)
    env.reset(seed=0)
    text = env.render()
    assert text.startswith("\n") and "\x1b[41mS\x1b[0m" in text
    env.step(2)
    assert env.render().startswith("  (Right)\n")
    img_env = gym.make("fastrl/FrozenLake-v1", render_mode="rgb_array", is_slippery=False)
    img_env.reset(seed=0)
    img = img_env.render()
    assert img.dtype == np.uint8 and img.shape == (128, 128, 3)
    img_env.step(2)
    assert not np.array_equal(img, img_env.render())
    taxi = TabularEnv(_taxi(), render_mode="rgb_array")  # no one-cell-per-state map
    taxi.reset(seed=0)
    assert taxi.render().shape == (22 * 32, 23 * 32, 3)  # 500 states: 22 rows of 23


def test_bandit_env_rewards():
    env = BanditEnv(BernoulliBandit([0.0, 1.0]), max_episode_steps=5)
    assert env.reset(seed=0) == (0, {})
    steps = [env.step(a % 2) for a in range(5)]
    assert [s[1] for s in steps] == [0.0, 1.0, 0.0, 1.0, 0.0]
    assert [s[3] for s in steps] == [False] * 4 + [True]
    # drawn testbed means come from the seed's problem stream
    env = BanditEnv(GaussianBandit.testbed(5))
    env.reset(seed=1)
    m1 = env.means
    env.reset(seed=2)
    assert not np.array_equal(m1, env.means)
    env.reset(seed=1)
    np.testing.assert_array_equal(m1, env.means)
    with pytest.raises(ValueError, match="num_envs"):
        BanditEnv(BernoulliBandit([[0.1, 0.2], [0.3, 0.4]]))


def test_record_gif(tmp_path):
    from PIL import Image

    mdp = frozen_lake("4x4", is_slippery=False)
    policy = value_iteration(mdp, gamma=0.9).policy
    path = tmp_path / "lake.gif"
    frames = record_gif(mdp, policy, path, seed=0, fps=5)
    assert frames == 7  # reset + the 6 moves of a shortest path
    with Image.open(path) as im:
        assert im.format == "GIF" and im.n_frames == frames and im.size == (128, 128)
    env = gym.make("fastrl/CliffWalking-v1", render_mode="rgb_array")
    assert record_gif(env, lambda s: 0, tmp_path / "cliff.gif", max_steps=4) == 5
    with pytest.raises(ValueError, match="policy"):
        record_gif(mdp, np.zeros(3, dtype=int), path)
    with pytest.raises(TypeError, match="render_mode"):
        record_gif(gym.make("fastrl/FrozenLake-v1"), policy, path)


def test_bandit_vector_reward_statistics():
    num_envs, steps = 4096, 50
    env = gym.make_vec("fastrl/Bandit-v0", num_envs=num_envs, problem=BernoulliBandit([0.3, 0.9]))
    env.reset(seed=0)
    pulls = [env.step(np.full(num_envs, a % 2))[1] for a in range(steps)]
    for arm, p in ((0, 0.3), (1, 0.9)):
        r = np.concatenate(pulls[arm::2])
        assert abs(r.mean() - p) <= 5 * np.sqrt(p * (1 - p) / r.size)
    env = gym.make_vec("fastrl/Bandit-v0", num_envs=num_envs, problem=GaussianBandit.testbed(3))
    env.reset(seed=1)
    means = env.unwrapped.means
    r = np.stack([env.step(np.zeros(num_envs, dtype=np.int64))[1] for _ in range(steps)])
    resid = r - means[:, 0]
    assert abs(resid.mean()) <= 5 / np.sqrt(resid.size) and abs(resid.std() - 1) < 0.02
    assert np.std(means) > 0.5  # drawn per sub-environment from its seed


@pytest.mark.parametrize(
    "problem",
    [BernoulliBandit.random(5), GaussianBandit.testbed(num_arms=4, drift_std=0.1)],
    ids=["bernoulli", "gaussian-drift"],
)
def test_bandit_env_draws_what_simulate_draws(problem):
    # A BanditEnv reset with seed s is run 0 of simulate(seed=s): replaying the
    # simulated actions must give the simulated rewards, drift included.
    from fastrl.bandits import EpsilonGreedy, simulate

    res = simulate(problem, EpsilonGreedy(0.3), runs=1, steps=60, seed=11, record_runs=True)
    env = BanditEnv(problem=problem, max_episode_steps=1000)
    env.reset(seed=11)
    rewards = [env.step(int(a))[1] for a in res.actions[0]]
    np.testing.assert_allclose(rewards, res.rewards[0], rtol=0, atol=1e-12)
