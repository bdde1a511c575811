"""The textbook task builders: valid models, hand-checked transitions, Taxi equal to Gymnasium.

No solver kernels here: exact values come from ``numpy.linalg.solve`` on the dense model.
"""

import math

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.envs.toy_text.taxi import TaxiEnv

from fastrl.tabular import (
    TAXI_MAP,
    TabularMDP,
    gamblers_problem,
    jacks_car_rental,
    maximization_bias,
    random_walk,
    taxi,
)


def _mrp_values(mdp, gamma=1.0):
    """Exact values of the single-action model (or action 0) by a dense solve."""
    P, R, T = mdp.to_dense(with_terminated=True)
    live = P[:, 0] - T[:, 0]
    r = (P[:, 0] * R[:, 0]).sum(axis=1)
    return np.linalg.solve(np.eye(mdp.num_states) - gamma * live, r)


def test_random_walk_example_6_2_and_figure_7_2():
    m = random_walk()
    assert (m.num_states, m.num_actions, m.num_successors) == (7, 1, 2)
    assert m.initial.tolist() == [0, 0, 0, 1, 0, 0, 0] and m.max_episode_steps is None
    # hand-checked: C moves to B or D; A's left move ends the episode with 0, E's right +1
    assert m.next_state[3, 0].tolist() == [2, 4] and m.prob[3, 0].tolist() == [0.5, 0.5]
    assert m.terminated[1, 0].tolist() == [True, False] and m.reward[1, 0].tolist() == [0, 0]
    assert m.terminated[5, 0].tolist() == [False, True] and m.reward[5, 0].tolist() == [0, 1]
    assert m.next_state[0, 0, 0] == 0 and m.terminated[0, 0, 0] and m.prob[0, 0, 0] == 1.0
    # the book's true values 1/6 .. 5/6 (example 6.2) and -0.9 .. 0.9 (figure 7.2)
    np.testing.assert_allclose(_mrp_values(m)[1:-1], np.arange(1, 6) / 6, atol=1e-12)
    m19 = random_walk(19, left_reward=-1.0)
    assert m19.initial[10] == 1.0 and m19.num_states == 21
    np.testing.assert_allclose(_mrp_values(m19)[1:-1], np.arange(-9, 10) / 10, atol=1e-12)
    assert random_walk(1, -2.0, 3.0).reward[1, 0].tolist() == [-2.0, 3.0]
    assert random_walk(4).initial.argmax() == 2


def test_gamblers_problem_transitions():
    m = gamblers_problem(100, 0.4)
    assert (m.num_states, m.num_actions, m.num_successors) == (101, 50, 2)
    # capital 10, stake 5 (action 4): heads to 15, tails to 5, nothing paid
    assert m.next_state[10, 4].tolist() == [15, 5] and m.prob[10, 4].tolist() == [0.4, 0.6]
    assert not m.terminated[10, 4].any() and not m.reward[10, 4].any()
    # capital 60 asks 45 (action 44): clipped to 40, heads reaches the goal (+1, end)
    assert m.next_state[60, 44].tolist() == [100, 20] == m.next_state[60, 39].tolist()
    assert m.reward[60, 44].tolist() == [1.0, 0.0] and m.terminated[60, 44].tolist() == [1, 0]
    # capital 3, stake 3 (action 2): tails is ruin (end, 0)
    assert m.next_state[3, 2].tolist() == [6, 0] and m.terminated[3, 2].tolist() == [0, 1]
    for end in (0, 100):
        assert (m.next_state[end, :, 0] == end).all() and m.terminated[end, :, 0].all()
        assert (m.prob[end, :, 0] == 1.0).all() and not m.reward[end].any()
    np.testing.assert_allclose(m.initial[1:100], 1 / 99)
    assert m.initial[0] == m.initial[100] == 0
    assert gamblers_problem(2, 0.5).num_actions == 1


