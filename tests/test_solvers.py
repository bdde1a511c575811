"""Modified policy iteration, value iteration's epsilon-optimal stop and backward induction.

Exact references are dense ``numpy.linalg.solve`` evaluations and brute force written here
(no policy-evaluation kernel, to keep the compiled specialisations few).
"""

import itertools
import math

import numpy as np
import pytest

from fastrl._jit import get_num_threads, set_num_threads
from fastrl.tabular import (
    TabularMDP,
    backward_induction,
    frozen_lake,
    modified_policy_iteration,
    policy_iteration,
    stack,
    value_iteration,
)


def _random_mdp(seed, S=6, A=3):
    gen = np.random.default_rng(seed)
    P = gen.random((S, A, S)) * (gen.random((S, A, S)) < 0.6)
    P[..., 0] += 1e-3
    P /= P.sum(-1, keepdims=True)
    return TabularMDP.from_dense(P, gen.normal(size=(S, A, S)), gen.random((S, A, S)) < 0.2)


MDPS = [_random_mdp(seed) for seed in range(10)]


def _exact_value(mdp, policy, gamma):
    """``V^pi`` of a deterministic policy by a dense solve."""
    P, R, T = mdp.to_dense(with_terminated=True)
    idx = np.arange(mdp.num_states)
    Pp, Rp, Tp = P[idx, policy], R[idx, policy], T[idx, policy]
    return np.linalg.solve(np.eye(mdp.num_states) - gamma * (Pp - Tp), (Pp * Rp).sum(axis=1))


@pytest.mark.parametrize("k", [0, 1, 20, 500])
def test_modified_policy_iteration_equals_policy_iteration_on_a_stack(k):
    s = stack(MDPS)
    mpi = modified_policy_iteration(s, 0.9, k=k, epsilon=1e-10)
    pi = policy_iteration(s, 0.9)
    assert mpi.converged.all() and mpi.values.shape == (10, 6) and mpi.q.shape == (10, 6, 3)
    np.testing.assert_array_equal(mpi.policy, pi.policy)
    np.testing.assert_allclose(mpi.values, pi.values, rtol=0, atol=1e-10)
    # more evaluation sweeps, fewer improvement steps (k = 0 is value iteration)
    if k == 0:
        vi = value_iteration(s, 0.9, epsilon=1e-10)
        np.testing.assert_array_equal(mpi.policy, vi.policy)
    if k == 500:
        assert (mpi.iterations <= pi.iterations + 2).all()
    one = modified_policy_iteration(MDPS[3], 0.9, k=k, epsilon=1e-10)
    np.testing.assert_array_equal(one.values, mpi.values[3])
    assert one.iterations == mpi.iterations[3] and one.converged is True


def test_modified_policy_iteration_frozen_lake_and_monotone_start():
    m = frozen_lake("8x8")
    mpi = modified_policy_iteration(m, 0.99, k=20, epsilon=1e-9)
    pi = policy_iteration(m, 0.99)
    np.testing.assert_allclose(mpi.values, pi.values, atol=1e-9)
    v = _exact_value(m, mpi.policy, 0.99)
    assert np.max(np.abs(v - pi.values)) < 1e-9
    # a positive-reward model: the start min(0, min r) / (1 - gamma) = 0 is a lower bound
    P = np.ones((2, 1, 2)) / 2
    pos = TabularMDP.from_dense(P, np.array([[1.0], [2.0]]))
    res = modified_policy_iteration(pos, 0.5, k=3, epsilon=1e-12)
    # V = r + 0.5 * mean(V): mean(V) = 3, V = (2.5, 3.5)
    np.testing.assert_allclose(res.values, [2.5, 3.5], atol=1e-11)


@pytest.mark.parametrize("gamma, epsilon", [(0.9, 0.5), (0.99, 0.05), (0.5, 1e-3), (0.0, 1.0)])
def test_epsilon_optimal_value_iteration(gamma, epsilon):
    mdps = MDPS + [_random_mdp(99, S=16, A=4)]
    for m in mdps:
        res = value_iteration(m, gamma, epsilon=epsilon)
        star = policy_iteration(m, gamma).values
        assert res.converged
        # the guarantee (Puterman 6.3.1): values within epsilon/2, the policy epsilon-optimal
        assert np.max(np.abs(res.values - star)) < epsilon / 2
        assert np.max(star - _exact_value(m, res.policy, gamma)) < epsilon
        if gamma == 0.0:
            assert res.iterations == 1
    # it stops earlier than the default tolerance, and the default is unchanged
    loose = value_iteration(MDPS[0], 0.99, epsilon=0.05)
    default = value_iteration(MDPS[0], 0.99)
    assert loose.iterations < default.iterations
    again = value_iteration(MDPS[0], 0.99, tol=1e-10)
    np.testing.assert_array_equal(default.values, again.values)


