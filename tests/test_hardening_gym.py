"""Issue 16, Gymnasium conformance: fastrl's environments behave as Gymnasium's own."""

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from gymnasium.utils.env_match import check_environments_match
from gymnasium.vector import AutoresetMode, SyncVectorEnv
from gymnasium.wrappers.vector import NormalizeReward, RecordEpisodeStatistics

import fastrl.gym  # noqa: F401  (registers the ids)
from fastrl.bandits import BernoulliBandit
from fastrl.gym import TabularEnv, TabularVectorEnv
from fastrl.tabular import TabularMDP, frozen_lake, stack

DESC_4X4 = ("SFFF", "FFFF", "FFFF", "FFFG")


def _episode_length(env, action=0):
    """Steps until the episode of a non-slippery lake ends (always ``action``, from reset)."""
    env.reset(seed=0)
    for n in range(1, 2000):
        _, _, term, trunc, _ = env.step(action)
        if term or trunc:
            return n, term, trunc
    raise AssertionError("no episode end within 2000 steps")


def _vector_truncation_step(env):
    env.reset(seed=0)
    for n in range(1, 2000):
        trunc = env.step(np.zeros(env.num_envs, dtype=np.int64))[3]
        if trunc.any():
            assert trunc.all()
            return n
    raise AssertionError("no truncation within 2000 steps")


# -- max_episode_steps is honoured ------------------------------------------------------------


@pytest.mark.parametrize("limit", [None, 7, 500])
def test_make_max_episode_steps_lowers_and_raises(limit):
    kwargs = {} if limit is None else {"max_episode_steps": limit}
    env = gym.make("fastrl/FrozenLake-v1", is_slippery=False, **kwargs)
    assert _episode_length(env) == (limit or 100, False, True)


def test_id_limit_applies_to_a_custom_desc():
    # Gymnasium: FrozenLake8x8-v1 truncates at its id's 200 whatever the map.
    env = gym.make("fastrl/FrozenLake8x8-v1", desc=DESC_4X4, is_slippery=False)
    assert _episode_length(env) == (200, False, True)
    venv = gym.make_vec("fastrl/FrozenLake8x8-v1", 2, desc=DESC_4X4, is_slippery=False)
    assert _vector_truncation_step(venv) == 200


@pytest.mark.parametrize("mode", ["sync", "vector_entry_point"])
def test_make_vec_max_episode_steps_raises_the_limit(mode):
    env = gym.make_vec("fastrl/FrozenLake-v1", 2, mode, is_slippery=False, max_episode_steps=300)
    assert _vector_truncation_step(env) == 300


def test_bandit_limit_can_be_raised_and_minus_one_means_none():
    env = gym.make("fastrl/Bandit-v0", max_episode_steps=1500)
    assert _episode_length(env) == (1500, False, True)
    venv = gym.make_vec("fastrl/FrozenLake-v1", 2, is_slippery=False, max_episode_steps=-1)
    assert venv.max_episode_steps is None
    single = gym.make("fastrl/FrozenLake-v1", is_slippery=False, max_episode_steps=-1)
    single.reset(seed=0)
    assert not any(single.step(0)[3] for _ in range(300))


def test_direct_construction_keeps_the_model_limit():
    assert _episode_length(fastrl.gym.FrozenLakeEnv(is_slippery=False)) == (100, False, True)
    with pytest.raises(TypeError, match="max_episode_steps"):
        TabularVectorEnv(frozen_lake(), 2, max_episode_steps=2.5)
    with pytest.raises(ValueError, match="max_episode_steps"):
        TabularVectorEnv(frozen_lake(), 2, max_episode_steps=0)


# -- every reset draws a new start state ------------------------------------------------------


def _uniform_start_mdp():
    # FrozenLake 4x4 with every frozen cell a possible start (12 of them).
    m = frozen_lake()
    initial = np.array([c in "SF" for c in "".join(m.desc)], dtype=float)
    args = (m.next_state, m.prob, m.reward, m.terminated, initial / initial.sum())
    return TabularEnv(TabularMDP(*args, "uniform-start", m.desc, m.max_episode_steps))


