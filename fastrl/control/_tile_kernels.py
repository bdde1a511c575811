"""The fused kernel of :func:`fastrl.control.tile_sarsa`: Mountain Car, tile coding and Sarsa.

Runs are processed in fixed blocks of :data:`BLOCK` (one call from Python per block);
block ``b`` owns its weight vector (one run after another reuses it), writes
only its own rows of the per-run outputs and its own slice of the per-episode
statistics, which the public layer merges in block order (K3).

Run ``i``'s draws (R1): the environment key ``run_key(env_root, i)`` draws the
reset of an episode starting at step ``t`` (``mountain_car_reset(key, t, ...)``);
the agent key ``run_key(agent_root, i)`` draws the action taken at step ``t``
with :func:`fastrl.policies.epsilon_greedy` at step ``t`` (slots 0-2: explore,
random action, tie-break). ``t`` counts the run's steps across episodes, from 0.
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import jit
from fastrl.control._dynamics import mountain_car_reset, mountain_car_step
from fastrl.control.tiles import active_tiles_2d
from fastrl.policies import epsilon_greedy
from fastrl.rng import run_key
from fastrl.stats import welford_add

#: runs per block of the parallel loop (fixed: results never depend on the threads)
BLOCK = 4
#: per-episode metrics: steps, truncated (0/1)
NUM_METRICS = 2
NUM_ACTIONS = 3
RESET_LOW, RESET_HIGH = -0.6, -0.4


@jit
def _values(w, feats, tilings, q):
    # q[0, a] = sum_k w[a, feats[k]], summed over tilings in order (the reference's order).
    for a in range(NUM_ACTIONS):
        v = 0.0
        for k in range(tilings):
            v += w[a, feats[k]]
        q[0, a] = v


@jit
def _tile_sarsa_block(
    b, params, coder, alpha, epsilon, gamma, max_steps, num_episodes, env_root, agent_root,
    run_start, num_runs, record, out_lengths, out_w, block_n, block_steps, block_mean, block_m2,
):  # fmt: skip
    """Block ``b`` of runs ``run_start + b * BLOCK`` on: episodic semi-gradient Sarsa (S&B 10.1).

    Called from Python once per block (:func:`fastrl._threads.run_each_block`;
    a ``prange`` wrapper cost 4.4 s of compile time). ``coder`` is the float64
    row ``(low0, scale0, low1, scale1, tilings, tiles, d0, d1)``; ``alpha`` the
    step size per weight (the book's ``alpha / tilings``). ``block_n[B]`` runs
    and ``block_steps[B]`` env steps of each block;
    ``block_mean``/``block_m2[NUM_METRICS, B, E]`` the per-block episode
    statistics. With ``record``, ``out_lengths[runs, E]`` and ``out_w[runs, 3, F]``
    (global rows).

    Per step, with ``q(s, a) = sum_k w[a, x_k(s)]`` over the active tiles:
    take ``A``, observe ``R = -1`` and ``S'``; at the goal ``w += alpha (R -
    q(S, A))`` on ``S``'s tiles and the episode ends; otherwise choose ``A'``
    epsilon-greedily on ``q(S', .)`` and ``w += alpha (R + gamma q(S', A') -
    q(S, A))``, both values on the weights before this update. A truncated
    episode (``max_steps``) makes this bootstrapped update, then ends.
    """
    low0, scale0, low1, scale1 = coder[0], coder[1], coder[2], coder[3]
    tilings = np.int64(coder[4])
    tiles = np.int64(coder[5])
    d0 = np.int64(coder[6])
    d1 = np.int64(coder[7])
    side = tiles + 1
    num_features = tilings * side * side
    lo = b * BLOCK
    hi = min(lo + BLOCK, num_runs)
    w = np.zeros((NUM_ACTIONS, num_features))
    # The active tiles of S and S' in two rows, swapped by a parity index: swapping
    # two arrays (cur, nxt = nxt, cur) was slower (measured under load, one thread:
    # 10.9 against 12.4-14.3 M steps/s).
    feats = np.zeros((2, tilings), dtype=np.int64)
    q = np.zeros((1, NUM_ACTIONS))
    mean_s, m2_s = block_mean[0, b], block_m2[0, b]
    mean_c, m2_c = block_mean[1, b], block_m2[1, b]
    total = np.int64(0)
    for j in range(lo, hi):
        i = run_start + j
        env_key = run_key(env_root, np.uint64(i))
        key = run_key(agent_root, np.uint64(i))
        w[:, :] = 0.0
        inv_n = 1.0 / (j - lo + 1)
        t = np.int64(0)
        for e in range(num_episodes):
            pos, vel = mountain_car_reset(env_key, t, RESET_LOW, RESET_HIGH)
            c = 0
            active_tiles_2d(pos, vel, low0, scale0, low1, scale1, tilings, tiles, d0, d1, feats[c])
            _values(w, feats[c], tilings, q)
            a = epsilon_greedy(q, 0, epsilon, key, t)
            n = np.int64(0)
            truncated = 0.0
            while True:
                pos, vel, term = mountain_car_step(params, 0, pos, vel, a)
                n += 1
                t += 1
                q_sa = 0.0
                for k in range(tilings):
                    q_sa += w[a, feats[c, k]]
                if term:
                    step = alpha * (-1.0 - q_sa)
                    for k in range(tilings):
                        w[a, feats[c, k]] += step
                    break
                active_tiles_2d(
                    pos, vel, low0, scale0, low1, scale1, tilings, tiles, d0, d1, feats[1 - c]
                )
                _values(w, feats[1 - c], tilings, q)
                a_next = epsilon_greedy(q, 0, epsilon, key, t)
                step = alpha * (-1.0 + gamma * q[0, a_next] - q_sa)
                for k in range(tilings):
                    w[a, feats[c, k]] += step
                if n >= max_steps:
                    truncated = 1.0
                    break
                c = 1 - c
                a = a_next
            total += n
            welford_add(mean_s, m2_s, e, np.float64(n), inv_n)
            welford_add(mean_c, m2_c, e, truncated, inv_n)
            if record:
                out_lengths[i, e] = n
        if record:
            for act in range(NUM_ACTIONS):
                for f in range(num_features):
                    out_w[i, act, f] = w[act, f]
    block_n[b] = hi - lo
    block_steps[b] = total
