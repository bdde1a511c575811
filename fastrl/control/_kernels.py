"""Fused kernels of the policy search: rollouts, linear policy and return statistics in one pass.

Candidates are processed in fixed-size blocks of ``block_size`` (the outer
``prange``); block ``b`` writes only its candidates' rows, and each
candidate's episodes run within one thread, so candidate ``c``'s numbers
depend only on its weights and the episode keys, never on the thread count or
the number of candidates (K3).

Episode ``e`` starts from the state drawn with key ``run_key(root, first + e)``
at step 0, for every candidate alike: candidates of one generation are
compared on common random numbers (R3). The policy is Gymnasium's observation
fed to a deterministic linear rule, ``action = 1 if w[0]*x + w[1]*x_dot +
w[2]*theta + w[3]*theta_dot > 0 else 0`` (summed left to right, on the float64
state). ``softmax=True`` draws the action instead: right with probability
``1 / (1 + exp(-w @ obs))``, from ``uniform(key, counter(n, SLOT_POLICY))`` at
step ``n`` of the episode, the same draws for every candidate.

:func:`fastrl.control.search` runs deterministic policies on the SIMD-lane
kernel of :mod:`fastrl.control._lane_kernels` (the same numbers, 3x faster);
the deterministic kernel here serves the tasks whose pole-angle threshold is
beyond the lanes' sine and cosine polynomials, and is the lanes' reference in
the tests.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from fastrl._jit import ijit, jit, pjit, prange
from fastrl.control._dynamics import cartpole_reset, cartpole_step
from fastrl.rng import counter, normal, run_key, uniform

DRAW_UNIFORM = 0
DRAW_NORMAL = 1


#: slot of the softmax policy's draw at step ``n`` of an episode: ``counter(n, SLOT_POLICY)``
#: (slots 0-3 of step 0 draw the initial state)
SLOT_POLICY = 4


@ijit
def _policy(w0, w1, w2, w3, x, x_dot, theta, theta_dot, softmax, key, n):
    # Deterministic: push right when w @ obs > 0. Softmax over the logits
    # (0, w @ obs): push right with probability 1 / (1 + exp(-w @ obs)).
    z = w0 * x + w1 * x_dot + w2 * theta + w3 * theta_dot
    if not softmax:
        return 1 if z > 0.0 else 0
    return 1 if uniform(key, counter(n, SLOT_POLICY)) < 1.0 / (1.0 + math.exp(-z)) else 0


@functools.cache
def evaluate_kernel(softmax: bool):
    """The fused evaluation kernel compiled for one policy family.

    ``softmax`` is a constant of the closure, so the deterministic kernel holds
    no trace of the stochastic policy: as a run-time flag it cost the
    deterministic policy a quarter of its speed (measured, one thread: 38 vs
    51 M steps/s), the extra live values of the draws spilling registers.
    numba caches each variant on disk like any kernel.
    """

    @pjit
    def _evaluate_linear(
        params, weights, root, first, episodes, max_steps, low, high, block_size, out_mean, out_m2
    ):
        """Mean and sum of squared deviations of each candidate's return over ``episodes`` episodes.

        ``weights[C, 4]`` float64; ``out_mean[C]``, ``out_m2[C]`` float64. A return
        is the episode's length (+1 per step), so the sums of returns and of their
        squares are exact integers and the statistics do not depend on the order in
        which episodes finish.

        Two episodes of a candidate advance in lockstep (lanes ``a`` and ``b``;
        a lane that finishes takes the next episode): one CartPole step is a chain
        of a sine, a cosine and three divisions, and a second independent chain
        fills the pipeline while the first waits. Measured on the 2-core machine,
        one thread: 35 M steps/s with one lane, 54 M with two, 52 M with three and
        47 M with four (more live values than registers); small arrays of lanes
        instead of scalars were slower than one lane.
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
                total = 0
                total_sq = 0
                nxt = 0
                xa = xda = ta = tda = 0.0
                xb = xdb = tb = tdb = 0.0
                ka = kb = np.uint64(0)
                live_a = nxt < episodes
                if live_a:
                    ka = run_key(root, np.uint64(first + nxt))
                    xa, xda, ta, tda = cartpole_reset(ka, 0, low, high)
                    nxt += 1
                live_b = nxt < episodes
                if live_b:
                    kb = run_key(root, np.uint64(first + nxt))
                    xb, xdb, tb, tdb = cartpole_reset(kb, 0, low, high)
                    nxt += 1
                na = 0
                nb = 0
                while live_a or live_b:
                    act_a = _policy(w0, w1, w2, w3, xa, xda, ta, tda, softmax, ka, na)
                    act_b = _policy(w0, w1, w2, w3, xb, xdb, tb, tdb, softmax, kb, nb)
                    xa, xda, ta, tda, done_a = cartpole_step(params, 0, xa, xda, ta, tda, act_a)
                    xb, xdb, tb, tdb, done_b = cartpole_step(params, 0, xb, xdb, tb, tdb, act_b)
                    na += 1
                    nb += 1
                    if live_a and (done_a or na >= max_steps):
                        total += na
                        total_sq += na * na
                        na = 0
                        if nxt < episodes:
                            ka = run_key(root, np.uint64(first + nxt))
                            xa, xda, ta, tda = cartpole_reset(ka, 0, low, high)
                            nxt += 1
                        else:
                            live_a = False
                    if live_b and (done_b or nb >= max_steps):
                        total += nb
                        total_sq += nb * nb
                        nb = 0
                        if nxt < episodes:
                            kb = run_key(root, np.uint64(first + nxt))
                            xb, xdb, tb, tdb = cartpole_reset(kb, 0, low, high)
                            nxt += 1
                        else:
                            live_b = False
                out_mean[c] = total / episodes
                out_m2[c] = (episodes * total_sq - total * total) / episodes

    return _evaluate_linear


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