def _brute_force(mdp, H, gamma):
    """max over every deterministic time-dependent policy of the H-step return, per state."""
    P, R, T = mdp.to_dense(with_terminated=True)
    S, A = mdp.num_states, mdp.num_actions
    best = np.full(S, -np.inf)
    for plan in itertools.product(range(A), repeat=S * H):
        pol = np.array(plan).reshape(H, S)
        v = np.zeros(S)
        for t in range(H - 1, -1, -1):
            idx = np.arange(S)
            a = pol[t]
            v = (P[idx, a] * R[idx, a]).sum(1) + gamma * (P[idx, a] - T[idx, a]) @ v
        best = np.maximum(best, v)
    return best


def test_backward_induction_equals_brute_force_and_stacks():
    tiny = [_random_mdp(seed, S=2, A=2) for seed in (1, 2, 3)]
    res = backward_induction(stack(tiny), 3, gamma=0.9)
    assert res.values.shape == (3, 4, 2) and res.q.shape == (3, 3, 2, 2)
    assert res.policy.shape == (3, 3, 2) and res.policy.dtype == np.int64
    for i, m in enumerate(tiny):
        np.testing.assert_allclose(res.values[i, 0], _brute_force(m, 3, 0.9), atol=1e-12)
        one = backward_induction(m, 3, gamma=0.9)
        np.testing.assert_array_equal(one.values, res.values[i])
        np.testing.assert_array_equal(one.policy, res.policy[i])
        assert (one.values[3] == 0).all()
        np.testing.assert_allclose(one.values[2], m.expected_reward().max(axis=1), atol=1e-15)
        np.testing.assert_array_equal(one.policy, one.q.argmax(axis=2))
    # a long horizon approaches the discounted optimum, H = 0 is empty
    m = frozen_lake("4x4")
    long = backward_induction(m, 2000, gamma=0.9)
    np.testing.assert_allclose(long.values[0], value_iteration(m, 0.9).values, atol=1e-9)
    empty = backward_induction(m, 0)
    assert empty.values.shape == (1, 16) and empty.policy.shape == (0, 16)
    frame = backward_induction(stack(tiny), 3).to_frame()
    assert len(frame) == 3 * 3 * 2 and set(frame.columns) == {"mdp", "t", "state", "value",
                                                              "action"}  # fmt: skip


def test_bad_arguments_raise():
    m = frozen_lake("4x4")
    for call, match in [
        (lambda: modified_policy_iteration(m, 1.0), "gamma must be < 1"),
        (lambda: modified_policy_iteration(m, 0.9, k=-1), "k"),
        (lambda: modified_policy_iteration(m, 0.9, k=1.5), "k"),
        (lambda: modified_policy_iteration(m, 0.9, epsilon=0.0), "epsilon"),
        (lambda: modified_policy_iteration(m, 0.9, max_iter=0), "max_iter"),
        (lambda: modified_policy_iteration("m", 0.9), "mdp"),
        (lambda: value_iteration(m, 1.0, epsilon=0.1), "gamma must be < 1"),
        (lambda: value_iteration(m, 0.9, epsilon=-1.0), "epsilon"),
        (lambda: value_iteration(m, 0.9, epsilon=math.nan), "epsilon"),
        (lambda: backward_induction(m, -1), "horizon"),
        (lambda: backward_induction(m, 2.0), "horizon"),
        (lambda: backward_induction(m, 3, gamma=1.5), "gamma"),
        (lambda: backward_induction(None, 3), "mdp"),
        (lambda: backward_induction(m, 2**30), "horizon"),
    ]:
        with pytest.raises((ValueError, TypeError), match=match):
            call()


def test_non_convergence_warns():
    with pytest.warns(RuntimeWarning, match="did not converge"):
        res = modified_policy_iteration(frozen_lake("8x8"), 0.999, k=0, max_iter=3)
    assert not res.converged and res.iterations == 3


def test_thread_count_does_not_change_results():
    s = stack(MDPS * 4)  # 40 problems: 3 blocks
    before = get_num_threads()
    try:
        set_num_threads(1)
        mpi1, bi1 = modified_policy_iteration(s, 0.95, k=5), backward_induction(s, 4, 0.95)
        set_num_threads(before)
        mpi, bi = modified_policy_iteration(s, 0.95, k=5), backward_induction(s, 4, 0.95)
    finally:
        set_num_threads(before)
    for x, y in ((mpi1.values, mpi.values), (mpi1.policy, mpi.policy), (bi1.q, bi.q)):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(mpi.values[10:20], mpi.values[:10])  # row i: MDP i only
