"""Native vector environments: autoreset modes, equivalence with SyncVectorEnv, the checker."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode, SyncVectorEnv

import fastrl.gym  # noqa: F401  (registers the ids)
from fastrl.bandits import BernoulliBandit, GaussianBandit
from fastrl.gym import TabularEnv, TabularVectorEnv, check_vector_env
from fastrl.tabular import frozen_lake, random_map, stack

MODES = list(AutoresetMode)


def _actions(num_envs, steps, n, seed=0):
    gen = np.random.default_rng(seed)
    return [gen.integers(0, n, size=num_envs) for _ in range(steps)]


def _trajectory(env, actions, seed):
    """Everything the env returns for a seeded reset and an action sequence."""
    mode = env.metadata["autoreset_mode"]
    out = [env.reset(seed=seed)[0]]
    for a in actions:
        obs, rew, term, trunc, info = env.step(a)
        done = term | trunc
        out += [obs, rew, term, trunc]
        if mode == AutoresetMode.SAME_STEP:
            mask = info.get("_final_obs", np.zeros(len(done), dtype=bool))
            out += [mask, np.array([info["final_obs"][j] for j in np.flatnonzero(mask)])]
        if mode == AutoresetMode.DISABLED and done.any():
            out.append(env.reset(options={"reset_mask": done})[0])
    return out


def _assert_same(xs, ys):
    assert len(xs) == len(ys)
    for x, y in zip(xs, ys, strict=True):
        np.testing.assert_array_equal(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


CASES = [
    ("fastrl/FrozenLake-v1", {"max_episode_steps": 12}),
    ("fastrl/FrozenLake8x8-v1", {}),
    ("fastrl/CliffWalking-v1", {"is_slippery": True, "max_episode_steps": 20}),
    ("fastrl/Bandit-v0", {"problem": BernoulliBandit.random(3), "max_episode_steps": 7}),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("env_id, kwargs", CASES)
def test_equals_sync_vector_env_of_single_envs(env_id, kwargs, mode):
    num_envs = 6
    native = gym.make_vec(env_id, num_envs, "vector_entry_point", autoreset_mode=mode, **kwargs)
    assert type(native).__name__.endswith("VectorEnv") and not isinstance(native, SyncVectorEnv)
    assert native.metadata["autoreset_mode"] is mode
    sync = gym.make_vec(env_id, num_envs, "sync", vector_kwargs={"autoreset_mode": mode}, **kwargs)
    assert native.observation_space == sync.observation_space
    assert native.action_space == sync.action_space
    actions = _actions(num_envs, 150, native.single_action_space.n)
    ours, theirs = _trajectory(native, actions, 11), _trajectory(sync, actions, 11)
    _assert_same(ours, theirs)
    ends = sum(int(np.count_nonzero(x)) for x in ours if np.asarray(x).dtype == bool)
    assert ends > 0  # the autoreset paths were exercised


def test_make_vec_honours_spec_limit_and_enum():
    env = gym.make_vec("fastrl/FrozenLake-v1", num_envs=4)
    assert isinstance(env, fastrl.gym.FrozenLakeVectorEnv)
    assert env.max_episode_steps == 100 and env.spec.max_episode_steps == 100
    assert env.observation_space == gym.make_vec("FrozenLake-v1", num_envs=4).observation_space
    assert gym.make_vec("fastrl/FrozenLake8x8-v1", num_envs=2).max_episode_steps == 200
    env = gym.make_vec("fastrl/FrozenLake-v1", num_envs=2, max_episode_steps=7)
    assert env.max_episode_steps == 7
    env = gym.make_vec("fastrl/FrozenLake-v1", num_envs=2, autoreset_mode="SameStep")
    assert env.metadata["autoreset_mode"] is AutoresetMode.SAME_STEP


@pytest.mark.parametrize("mode", MODES)
def test_truncation_and_autoreset_step_by_step(mode):
    # not slippery, always left from the start: stays put, never terminates
    env = TabularVectorEnv(frozen_lake("4x4", is_slippery=False), 3, max_episode_steps=4,
                           autoreset_mode=mode)  # fmt: skip
    env.reset(seed=0)
    left = np.zeros(3, dtype=np.int64)
    for _ in range(3):
        obs, rew, term, trunc, info = env.step(left)
        assert not trunc.any() and not term.any() and info == {}
    obs, rew, term, trunc, info = env.step(left)
    assert trunc.all() and not term.any()
    if mode == AutoresetMode.SAME_STEP:
        assert info["_final_obs"].all() and (info["final_obs"] == 0).all()
        assert info["_final_info"].all() and info["final_info"] == {}
        assert not env.step(left)[3].any()  # a fresh episode already started
    elif mode == AutoresetMode.NEXT_STEP:
        obs, rew, term, trunc, info = env.step(np.full(3, 2))
        assert (obs == 0).all() and (rew == 0).all() and not (term | trunc).any()
        obs, rew, term, trunc, info = env.step(np.full(3, 2))
        assert (obs == 1).all()
    else:
        with pytest.raises(gym.error.ResetNeeded, match="reset_mask"):
            env.step(left)
        mask = np.array([True, False, True])
        obs, _ = env.reset(options={"reset_mask": mask})
        assert (obs == 0).all()
        with pytest.raises(gym.error.ResetNeeded):
            env.step(left)
        env.reset(options={"reset_mask": ~mask})
        assert not env.step(np.full(3, 2))[3].any()


def test_terminated_and_same_step_final_obs():
    env = TabularVectorEnv(frozen_lake("4x4", is_slippery=False), 2, autoreset_mode="SameStep")
    env.reset(seed=0)
    env.step(np.array([1, 2]))  # down to 4 / right to 1
    obs, rew, term, trunc, info = env.step(np.array([2, 1]))  # 4 -> 5 is a hole; 1 -> 5 too
    assert term.all() and (info["final_obs"] == 5).all() and (obs == 0).all()


def test_stack_gives_per_environment_maps():
    mdps = [frozen_lake(desc=random_map(5, seed=j)) for j in range(4)]
    env = TabularVectorEnv(stack(mdps), 4)
    actions = _actions(4, 60, 4)
    ours = np.array(_trajectory(env, actions, 3)[1::4])
    for j, mdp in enumerate(mdps):
        single = SyncVectorEnv([lambda m=mdp: TabularEnv(m)])
        theirs = np.array(_trajectory(single, [a[j : j + 1] for a in actions], 3 + j)[1::4])
        np.testing.assert_array_equal(ours[:, j], theirs[:, 0])
    with pytest.raises(ValueError, match="num_envs"):
        TabularVectorEnv(stack(mdps), 3)


def test_batch_prefix_does_not_matter():
    actions = _actions(2000, 40, 4, seed=5)

    def run(env_id, num_envs, **kwargs):
        env = gym.make_vec(env_id, num_envs=num_envs, **kwargs)
        out = _trajectory(env, [a[:num_envs] for a in actions], 9)
        return np.array(out[1::4]), np.array(out[2::4])

    cases = [
        ("fastrl/FrozenLake8x8-v1", {}),
        ("fastrl/Bandit-v0", {"problem": GaussianBandit(np.zeros(4), drift_std=0.1),
                              "max_episode_steps": 15}),
    ]  # fmt: skip
    for env_id, kwargs in cases:
        full, prefix = run(env_id, 2000, **kwargs), run(env_id, 3, **kwargs)
        np.testing.assert_array_equal(full[0][:, :3], prefix[0])
        np.testing.assert_array_equal(full[1][:, :3], prefix[1])


def test_observations_are_fresh_arrays():
    env = gym.make_vec("fastrl/FrozenLake-v1", num_envs=8)
    obs0, _ = env.reset(seed=0)
    keep = obs0.copy()
    obs1 = env.step(np.ones(8, dtype=np.int64))[0]
    np.testing.assert_array_equal(obs0, keep)
    assert not np.shares_memory(obs0, obs1) and not np.shares_memory(obs1, env.unwrapped._s)
    obs1[:] = 15  # writing to a returned array must not change the environment
    assert (env.unwrapped._s != 15).any()


def test_unseeded_reset_continues_and_seeded_reset_restarts():
    env = gym.make_vec("fastrl/FrozenLake8x8-v1", num_envs=64)
    actions = _actions(64, 50, 4)
    first = _trajectory(env, actions, 4)
    again = [env.reset()[0]] + [x for a in actions for x in env.step(a)[:4]]
    assert not all(np.array_equal(x, y) for x, y in zip(first, again, strict=True))
    _assert_same(first, _trajectory(env, actions, 4))


def test_bad_inputs_raise():
    env = gym.make_vec("fastrl/FrozenLake-v1", num_envs=4)
    with pytest.raises(gym.error.ResetNeeded):
        env.step(np.zeros(4, dtype=np.int64))
    env.reset(seed=0)
    with pytest.raises(ValueError, match="shape"):
        env.step(np.zeros(3, dtype=np.int64))
    with pytest.raises(TypeError, match="integers"):
        env.step(np.zeros(4))
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        env.step(np.array([0, 1, 4, 0]))
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        env.step(np.array([0, -1, 0, 0]))
    env.step(np.array([0, 1, 2, 3], dtype=np.int32))  # any integer dtype is fine
    with pytest.raises(TypeError, match="reset_mask"):
        env.reset(options={"reset_mask": np.ones(4, dtype=int)})
    with pytest.raises(ValueError, match="reset_mask"):
        env.reset(options={"reset_mask": np.zeros(4, dtype=bool)})
    with pytest.raises(ValueError, match="seed"):
        env.reset(seed=[1, 2])
    with pytest.raises(ValueError, match="autoreset_mode"):
        gym.make_vec("fastrl/FrozenLake-v1", num_envs=2, autoreset_mode="sometimes")
    with pytest.raises(ValueError, match="num_envs"):
        gym.make_vec("fastrl/Bandit-v0", num_envs=3, problem=BernoulliBandit([[0.1], [0.2]]))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "env_id, kwargs",
    [
        ("fastrl/FrozenLake-v1", {}),
        ("fastrl/CliffWalking-v1", {"max_episode_steps": 30}),
        ("fastrl/Bandit-v0", {"problem": GaussianBandit.testbed(4), "max_episode_steps": 9}),
    ],
)
def test_check_vector_env_passes_on_fastrl(env_id, kwargs, mode):
    env = gym.make_vec(env_id, num_envs=16, autoreset_mode=mode, **kwargs)
    assert check_vector_env(env, steps=100)["episodes_ended"] > 0


@pytest.mark.parametrize("mode", MODES)
def test_check_vector_env_passes_on_gymnasium_sync(mode):
    env = gym.make_vec("FrozenLake-v1", num_envs=4, vector_kwargs={"autoreset_mode": mode})
    assert isinstance(env, SyncVectorEnv)
    assert check_vector_env(env, steps=60)["episodes_ended"] > 0


class _ReusedObs(TabularVectorEnv):
    def step(self, actions):
        obs, *rest = super().step(actions)
        self._buffer = getattr(self, "_buffer", obs)
        self._buffer[:] = obs
        return (self._buffer, *rest)


class _RewardOnReset(TabularVectorEnv):
    def step(self, actions):
        obs, rew, term, trunc, info = super().step(actions)
        return obs, rew + 1.0, term, trunc, info


class _NoFinalObs(TabularVectorEnv):
    def step(self, actions):
        return (*super().step(actions)[:4], {})


class _Unseeded(TabularVectorEnv):
    def reset(self, *, seed=None, options=None):
        return super().reset(seed=None, options=options)


class _BadDtype(TabularVectorEnv):
    def step(self, actions):
        obs, *rest = super().step(actions)
        return (obs.astype(np.int32), *rest)


@pytest.mark.parametrize(
    "cls, mode, message",
    [
        (_ReusedObs, "NextStep", "reused"),
        (_RewardOnReset, "NextStep", "NEXT_STEP"),
        (_NoFinalObs, "SameStep", "final_obs"),
        (_Unseeded, "NextStep", "different trajectories"),
        (_BadDtype, "Disabled", "dtype"),
    ],
)
def test_check_vector_env_fails_on_broken_envs(cls, mode, message):
    env = cls(frozen_lake("4x4"), 8, autoreset_mode=mode)
    with pytest.raises(AssertionError, match=message):
        check_vector_env(env, steps=60)
    env.metadata = {"autoreset_mode": "NextStep"}
    with pytest.raises(AssertionError, match="AutoresetMode"):
        check_vector_env(env)
