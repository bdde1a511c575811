"""The deterministic linear-policy evaluation on SIMD lanes: 16 episodes step side by side.

Same job and same numbers as :func:`fastrl.control._kernels.evaluate_kernel`
with ``softmax=False`` (every candidate's mean and m2 bit for bit, tested), laid
out for the CPU's vector units: a block of candidates keeps :data:`LANES`
episodes in flight, one per lane of small state arrays, and one CartPole step
of all lanes is a loop with no branch and no call, which LLVM vectorizes
(the lanes' ``if`` choices become selects; the sine and cosine are fdlibm's
polynomials, :func:`~fastrl.control._dynamics.poly_sin`). Every lane does
Gymnasium's operations in Gymnasium's order, and IEEE arithmetic on a vector
lane rounds as on a scalar, so no result changes.

When a lane's episode ends (terminated or at ``max_steps``), the lane takes the
block's next (candidate, episode) pair; a lane with no work left keeps
stepping, masked, until the block's last episode ends. A candidate's return
statistics are sums of integer episode lengths, so they do not depend on
which lane ran which episode, nor on the block size or the thread count (K3).
Episode ``e`` starts from the state drawn with key ``run_key(root, first + e)``
at step 0, for every candidate alike (common random numbers, as the scalar
kernel).

The polynomials are exact only for ``|theta| <= POLY_LIMIT`` (pi/4). Every
step starts from a state that did not terminate, so ``|theta|`` is at most the
task's ``theta_threshold_radians``: :func:`fastrl.control.search` uses this
kernel only when that threshold is within the limit (Gymnasium's 12 degrees
is), the scalar kernel otherwise.

Measured (2-core machine, 4096 random linear policies x 10 episodes): the
scalar two-lane kernel 36-41 M env-steps/s on one thread, 70-76 M on two;
this one 147-153 M on one thread and 190-345 M on two. 16 lanes beat 8 (8
unroll fully and stay scalar: 48 M on one thread) and 32 (92-107 M: more
masked lanes at the end of a block); blocks of 32 candidates beat 16
(326 against 203 M: the same tail effect) and 64 (too few blocks for two
threads on small jobs). The integrator is a select, not a branch
(:func:`~fastrl.control._dynamics.cartpole_advance`): a branch on it inside
the loop stopped the vectorizer (46 M on one thread).
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import ijit, jit, pjit, prange
from fastrl.control._dynamics import (
    cartpole_advance,
    cartpole_constants,
    cartpole_ended,
    cartpole_reset,
    poly_cos,
    poly_sin,
)
from fastrl.rng import run_key

__all__ = ["LANES", "LANE_BLOCK", "_evaluate_linear_lanes"]

#: episodes in flight per block (the vector loop's trip count)
LANES = 16
#: candidates per block of the parallel loop
LANE_BLOCK = 32

# rows of a block's lane state: the cart's state, then the lane's policy weights
_X, _X_DOT, _THETA, _THETA_DOT, _W0 = 0, 1, 2, 3, 4
_ROWS = 8


@ijit
def _step_lanes(st, n, done, alive, params, max_steps):
    """One CartPole step of every lane, as :func:`~fastrl.control._dynamics.cartpole_step`.

    ``done[l]`` is set for a live lane whose episode ended with this step.
    """
    (force_mag, gravity, masspole, total_mass, length, polemass_length, tau, semi, x_lim,
     theta_lim) = cartpole_constants(params, 0)  # fmt: skip
    for lane in range(LANES):
        x = st[_X, lane]
        x_dot = st[_X_DOT, lane]
        theta = st[_THETA, lane]
        theta_dot = st[_THETA_DOT, lane]
        z = (
            st[_W0, lane] * x
            + st[_W0 + 1, lane] * x_dot
            + st[_W0 + 2, lane] * theta
            + st[_W0 + 3, lane] * theta_dot
        )
        force = force_mag if z > 0.0 else -force_mag
        x, x_dot, theta, theta_dot = cartpole_advance(
            x, x_dot, theta, theta_dot, force, poly_cos(theta), poly_sin(theta), gravity,
            masspole, total_mass, length, polemass_length, tau, semi,
        )  # fmt: skip
        st[_X, lane] = x
        st[_X_DOT, lane] = x_dot
        st[_THETA, lane] = theta
        st[_THETA_DOT, lane] = theta_dot
        m = n[lane] + 1
        n[lane] = m
        ended = cartpole_ended(x, theta, x_lim, theta_lim)
        done[lane] = (ended | (m >= max_steps)) & alive[lane]


@ijit
def _start_lane(st, n, cand, lane, q, episodes, lo, weights, init):
    """Lane ``lane`` takes work item ``q``: episode ``q % episodes`` of candidate
    ``lo + q // episodes``."""
    c = q // episodes
    e = q - c * episodes
    for j in range(4):
        st[_X + j, lane] = init[e, j]
        st[_W0 + j, lane] = weights[lo + c, j]
    n[lane] = 0
    cand[lane] = c