def test_consecutive_resets_draw_new_start_states():
    env = _uniform_start_mdp()
    starts = [env.reset(seed=1)[0]] + [env.reset()[0] for _ in range(9)]
    assert len(set(starts)) > 1
    # the seeded reset restarts the sequence
    assert [env.reset(seed=1)[0]] + [env.reset()[0] for _ in range(9)] == starts
    venv = TabularVectorEnv(env.mdp, 3)
    vstarts = [venv.reset(seed=1)[0]] + [venv.reset()[0] for _ in range(9)]
    assert all(len(set(col)) > 1 for col in np.array(vstarts).T)
    # sub-environment 0 of the vector env is the single env of the same seed
    assert list(np.array(vstarts)[:, 0]) == starts


CONTROL_IDS = [
    "fastrl/CartPole-v1",
    "fastrl/MountainCar-v0",
    "fastrl/MountainCarContinuous-v0",
    "fastrl/Acrobot-v1",
    "fastrl/Pendulum-v1",
]


@pytest.mark.parametrize("env_id", CONTROL_IDS)
def test_consecutive_resets_draw_new_initial_states_control(env_id):
    env = gym.make(env_id)
    starts = [env.reset(seed=1)[0]] + [env.reset()[0] for _ in range(3)]
    assert len({s.tobytes() for s in starts}) == 4
    venv = gym.make_vec(env_id, 2)
    vstarts = [venv.reset(seed=1)[0]] + [venv.reset()[0] for _ in range(3)]
    np.testing.assert_array_equal(np.array(vstarts)[:, 0], np.array(starts))


@pytest.mark.parametrize("mode", list(AutoresetMode))
def test_reset_counter_keeps_native_equal_to_sync(mode):
    env = _uniform_start_mdp()
    native = TabularVectorEnv(env.mdp, 4, autoreset_mode=mode, max_episode_steps=3)
    sync = SyncVectorEnv(
        [lambda: TabularEnv(env.mdp, max_episode_steps=3) for _ in range(4)], autoreset_mode=mode
    )
    gen = np.random.default_rng(0)
    for venv in (native, sync):
        venv.reset(seed=5)
        venv.reset()  # an extra reset with no step between
    out = [[], []]
    for _ in range(20):
        a = gen.integers(0, 4, size=4)
        for k, venv in enumerate((native, sync)):
            obs, rew, term, trunc, _ = venv.step(a)
            out[k].append(np.concatenate([obs, rew, term, trunc]))
            if mode == AutoresetMode.DISABLED and (term | trunc).any():
                out[k].append(venv.reset(options={"reset_mask": term | trunc})[0])
    np.testing.assert_array_equal(np.concatenate(out[0]), np.concatenate(out[1]))


# -- info["prob"] is the probability of the entry sampled -------------------------------------


def test_info_prob_is_that_of_the_sampled_entry_rainy_taxi():
    # Rainy Taxi, state 294, action 2: three entries, all back to 294 with reward -1
    # (0.8 and twice 0.1); Gymnasium reports the sampled entry's probability.
    taxi = gym.make("Taxi-v4", is_rainy=True)
    assert [e[0] for e in taxi.unwrapped.P[294][2]] == pytest.approx([0.8, 0.1, 0.1])
    env = TabularEnv(TabularMDP.from_gymnasium(taxi))
    env.reset(seed=0)
    n, probs = 4000, []
    for _ in range(n):
        env.s = 294
        obs, reward, _, _, info = env.step(2)
        assert (obs, reward) == (294, -1.0)
        probs.append(info["prob"])
    share = np.mean(np.isclose(probs, 0.8))
    assert np.all(np.isclose(probs, 0.8) | np.isclose(probs, 0.1))
    assert abs(share - 0.8) < 5 * np.sqrt(0.8 * 0.2 / n)


# -- toy-text attributes ----------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [{}, {"is_slippery": False}])
def test_toy_text_attributes_match_gymnasium(kwargs):
    ours = gym.make("fastrl/FrozenLake-v1", **kwargs).unwrapped
    theirs = gym.make("FrozenLake-v1", **kwargs).unwrapped
    assert ours.P == theirs.P
    np.testing.assert_array_equal(ours.desc, theirs.desc)
    assert ours.desc.dtype == theirs.desc.dtype
    np.testing.assert_array_equal(ours.initial_state_distrib, theirs.initial_state_distrib)
    ours.reset(seed=0)
    ours.s = 14
    assert ours.s == 14 and ours.step(2)[0] in ((15,) if kwargs else (10, 14, 15))
    with pytest.raises(ValueError, match="s must be"):
        ours.s = 16
    with pytest.raises(TypeError, match="s must be"):
        ours.s = 1.5
    assert gym.make("fastrl/CliffWalking-v1").unwrapped.P == gym.make("CliffWalking-v1").unwrapped.P


