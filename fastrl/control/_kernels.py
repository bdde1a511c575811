"""Fused kernels of the policy search: rollouts, linear policy and return statistics in one pass.

Candidates are processed in fixed-size blocks of ``block_size`` (the outer
``prange``); block ``b`` writes only its candidates' rows, and each
candidate's episodes run one after another, so candidate ``c``'s numbers
depend only on its weights and the episode keys, never on the thread count or
the number of candidates (K3).

Episode ``e`` starts from the state drawn with key ``run_key(root, first + e)``
at step 0, for every candidate alike: candidates of one generation are
compared on common random numbers (R3). The policy is Gymnasium's observation
fed to a deterministic linear rule, ``action = 1 if w[0]*x + w[1]*x_dot +
w[2]*theta + w[3]*theta_dot > 0 else 0`` (summed left to right, on the float64
state).
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import jit, pjit, prange
from fastrl.control._dynamics import cartpole_reset, cartpole_step
from fastrl.rng import counter, normal, run_key, uniform

DRAW_UNIFORM = 0
DRAW_NORMAL = 1


@pjit
def _evaluate_linear(
    params, weights, root, first, episodes, max_steps, low, high, block_size, out_mean, out_m2
):
    """Mean and sum of squared deviations of each candidate's return over ``episodes`` episodes.

    ``weights[C, 4]`` float64; ``out_mean[C]``, ``out_m2[C]`` float64 (Welford
    over the episodes in order). A return is the episode's length: +1 per step.
    """
    num_candidates = weights.shape[0]
    num_blocks = (num_candidates + block_size - 1) // block_size
    for b in prange(num_blocks):
        stop = min((b + 1) * block_size, num_candidates)
        for c in range(b * block_size, stop):
            w0 = weights[c, 0]
            w1 = weights[c, 1]
            w2 = weights[c, 2]
            w3 = weights[c, 3]
            mean = 0.0
            m2 = 0.0
            for e in range(episodes):
                key = run_key(root, np.uint64(first + e))
                x, x_dot, theta, theta_dot = cartpole_reset(key, 0, low, high)
                n = 0
                while n < max_steps:
                    action = 1 if w0 * x + w1 * x_dot + w2 * theta + w3 * theta_dot > 0.0 else 0
                    x, x_dot, theta, theta_dot, done = cartpole_step(
                        params, 0, x, x_dot, theta, theta_dot, action
                    )
                    n += 1
                    if done:
                        break
                g = np.float64(n)
                delta = g - mean
                mean += delta / (e + 1)
                m2 += delta * (g - mean)
            out_mean[c] = mean
            out_m2[c] = m2


@jit
def _draw_candidates(root, generation, kind, center, scale, out):
    """Candidate ``c``'s weight ``j``: ``center[j] + scale[j] * z`` with an addressed draw ``z``.

    ``z`` is uniform on [-1, 1) (``DRAW_UNIFORM``) or standard normal
    (``DRAW_NORMAL``), drawn at ``counter(c, j)`` of the key
    ``run_key(root, generation)``.
    """
    key = run_key(root, np.uint64(generation))
    for c in range(out.shape[0]):
        for j in range(out.shape[1]):
            addr = counter(c, j)
            if kind == DRAW_UNIFORM:
                z = 2.0 * uniform(key, addr) - 1.0
            else:
                z = normal(key, addr)
            out[c, j] = center[j] + scale[j] * z
