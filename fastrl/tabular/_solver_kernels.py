"""Kernels of the further planning solvers: modified policy iteration, backward induction.

Same plan as :mod:`fastrl.tabular._plan_kernels` (whose ``_fold``, ``_backup``
and ``_greedy`` they reuse): ``prange`` over fixed blocks of problems, problem
``i`` writes only row ``i``, so results do not depend on the thread count.
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import jit
from fastrl.tabular._plan_kernels import BLOCK, _backup, _fold, _greedy


@jit
def _improve(next_state, n, r_sa, w, v, u, pol):
    """``u = T v`` and ``pol`` its lowest-index greedy actions; returns ``max |u - v|``."""
    S, A, K = w.shape
    delta = 0.0
    for s in range(S):
        best = -np.inf
        arg = 0
        for a in range(A):
            acc = r_sa[s, a]
            for k in range(K):
                acc += w[s, a, k] * v[next_state[n, s, a, k]]
            if acc > best:
                best = acc
                arg = a
        u[s] = best
        pol[s] = arg
        d = abs(best - v[s])
        if d > delta:
            delta = d
    return delta


@jit
def _sweep_policy(next_state, n, r_sa, w, pol, v, u):
    """One synchronous sweep ``u = T_pol v``."""
    K = w.shape[2]
    for s in range(w.shape[0]):
        a = pol[s]
        acc = r_sa[s, a]
        for k in range(K):
            acc += w[s, a, k] * v[next_state[n, s, a, k]]
        u[s] = acc


@jit
def _mpi_one(next_state, n, r_sa, w, sweeps, thr, max_iter, v, pol):
    S = w.shape[0]
    low = 0.0  # v0 = min(0, min r) / (1 - gamma) has T v0 >= v0: monotone convergence
    for s in range(S):
        for a in range(w.shape[1]):
            low = min(low, r_sa[s, a])
    gamma = 0.0
    for s in range(S):  # the largest bootstrap weight row sum bounds the contraction
        for a in range(w.shape[1]):
            acc = 0.0
            for k in range(w.shape[2]):
                acc += w[s, a, k]
            gamma = max(gamma, acc)
    v[:] = low / (1.0 - gamma) if gamma < 1.0 else low
    u = np.empty(S)
    for it in range(1, max_iter + 1):
        delta = _improve(next_state, n, r_sa, w, v, u, pol)
        v[:] = u
        if delta < thr:
            return it, True
        for _ in range(sweeps):
            _sweep_policy(next_state, n, r_sa, w, pol, v, u)
            v[:] = u
    return max_iter, False


@jit
def _modified_policy_iteration(first, stride, next_state, prob, reward, terminated, gamma,
                               sweeps, thr, max_iter, values, q, policy, iterations,
                               converged):  # fmt: skip
    N = values.shape[0]
    multi = next_state.shape[0] > 1
    S, A, K = prob.shape[1], prob.shape[2], prob.shape[3]
    num_blocks = (N + BLOCK - 1) // BLOCK
    r_sa = np.empty((S, A))
    w = np.empty((S, A, K))
    for b in range(first, num_blocks, stride):
        for i in range(b * BLOCK, min(N, (b + 1) * BLOCK)):
            n = i if multi else 0
            _fold(next_state, prob, reward, terminated, n, gamma, r_sa, w)
            it, ok = _mpi_one(next_state, n, r_sa, w, sweeps, thr, max_iter, values[i], policy[i])
            iterations[i] = it
            converged[i] = ok
            _backup(next_state, n, r_sa, w, values[i], q[i])
            _greedy(q[i], policy[i])


@jit
def _backward_induction(
    first, stride, next_state, prob, reward, terminated, gamma, values, q, policy
):
    """``values (N, H+1, S)``, ``q (N, H, S, A)``, ``policy (N, H, S)``; ``V_H = 0``."""
    N, H = values.shape[0], q.shape[1]
    multi = next_state.shape[0] > 1
    S, A, K = prob.shape[1], prob.shape[2], prob.shape[3]
    num_blocks = (N + BLOCK - 1) // BLOCK
    r_sa = np.empty((S, A))
    w = np.empty((S, A, K))
    for b in range(first, num_blocks, stride):
        for i in range(b * BLOCK, min(N, (b + 1) * BLOCK)):
            n = i if multi else 0
            _fold(next_state, prob, reward, terminated, n, gamma, r_sa, w)
            values[i, H] = 0.0
            for t in range(H - 1, -1, -1):
                _backup(next_state, n, r_sa, w, values[i, t + 1], q[i, t])
                _greedy(q[i, t], policy[i, t])
                for s in range(S):
                    values[i, t, s] = q[i, t, s, policy[i, t, s]]