def test_from_gymnasium_accepts_a_fastrl_env():
    mdp = frozen_lake()
    for env in (TabularEnv(mdp), gym.make("fastrl/FrozenLake-v1")):
        again = TabularMDP.from_gymnasium(env)
        for name in ("next_state", "prob", "reward", "terminated", "initial"):
            np.testing.assert_array_equal(getattr(again, name), getattr(mdp, name))
        assert again.desc == mdp.desc
    assert TabularMDP.from_gymnasium(gym.make("fastrl/FrozenLake-v1")).max_episode_steps == 100


# -- reset options, error types and messages --------------------------------------------------

VECTOR_IDS = ["fastrl/FrozenLake-v1", "fastrl/Bandit-v0", "fastrl/CartPole-v1"]


@pytest.mark.parametrize("env_id", VECTOR_IDS)
def test_reset_mask_accepted_on_the_first_reset(env_id):
    env = gym.make_vec(env_id, num_envs=3)
    obs, _ = env.reset(seed=0, options={"reset_mask": np.ones(3, dtype=bool)})
    np.testing.assert_array_equal(obs, gym.make_vec(env_id, num_envs=3).reset(seed=0)[0])
    env.step(env.action_space.sample())
    # a partial first reset: stepping needs the others reset too
    env = gym.make_vec(env_id, num_envs=3)
    env.reset(seed=0, options={"reset_mask": np.array([True, False, True])})
    with pytest.raises(gym.error.ResetNeeded):
        env.step(env.action_space.sample())
    env.reset(options={"reset_mask": np.array([False, True, False])})
    env.step(env.action_space.sample())


@pytest.mark.parametrize("env_id", VECTOR_IDS)
def test_bad_options_and_masks_raise_as_in_gymnasium(env_id):
    env = gym.make_vec(env_id, num_envs=3)
    with pytest.raises(TypeError, match="options must be a dict"):
        env.reset(options="x")
    env.reset(seed=0)
    # the match= patterns of Gymnasium's SyncVectorEnv messages
    bad = [
        (TypeError, [True, True, True], r"`options\['reset_mask'\]` must be a numpy array"),
        (ValueError, np.ones(2, dtype=bool), r"`options\['reset_mask'\]` must have shape `\(3,\)`"),
        (TypeError, np.ones(3, dtype=int), r"`options\['reset_mask'\]` must have `dtype=np.bool_`"),
        (ValueError, np.zeros(3, dtype=bool), "must contain a boolean array with at least one"),
    ]
    for kind, mask, pattern in bad:
        with pytest.raises(kind, match=pattern):
            env.reset(options={"reset_mask": mask})
        sync = gym.make_vec(env_id, num_envs=3, vectorization_mode="sync")
        sync.reset(seed=0)
        with pytest.raises(kind, match=pattern):
            sync.reset(options={"reset_mask": mask})
    with pytest.raises(TypeError, match="actions"):
        env.step(0)


def test_single_env_rejects_non_dict_options():
    for env_id in ("fastrl/FrozenLake-v1", "fastrl/Bandit-v0", "fastrl/CartPole-v1"):
        with pytest.raises(TypeError, match="options must be a dict"):
            gym.make(env_id).unwrapped.reset(options="x")


def test_check_vector_env_names_bad_arguments():
    with pytest.raises(TypeError, match="env must be a gymnasium VectorEnv, got str"):
        fastrl.gym.check_vector_env("x")
    env = gym.make_vec("fastrl/FrozenLake-v1", num_envs=2)
    with pytest.raises(ValueError, match="steps"):
        fastrl.gym.check_vector_env(env, steps=0)
    with pytest.raises(TypeError, match="seed"):
        fastrl.gym.check_vector_env(env, seed=1.5)


# -- seeds of every integer type behave alike -------------------------------------------------


