"""Planning kernels: value iteration, exact policy evaluation, policy iteration.

Each kernel solves ``N`` independent problems in fixed-size blocks of
:data:`BLOCK`; it is a serial kernel ``kernel(first, stride, ...)`` that
:func:`fastrl._threads.run_blocks` calls from Python threads, one share each,
and problem ``i`` writes only row ``i`` of the outputs, so results do not depend
on the thread count. Not ``prange``: scratch allocated in a parfor body lost
its MemoryError when the allocation failed on a worker thread (a bogus
"singular" answer, or a ``SystemError``); a serial kernel raises it, and the
share's scratch is allocated once. Problem ``i``
uses MDP ``i`` of a stack, or MDP 0 when only one is given (``N_mdp == 1``).

Per MDP the kernels first fold the sparse model into ``r_sa[s, a]`` (expected
reward) and ``w[s, a, k] = gamma * prob * (1 - terminated)`` (the discounted
weight of bootstrapping from ``next_state[s, a, k]``), so a Bellman backup is
``r_sa[s, a] + sum_k w[s, a, k] * v[next_state[s, a, k]]``. Greedy actions are
the lowest index among maximal values.
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import jit

#: problems per parallel block (fixed: part of the plan, not of the thread count)
BLOCK = 16
#: relative pivot threshold below which a linear system is reported singular
SINGULAR_TOL = 1e-12


@jit
def _fold(next_state, prob, reward, terminated, n, gamma, r_sa, w):
    S, A, K = prob.shape[1], prob.shape[2], prob.shape[3]
    for s in range(S):
        for a in range(A):
            acc = 0.0
            for k in range(K):
                p = prob[n, s, a, k]
                acc += p * reward[n, s, a, k]
                w[s, a, k] = 0.0 if terminated[n, s, a, k] else gamma * p
            r_sa[s, a] = acc


@jit
def _backup(next_state, n, r_sa, w, v, q):
    """``q[s, a] = r_sa[s, a] + sum_k w[s, a, k] * v[next_state[n, s, a, k]]``."""
    S, A, K = w.shape
    for s in range(S):
        for a in range(A):
            acc = r_sa[s, a]
            for k in range(K):
                acc += w[s, a, k] * v[next_state[n, s, a, k]]
            q[s, a] = acc


@jit
def _greedy(q, policy):
    """Lowest-index argmax of every row of ``q`` into ``policy``."""
    for s in range(q.shape[0]):
        best = 0
        for a in range(1, q.shape[1]):
            if q[s, a] > q[s, best]:
                best = a
        policy[s] = best


@jit
def _value_iteration_one(next_state, n, r_sa, w, tol, max_iter, v, q):
    S, A, K = w.shape
    v_new = np.empty(S)
    for it in range(1, max_iter + 1):
        delta = 0.0
        for s in range(S):
            best = -np.inf
            for a in range(A):
                acc = r_sa[s, a]
                for k in range(K):
                    acc += w[s, a, k] * v[next_state[n, s, a, k]]
                if acc > best:
                    best = acc
            d = abs(best - v[s])
            if d > delta:
                delta = d
            v_new[s] = best
        v[:] = v_new
        if delta < tol:
            return it, True
    return max_iter, False


@jit
def _value_iteration(
    first,
    stride,
    next_state,
    prob,
    reward,
    terminated,
    gamma,
    tol,
    max_iter,
    values,
    q,
    policy,
    iterations,
    converged,
):
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
            values[i] = 0.0
            it, ok = _value_iteration_one(next_state, n, r_sa, w, tol, max_iter, values[i], q[i])
            iterations[i] = it
            converged[i] = ok
            _backup(next_state, n, r_sa, w, values[i], q[i])
            _greedy(q[i], policy[i])


@jit
def _solve(M, x):
    """Solve ``M y = x`` in place (``x`` becomes ``y``) by Gaussian elimination
    with partial pivoting; ``M`` is destroyed. Returns False if singular."""
    S = M.shape[0]
    scale = 0.0
    for r in range(S):
        for c in range(S):
            scale = max(scale, abs(M[r, c]))
    threshold = SINGULAR_TOL * max(scale, 1.0)
    for c in range(S):
        piv = c
        for r in range(c + 1, S):
            if abs(M[r, c]) > abs(M[piv, c]):
                piv = r
        if abs(M[piv, c]) <= threshold:
            return False
        if piv != c:
            for j in range(S):
                tmp = M[c, j]
                M[c, j] = M[piv, j]
                M[piv, j] = tmp
            tmp = x[c]
            x[c] = x[piv]
            x[piv] = tmp
        inv = 1.0 / M[c, c]
        for r in range(c + 1, S):
            f = M[r, c] * inv
            if f != 0.0:
                for j in range(c, S):
                    M[r, j] -= f * M[c, j]
                x[r] -= f * x[c]
    for c in range(S - 1, -1, -1):
        acc = x[c]
        for j in range(c + 1, S):
            acc -= M[c, j] * x[j]
        x[c] = acc / M[c, c]
    return True


@jit
def _evaluate_one(next_state, n, r_sa, w, pi, M, v):
    """Exact ``V^pi`` by solving ``(I - gamma P_pi) v = r_pi``; ``pi[s, a]`` probabilities."""
    S, A, K = w.shape
    M[:] = 0.0
    for s in range(S):
        M[s, s] = 1.0
        acc = 0.0
        for a in range(A):
            p_a = pi[s, a]
            if p_a != 0.0:
                acc += p_a * r_sa[s, a]
                for k in range(K):
                    M[s, next_state[n, s, a, k]] -= p_a * w[s, a, k]
        v[s] = acc
    return _solve(M, v)


@jit
def _evaluate_rows(lo, hi, next_state, prob, reward, terminated, pi, gamma, values, q, policy,
                   singular, r_sa, w, M):  # fmt: skip
    """Exact evaluation of rows ``lo .. hi - 1`` with the scratch ``r_sa``, ``w``, ``M``."""
    multi = next_state.shape[0] > 1
    multi_pi = pi.shape[0] > 1
    for i in range(lo, hi):
        n = i if multi else 0
        _fold(next_state, prob, reward, terminated, n, gamma, r_sa, w)
        ok = _evaluate_one(next_state, n, r_sa, w, pi[i if multi_pi else 0], M, values[i])
        singular[i] = not ok
        _backup(next_state, n, r_sa, w, values[i], q[i])
        _greedy(q[i], policy[i])


@jit
def _policy_evaluation(
    first, stride, next_state, prob, reward, terminated, pi, gamma, values, q, policy, singular
):
    N = values.shape[0]
    S, A, K = prob.shape[1], prob.shape[2], prob.shape[3]
    num_blocks = (N + BLOCK - 1) // BLOCK
    r_sa = np.empty((S, A))
    w = np.empty((S, A, K))
    M = np.empty((S, S))
    for b in range(first, num_blocks, stride):
        _evaluate_rows(b * BLOCK, min(N, (b + 1) * BLOCK), next_state, prob, reward, terminated,
                       pi, gamma, values, q, policy, singular, r_sa, w, M)  # fmt: skip


@jit
def _policy_iteration(
    first,
    stride,
    next_state,
    prob,
    reward,
    terminated,
    gamma,
    max_iter,
    values,
    q,
    policy,
    iterations,
    converged,
    singular,
):
    N = values.shape[0]
    multi = next_state.shape[0] > 1
    S, A, K = prob.shape[1], prob.shape[2], prob.shape[3]
    num_blocks = (N + BLOCK - 1) // BLOCK
    r_sa = np.empty((S, A))
    w = np.empty((S, A, K))
    M = np.empty((S, S))
    pi = np.zeros((S, A))
    for b in range(first, num_blocks, stride):
        for i in range(b * BLOCK, min(N, (b + 1) * BLOCK)):
            n = i if multi else 0
            _fold(next_state, prob, reward, terminated, n, gamma, r_sa, w)
            pol = policy[i]
            pol[:] = 0
            iterations[i] = max_iter
            converged[i] = False
            singular[i] = False
            for it in range(1, max_iter + 1):
                pi[:] = 0.0
                for s in range(S):
                    pi[s, pol[s]] = 1.0
                if not _evaluate_one(next_state, n, r_sa, w, pi, M, values[i]):
                    singular[i] = True
                    iterations[i] = it
                    break
                _backup(next_state, n, r_sa, w, values[i], q[i])
                stable = True
                for s in range(S):
                    best = 0
                    for a in range(1, A):
                        if q[i, s, a] > q[i, s, best]:
                            best = a
                    # switch only on a strict improvement beyond rounding, so ties cannot cycle
                    cur = q[i, s, pol[s]]
                    if q[i, s, best] > cur + 1e-12 * max(1.0, abs(cur)):
                        pol[s] = best
                        stable = False
                if stable:
                    iterations[i] = it
                    converged[i] = True
                    break
            if not singular[i]:
                _greedy(q[i], pol)
