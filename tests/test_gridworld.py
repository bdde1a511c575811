import gymnasium as gym
import numpy as np
import pytest
from gymnasium.envs.toy_text.frozen_lake import generate_random_map

from fastrl.tabular import (
    TabularMDP,
    cliff_walking,
    dyna_maze,
    frozen_lake,
    gridworld,
    random_map,
    value_iteration,
    windy_gridworld,
)


def _assert_same_model(ours, theirs):
    for x, y in zip(
        ours.to_dense(with_terminated=True), theirs.to_dense(with_terminated=True), strict=True
    ):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(ours.initial, theirs.initial)
    # entry for entry too (same order, duplicates kept), so sampling matches Gymnasium's
    for f in ("next_state", "prob", "reward", "terminated"):
        np.testing.assert_array_equal(getattr(ours, f), getattr(theirs, f))


@pytest.mark.parametrize("slippery", [True, False])
@pytest.mark.parametrize(
    "kwargs",
    [
        dict(map_name="4x4"),
        dict(map_name="8x8"),
        dict(desc=generate_random_map(8, seed=1)),
        dict(desc=generate_random_map(5, p=0.6, seed=7)),
        dict(desc=["SFH", "FFG"]),
    ],
)
def test_frozen_lake_equals_gymnasium(kwargs, slippery):
    env = gym.make("FrozenLake-v1", is_slippery=slippery, **kwargs)
    _assert_same_model(frozen_lake(is_slippery=slippery, **kwargs), TabularMDP.from_gymnasium(env))


def test_frozen_lake_limits_follow_registrations():
    assert (
        frozen_lake("4x4").max_episode_steps == gym.spec("FrozenLake-v1").max_episode_steps == 100
    )
    assert (
        frozen_lake("8x8").max_episode_steps
        == gym.spec("FrozenLake8x8-v1").max_episode_steps
        == 200
    )
    assert frozen_lake(desc=random_map(4, seed=0)).max_episode_steps == 100
    assert frozen_lake(desc=random_map(5, seed=0)).max_episode_steps == 200
    assert frozen_lake("4x4").desc == ("SFFF", "FHFH", "FFFH", "HFFG")


@pytest.mark.parametrize("slippery", [False, True])
def test_cliff_walking_equals_gymnasium(slippery):
    env = gym.make("CliffWalking-v1", is_slippery=slippery)
    ours = cliff_walking(is_slippery=slippery)
    _assert_same_model(ours, TabularMDP.from_gymnasium(env))
    assert ours.max_episode_steps is None and env.spec.max_episode_steps is None


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_random_map_matches_gymnasium_and_is_solvable(seed):
    desc = random_map(8, 0.8, seed)
    assert desc == tuple(generate_random_map(8, 0.8, seed))
    # solvable: the undiscounted, deterministic optimal value of the start is 1
    res = value_iteration(frozen_lake(desc=desc, is_slippery=False), 1.0)
    assert res.values[0] == 1.0
    assert random_map(6, 0.5, seed) == random_map(6, 0.5, seed)


def test_random_maps_are_solvable_even_with_many_holes():
    for seed in range(20):
        res = value_iteration(frozen_lake(desc=random_map(6, 0.55, seed), is_slippery=False), 1.0)
        assert res.values[0] == 1.0


def test_windy_gridworld_shortest_path_is_15_steps():
    m = windy_gridworld()
    assert (m.num_states, m.num_actions) == (70, 4) and m.desc[3][7] == "G"
    res = value_iteration(m, 1.0)
    assert res.values[3 * 10 + 0] == -15.0


def test_dyna_maze_shortest_path_is_14_steps():
    m = dyna_maze()
    assert m.num_states == 54 and m.initial[2 * 9] == 1.0
    res = value_iteration(m, 0.95, tol=1e-12)
    assert res.values[2 * 9] == pytest.approx(0.95**13, abs=1e-10)


def test_gridworld_rewards_walls_and_slip():
    m = gridworld(
        ["SWG", "FHF"], step_reward=-1.0, goal_reward=10.0, hole_reward=-5.0, wall_reward=-2.0
    )
    P, R, T = m.to_dense(with_terminated=True)
    assert P[0, 2, 0] == 1.0 and R[0, 2, 0] == -2.0  # right from S: wall, stay
    assert P[0, 1, 3] == 1.0 and R[0, 1, 3] == -1.0  # down onto floor
    assert P[3, 2, 4] == 1.0 and R[3, 2, 4] == -5.0 and T[3, 2, 4] == 1.0  # into the hole
    assert P[5, 3, 2] == 1.0 and R[5, 3, 2] == 10.0 and T[5, 3, 2] == 1.0  # up into the goal
    s = gridworld(["SFG"], slip=0.2)
    np.testing.assert_allclose(s.prob[0, 2], [0.1, 0.8, 0.1])


@pytest.mark.parametrize(
    "desc, match",
    [
        (["SF", "F"], "rectangular"),
        (["FF", "FG"], "exactly one S"),
        (["SS", "FG"], "exactly one S"),
        (["SF", "FF"], "at least one G"),
        (["SX", "FG"], "only contain"),
        ([], "at least one"),
    ],
)
def test_bad_maps_raise(desc, match):
    with pytest.raises(ValueError, match=match):
        gridworld(desc)


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        frozen_lake("5x5")
    with pytest.raises(ValueError):
        frozen_lake(desc=["SWG"])
    with pytest.raises(TypeError):
        frozen_lake(is_slippery=1)
    with pytest.raises(TypeError):
        gridworld("SFG")
    with pytest.raises(ValueError):
        gridworld(["SG"], slip=1.5)
    with pytest.raises(ValueError):
        random_map(8, 0.0)
    with pytest.raises(ValueError):
        random_map(8, 0.8, -1)