@pytest.mark.parametrize("env_id", VECTOR_IDS)
@pytest.mark.parametrize("kind", [np.int64, np.uint32, np.int8])
def test_numpy_integer_seeds_equal_python_ints(env_id, kind):
    runs = []
    for seed in (7, kind(7)):
        env = gym.make(env_id)
        first = env.reset(seed=seed)[0]
        state = env.unwrapped.np_random.bit_generator.state
        venv = gym.make_vec(env_id, num_envs=2)
        vfirst = venv.reset(seed=seed)[0]
        vstate = venv.np_random.bit_generator.state
        actions = np.zeros(2, dtype=np.int64)
        steps = [venv.step(actions)[:4] for _ in range(5)]
        runs.append((first, state, vfirst, vstate, steps, venv.np_random_seed))
    (a, b) = runs
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1] == b[1] and a[3] == b[3] and a[5] == b[5] == 7
    np.testing.assert_array_equal(a[2], b[2])
    for x, y in zip(a[4], b[4], strict=True):
        for u, v in zip(x, y, strict=True):
            np.testing.assert_array_equal(u, v)


# -- FrozenLake's newer options ---------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"success_rate": 0.75},
        {"success_rate": 0.5, "reward_schedule": (2, -3, 0.5), "map_name": "8x8"},
        {"is_slippery": False, "reward_schedule": (1, -1, -0.01)},
    ],
)
def test_frozen_lake_success_rate_and_reward_schedule_as_gymnasium(kwargs):
    ours = gym.make("fastrl/FrozenLake-v1", **kwargs).unwrapped
    assert ours.P == gym.make("FrozenLake-v1", **kwargs).unwrapped.P
    venv = gym.make_vec("fastrl/FrozenLake-v1", num_envs=2, **kwargs)
    np.testing.assert_array_equal(venv.unwrapped.mdp.prob, ours.mdp.prob)
    np.testing.assert_array_equal(venv.unwrapped.mdp.reward, ours.mdp.reward)


def test_frozen_lake_random_map_and_bad_options():
    env = gym.make("fastrl/FrozenLake-v1", map_name=None).unwrapped
    assert env.desc.shape == (8, 8) and env.desc[0, 0] == b"S" and env.desc[-1, -1] == b"G"
    for kwargs, kind in [
        ({"success_rate": 1.5}, ValueError),
        ({"success_rate": "x"}, TypeError),
        ({"reward_schedule": (1, 0)}, ValueError),
        ({"reward_schedule": "abc"}, TypeError),
        ({"reward_schedule": (1, 0, float("nan"))}, ValueError),
    ]:
        with pytest.raises(kind, match=next(iter(kwargs))):
            fastrl.gym.FrozenLakeEnv(**kwargs)


# -- specs round-trip -------------------------------------------------------------------------

SPEC_CASES = [
    ("fastrl/FrozenLake-v1", {"is_slippery": False}),
    ("fastrl/Tabular-v0", {"mdp": frozen_lake()}),
    ("fastrl/Bandit-v0", {"problem": BernoulliBandit([0.1, 0.5, 0.9])}),
]


@pytest.mark.parametrize("env_id, kwargs", SPEC_CASES)
def test_specs_round_trip(env_id, kwargs):
    env = gym.make(env_id, **kwargs)
    assert gym.make(env.spec).spec == env.spec
    for mode in ("vector_entry_point", "sync"):
        venv = gym.make_vec(env_id, 3, mode, **kwargs)
        again = gym.make_vec(venv.spec)
        assert again.spec == venv.spec and type(again) is type(venv)


def test_spec_round_trip_with_a_stack():
    mdps = stack([frozen_lake(), frozen_lake(is_slippery=False)])
    venv = gym.make_vec("fastrl/Tabular-v0", 2, mdp=mdps)
    assert gym.make_vec(venv.spec).spec == venv.spec


def test_spec_round_trip_with_physics_arrays():
    # Gymnasium keeps make's keyword arguments in the spec and compares specs with ==:
    # a per-env physics array made that comparison raise.
    gravity = np.array([9.8, 9.0, 10.0])
    venv = gym.make_vec("fastrl/CartPole-v1", 3, gravity=gravity)
    assert venv.spec.kwargs["gravity"] == [9.8, 9.0, 10.0]
    again = gym.make_vec(venv.spec)
    assert again.spec == venv.spec
    np.testing.assert_array_equal(again.unwrapped._sim.params, venv.unwrapped._sim.params)
    env = gym.make("fastrl/Pendulum-v1", g=np.float64(9.0))
    assert gym.make(env.spec).spec == env.spec and type(env.spec.kwargs["g"]) is float


