"""Baselines that fastrl is measured against: plain Python, numpy and Gymnasium.

They live in the package so that ``fastrl bench`` and the pytest-benchmark
suite time exactly the same code.
"""

from __future__ import annotations

import time

import numpy as np


def dense_numpy_value_iteration(mdps, gamma, tol, max_iter=100_000):
    """All maps in lockstep: ``Q = r + gamma * C @ V`` with dense (S*A, S) matrices."""
    dense = [m.to_dense(with_terminated=True) for m in mdps]
    r = np.stack([(P * R).sum(-1) for P, R, _ in dense])
    C = np.stack([gamma * (P - T) for P, _, T in dense])
    N, S, A = r.shape
    C = C.reshape(N, S * A, S)
    v = np.zeros((N, S))
    it = 0
    while it < max_iter:
        it += 1
        v_new = (r + (C @ v[:, :, None]).reshape(N, S, A)).max(-1)
        delta = np.abs(v_new - v).max()
        v = v_new
        if delta < tol:
            break
    return v, it


def gymnasium_evaluate_loop(policies, episodes):
    """Evaluate FrozenLake policies by stepping Gymnasium from Python; returns the step count."""
    import gymnasium as gym

    env = gym.make("FrozenLake-v1", is_slippery=True)
    steps = 0
    for j, pol in enumerate(policies):
        for e in range(episodes):
            s, _ = env.reset(seed=j * episodes + e)
            done = False
            while not done:
                s, r, term, trunc, _ = env.step(int(pol[s]))
                steps += 1
                done = term or trunc
    return steps


def gymnasium_q_learning(num_steps: int, seed=0, alpha=0.1, gamma=0.99, epsilon=0.1) -> float:
    """Steps per second of tabular Q-learning on Gymnasium's FrozenLake-v1 in Python."""
    import gymnasium as gym

    env = gym.make("FrozenLake-v1")
    gen = np.random.default_rng(seed)
    q = np.zeros((16, 4))
    s, _ = env.reset(seed=seed)
    start = time.perf_counter()
    for _ in range(num_steps):
        if gen.random() < epsilon:
            a = int(gen.integers(4))
        else:
            row = q[s]
            a = int(gen.choice(np.flatnonzero(row == row.max())))
        s_next, r, term, trunc, _ = env.step(a)
        target = r if term else r + gamma * q[s_next].max()
        q[s, a] += alpha * (target - q[s, a])
        s = s_next
        if term or trunc:
            s, _ = env.reset()
    elapsed = time.perf_counter() - start
    env.close()
    return num_steps / elapsed


def tutorial_python_loop(runs: int, steps: int, seed: int = 0) -> np.ndarray:
    """A shortened copy of the tutorial's loop: one step at a time in Python and numpy."""
    g = np.random.default_rng(seed)
    probs = np.array([0.7, 0.3])
    curve = np.zeros((2, steps))
    for kind in range(2):
        for _ in range(runs):
            q = np.array([0.5, 0.5])
            for t in range(steps):
                if kind == 0:
                    a = g.integers(2) if g.random() < 0.1 else int(np.argmax(q))
                else:
                    p = np.exp(5.0 * q) / np.sum(np.exp(5.0 * q))
                    a = g.choice(2, p=p)
                r = 1.0 if g.random() < probs[a] else 0.0
                q[a] += 0.1 * (r - q[a])
                curve[kind, t] += r
    return curve / runs


def numpy_testbed(runs: int, steps: int, epsilon: float = 0.1, k: int = 10, seed: int = 0):
    """Plain vectorized numpy: all runs advance together one step at a time."""
    g = np.random.default_rng(seed)
    means = g.normal(size=(runs, k))
    best = means.max(axis=1)
    q = np.zeros((runs, k))
    n = np.zeros((runs, k))
    idx = np.arange(runs)
    reward = np.zeros(steps)
    optimal = np.zeros(steps)
    for t in range(steps):
        ties = q == q.max(axis=1, keepdims=True)
        greedy = np.argmax(ties * g.random((runs, k)), axis=1)
        a = np.where(g.random(runs) < epsilon, g.integers(0, k, runs), greedy)
        r = means[idx, a] + g.normal(size=runs)
        n[idx, a] += 1.0
        q[idx, a] += (r - q[idx, a]) / n[idx, a]
        reward[t] = r.mean()
        optimal[t] = np.mean(means[idx, a] == best)
    return reward, optimal


def gymnasium_mc_blackjack(num_episodes: int, seed: int = 0, epsilon: float = 0.1) -> float:
    """Episodes per second of first-visit MC control (5.4) on Gymnasium's Blackjack-v1 in Python.

    The tutorial loop: epsilon-greedy on a dict of Q rows, the episode stepped
    from Python, then the backward pass with sample averages (gamma = 1).
    """
    import gymnasium as gym

    env = gym.make("Blackjack-v1")
    gen = np.random.default_rng(seed)
    q: dict = {}
    n: dict = {}
    env.reset(seed=seed)
    start = time.perf_counter()
    for _ in range(num_episodes):
        obs, _ = env.reset()
        episode = []
        done = False
        while not done:
            row = q.setdefault(obs, np.zeros(2))
            if gen.random() < epsilon:
                a = int(gen.integers(2))
            else:
                a = int(gen.choice(np.flatnonzero(row == row.max())))
            obs_next, r, term, trunc, _ = env.step(a)
            episode.append((obs, a, r))
            done = term or trunc
            obs = obs_next
        g = 0.0
        for j in range(len(episode) - 1, -1, -1):
            s, a, r = episode[j]
            g += r
            if all((s, a) != (x[0], x[1]) for x in episode[:j]):
                n[s, a] = n.get((s, a), 0) + 1
                q[s][a] += (g - q[s][a]) / n[s, a]
    elapsed = time.perf_counter() - start
    env.close()
    return num_episodes / elapsed


def _frozen_lake_epsilon_greedy(gen, q, s, epsilon):
    """The loops' behaviour policy: epsilon-greedy, ties broken at random."""
    if gen.random() < epsilon:
        return int(gen.integers(q.shape[1]))
    row = q[s]
    return int(gen.choice(np.flatnonzero(row == row.max())))


def gymnasium_sarsa_lambda(num_steps: int, lam=0.9, seed=0, alpha=0.1, gamma=0.99, epsilon=0.1):
    """Tabular SARSA(lambda) (Sutton & Barto 12.7, accumulating traces) on Gymnasium's
    FrozenLake-v1 in Python, the traces a dense numpy array; returns the env-steps taken."""
    import gymnasium as gym

    env = gym.make("FrozenLake-v1")
    gen = np.random.default_rng(seed)
    q = np.zeros((16, 4))
    z = np.zeros_like(q)
    steps = 0
    while steps < num_steps:
        s, _ = env.reset(seed=seed if steps == 0 else None)
        a = _frozen_lake_epsilon_greedy(gen, q, s, epsilon)
        z[:] = 0.0
        while True:
            s_next, r, term, trunc, _ = env.step(a)
            steps += 1
            target = r
            if not term:
                a_next = _frozen_lake_epsilon_greedy(gen, q, s_next, epsilon)
                target = r + gamma * q[s_next, a_next]
            delta = target - q[s, a]
            z[s, a] += 1.0
            q += alpha * delta * z
            z *= gamma * lam
            if term or trunc:
                break
            s, a = s_next, a_next
    env.close()
    return steps