def _poisson(lam, n):
    return np.array([math.exp(-lam) * lam**j / math.factorial(j) for j in range(n)])


def test_jacks_car_rental_transitions():
    m = jacks_car_rental()
    assert (m.num_states, m.num_actions, m.num_successors) == (441, 11, 441)
    r = m.expected_reward()
    # no move from (n1, n2): 10 * (E min(req1, n1) + E min(req2, n2)), requests Poisson 3, 4
    for n1, n2 in ((0, 0), (3, 7), (20, 20)):
        e1 = sum(p * min(j, n1) for j, p in enumerate(_poisson(3.0, 80)))
        e2 = sum(p * min(j, n2) for j, p in enumerate(_poisson(4.0, 80)))
        assert r[n1 * 21 + n2, 5] == pytest.approx(10 * (e1 + e2), abs=1e-9)
    # from (0, 0) nothing is rented: tomorrow's lot is today's returns (Poisson 3, 2),
    # capped at 20 with the tail P(returns >= 20) on the full lot
    p1, p2 = _poisson(3.0, 20), _poisson(2.0, 20)
    P = m.prob[0, 5].reshape(21, 21)
    np.testing.assert_allclose(P[:20, :20], np.outer(p1, p2), rtol=1e-12)
    assert P[20].sum() == pytest.approx(1 - p1.sum(), rel=1e-9)
    # moving 5 from (20, 20): 15 and 20 in the morning (5 cars lost), cost $10
    morning = m.prob[20 * 21 + 20, 10]
    np.testing.assert_array_equal(morning, m.prob[15 * 21 + 20, 5])
    assert r[20 * 21 + 20, 10] == pytest.approx(r[15 * 21 + 20, 5] - 10.0, abs=1e-9)
    # asking to move 4 from a lot of 2 moves 2 and pays for 4
    s = 2 * 21 + 0
    np.testing.assert_array_equal(m.prob[s, 9], m.prob[s, 7])
    assert r[s, 9] == pytest.approx(r[s, 7] - 4.0, abs=1e-9)
    assert not m.terminated.any() and m.initial.tolist() == [1 / 441] * 441
    small = jacks_car_rental(max_cars=3, max_move=1, request_rates=(1.0, 2.0))
    assert (small.num_states, small.num_actions) == (16, 3)


def test_maximization_bias_layout_and_rewards():
    m = maximization_bias()
    assert (m.num_states, m.num_actions, m.num_successors) == (3, 10, 8)
    assert m.initial.tolist() == [1.0, 0.0, 0.0]
    # from A: even actions right (end, 0), odd left to B (0, not the end)
    assert m.next_state[0, :, 0].tolist() == [2, 1] * 5
    assert m.terminated[0, :, 0].tolist() == [True, False] * 5
    assert not m.reward[0].any() and (m.prob[0, :, 0] == 1).all()
    # from B: every action ends with a reward of mean -0.1 and variance 1
    assert (m.next_state[1] == 2).all() and m.terminated[1].all()
    mean = (m.prob[1] * m.reward[1]).sum(axis=1)
    var = (m.prob[1] * (m.reward[1] - mean[:, None]) ** 2).sum(axis=1)
    np.testing.assert_allclose(mean, -0.1, atol=1e-14)
    np.testing.assert_allclose(var, 1.0, atol=1e-13)
    # Gauss-Hermite matches the normal's fourth moment 3 too
    assert (m.prob[1, 0] * (m.reward[1, 0] + 0.1) ** 4).sum() == pytest.approx(3.0, abs=1e-12)
    one = maximization_bias(2, mean=0.5, std=2.0, reward_points=1)
    assert one.reward[1].tolist() == [[0.5], [0.5]] and one.num_actions == 2
    assert maximization_bias(4, reward_points=3).num_successors == 3


