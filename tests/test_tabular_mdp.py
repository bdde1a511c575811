import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastrl.tabular import MDPStack, TabularMDP, batched_arrays, frozen_lake, stack


def _chain():
    P = np.zeros((3, 2, 3))
    P[0, 0] = [0.5, 0.5, 0.0]
    P[0, 1] = [0.0, 0.0, 1.0]
    P[1, :, 2] = 1.0
    P[2, :, 2] = 1.0
    R = np.zeros((3, 2, 3))
    R[:, :, 2] = 1.0
    return P, R


def _arrays():
    m = TabularMDP.from_dense(*_chain(), terminated=np.array([False, False, True]))
    return dict(
        next_state=m.next_state,
        prob=m.prob,
        reward=m.reward,
        terminated=m.terminated,
        initial=m.initial,
    )


def test_from_dense_round_trip():
    P, R = _chain()
    T = np.zeros(P.shape, dtype=bool)
    T[:, :, 2] = True
    m = TabularMDP.from_dense(P, R, terminated=T, initial=[1.0, 0.0, 0.0])
    assert (m.num_states, m.num_actions, m.num_successors) == (3, 2, 2)
    P2, R2, T2 = m.to_dense(with_terminated=True)
    np.testing.assert_array_equal(P2, P)
    np.testing.assert_array_equal(R2, np.where(P > 0, R, 0.0))
    np.testing.assert_array_equal(T2, np.where(T, P, 0.0))
    # padding points to s itself with probability 0
    assert m.prob[1, 0, 1] == 0.0 and m.next_state[1, 0, 1] == 1
    assert not m.next_state.flags.writeable and not m.prob.flags.writeable
    np.testing.assert_allclose(m.expected_reward(), (P * R).sum(-1))


def test_from_dense_reward_per_state_action_and_uniform_initial():
    P, _ = _chain()
    m = TabularMDP.from_dense(P, np.ones((3, 2)))
    np.testing.assert_array_equal(m.initial, np.full(3, 1 / 3))
    assert np.all(m.reward[m.prob > 0] == 1.0)
    assert not m.terminated.any()


@pytest.mark.parametrize(
    "field, value, match",
    [
        ("prob", lambda a: a["prob"] * 0.5, "sum to 1"),
        ("prob", lambda a: np.where(a["prob"] == 0.5, [1.5, -0.5], a["prob"]), "non-negative"),
        ("prob", lambda a: np.where(a["prob"] == 1.0, np.nan, a["prob"]), "finite"),
        ("next_state", lambda a: a["next_state"] + 3, r"next_state must lie"),
        ("next_state", lambda a: a["next_state"] - 5, r"next_state must lie"),
        ("reward", lambda a: a["reward"][:, :, :1], "shape"),
        ("reward", lambda a: np.full(a["reward"].shape, np.inf), "finite"),
        ("initial", lambda a: np.array([0.5, 0.2, 0.2]), "initial must sum"),
        ("initial", lambda a: np.array([1.5, -0.5, 0.0]), "initial must be non-negative"),
        ("initial", lambda a: np.ones(4) / 4, "initial must have shape"),
        ("terminated", lambda a: a["terminated"] * 2, "booleans"),
        ("next_state", lambda a: a["next_state"] + 0.5, "integers"),
        ("prob", lambda a: a["prob"][0], "dimensions"),
    ],
)
def test_validation_names_the_problem(field, value, match):
    a = _arrays()
    a[field] = value(a)
    with pytest.raises(ValueError, match=match):
        TabularMDP(**a)


def test_validation_types():
    a = _arrays()
    a["prob"] = [["x"]]
    with pytest.raises(TypeError):
        TabularMDP(**a)
    with pytest.raises(ValueError, match="max_episode_steps"):
        TabularMDP(**_arrays(), max_episode_steps=0)
    with pytest.raises(ValueError, match="P must sum"):
        TabularMDP.from_dense(np.ones((2, 1, 2)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="R must have shape"):
        TabularMDP.from_dense(*_chain()[:1], np.zeros((2, 2)))


def test_stack_pads_and_indexes():
    a = frozen_lake("4x4", is_slippery=True)
    b = frozen_lake("4x4", is_slippery=False)
    s = stack([a, b, a])
    assert isinstance(s, MDPStack) and len(s) == 3 and s.num_successors == 3
    assert s.max_episode_steps == 100 and s.descs[1] == b.desc
    np.testing.assert_array_equal(s[1].to_dense()[0], b.to_dense()[0])
    np.testing.assert_array_equal(s[-1].prob, a.prob)
    ns, p, r, t, init = batched_arrays(s)
    assert ns.shape == (3, 16, 4, 3) and ns.dtype == np.int64 and t.dtype == np.bool_
    assert all(x.flags.c_contiguous and not x.flags.writeable for x in (ns, p, r, t, init))
    # padding of the non-slippery map: zero probability, pointing to s
    assert np.all(p[1, :, :, 1:] == 0) and np.all(ns[1, :, :, 1:] == np.arange(16)[:, None, None])
    one = batched_arrays(a)
    assert one[0].shape == (1, 16, 4, 3)
    with pytest.raises(ValueError, match="states"):
        stack([a, frozen_lake("8x8")])
    with pytest.raises(ValueError, match="max_episode_steps"):
        stack([a, TabularMDP(**{k: getattr(a, k) for k in _arrays()}, max_episode_steps=5)])
    with pytest.raises(ValueError):
        stack([])
    with pytest.raises(IndexError):
        s[3]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(1, 3),
    st.one_of(st.floats(-2.0, 2.0), st.just(np.nan), st.just(np.inf)),
    st.integers(0, 3),
)
def test_bad_probabilities_always_raise(S, A, x, where):
    P = np.full((S, A, S), 1.0 / S)
    P.flat[where % P.size] = x
    ok = np.all(np.abs(P.sum(-1) - 1.0) <= 1e-9) and np.all(P >= 0)
    if ok:
        TabularMDP.from_dense(P, np.zeros((S, A)))
    else:
        with pytest.raises(ValueError):
            TabularMDP.from_dense(P, np.zeros((S, A)))


def test_from_gymnasium_taxi_and_bad_env():
    import gymnasium as gym

    env = gym.make("Taxi-v4")
    m = TabularMDP.from_gymnasium(env)
    assert (m.num_states, m.num_actions, m.max_episode_steps) == (500, 6, 200)
    s, a = 123, 4
    expected = env.unwrapped.P[s][a]
    assert [(p, ns, r, t) for p, ns, r, t in expected] == [
        (m.prob[s, a, k], m.next_state[s, a, k], m.reward[s, a, k], m.terminated[s, a, k])
        for k in range(len(expected))
    ]
    np.testing.assert_array_equal(m.initial, env.unwrapped.initial_state_distrib)
    with pytest.raises(TypeError, match="transition table"):
        TabularMDP.from_gymnasium(gym.make("CartPole-v1"))
