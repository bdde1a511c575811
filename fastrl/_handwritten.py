"""A hand-written numba kernel of ``train``'s benchmark job, the yardstick of the plug-in driver.

One-step epsilon-greedy Q-learning on one MDP, written the way a numba user
would write it for this job alone: no plug-in records, no schedule, no count
bonus, no Welford statistics (plain per-block sums), no greedy-policy
evaluation afterwards. It uses the same addressed draws and primitives as the
driver, but steps with the reference ``env_step`` and ``sample_initial`` (the
driver's table-driven versions pick the same entries), so its Q tables equal
``train``'s bit for bit (``tests/test_handwritten.py`` checks it), and
``fastrl bench --group tabular-handwritten`` times the two side by side.
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import jit, pjit, prange
from fastrl.policies import epsilon_greedy, row_max
from fastrl.rng import STREAM_AGENT, STREAM_ENV, counter, run_key, stream_roots, uniform
from fastrl.tabular._dynamics import SLOT_RESET, SLOT_TRANSITION, env_step, sample_initial

__all__ = ["q_learning_handwritten"]

_BLOCK = 64


@jit
def _block(b, next_state, prob, reward, terminated, initial, alpha, gamma, epsilon, max_steps,
           episodes, env_root, agent_root, runs, q, sums):  # fmt: skip
    num_actions = q.shape[2]
    for i in range(b * _BLOCK, min((b + 1) * _BLOCK, runs)):
        env_key = run_key(env_root, i)
        key = run_key(agent_root, i)
        qi = q[i]
        qi[:, :] = 0.0
        t = np.int64(0)
        for e in range(episodes):
            s = sample_initial(initial, 0, uniform(env_key, counter(t, SLOT_RESET)))
            ret = 0.0
            length = 0
            while True:
                a = epsilon_greedy(qi, s, epsilon, key, t)
                u = uniform(env_key, counter(t, SLOT_TRANSITION))
                s_next, r, term = env_step(next_state, prob, reward, terminated, 0, s, a, u)
                target = r
                if not term:
                    target += gamma * row_max(qi, s_next)
                qi[s, a] += alpha * (target - qi[s, a])
                ret += r
                length += 1
                t += 1
                if term or length >= max_steps:
                    if term and r > 0.0:
                        sums[b, 2, e] += 1.0
                    break
                s = s_next
            sums[b, 0, e] += ret
            sums[b, 1, e] += length
    assert num_actions > 0


@pjit
def _kernel(next_state, prob, reward, terminated, initial, alpha, gamma, epsilon, max_steps,
            episodes, env_root, agent_root, runs, q, sums):  # fmt: skip
    for b in prange(sums.shape[0]):
        _block(np.int64(b), next_state, prob, reward, terminated, initial, alpha, gamma, epsilon,
               max_steps, episodes, env_root, agent_root, runs, q, sums)  # fmt: skip


def q_learning_handwritten(mdp, *, alpha: float, gamma: float, epsilon: float, runs: int,
                           episodes: int, seed: int = 0):  # fmt: skip
    """``runs`` x ``episodes`` of Q-learning on ``mdp`` (a TabularMDP with an episode limit).

    Returns ``(q[runs, S, A], curves[3, episodes])``: the final Q tables and the
    per-episode means over runs of return, length and success.
    """
    from fastrl.tabular.mdp import batched_arrays

    next_state, prob, reward, terminated, initial = batched_arrays(mdp)
    roots = stream_roots(seed)
    q = np.empty((runs, mdp.num_states, mdp.num_actions))
    sums = np.zeros((-(-runs // _BLOCK), 3, episodes))
    _kernel(next_state, prob, reward, terminated, initial, float(alpha), float(gamma),
            float(epsilon), np.int64(mdp.max_episode_steps), np.int64(episodes),
            roots[STREAM_ENV], roots[STREAM_AGENT], np.int64(runs), q, sums)  # fmt: skip
    return q, sums.sum(axis=0) / runs
