"""Naive single-run Monte Carlo control loops (Sutton & Barto 5.3, 5.4, 5.7), STYLE T1.

Plain Python straight from the book's boxes: the episode is generated, then
walked backwards with ``G = gamma * G + R``; first visits are found by
searching the earlier steps of the episode. The draws are the kernel's
(the helpers of ``reference_learning``), so results match exactly.
"""

from __future__ import annotations

import numpy as np
from reference_learning import _c, _explore_param, _policy_probs, _select, _selection_values

from fastrl import rng
from fastrl.tabular._dynamics import SLOT_RESET, SLOT_TRANSITION, env_step, sample_initial
from fastrl.tabular.learners.monte_carlo import SLOT_START


def mc_control_one(mdp, agent, *, episodes, max_steps, seed, i):
    """Run ``i`` of ``train(mdp, agent, ...)`` for the three MC learners: (q, returns, lengths)."""
    roots = rng.stream_roots(seed)
    env_key = np.uint64(rng.run_key(roots[rng.STREAM_ENV], np.int64(i)))
    key = np.uint64(rng.run_key(roots[rng.STREAM_AGENT], np.int64(i)))
    arrays = [np.ascontiguousarray(x[None]) for x in (mdp.next_state, mdp.prob, mdp.reward)]
    arrays.append(np.ascontiguousarray(mdp.terminated[None]))
    initial = np.ascontiguousarray(mdp.initial[None])
    S, A = mdp.num_states, mdp.num_actions
    name = type(agent).__name__
    q = np.full((S, A), agent.initial_value)
    n = np.zeros((S, A))  # visit counts, or C(s, a) of weighted IS
    counts = np.zeros((S, A), dtype=np.int64)  # the exploration bonus's N(s, a)
    returns, lengths = [], []
    t = 0
    for e in range(episodes):
        param = _explore_param(agent, e)
        s = int(sample_initial(initial, 0, rng.uniform(env_key, _c(t, SLOT_RESET))))
        episode = []  # (s, a, r, b(a | s))
        while True:
            v = _selection_values(q, None, counts, s, agent.bonus)
            if name == "MCExploringStarts" and not episode:
                a = int(rng.randint(key, _c(t, SLOT_START), np.int64(A)))
            else:
                a = _select(agent, v, param, key, np.int64(t))
            b = _policy_probs(agent, v, param)[a]
            s_next, r, term = env_step(
                *arrays, 0, s, a, rng.uniform(env_key, _c(t, SLOT_TRANSITION))
            )
            counts[s, a] += 1
            episode.append((s, a, float(r), b))
            t += 1
            if term or len(episode) >= max_steps:
                break
            s = int(s_next)
        g, w = 0.0, 1.0
        for j in reversed(range(len(episode))):
            s, a, r, b = episode[j]
            g = agent.gamma * g + r
            first = all((s, a) != (x[0], x[1]) for x in episode[:j])
            if name == "MCOffPolicy":
                if first or not agent.first_visit:
                    if agent.weighted:
                        n[s, a] += w
                        q[s, a] += w / n[s, a] * (g - q[s, a])
                    else:
                        n[s, a] += 1
                        q[s, a] += (w * g - q[s, a]) / n[s, a]
                if q[s, a] != q[s].max():  # A_t is not what the greedy target takes
                    w = 0.0
                w = w / b
                if w == 0.0 and agent.weighted:
                    break
            elif first or not agent.first_visit:
                if agent.average:
                    n[s, a] += 1
                    q[s, a] += (g - q[s, a]) / n[s, a]
                else:
                    q[s, a] += agent.alpha * (g - q[s, a])
        returns.append(sum(x[2] for x in episode))
        lengths.append(len(episode))
    return q, np.array(returns), np.array(lengths)
