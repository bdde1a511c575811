import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_tabular import dense_policy_evaluation, dense_value_iteration

from fastrl._jit import get_num_threads, set_num_threads
from fastrl.tabular import (
    TabularMDP,
    frozen_lake,
    policy_evaluation,
    policy_iteration,
    random_map,
    stack,
    value_iteration,
)


@st.composite
def random_mdps(draw):
    S = draw(st.integers(1, 6))
    A = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    gen = np.random.default_rng(seed)
    P = gen.random((S, A, S)) * (gen.random((S, A, S)) < 0.6)
    P[..., 0] += 1e-3
    P /= P.sum(-1, keepdims=True)
    R = gen.normal(size=(S, A, S))
    T = gen.random((S, A, S)) < 0.2
    return TabularMDP.from_dense(P, R, terminated=T)


def test_frozen_lake_known_value_matches_dense_reference():
    m = frozen_lake("4x4")
    res = value_iteration(m, 0.99, tol=1e-12)
    v, q, it = dense_value_iteration(m, 0.99, 1e-12)
    np.testing.assert_allclose(res.values, v, atol=1e-12)
    np.testing.assert_allclose(res.q, q, atol=1e-12)
    assert res.iterations == it and res.converged
    assert res.values[0] == pytest.approx(0.542, abs=5e-4)
    assert res.values.shape == (16,) and res.q.shape == (16, 4) and res.policy.shape == (16,)


def test_value_and_policy_iteration_agree_on_a_stack():
    mdps = [
        frozen_lake(desc=random_map(6, 0.75, seed), is_slippery=bool(seed % 2))
        for seed in range(12)
    ]
    s = stack(mdps)
    vi = value_iteration(s, 0.95, tol=1e-12)
    pi = policy_iteration(s, 0.95)
    assert (
        vi.values.shape == (12, 36) and vi.q.shape == (12, 36, 4) and vi.iterations.shape == (12,)
    )
    assert vi.converged.all() and pi.converged.all()
    np.testing.assert_allclose(vi.values, pi.values, atol=1e-9)
    for i, m in enumerate(mdps):
        v, _, it = dense_value_iteration(m, 0.95, 1e-12)
        np.testing.assert_allclose(vi.values[i], v, atol=1e-12)
        assert vi.iterations[i] == it
        single = value_iteration(m, 0.95, tol=1e-12)
        np.testing.assert_array_equal(single.values, vi.values[i])
    # both greedy policies are optimal: their exact values equal V*
    ev = policy_evaluation(s, pi.policy, 0.95)
    np.testing.assert_allclose(ev.values, vi.values, atol=1e-9)


def test_ties_broken_by_lowest_index():
    P = np.zeros((2, 3, 2))
    P[:, :, 1] = 1.0
    m = TabularMDP.from_dense(P, np.zeros((2, 3)), terminated=np.array([False, True]))
    assert value_iteration(m, 0.9).policy.tolist() == [0, 0]
    assert policy_iteration(m, 0.9).policy.tolist() == [0, 0]


def test_policy_evaluation_exact_and_shapes():
    m = frozen_lake("4x4")
    rng = np.random.default_rng(0)
    pol = rng.integers(0, 4, size=(5, 16))
    res = policy_evaluation(m, pol, 0.9)
    assert res.values.shape == (5, 16) and res.converged.all()
    for j in range(5):
        onehot = np.eye(4)[pol[j]]
        np.testing.assert_allclose(
            res.values[j], dense_policy_evaluation(m, onehot, 0.9), atol=1e-12
        )
    stoch = rng.dirichlet(np.ones(4), size=16)
    one = policy_evaluation(m, stoch, 1.0)
    np.testing.assert_allclose(one.values, dense_policy_evaluation(m, stoch, 1.0), atol=1e-10)
    assert one.values.shape == (16,)