# -- Gymnasium's own checkers on every fastrl id ----------------------------------------------
# A few steps each, with short episodes (max_episode_steps=5) so that ends and autoresets
# happen; the kernels are those the rest of the suite compiles.

MODES = list(AutoresetMode)
SHORT = 5


def _kwargs(env_id):
    return {"mdp": frozen_lake()} if env_id == "fastrl/Tabular-v0" else {}


def _pair(env_id, mode, num_envs=3):
    kwargs = {**_kwargs(env_id), "max_episode_steps": SHORT}
    native = gym.make_vec(env_id, num_envs, "vector_entry_point", autoreset_mode=mode, **kwargs)
    sync = gym.make_vec(env_id, num_envs, "sync", vector_kwargs={"autoreset_mode": mode}, **kwargs)
    return native, sync


def _check_env_warnings(env) -> set:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped, skip_render_check=True)
    return {str(w.message) for w in caught}


@pytest.mark.parametrize("env_id", fastrl.gym.ENV_IDS)
def test_gymnasium_check_env_on_every_id(env_id):
    ours = _check_env_warnings(gym.make(env_id, **_kwargs(env_id)))
    # only the warnings Gymnasium's own environment gets (CartPole's infinite bounds,
    # Pendulum's unnormalised torque), none where there is no counterpart
    name = env_id.removeprefix("fastrl/")
    theirs = _check_env_warnings(gym.make(name)) if name in gym.registry else set()
    assert ours == theirs


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("env_id", fastrl.gym.ENV_IDS)
def test_gymnasium_env_match_native_against_sync(env_id, mode):
    # check_environments_match compares with == and assert, so one sub-environment.
    native, sync = _pair(env_id, mode, num_envs=1)
    # DISABLED: check_environments_match never resets, so stay inside the first episode.
    steps = 1 if mode == AutoresetMode.DISABLED else 3 * SHORT
    # The sync env's info also holds the single envs' "prob" (the native env has none).
    info = "skip" if mode == AutoresetMode.SAME_STEP else "superset"
    check_environments_match(native, sync, num_steps=steps, seed=3, info_comparison=info)


def _wrapped_rollout(venv, mode):
    """Rewards and recorded episodes (returns, lengths) of the wrapped env; in DISABLED
    mode also the episodes counted here from the rewards it returned."""
    env = RecordEpisodeStatistics(NormalizeReward(venv))
    env.reset(seed=4)
    env.action_space.seed(4)
    rewards, episodes, counted = [], [], []
    ret, length = np.zeros(venv.num_envs), np.zeros(venv.num_envs, dtype=np.int64)
    for _ in range(3 * SHORT):
        _, rew, term, trunc, info = env.step(env.action_space.sample())
        rewards.append(rew)
        ret, length = ret + rew, length + 1
        if "episode" in info:
            mask = info["_episode"]
            episodes.append([info["episode"][k][mask] for k in ("r", "l")])
        done = term | trunc
        if mode == AutoresetMode.DISABLED and done.any():
            counted.append([ret[done], length[done]])
            ret, length = np.where(done, 0.0, ret), np.where(done, 0, length)
            env.reset(options={"reset_mask": done})
    return rewards, episodes, counted


def _assert_episodes_equal(xs, ys):
    assert len(xs) == len(ys) > 0
    for (r, length), (r2, length2) in zip(xs, ys, strict=True):
        np.testing.assert_allclose(r, r2, rtol=1e-12)
        np.testing.assert_array_equal(length, length2)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("env_id", fastrl.gym.ENV_IDS)
def test_gymnasium_vector_wrappers_on_native_env(env_id, mode):
    native, sync = _pair(env_id, mode)
    rewards, episodes, counted = _wrapped_rollout(native, mode)
    assert np.isfinite(np.array(rewards)).all()
    if mode == AutoresetMode.DISABLED:
        # Gymnasium's RecordEpisodeStatistics over a SyncVectorEnv loses reset_mask (the
        # SyncVectorEnv pops it from options), so check the native env against a count.
        _assert_episodes_equal(episodes, counted)
        return
    rewards_sync, episodes_sync, _ = _wrapped_rollout(sync, mode)
    np.testing.assert_allclose(np.array(rewards), np.array(rewards_sync), rtol=1e-12)
    _assert_episodes_equal(episodes, episodes_sync)
