"""Naive single-run loops of the multi-step and trace learners, for checking the kernel (T1).

Plain Python, one run at a time, written from Sutton & Barto's pseudocode
(n-step SARSA 7.2, n-step Expected SARSA 7.2 / eq. 7.7, n-step Tree Backup
7.5, SARSA(lambda) 12.7, Watkins's Q(lambda) 12.10): whole-episode lists
instead of circular buffers, a dense trace array swept over every pair instead
of the kernel's list of non-zero traces. They use the same addressed draws as
the kernel (``reference_learning``'s helpers), so results match exactly.

Floating-point order (the kernel's, stated in its modules and repeated here):

* n-step return: ``g = 0.0``, ``g += discount * R_j`` for ``j = tau+1 ..``,
  ``discount`` the running product ``1.0 * gamma ...``; then
  ``g += discount * bootstrap``.
* Expected value under epsilon-greedy: ``total += (eps / A [+ (1 - eps) / ties]) * Q(s, a)``
  for ``a = 0 .. A-1``; under softmax: ``sum_a w_a Q(s, a) / sum_a w_a``,
  ``w_a = exp(beta (v_a - v_max))``, both sums from ``a = 0``.
* Tree backup, target policy greedy with the mass ``w = 1 / ties`` on each of
  the ``ties`` maxima: ``G = R_j + gamma * ((1 - w) * vmax + w * G)`` (the
  book's ``sum_{a != A_j} pi(a) Q(S_j, a)`` is ``(1 - w) * vmax`` in real
  arithmetic; ``w = 0`` when ``A_j`` is not greedy); the leaf is
  ``R + gamma * max_a Q``.
* Traces: ``delta = (R + gamma * Q') - Q(S, A)`` (the grouping of one-step
  SARSA / Q-learning; the book accumulates ``R - Q(S, A) + gamma Q'``, equal in
  real arithmetic), then ``Q += (alpha * delta) * z`` and ``z *= gamma * lam``
  element by element over the whole ``(S, A)`` array.

A truncated episode (the step limit) bootstraps its last targets from the last
state, as the one-step learners do.
"""

from __future__ import annotations

import math

import numpy as np
from reference_learning import _c, _explore_param, _select, _selection_values

from fastrl import rng
from fastrl._math import exp
from fastrl.tabular._dynamics import SLOT_RESET, SLOT_TRANSITION, env_step, sample_initial

NSTEP = ("NStepSarsa", "NStepExpectedSarsa", "TreeBackup")
TRACES = ("SarsaLambda", "WatkinsQLambda")


def expected_value(agent, v, q_row, param):
    """``sum_a pi(a) q_row[a]``, ``pi`` the behaviour policy on selection values ``v``."""
    num_actions = len(v)
    vmax = max(v)
    if agent.exploration == "softmax" and not math.isinf(param):
        total, norm = 0.0, 0.0
        for a in range(num_actions):
            w = exp(param * (v[a] - vmax))
            norm += w
            total += w * q_row[a]
        return total / norm
    eps = 0.0 if agent.exploration == "softmax" else param
    ties = sum(1 for x in v if x == vmax)
    total = 0.0
    for a in range(num_actions):
        p = eps / num_actions
        if v[a] == vmax:
            p += (1.0 - eps) / ties
        total += p * q_row[a]
    return total


def greedy_mass(q_row, a):
    """``(max Q, pi(a))`` for the greedy target policy, mass shared by tied maxima."""
    vmax = max(q_row)
    if q_row[a] != vmax:
        return vmax, 0.0
    return vmax, 1.0 / sum(1 for x in q_row if x == vmax)