# Gymnasium 1.3 renamed Taxi-v3 to v4 when it fixed the rainy moves (the dry table is
# unchanged); the rainy table is compared only where the fixed version is installed.
TAXI_ID = "Taxi-v4" if "Taxi-v4" in gym.registry else "Taxi-v3"


@pytest.mark.parametrize("rainy", [False, True])
def test_taxi_equals_gymnasium(rainy):
    if rainy and TAXI_ID == "Taxi-v3":
        pytest.skip("Gymnasium < 1.3: rainy Taxi moves differ (fixed in Taxi-v4)")
    ours = taxi(is_rainy=rainy)
    env = gym.make(TAXI_ID, **({"is_rainy": True} if rainy else {}))
    theirs = TabularMDP.from_gymnasium(env)
    for f in ("next_state", "prob", "reward", "terminated", "initial"):
        np.testing.assert_array_equal(getattr(ours, f), getattr(theirs, f))
    assert ours.max_episode_steps == theirs.max_episode_steps == 200
    assert ours.desc == theirs.desc == TAXI_MAP
    # and against the raw table and start distribution, entry for entry
    u = TaxiEnv(is_rainy=True) if rainy else TaxiEnv()
    for s in range(500):
        for a in range(6):
            entries = u.P[s][a]
            for k, (p, s_next, r, t) in enumerate(entries):
                assert (ours.prob[s, a, k], ours.next_state[s, a, k]) == (p, s_next)
                assert (ours.reward[s, a, k], ours.terminated[s, a, k]) == (r, t)
            assert not ours.prob[s, a, len(entries) :].any()
    np.testing.assert_array_equal(ours.initial, u.initial_state_distrib)


def test_taxi_hand_checked():
    m = taxi()
    s = ((0 * 5 + 0) * 5 + 0) * 4 + 1  # taxi at R, passenger at R, destination G
    assert m.next_state[s, 4, 0] == ((0 * 5 + 0) * 5 + 4) * 4 + 1  # pickup
    assert m.reward[s, 4, 0] == -1.0 and m.reward[s, 5, 0] == -10.0
    carry = ((0 * 5 + 4) * 5 + 4) * 4 + 1  # passenger aboard at G
    assert m.terminated[carry, 5, 0] and m.reward[carry, 5, 0] == 20.0
    assert m.next_state[s, 2, 0] == ((0 * 5 + 1) * 5 + 0) * 4 + 1  # east, no wall
    wall = ((0 * 5 + 1) * 5 + 0) * 4 + 1  # (0, 1): a wall on its east side
    assert m.next_state[wall, 2, 0] == wall
    assert (m.initial > 0).sum() == 300


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: random_walk(0), "n_states"),
        (lambda: random_walk(5.0), "n_states"),
        (lambda: random_walk(5, left_reward=math.nan), "left_reward"),
        (lambda: random_walk(5, right_reward="1"), "right_reward"),
        (lambda: gamblers_problem(1), "goal"),
        (lambda: gamblers_problem(100, 1.0), "p_heads"),
        (lambda: gamblers_problem(100, 0.0), "p_heads"),
        (lambda: jacks_car_rental(max_cars=0), "max_cars"),
        (lambda: jacks_car_rental(max_move=21), "max_move"),
        (lambda: jacks_car_rental(request_rates=(3.0,)), "request_rates"),
        (lambda: jacks_car_rental(return_rates=(3.0, -1.0)), r"return_rates\[1\]"),
        (lambda: jacks_car_rental(rent_reward=math.inf), "rent_reward"),
        (lambda: maximization_bias(9), "even"),
        (lambda: maximization_bias(0), "n_actions_b"),
        (lambda: maximization_bias(std=-1.0), "std"),
        (lambda: maximization_bias(reward_points=0), "reward_points"),
        (lambda: taxi(is_rainy=1), "is_rainy"),
        (lambda: taxi(rainy_probability=1.5), "rainy_probability"),
    ],
)
def test_bad_arguments_raise(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