def test_singular_undiscounted_evaluation_raises():
    m = frozen_lake("4x4", is_slippery=False)
    with pytest.raises(ValueError, match="singular"):
        policy_evaluation(m, np.zeros(16, dtype=np.int64), 1.0)  # always left: never terminates
    with pytest.raises(ValueError, match="singular"):
        policy_iteration(m, 1.0)


def test_non_convergence_is_reported():
    s = stack([frozen_lake("4x4")] * 3)
    with pytest.warns(RuntimeWarning, match="3 of 3"):
        res = value_iteration(s, 0.99, tol=1e-12, max_iter=5)
    assert not res.converged.any() and (res.iterations == 5).all()


def test_thread_count_does_not_change_results():
    s = stack([frozen_lake(desc=random_map(5, 0.8, seed)) for seed in range(40)])
    n = get_num_threads()
    try:
        set_num_threads(1)
        a = value_iteration(s, 0.99, tol=1e-10)
        b = policy_iteration(s, 0.99)
    finally:
        set_num_threads(n)
    c = value_iteration(s, 0.99, tol=1e-10)
    d = policy_iteration(s, 0.99)
    np.testing.assert_array_equal(a.values, c.values)
    np.testing.assert_array_equal(b.values, d.values)


def test_bad_arguments_raise():
    m = frozen_lake("4x4")
    for bad in (-0.1, 1.5, np.nan):
        with pytest.raises(ValueError):
            value_iteration(m, bad)
    with pytest.raises(ValueError):
        value_iteration(m, 0.9, tol=0.0)
    with pytest.raises(TypeError):
        value_iteration(m, 0.9, max_iter=1.5)
    with pytest.raises(TypeError):
        value_iteration("m", 0.9)
    with pytest.raises(ValueError):
        policy_evaluation(m, np.full(16, 4), 0.9)
    with pytest.raises(ValueError):
        policy_evaluation(m, np.full((16, 4), 0.3), 0.9)
    with pytest.raises(ValueError):
        policy_evaluation(m, np.zeros(15, dtype=np.int64), 0.9)
    with pytest.raises(TypeError):
        policy_evaluation(m, np.zeros(16, dtype=bool), 0.9)
    with pytest.raises(ValueError):
        policy_evaluation(stack([m] * 3), np.zeros((2, 16), dtype=np.int64), 0.9)


@settings(max_examples=40, deadline=None)
@given(random_mdps(), st.floats(0.0, 0.95))
def test_bellman_fixed_point_and_bounds(mdp, gamma):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = value_iteration(mdp, gamma, tol=1e-12)
    assert res.converged
    np.testing.assert_allclose(res.values, res.q.max(axis=1), atol=1e-10)
    r_max = np.abs(mdp.reward).max()
    assert np.all(np.abs(res.values) <= r_max / (1 - gamma) + 1e-9)
    v, _, _ = dense_value_iteration(mdp, gamma, 1e-12)
    np.testing.assert_allclose(res.values, v, atol=1e-10)
    P, _ = mdp.to_dense()
    np.testing.assert_allclose(P.sum(-1), 1.0, atol=1e-9)
    pi = policy_iteration(mdp, gamma)
    np.testing.assert_allclose(pi.values, res.values, atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 15), st.integers(-3, 20), st.sampled_from(["int", "float", "nan", "shape"]))
def test_bad_policies_always_raise(s, a, kind):
    m = frozen_lake("4x4")
    pol = np.zeros(16, dtype=np.int64)
    if kind == "int":
        pol[s] = a
        if 0 <= a < 4:
            policy_evaluation(m, pol, 0.9)
            return
    elif kind == "float":
        pol = np.full((16, 4), 0.25)
        pol[s, 0] += a / 10 + 0.01
    elif kind == "nan":
        pol = np.full((16, 4), 0.25)
        pol[s, a % 4] = np.nan
    else:
        pol = np.zeros(a + 17 if a != -1 else 15, dtype=np.int64)
    with pytest.raises(ValueError):
        policy_evaluation(m, pol, 0.9)
