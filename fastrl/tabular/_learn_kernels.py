"""The one driver kernel of tabular learning and its per-algorithm helpers.

Every algorithm runs through one driver, compiled per algorithm by
:func:`train_kernel`; they differ only in the small ``@jit`` helpers picked
by the integer code ``alg`` (STYLE K4).

Step ``t`` of run ``i`` (``t`` counts every env step of the run across
episodes, from 0) does, in this order:

1. ``a``: SARSA's pending action if there is one, else a selection on the row
   ``v[a] = Q[s, a] (+ Q2[s, a] for Double Q) + bonus / sqrt(max(N[s, a], 1))``
   with the episode's epsilon (or softmax beta), agent-stream slots 0..3 of ``t``;
2. ``s_next, r, term`` from :func:`fastrl.tabular._dynamics.env_step` with the
   env-stream draw ``(t, SLOT_TRANSITION)``;
3. ``N[s, a] += 1`` (only for Dyna-Q and the count bonus, which read it);
4. the update of the algorithm (SARSA selects ``a_next`` at ``s_next`` with the
   draws of step ``t + 1``, the step at which it is taken);
5. Dyna-Q only: record ``(s_next, r, term)`` as the model of ``(s, a)``, append
   ``(s, a)`` to the run's list of observed pairs on its first visit, and make
   ``planning_steps`` Q-learning updates on pairs drawn uniformly from the list
   with the sub-key ``mix64(random_u64(agent_key, counter(t, SLOT_PLAN)))``.

An episode starts with ``s = sample_initial(...)`` from the env-stream draw
``(t, SLOT_RESET)`` and ends on a terminated transition or after
``max_steps`` steps (truncation: the target still bootstraps).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from fastrl._jit import ijit, jit, pjit, prange
from fastrl._math import exp
from fastrl.policies import epsilon_greedy, softmax
from fastrl.rng import below, counter, mix64, randint, random_u64, run_key, uniform
from fastrl.schedules import schedule_value
from fastrl.stats import welford_add
from fastrl.tabular._dynamics import (
    FIRST_AGENT_SLOT,
    SLOT_RESET,
    SLOT_TRANSITION,
    env_step,
    sample_initial,
)

#: runs per block of the parallel loop (fixed: results never depend on threads)
BLOCK = 64

ALG_Q_LEARNING = 0
ALG_SARSA = 1
ALG_EXPECTED_SARSA = 2
ALG_DOUBLE_Q = 3
ALG_DYNA_Q = 4

EXPLORE_EPSILON = 0
EXPLORE_SOFTMAX = 1

#: agent-stream slot of Double Q's coin (which table to update)
SLOT_COIN = FIRST_AGENT_SLOT
#: agent-stream slot of Double Q's tie-break in ``argmax Q1[s_next]``
SLOT_TARGET_TIE = FIRST_AGENT_SLOT + 1
#: agent-stream slot whose draw seeds the sub-key of Dyna-Q's planning draws
SLOT_PLAN = FIRST_AGENT_SLOT + 2

#: metrics of the per-episode curves: return, length, success
NUM_METRICS = 3
#: per-run summaries: mean return, tail mean return, tail success rate
NUM_SUMMARY = 3


@ijit
def _selection_row(q, q2, counts, s, double, bonus, row):
    """Fill ``row[0]`` with the values used to select an action in state ``s``."""
    for a in range(row.shape[1]):
        v = q[s, a]
        if double:
            v += q2[s, a]
        if bonus > 0.0:
            v += bonus / math.sqrt(max(counts[s, a], 1))
        row[0, a] = v


@jit
def _expected_value(row, q, s_next, explore, param):
    """Expectation of ``q[s_next, a]`` under the behaviour policy on selection values ``row``.

    Helpers take the table and an index rather than a row view: each view costs an
    atomic reference-count increment and decrement in the hot loop.
    """
    num_actions = row.shape[1]
    vmax = row[0, 0]
    for a in range(1, num_actions):
        if row[0, a] > vmax:
            vmax = row[0, a]
    ties = 0
    for a in range(num_actions):
        if row[0, a] == vmax:
            ties += 1
    total = 0.0
    if explore == EXPLORE_SOFTMAX and not math.isinf(param):
        norm = 0.0
        for a in range(num_actions):
            w = exp(param * (row[0, a] - vmax))
            norm += w
            total += w * q[s_next, a]
        return total / norm
    eps = param if explore == EXPLORE_EPSILON else 0.0
    for a in range(num_actions):
        p = eps / num_actions
        if row[0, a] == vmax:
            p += (1.0 - eps) / ties
        total += p * q[s_next, a]
    return total


@jit
def _argmax_tie(q, s, key, c):
    """Index of a maximal entry of ``q[s]``, ties broken by the draw at ``c``."""
    best = q[s, 0]
    first = 0
    ties = 1
    for a in range(1, q.shape[1]):
        if q[s, a] > best:
            best = q[s, a]
            first = a
            ties = 1
        elif q[s, a] == best:
            ties += 1
    if ties == 1:
        return first
    pick = randint(key, c, ties)
    for a in range(first, q.shape[1]):
        if q[s, a] == best:
            if pick == 0:
                return a
            pick -= 1
    return first


@ijit
def _max_row(q, s):
    v = q[s, 0]
    for a in range(1, q.shape[1]):
        if q[s, a] > v:
            v = q[s, a]
    return v


@ijit
def _q_learning_update(q, s, a, r, s_next, term, alpha, gamma):
    target = r
    if not term:
        target += gamma * _max_row(q, s_next)
    q[s, a] += alpha * (target - q[s, a])


@jit
def _double_q_update(q1, q2, s, a, r, s_next, term, alpha, gamma, key, t):
    """Van Hasselt (2010); Sutton & Barto 6.7: the coin picks the table to update."""
    if below(key, counter(t, SLOT_COIN), 0.5):
        upd, other = q1, q2
    else:
        upd, other = q2, q1
    target = r
    if not term:
        a_star = _argmax_tie(upd, s_next, key, counter(t, SLOT_TARGET_TIE))
        target += gamma * other[s_next, a_star]
    upd[s, a] += alpha * (target - upd[s, a])


@jit
def _plan(q, model_next, model_r, model_term, observed, num_observed, n_plan, alpha, gamma, key, t):
    """Sutton & Barto 8.2, step (f): ``n_plan`` updates on remembered pairs."""
    num_actions = q.shape[1]
    sub = mix64(random_u64(key, counter(t, SLOT_PLAN)))
    for j in range(n_plan):
        pair = observed[randint(sub, np.uint64(j), num_observed)]
        ps = pair // num_actions
        pa = pair - ps * num_actions
        _q_learning_update(
            q, ps, pa, model_r[ps, pa], model_next[ps, pa], model_term[ps, pa], alpha, gamma
        )


@functools.cache
def train_kernel(alg: int, explore: int):
    """The driver compiled for one algorithm and one exploration kind.

    ``alg`` and ``explore`` are constants of the closure, so each pair gets
    machine code with only its own branches; a first call compiles only the
    pair it needs, and numba caches each pair on disk (the closure's values
    are part of the cache key).
    """

    @pjit
    def _train_blocks(
        explore_v0,
        beta,
        sched_code,
        sched_decay,
        sched_floor,
        sched_duration,
        bonus,
        alpha,
        gamma,
        initial_value,
        planning_steps,
        next_state,
        prob,
        reward,
        terminated,
        initial,
        max_steps,
        num_episodes,
        env_root,
        agent_root,
        run_start,
        num_runs,
        record,
        tail_episodes,
        out_q,
        out_summary,
        out_returns,
        out_lengths,
        block_n,
        block_mean,
        block_m2,
    ):
        """Train runs ``run_start .. run_start + num_runs`` (``run_start`` a multiple of BLOCK).

        ``out_q[runs, S, A]`` receives final Q tables (Double Q: ``(Q1 + Q2) / 2``) at
        global rows; ``block_n[B]``, ``block_mean``/``block_m2[NUM_METRICS, B, E]`` the
        per-block episode curves of this chunk; ``out_returns``/``out_lengths[runs, E]``
        the per-run curves when ``record``; ``out_summary[runs, NUM_SUMMARY]`` per run the
        mean return over all episodes, and the mean return and success rate over the last
        ``tail_episodes`` episodes. ``explore_v0`` is epsilon, or the softmax
        temperature ``1 / beta`` that the schedule anneals.
        """
        num_blocks = (num_runs + BLOCK - 1) // BLOCK
        for b in prange(num_blocks):
            num_mdps = next_state.shape[0]
            num_states = next_state.shape[1]
            num_actions = next_state.shape[2]
            double = alg == ALG_DOUBLE_Q
            copy_row = double or bonus > 0.0
            lo = b * BLOCK
            hi = min(lo + BLOCK, num_runs)
            row = np.empty((1, num_actions))
            w = np.empty((1, num_actions))
            q2 = np.empty((num_states, num_actions))
            counts = np.empty((num_states, num_actions), dtype=np.int64)
            model_next = np.zeros((num_states, num_actions), dtype=np.int64)
            model_r = np.zeros((num_states, num_actions))
            model_term = np.zeros((num_states, num_actions), dtype=np.bool_)
            observed = np.zeros(num_states * num_actions, dtype=np.int64)
            mean_r, m2_r = block_mean[0, b], block_m2[0, b]
            mean_l, m2_l = block_mean[1, b], block_m2[1, b]
            mean_s, m2_s = block_mean[2, b], block_m2[2, b]
            for j in range(lo, hi):
                i = run_start + j
                n = i if num_mdps > 1 else 0
                env_key = run_key(env_root, i)
                key = run_key(agent_root, i)
                q = out_q[i]
                q[:, :] = initial_value
                q2[:, :] = initial_value
                counts[:, :] = 0
                num_observed = 0
                inv_n = 1.0 / (j - lo + 1)
                t = np.int64(0)
                sum_ret = 0.0
                tail_ret = 0.0
                tail_success = 0.0
                for e in range(num_episodes):
                    temp = schedule_value(
                        sched_code, explore_v0, sched_decay, sched_floor, sched_duration, e
                    )
                    param = temp
                    if explore == EXPLORE_SOFTMAX:
                        param = beta if temp == explore_v0 else 1.0 / temp
                    s = sample_initial(initial, n, uniform(env_key, counter(t, SLOT_RESET)))
                    ret = 0.0
                    length = 0
                    success = 0.0
                    pending = -1
                    while True:
                        if pending >= 0:
                            a = pending
                        else:
                            table, i_row = q, s  # select on Q's own row: no copy
                            if copy_row:
                                _selection_row(q, q2, counts, s, double, bonus, row)
                                table, i_row = row, 0
                            # Branches on closure constants, pruned before inlining:
                            # each driver inlines one selector (measured: inlining both
                            # at every site doubled the compile time).
                            if explore == EXPLORE_EPSILON:
                                a = epsilon_greedy(table, i_row, param, key, t)
                            else:
                                a = softmax(table, i_row, param, key, t, w)
                        s_next, r, term = env_step(
                            next_state, prob, reward, terminated, n, s, a,
                            uniform(env_key, counter(t, SLOT_TRANSITION)),
                        )  # fmt: skip
                        if alg == ALG_DYNA_Q or bonus > 0.0:  # N is read only there
                            counts[s, a] += 1
                        length += 1
                        ret += r
                        done = term or length >= max_steps
                        if alg == ALG_Q_LEARNING or alg == ALG_DYNA_Q:
                            _q_learning_update(q, s, a, r, s_next, term, alpha, gamma)
                        elif alg == ALG_SARSA:
                            target = r
                            if not term:
                                _selection_row(q, q2, counts, s_next, False, bonus, row)
                                if explore == EXPLORE_EPSILON:
                                    a_next = epsilon_greedy(row, 0, param, key, t + 1)
                                else:
                                    a_next = softmax(row, 0, param, key, t + 1, w)
                                target += gamma * q[s_next, a_next]
                                pending = a_next
                            q[s, a] += alpha * (target - q[s, a])
                        elif alg == ALG_EXPECTED_SARSA:
                            target = r
                            if not term:
                                _selection_row(q, q2, counts, s_next, False, bonus, row)
                                target += gamma * _expected_value(row, q, s_next, explore, param)
                            q[s, a] += alpha * (target - q[s, a])
                        else:
                            _double_q_update(q, q2, s, a, r, s_next, term, alpha, gamma, key, t)
                        if alg == ALG_DYNA_Q:
                            model_next[s, a] = s_next
                            model_r[s, a] = r
                            model_term[s, a] = term
                            if counts[s, a] == 1:
                                observed[num_observed] = s * num_actions + a
                                num_observed += 1
                            _plan(q, model_next, model_r, model_term, observed, num_observed,
                                  planning_steps, alpha, gamma, key, t)  # fmt: skip
                        t += 1
                        if done:
                            if term and r > 0.0:
                                success = 1.0
                            break
                        s = s_next
                    welford_add(mean_r, m2_r, e, ret, inv_n)
                    welford_add(mean_l, m2_l, e, np.float64(length), inv_n)
                    welford_add(mean_s, m2_s, e, success, inv_n)
                    sum_ret += ret
                    if e >= num_episodes - tail_episodes:
                        tail_ret += ret
                        tail_success += success
                    if record:
                        out_returns[i, e] = ret
                        out_lengths[i, e] = length
                out_summary[i, 0] = sum_ret / num_episodes
                out_summary[i, 1] = tail_ret / tail_episodes
                out_summary[i, 2] = tail_success / tail_episodes
                if double:
                    for s in range(num_states):
                        for a in range(num_actions):
                            q[s, a] = 0.5 * (q[s, a] + q2[s, a])
            block_n[b] = hi - lo

    return _train_blocks
