"""Policy evaluation for large state spaces, in the sparse successor form.

The planning kernels solve ``(I - gamma P_pi) v = r_pi`` densely: exact, but
``S x S`` memory and ``O(S^3)`` time, hopeless past a few thousand states (a
300x300 FrozenLake has 90,000). Above :data:`DENSE_MAX_STATES` states and for
``gamma < 1``, :func:`evaluate` instead iterates the Bellman expectation backup
``v <- r_pi + W_pi v`` on the ``(S, A, K)`` arrays (memory ``O(S A K)``) until
the contraction bound ``rho / (1 - rho) * max|v_{j+1} - v_j|`` on the remaining
error is below ``SPARSE_TOL * max(1, max|v|)``, where ``rho < 1`` is the
largest row sum of ``W_pi`` (at most ``gamma``). Below the threshold the dense
kernels run, so results of small problems keep their bits.

Plain numpy, no kernel: it runs only on large problems, where one sweep is a
few vectorised passes over ``S A K`` entries, and adds no compile time.
"""

from __future__ import annotations

import numpy as np

#: above this many states (and for gamma < 1) evaluation is iterative and sparse
DENSE_MAX_STATES = 4096
#: bound on the evaluation error, relative to ``max(1, max|v|)``
SPARSE_TOL = 1e-10
#: sweeps before giving up (``rho`` very close to 1)
MAX_SWEEPS = 1_000_000


def use_sparse(num_states: int, gamma: float) -> bool:
    """Whether :func:`evaluate` replaces the dense kernels."""
    return num_states > DENSE_MAX_STATES and gamma < 1.0


def fold(next_state, prob, reward, terminated, n: int, gamma: float):
    """``r_sa[s, a]`` and the bootstrap weights ``w[s, a, k]`` of MDP ``n`` (as ``_fold``)."""
    p = prob[n]
    r_sa = (p * reward[n]).sum(axis=-1)
    w = np.where(terminated[n], 0.0, gamma * p)
    return next_state[n], r_sa, w


def evaluate(nxt, r_sa, w, pi, v0=None):
    """``V^pi`` to :data:`SPARSE_TOL`; returns ``(v, converged)``.

    ``pi[s, a]`` are action probabilities; ``v0`` a starting point (policy
    iteration passes the previous policy's values).
    """
    S = nxt.shape[0]
    wt = (pi[:, :, None] * w).reshape(S, -1)
    keep = wt.any(axis=0)  # drop columns that are zero in every row (padding)
    wt, idx = wt[:, keep], nxt.reshape(S, -1)[:, keep]
    r = (pi * r_sa).sum(axis=1)
    rho = float(wt.sum(axis=1).max()) if wt.size else 0.0
    v = r.copy() if v0 is None else np.array(v0, dtype=np.float64)
    factor = rho / (1.0 - rho)
    for _ in range(MAX_SWEEPS):
        v_new = r + (wt * v[idx]).sum(axis=1)
        delta = float(np.abs(v_new - v).max())
        v = v_new
        if not np.isfinite(delta):
            return v, False
        if factor * delta <= SPARSE_TOL * max(1.0, float(np.abs(v).max())):
            return v, True
    return v, False


def q_values(nxt, r_sa, w, v):
    """``q[s, a] = r_sa[s, a] + sum_k w[s, a, k] v[next_state[s, a, k]]``."""
    return r_sa + (w * v[nxt]).sum(axis=-1)


def evaluate_batch(arrays, probs, gamma, values, q, greedy) -> None:
    """:func:`evaluate` of policy ``i`` (or 0) on MDP ``i`` (or 0), into the output rows."""
    next_state, prob, reward, terminated = arrays[:4]
    for i in range(values.shape[0]):
        n = i if next_state.shape[0] > 1 else 0
        nxt, r_sa, w = fold(next_state, prob, reward, terminated, n, gamma)
        values[i], _ = evaluate(nxt, r_sa, w, probs[i if probs.shape[0] > 1 else 0])
        q[i] = q_values(nxt, r_sa, w, values[i])
        greedy[i] = np.argmax(q[i], axis=1)


def iterate_policies(arrays, gamma, max_iter, values, q, policy, iterations, converged) -> None:
    """Policy iteration as ``_policy_iteration`` does it, with sparse evaluation."""
    next_state, prob, reward, terminated = arrays[:4]
    S, A = next_state.shape[1], next_state.shape[2]
    rows = np.arange(S)
    for i in range(values.shape[0]):
        n = i if next_state.shape[0] > 1 else 0
        nxt, r_sa, w = fold(next_state, prob, reward, terminated, n, gamma)
        pol = np.zeros(S, dtype=np.int64)
        v = None
        iterations[i], converged[i] = max_iter, False
        for it in range(1, max_iter + 1):
            pi = np.zeros((S, A))
            pi[rows, pol] = 1.0
            v, _ = evaluate(nxt, r_sa, w, pi, v)
            qi = q_values(nxt, r_sa, w, v)
            best = np.argmax(qi, axis=1)
            cur = qi[rows, pol]
            # the kernels' 1e-12 margin, widened past the evaluation error so that it
            # cannot make ties cycle
            switch = qi[rows, best] > cur + 100 * SPARSE_TOL * np.maximum(1.0, np.abs(cur))
            if not switch.any():
                iterations[i], converged[i] = it, True
                break
            pol = np.where(switch, best, pol)
        values[i], q[i] = v, qi
        policy[i] = np.argmax(qi, axis=1)