@jit
def _evaluate_lane_block(lo, hi, weights, init, episodes, max_steps, params, out_mean, out_m2):
    """Candidates ``lo .. hi - 1``: their ``episodes`` episodes each, on :data:`LANES` lanes."""
    st = np.zeros((_ROWS, LANES))
    n = np.zeros(LANES, np.int64)
    cand = np.zeros(LANES, np.int64)
    done = np.zeros(LANES, np.bool_)
    alive = np.zeros(LANES, np.bool_)
    total = np.zeros(hi - lo, np.int64)
    total_sq = np.zeros(hi - lo, np.int64)
    work = (hi - lo) * episodes
    q = 0
    live = 0
    for lane in range(LANES):
        if q < work:
            _start_lane(st, n, cand, lane, q, episodes, lo, weights, init)
            alive[lane] = True
            q += 1
            live += 1
    while live > 0:
        _step_lanes(st, n, done, alive, params, max_steps)
        any_done = False
        for lane in range(LANES):
            any_done |= done[lane]
        if not any_done:
            continue
        for lane in range(LANES):
            if not done[lane]:
                continue
            m = n[lane]
            total[cand[lane]] += m
            total_sq[cand[lane]] += m * m
            if q < work:
                _start_lane(st, n, cand, lane, q, episodes, lo, weights, init)
                q += 1
            else:  # no work left: the lane steps on, masked, from a quiet state
                alive[lane] = False
                done[lane] = False
                live -= 1
                for j in range(4):
                    st[_X + j, lane] = 0.0
    for c in range(hi - lo):
        t, t2 = total[c], total_sq[c]
        out_mean[lo + c] = t / episodes
        out_m2[lo + c] = (episodes * t2 - t * t) / episodes


@pjit
def _evaluate_linear_lanes(
    params, weights, root, first, episodes, max_steps, low, high, block_size, out_mean, out_m2
):
    """Mean and m2 of each candidate's return, as the scalar kernel's ``_evaluate_linear``.

    ``weights[C, 4]``, ``out_mean[C]``, ``out_m2[C]`` float64; ``params`` one
    CartPole row with ``theta_threshold_radians <= POLY_LIMIT``. Blocks of
    ``block_size`` candidates run in parallel.
    """
    num_candidates = weights.shape[0]
    num_blocks = (num_candidates + block_size - 1) // block_size
    init = np.empty((episodes, 4))  # the episodes' initial states, common to all candidates
    for e in range(episodes):
        key = run_key(root, np.uint64(first + e))
        init[e, 0], init[e, 1], init[e, 2], init[e, 3] = cartpole_reset(key, 0, low, high)
    for b in prange(num_blocks):
        lo = b * block_size
        hi = min(lo + block_size, num_candidates)
        _evaluate_lane_block(lo, hi, weights, init, episodes, max_steps, params, out_mean, out_m2)
