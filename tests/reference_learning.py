"""Naive single-run tabular learning loops, for checking the kernel (STYLE T1).

Plain Python, one run at a time, written straight from Sutton & Barto; they use
the same addressed draws as the kernel (``fastrl.rng``, the selectors of
``fastrl.policies`` and the shared ``_dynamics`` helpers), so results match
exactly.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl import rng
from fastrl._math import exp  # shared like the draws; tests/test_math.py checks it against libm
from fastrl.policies import epsilon_greedy, softmax
from fastrl.tabular._dynamics import SLOT_RESET, SLOT_TRANSITION, env_step, sample_initial

SLOT_COIN, SLOT_TARGET_TIE, SLOT_PLAN = 6, 7, 8


def _c(t, slot):
    # numba returns uint64 results to Python as int; re-wrap them, or the next jitted call
    # would type them int64 and mix signed with unsigned arithmetic.
    return np.uint64(rng.counter(np.int64(t), np.int64(slot)))


def _selection_values(q, q2, counts, s, bonus):
    v = q[s].copy() if q2 is None else q[s] + q2[s]
    if bonus > 0.0:
        v = v + bonus / np.sqrt(np.maximum(counts[s], 1))
    return v


def _explore_param(agent, episode):
    sched = agent.schedule
    if agent.exploration == "softmax":
        temp0 = 0.0 if math.isinf(agent.beta) else 1.0 / agent.beta
        temp = sched.value(temp0, episode)
        return agent.beta if temp == temp0 else 1.0 / temp
    return sched.value(agent.epsilon, episode)


def _select(agent, v, param, key, t):
    if agent.exploration == "softmax":
        return int(softmax(v.reshape(1, -1), 0, param, key, t, np.empty((1, v.size))))
    return int(epsilon_greedy(v.reshape(1, -1), 0, param, key, t))


def _policy_probs(agent, v, param):
    """Behaviour-policy probabilities on selection values ``v``."""
    num_actions = len(v)
    greedy = (v == v.max()).astype(float)
    greedy /= greedy.sum()
    if agent.exploration == "softmax":
        if math.isinf(param):
            return greedy
        w = np.array([exp(param * (x - v.max())) for x in v])
        return w / w.sum()
    return param / num_actions + (1.0 - param) * greedy


def _argmax_random_tie(row, key, t):
    best = np.flatnonzero(row == row.max())
    if len(best) == 1:
        return int(best[0])
    return int(best[rng.randint(key, _c(t, SLOT_TARGET_TIE), len(best))])


def train_one(mdp, agent, *, episodes, max_steps, seed, i):
    """Run ``i`` of ``train(mdp, agent, ...)``: (q, returns, lengths, successes)."""
    roots = rng.stream_roots(seed)
    env_key = np.uint64(rng.run_key(roots[rng.STREAM_ENV], np.int64(i)))
    key = np.uint64(rng.run_key(roots[rng.STREAM_AGENT], np.int64(i)))
    arrays = [np.ascontiguousarray(x[None]) for x in (mdp.next_state, mdp.prob, mdp.reward)]
    arrays.append(np.ascontiguousarray(mdp.terminated[None]))
    initial = np.ascontiguousarray(mdp.initial[None])
    S, A = mdp.num_states, mdp.num_actions
    name = type(agent).__name__
    q = np.full((S, A), agent.initial_value)
    q2 = np.full((S, A), agent.initial_value) if name == "DoubleQLearning" else None
    counts = np.zeros((S, A), dtype=np.int64)
    model = {}
    observed = []
    returns, lengths, successes = [], [], []
    t = 0
    for e in range(episodes):
        param = _explore_param(agent, e)
        s = int(sample_initial(initial, 0, rng.uniform(env_key, _c(t, SLOT_RESET))))
        ret, length, success, pending = 0.0, 0, 0.0, None
        while True:
            if pending is not None:
                a = pending
            else:
                a = _select(
                    agent, _selection_values(q, q2, counts, s, agent.bonus), param, key, np.int64(t)
                )
            u = rng.uniform(env_key, _c(t, SLOT_TRANSITION))
            s_next, r, term = env_step(*arrays, 0, s, a, u)
            s_next, r, term = int(s_next), float(r), bool(term)
            counts[s, a] += 1
            length += 1
            ret += r
            if name in ("QLearning", "DynaQ"):
                target = r if term else r + agent.gamma * q[s_next].max()
                q[s, a] += agent.alpha * (target - q[s, a])
            elif name == "Sarsa":
                target = r
                if not term:
                    v = _selection_values(q, None, counts, s_next, agent.bonus)
                    pending = _select(agent, v, param, key, np.int64(t + 1))
                    target = r + agent.gamma * q[s_next, pending]
                q[s, a] += agent.alpha * (target - q[s, a])
            elif name == "ExpectedSarsa":
                target = r
                if not term:
                    v = _selection_values(q, None, counts, s_next, agent.bonus)
                    pi = _policy_probs(agent, v, param)
                    target = r + agent.gamma * sum(pi[b] * q[s_next, b] for b in range(A))
                q[s, a] += agent.alpha * (target - q[s, a])
            elif name == "DoubleQLearning":
                coin = rng.uniform(key, _c(t, SLOT_COIN)) < 0.5
                upd, other = (q, q2) if coin else (q2, q)
                target = r
                if not term:
                    a_star = _argmax_random_tie(upd[s_next], key, t)
                    target = r + agent.gamma * other[s_next, a_star]
                upd[s, a] += agent.alpha * (target - upd[s, a])
            else:
                raise AssertionError(name)
            if name == "DynaQ":
                if (s, a) not in model:
                    observed.append((s, a))
                model[(s, a)] = (s_next, r, term)
                sub = np.uint64(rng.mix64(np.uint64(rng.random_u64(key, _c(t, SLOT_PLAN)))))
                for j in range(agent.planning_steps):
                    ps, pa = observed[rng.randint(sub, np.uint64(j), len(observed))]
                    ms, mr, mt = model[(ps, pa)]
                    target = mr if mt else mr + agent.gamma * q[ms].max()
                    q[ps, pa] += agent.alpha * (target - q[ps, pa])
            t += 1
            if term or length >= max_steps:
                success = 1.0 if (term and r > 0.0) else 0.0
                break
            s = s_next
        returns.append(ret)
        lengths.append(length)
        successes.append(success)
    if q2 is not None:
        q = 0.5 * (q + q2)
    return q, np.array(returns), np.array(lengths), np.array(successes)
