"""Plain-Python baselines of the longer backups: n-step SARSA and Expected SARSA, Tree Backup,
Watkins's Q(lambda).

Each is the book's pseudocode stepping Gymnasium's FrozenLake-v1 from Python,
with the behaviour policy of :func:`fastrl._baselines._frozen_lake_epsilon_greedy`
and the targets of fastrl's learners of the same name (greedy target policies
share their mass between tied maxima). Each returns the env-steps it took:
``num_steps``, then to the end of the episode. ``fastrl bench`` divides them
by the time taken.
"""

from __future__ import annotations

import numpy as np

from fastrl._baselines import _frozen_lake_epsilon_greedy as _behaviour


def _expected_value(q, s, epsilon):
    """``sum_a pi(a | s) Q(s, a)`` for ``pi`` epsilon-greedy on ``Q(s)``."""
    row = q[s]
    greedy = row == row.max()
    p = np.full(row.size, epsilon / row.size)
    p[greedy] += (1.0 - epsilon) / greedy.sum()
    return float(p @ row)


def _greedy_mass(q, s, a):
    """``(max_b Q(s, b), pi(a | s))`` for the greedy target policy."""
    row = q[s]
    vmax = row.max()
    return vmax, (1.0 / np.count_nonzero(row == vmax)) if row[a] == vmax else 0.0


def _n_step_loop(num_steps, n, seed, epsilon, backup):
    """The episode loop of the n-step methods (7.2, 7.5); ``backup(tau, end, term, buf)``."""
    import gymnasium as gym

    env = gym.make("FrozenLake-v1")
    gen = np.random.default_rng(seed)
    q = np.zeros((16, 4))
    m = n + 1
    buf = ([0] * m, [0] * m, [0.0] * m)  # states, actions, rewards (circular)
    states, actions, rewards = buf
    steps = 0
    while steps < num_steps:
        s, _ = env.reset(seed=seed if steps == 0 else None)
        states[0], actions[0] = s, _behaviour(gen, q, s, epsilon)
        k = 0
        while True:
            s_next, r, term, trunc, _ = env.step(actions[k % m])
            steps += 1
            k += 1
            states[k % m], rewards[k % m] = s_next, float(r)
            if not term:
                actions[k % m] = _behaviour(gen, q, s_next, epsilon)
            if k >= n:
                backup(q, k - n, k, term, buf)
            if term or trunc:
                for tau in range(max(k - n + 1, 0), k):
                    backup(q, tau, k, term, buf)
                break
    env.close()
    return steps


def _sarsa_backup(n, alpha, gamma, tail):
    """The n-step SARSA backup (7.2) of ``Q(S_tau, A_tau)``; ``tail(q, s, a)`` values the
    last state-action pair of the window when the episode has not terminated there."""

    def backup(q, tau, end, term, buf):
        states, actions, rewards = buf
        m = n + 1
        g, discount = 0.0, 1.0
        for j in range(tau + 1, end + 1):
            g += discount * rewards[j % m]
            discount *= gamma
        if not term:
            g += discount * tail(q, states[end % m], actions[end % m])
        s, a = states[tau % m], actions[tau % m]
        q[s, a] += alpha * (g - q[s, a])

    return backup


def gymnasium_n_step_sarsa(num_steps: int, n=4, seed=0, alpha=0.1, gamma=0.99, epsilon=0.1):
    """Tabular n-step SARSA (Sutton & Barto 7.2, circular buffers) on FrozenLake-v1."""
    backup = _sarsa_backup(n, alpha, gamma, lambda q, s, a: q[s, a])
    return _n_step_loop(num_steps, n, seed, epsilon, backup)


def gymnasium_n_step_expected_sarsa(
    num_steps: int, n=4, seed=0, alpha=0.1, gamma=0.99, epsilon=0.1
) -> int:
    """n-step Expected SARSA (7.2, the expected value of the last state) on FrozenLake-v1."""
    backup = _sarsa_backup(n, alpha, gamma, lambda q, s, a: _expected_value(q, s, epsilon))
    return _n_step_loop(num_steps, n, seed, epsilon, backup)


def gymnasium_tree_backup(num_steps: int, n=4, seed=0, alpha=0.1, gamma=0.99, epsilon=0.1) -> int:
    """n-step Tree Backup (7.5) with a greedy target policy, on FrozenLake-v1."""

    def backup(q, tau, end, term, buf):
        states, actions, rewards = buf
        m = n + 1
        g = rewards[end % m]
        if not term:
            g += gamma * q[states[end % m]].max()
        for j in range(end - 1, tau, -1):
            vmax, w = _greedy_mass(q, states[j % m], actions[j % m])
            g = rewards[j % m] + gamma * ((1.0 - w) * vmax + w * g)
        s, a = states[tau % m], actions[tau % m]
        q[s, a] += alpha * (g - q[s, a])

    return _n_step_loop(num_steps, n, seed, epsilon, backup)


def gymnasium_watkins_q_lambda(
    num_steps: int, lam=0.9, seed=0, alpha=0.1, gamma=0.99, epsilon=0.1
) -> int:
    """Watkins's Q(lambda) (12.10, accumulating traces cut after a non-greedy action)."""
    import gymnasium as gym

    env = gym.make("FrozenLake-v1")
    gen = np.random.default_rng(seed)
    q = np.zeros((16, 4))
    z = np.zeros_like(q)
    steps = 0
    while steps < num_steps:
        s, _ = env.reset(seed=seed if steps == 0 else None)
        z[:] = 0.0
        while True:
            a = _behaviour(gen, q, s, epsilon)
            if q[s, a] != q[s].max():
                z[:] = 0.0
            s_next, r, term, trunc, _ = env.step(a)
            steps += 1
            target = r if term else r + gamma * q[s_next].max()
            delta = target - q[s, a]
            z[s, a] += 1.0
            q += alpha * delta * z
            z *= gamma * lam
            if term or trunc:
                break
            s = s_next
    env.close()
    return steps
