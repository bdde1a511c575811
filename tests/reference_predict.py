"""Naive single-run prediction loops (Sutton & Barto 5.1, 5.6, 6.1, 7.1, 12.5), STYLE T1.

Plain Python written from the book's boxes, one run at a time, with the
kernel's addressed draws: n-step TD interleaves its updates with the steps
as the book does (the kernel replays a recorded episode), true online
TD(lambda) uses numpy feature vectors, first visits are searched for.
"""

from __future__ import annotations

import math

import numpy as np
from reference_learning import _c

from fastrl import rng
from fastrl.policies import categorical
from fastrl.tabular import policy_evaluation
from fastrl.tabular._dynamics import SLOT_RESET, SLOT_TRANSITION, env_step
from fastrl.tabular._predict_kernels import SLOT_POLICY
from fastrl.tabular.predict import non_terminal


def _episode(mdp, act, env_key, key, t, max_steps):
    """One episode from step counter ``t``: (states S_0..S_L, actions, rewards, terminated, t)."""
    arrays = [np.ascontiguousarray(x[None]) for x in (mdp.next_state, mdp.prob, mdp.reward)]
    arrays.append(np.ascontiguousarray(mdp.terminated[None]))
    initial = np.ascontiguousarray(mdp.initial[None])
    s = int(categorical(initial, 0, 1.0, rng.uniform(env_key, _c(t, SLOT_RESET))))
    states, actions, rewards, term = [s], [], [], False
    while len(actions) < max_steps:
        a = int(categorical(act, s, 1.0, rng.uniform(key, _c(t, SLOT_POLICY))))
        s, r, term = env_step(*arrays, 0, s, a, rng.uniform(env_key, _c(t, SLOT_TRANSITION)))
        s, term = int(s), bool(term)
        actions.append(a)
        rewards.append(float(r))
        states.append(s)
        t += 1
        if term:
            break
    return states, actions, rewards, term, t


def predict_one(mdp, policy, method, *, episodes, alpha=0.1, gamma=1.0, n=1, lam=0.9, seed=0,
                max_steps, initial_value=0.0, behaviour=None, i=0):  # fmt: skip
    """Run ``i`` of ``predict(...)``: (final V, RMS error after each episode)."""
    roots = rng.stream_roots(seed)
    env_key = np.uint64(rng.run_key(roots[rng.STREAM_ENV], np.int64(i)))
    key = np.uint64(rng.run_key(roots[rng.STREAM_AGENT], np.int64(i)))
    pi = np.asarray(policy, dtype=float)
    if pi.ndim == 1:
        pi = np.eye(mdp.num_actions)[np.asarray(policy)]
    b = pi if behaviour is None else np.asarray(behaviour, dtype=float)
    S = mdp.num_states
    true_v = policy_evaluation(mdp, pi, gamma).values
    mask = non_terminal(mdp)
    v = np.full(S, float(initial_value))
    counts = np.zeros(S)
    rms, t = [], 0
    for _ in range(episodes):
        states, actions, rewards, term, t = _episode(mdp, b, env_key, key, t, max_steps)
        L = len(rewards)

        def value(k, L=L, term=term, states=states):  # V(S_k), 0 past a terminating end
            return 0.0 if (k == L and term) else v[states[k]]

        if method == "td":
            for k in range(L):
                v[states[k]] += alpha * (rewards[k] + gamma * value(k + 1) - v[states[k]])
        elif method == "n-step-td":
            T, tt = math.inf, 0
            while True:
                if tt < T and tt + 1 == L:  # S_{t+1} ends the episode (or the step limit)
                    T = L
                tau = tt - n + 1
                if tau >= 0:
                    G = 0.0
                    for k in range(tau + 1, min(tau + n, T) + 1):
                        G += gamma ** (k - tau - 1) * rewards[k - 1]
                    if tau + n < T or not term:
                        G += gamma ** (min(tau + n, T) - tau) * value(min(tau + n, T))
                    v[states[tau]] += alpha * (G - v[states[tau]])
                if tau == T - 1:
                    break
                tt += 1
        elif method == "true-online-td":
            w, z, v_old = v, np.zeros(S), 0.0
            for k in range(L):
                x = np.eye(S)[states[k]]
                V, V_next = w @ x, value(k + 1)
                delta = rewards[k] + gamma * V_next - V
                z = gamma * lam * z + (1 - alpha * gamma * lam * (z @ x)) * x
                w += alpha * (delta + V - v_old) * z - alpha * (V - v_old) * x
                v_old = V_next
        elif method in ("mc-first-visit", "mc-every-visit"):
            G = 0.0
            for k in reversed(range(L)):
                G = gamma * G + rewards[k]
                s = states[k]
                if method == "mc-first-visit" and s in states[:k]:
                    continue
                if alpha == "average":
                    counts[s] += 1
                    v[s] += (G - v[s]) / counts[s]
                else:
                    v[s] += alpha * (G - v[s])
        else:  # off-policy, every visit
            G, W = 0.0, 1.0
            for k in reversed(range(L)):
                s, a = states[k], actions[k]
                G = gamma * G + rewards[k]
                W *= pi[s, a] / b[s, a]
                if method == "mc-weighted-is":
                    if W == 0.0:
                        break
                    counts[s] += W
                    v[s] += W / counts[s] * (G - v[s])
                else:
                    counts[s] += 1
                    v[s] += (W * G - v[s]) / counts[s]
        rms.append(math.sqrt(np.mean((v[mask] - true_v[mask]) ** 2)))
    return v, np.array(rms)