def train_multistep(mdp, agent, *, episodes, max_steps, seed, i, stats=None):
    """Run ``i`` of ``train(mdp, agent, ...)``: (q, returns, lengths).

    ``stats["cuts"]``, if given, counts Watkins's cuts of non-zero traces.
    """
    roots = rng.stream_roots(seed)
    env_key = np.uint64(rng.run_key(roots[rng.STREAM_ENV], np.int64(i)))
    key = np.uint64(rng.run_key(roots[rng.STREAM_AGENT], np.int64(i)))
    arrays = [np.ascontiguousarray(x[None]) for x in (mdp.next_state, mdp.prob, mdp.reward)]
    arrays.append(np.ascontiguousarray(mdp.terminated[None]))
    initial = np.ascontiguousarray(mdp.initial[None])
    q = np.full((mdp.num_states, mdp.num_actions), agent.initial_value)
    counts = np.zeros(q.shape, dtype=np.int64)
    name = type(agent).__name__
    state = {"t": 0, "stats": stats if stats is not None else {"cuts": 0}}

    def choose(s, param, t):
        return _select(agent, _selection_values(q, None, counts, s, agent.bonus), param, key, t)

    def step(s, a):
        t = state["t"]
        u = rng.uniform(env_key, _c(t, SLOT_TRANSITION))
        s_next, r, term = env_step(*arrays, 0, s, a, u)
        counts[s, a] += 1
        return int(s_next), float(r), bool(term)

    run = _nstep_episode if name in NSTEP else _trace_episode
    returns, lengths = [], []
    for e in range(episodes):
        param = _explore_param(agent, e)
        t0 = state["t"]
        s = int(sample_initial(initial, 0, rng.uniform(env_key, _c(t0, SLOT_RESET))))
        ret, length = run(agent, name, q, counts, s, param, choose, step, state, max_steps)
        returns.append(ret)
        lengths.append(length)
    return q, np.array(returns), np.array(lengths)


def _nstep_episode(agent, name, q, counts, s0, param, choose, step, state, max_steps):
    """One episode of the book's n-step loop (7.2 / 7.5), ``T`` the episode's end."""
    n, gamma, alpha = agent.n, agent.gamma, agent.alpha
    S, A, R = [s0], [], [0.0]
    sarsa = name == "NStepSarsa"
    if sarsa:
        A.append(choose(s0, param, np.int64(state["t"])))
    # the book's time t is the iteration; k = steps taken (t + 1 once A_t is taken)
    T, truncated, tau, k = math.inf, False, -n, 0
    ret = 0.0
    while tau != T - 1:
        if k < T:
            t = state["t"]
            if not sarsa:  # selected when taken, on the latest Q
                A.append(choose(S[k], param, np.int64(t)))
            s_next, r, term = step(S[k], A[k])
            ret += r
            R.append(r)
            S.append(s_next)
            k += 1
            state["t"] = t + 1
            if term or k >= max_steps:
                T, truncated = k, not term
            if sarsa and not term:
                A.append(choose(s_next, param, np.int64(t + 1)))
        tau += 1  # tau = t - n + 1
        if tau < 0:
            continue
        end = min(tau + n, T)
        bootstrap = end < T or truncated
        if name == "TreeBackup":
            g = R[end]
            if bootstrap:
                g += gamma * max(q[S[end]])
            for j in range(end - 1, tau, -1):
                vmax, w = greedy_mass(q[S[j]], A[j])
                g = R[j] + gamma * ((1.0 - w) * vmax + w * g)
        else:
            g, discount = 0.0, 1.0
            for j in range(tau + 1, end + 1):
                g += discount * R[j]
                discount *= gamma
            if bootstrap and sarsa:
                g += discount * q[S[end], A[end]]
            elif bootstrap:
                v = _selection_values(q, None, counts, S[end], agent.bonus)
                g += discount * expected_value(agent, v, q[S[end]], param)
        q[S[tau], A[tau]] += alpha * (g - q[S[tau], A[tau]])
    return ret, k


def _trace_episode(agent, name, q, counts, s, param, choose, step, state, max_steps):
    """One episode of tabular SARSA(lambda) (12.7) or Watkins's Q(lambda) (12.10)."""
    gamma, alpha = agent.gamma, agent.alpha
    decay = gamma * agent.lam
    z = np.zeros_like(q)
    sarsa = name == "SarsaLambda"
    a = choose(s, param, np.int64(state["t"])) if sarsa else None
    ret, length = 0.0, 0
    while True:
        t = state["t"]
        if not sarsa:
            a = choose(s, param, np.int64(t))
            if q[s, a] != q[s].max():  # exploratory: the greedy target policy stops here
                state["stats"]["cuts"] += bool(z.any())
                z[:] = 0.0
        s_next, r, term = step(s, a)
        ret += r
        length += 1
        state["t"] = t + 1
        target = r
        if not term:
            if sarsa:
                a_next = choose(s_next, param, np.int64(t + 1))
                target = r + gamma * q[s_next, a_next]
            else:
                target = r + gamma * q[s_next].max()
        delta = target - q[s, a]
        z[s, a] = 1.0 if agent.replacing else z[s, a] + 1.0
        q += (alpha * delta) * z  # every pair, element by element
        z *= decay
        if term or length >= max_steps:
            return ret, length
        s = s_next
        if sarsa:
            a = a_next
