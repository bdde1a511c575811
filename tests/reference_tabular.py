"""Naive references for the tabular model, planning and evaluation (dense numpy, plain loops)."""

from __future__ import annotations

import numpy as np

from fastrl import rng
from fastrl.policies import SLOT_ACTION, categorical
from fastrl.tabular._dynamics import SLOT_RESET, SLOT_TRANSITION, env_step, sample_initial
from fastrl.tabular.mdp import batched_arrays


def dense_model(mdp):
    """(r_sa (S, A), C (S, A, S)) with C[s, a, s'] = P(s', not terminated | s, a)."""
    P, R, T = mdp.to_dense(with_terminated=True)
    return (P * R).sum(-1), P - T


def dense_value_iteration(mdp, gamma, tol, max_iter=100_000):
    """Textbook synchronous value iteration on dense arrays; returns (V, Q, iterations)."""
    r, C = dense_model(mdp)
    v = np.zeros(mdp.num_states)
    it = 0
    while it < max_iter:
        it += 1
        v_new = (r + gamma * C @ v).max(axis=1)
        delta = np.abs(v_new - v).max()
        v = v_new
        if delta < tol:
            break
    return v, r + gamma * C @ v, it


def dense_policy_evaluation(mdp, pi, gamma):
    """Exact V^pi with numpy.linalg.solve; ``pi`` (S, A) probabilities."""
    r, C = dense_model(mdp)
    r_pi = (pi * r).sum(1)
    P_pi = np.einsum("sa,sat->st", pi, C)
    return np.linalg.solve(np.eye(mdp.num_states) - gamma * P_pi, r_pi)


def _c(t, slot):
    # numba returns uint64 results to Python as int; re-wrap them, or the next jitted call
    # compiles an int64 specialization whose mixed arithmetic goes through float64
    return np.uint64(rng.counter(np.int64(t), np.int64(slot)))


def naive_evaluate(mdp, policy, j, *, episodes, seed, max_episode_steps, mdp_index=0):
    """One run (policy ``j``) of :func:`fastrl.tabular.evaluate`, step by step in Python.

    ``policy`` is an (S,) int array (deterministic) or an (S, A) float array.
    Returns (returns list, successes list, lengths list).
    """
    ns, p, r, term, init = batched_arrays(mdp)
    roots = rng.stream_roots(seed)
    env_key = np.uint64(rng.run_key(roots[rng.STREAM_ENV], np.int64(j)))
    agent_key = np.uint64(rng.run_key(roots[rng.STREAM_AGENT], np.int64(j)))
    n = mdp_index
    t = 0
    returns, successes, lengths = [], [], []
    for _ in range(episodes):
        s = sample_initial(init, n, rng.uniform(env_key, _c(t, SLOT_RESET)))
        g, ok, steps = 0.0, False, 0
        while steps < max_episode_steps:
            if policy.ndim == 1:
                a = int(policy[s])
            else:
                u = rng.uniform(agent_key, _c(t, SLOT_ACTION))
                a = int(categorical(policy[s].reshape(1, -1), 0, 1.0, u))
            u = rng.uniform(env_key, _c(t, SLOT_TRANSITION))
            s, rew, done = env_step(ns, p, r, term, n, s, a, u)
            g += rew
            t += 1
            steps += 1
            if done:
                ok = rew > 0
                break
        returns.append(g)
        successes.append(ok)
        lengths.append(steps)
    return returns, successes, lengths
