"""Naive binned-CartPole Q-learning, one run in plain Python, for tests/test_control_binned.py.

The tutorials' loop written out: Gymnasium's CartPole step (its arithmetic,
``math`` for the sine and cosine), the float32 observation cut into
equal-width bins, one-step Q-learning (Sutton & Barto 6.5) with
epsilon-greedy actions, on fastrl's addressed draws (environment stream:
the reset at step ``t``; agent stream: explore, random action and tie-break
at step ``t``), so the kernel's Q table must equal it bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl.policies import SLOT_ACTION, SLOT_EXPLORE, SLOT_TIE
from fastrl.rng import STREAM_AGENT, STREAM_ENV, counter, randint, run_key, stream_roots, uniform

GRAVITY, MASSCART, MASSPOLE, LENGTH, FORCE_MAG, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
THETA_LIMIT, X_LIMIT = 12 * 2 * math.pi / 360, 2.4


def cartpole_step(state, action):
    """``CartPoleEnv.step`` (Euler): ``(state, terminated)``; squares as products
    (``x**2`` is C's ``pow``, which a libm need not round like ``x * x``)."""
    x, x_dot, theta, theta_dot = state
    total_mass = MASSPOLE + MASSCART
    polemass_length = MASSPOLE * LENGTH
    force = FORCE_MAG if action == 1 else -FORCE_MAG
    costheta, sintheta = math.cos(theta), math.sin(theta)
    temp = (force + polemass_length * (theta_dot * theta_dot) * sintheta) / total_mass
    thetaacc = (GRAVITY * sintheta - costheta * temp) / (
        LENGTH * (4.0 / 3.0 - MASSPOLE * (costheta * costheta) / total_mass)
    )
    xacc = temp - polemass_length * thetaacc * costheta / total_mass
    x = x + TAU * x_dot
    x_dot = x_dot + TAU * xacc
    theta = theta + TAU * theta_dot
    theta_dot = theta_dot + TAU * thetaacc
    done = x < -X_LIMIT or x > X_LIMIT or theta < -THETA_LIMIT or theta > THETA_LIMIT
    return (x, x_dot, theta, theta_dot), done


def bin_state(state, bins, low, high):
    """Mixed-radix index of the float32 observation's equal-width bins."""
    s = 0
    for v, n, lo, hi in zip(state, bins, low, high, strict=True):
        obs = float(np.float32(v))
        k = min(max(math.floor((obs - lo) * (n / (hi - lo))), 0), n - 1)
        s = s * n + k
    return s


def q_learning_run(seed, run, *, episodes, alpha, gamma, epsilon, bins, low, high, max_steps=500):
    """Run ``run``: ``(episode lengths, Q table)``."""
    roots = stream_roots(seed)
    env_key = np.uint64(run_key(roots[STREAM_ENV], np.uint64(run)))
    key = np.uint64(run_key(roots[STREAM_AGENT], np.uint64(run)))
    q = np.zeros((int(np.prod(bins)), 2))

    def act(s, t):
        if epsilon > 0.0 and uniform(key, counter(t, SLOT_EXPLORE)) < epsilon:
            return int(randint(key, counter(t, SLOT_ACTION), 2))
        best = max(q[s, 0], q[s, 1])
        tied = [a for a in range(2) if q[s, a] == best]
        return tied[int(randint(key, counter(t, SLOT_TIE), 2))] if len(tied) > 1 else tied[0]

    lengths = []
    t = 0
    for _ in range(episodes):
        state = tuple(-0.05 + (0.05 - -0.05) * uniform(env_key, counter(t, k)) for k in range(4))
        s = bin_state(state, bins, low, high)
        n = 0
        while True:
            a = act(s, t)
            state, done = cartpole_step(state, a)
            s_next = bin_state(state, bins, low, high)
            n += 1
            target = 1.0
            if not done:
                target += gamma * max(q[s_next, 0], q[s_next, 1])
            q[s, a] += alpha * (target - q[s, a])
            t += 1
            if done or n >= max_steps:
                break
            s = s_next
        lengths.append(n)
    return np.array(lengths), q
