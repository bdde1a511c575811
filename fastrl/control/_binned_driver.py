"""The binned-CartPole learning driver: fastrl's tabular learners on a discretised CartPole.

A template like :mod:`fastrl.tabular._learn_driver`, specialised the same way
(:func:`fastrl.control.binned._plan` calls :func:`fastrl._plugin.driver_module`
with the footer that :mod:`fastrl.tabular._learn_plan` generates for a
learner: its records, their allocation and refill, its hooks inlined, its
exploration rule), so any :class:`~fastrl.tabular.learners.TabularAgent`
(Q-learning, Sarsa, ..., a user's) runs here unchanged, through the same
hooks. The learners are reused; the loop is the environment's own: the
tabular driver steps a :class:`~fastrl.tabular.mdp.TabularMDP`'s arrays,
this one Gymnasium's CartPole equations (:mod:`fastrl.control._dynamics`)
followed by the binning of the observation into a state index.

Step ``t`` of run ``i`` (counted across episodes, from 0), as in the tabular
driver: ``a = act(p, tab, scr, ctx, s, t)`` (an ``a`` outside ``{0, 1}``
stops the block and is reported); CartPole's step; ``N[s, a] += 1`` where the
count bonus reads it; ``update(..., s, a, 1.0, s_next, term, trunc, t)``.
An episode starts from ``cartpole_reset(env_key, t)`` (env-stream draws of
step ``t``, slots 0-3), the scratch refill, the episode's exploration context
and ``start_episode``; it ends with ``end_episode``.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl._borrow import borrow
from fastrl._jit import jit
from fastrl.control._dynamics import cartpole_reset, cartpole_step
from fastrl.rng import run_key
from fastrl.schedules import schedule_value
from fastrl.stats import welford_add
from fastrl.tabular.learners.explore import EXPLORE_SOFTMAX, ExploreContext, observe

#: runs per block of the parallel loop (fixed: results never depend on threads)
BLOCK = 16
#: metrics of the per-episode curves: length (= return), reached the step limit
NUM_METRICS = 2
NUM_ACTIONS = 2
RESET_LOW, RESET_HIGH = -0.05, 0.05

# ---- placeholders, bound by the generated footer ----
EXPLORE = 0
learner_act = learner_update = learner_start = learner_end = learner_finish = None
make_tables = reset_tables = borrow_tables = make_scratch = reset_scratch = borrow_scratch = None


@jit
def bin_index(binning, x, x_dot, theta, theta_dot):
    """The state index of an observation: mixed radix over the four variables' bins.

    ``binning[j] = (low_j, n_j / (high_j - low_j), n_j)``; variable ``j``'s bin is
    ``floor((v - low_j) * scale_j)`` clipped to ``[0, n_j - 1]`` (equal widths,
    the outer bins taking everything beyond the bounds), ``v`` the float32
    observation Gymnasium returns (the state rounded to float32), in float64.
    """
    s = np.int64(0)
    for j in range(4):
        v = x if j == 0 else x_dot if j == 1 else theta if j == 2 else theta_dot
        v = np.float64(np.float32(v))
        n = np.int64(binning[j, 2])
        f = min(max((v - binning[j, 0]) * binning[j, 1], 0.0), binning[j, 2] - 1.0)
        s = s * n + np.int64(math.floor(f))
    return s


@jit
def train_block(
    b, p, x, dims, params, binning, max_steps, num_episodes, env_root, agent_root, run_start,
    num_runs, out_q, block_n, block_steps, block_mean, block_m2, block_bad,
):  # fmt: skip
    """Train runs ``run_start + b * BLOCK`` on (at most BLOCK of ``num_runs``), one after another.

    Called from Python once per block (:func:`fastrl._threads.run_each_block`),
    as the tabular learning driver is. ``out_q[runs, S, A]`` receives the final Q
    tables at global rows; ``block_n``/``block_steps[B]`` the runs and env steps
    of each block, ``block_mean``/``block_m2[NUM_METRICS, B, E]`` its episode
    curves; ``block_bad[B, 2]`` stays -1 unless a hook returned an action out of
    range. See the module docstring.
    """
    # The arguments outlive the call: borrowed, the inlined cartpole_step and
    # bin_index copy them without atomic reference counting (fastrl._borrow).
    params, binning = borrow(params), borrow(binning)
    block_mean, block_m2 = borrow(block_mean), borrow(block_m2)
    num_states = out_q.shape[1]
    lo = b * BLOCK
    hi = min(lo + BLOCK, num_runs)
    tab_own = make_tables(dims)
    scr_own = make_scratch(dims)
    counts_own = np.zeros((num_states, NUM_ACTIONS), dtype=np.int64)
    row_own = np.empty((1, NUM_ACTIONS))
    w_own = np.empty((1, NUM_ACTIONS))
    tab = borrow_tables(tab_own)
    scr = borrow_scratch(scr_own)
    counts, row, w = borrow(counts_own), borrow(row_own), borrow(w_own)
    mean_l, m2_l = block_mean[0, b], block_m2[0, b]
    mean_s, m2_s = block_mean[1, b], block_m2[1, b]
    total = np.int64(0)
    bad = False
    for j in range(lo, hi):
        i = run_start + j
        env_key = run_key(env_root, np.uint64(i))
        key = run_key(agent_root, np.uint64(i))
        reset_tables(p, tab)
        if x.bonus > 0.0:
            counts[:, :] = 0
        inv_n = 1.0 / (j - lo + 1)
        t = np.int64(0)
        for e in range(num_episodes):
            temp = schedule_value(x.code, x.v0, x.decay, x.floor, x.duration, e)
            param = temp
            if EXPLORE == EXPLORE_SOFTMAX:  # a constant of the generated module
                param = x.beta if temp == x.v0 else 1.0 / temp
            ctx = ExploreContext(EXPLORE, key, np.int64(e), param, x.bonus, counts, row, w)
            c0, c1, c2, c3 = cartpole_reset(env_key, t, RESET_LOW, RESET_HIGH)
            s = bin_index(binning, c0, c1, c2, c3)
            reset_scratch(p, scr)
            learner_start(p, tab, scr, ctx, s, t)
            length = 0
            limit = 0.0
            while True:
                a = learner_act(p, tab, scr, ctx, s, t)
                if a < 0 or a >= NUM_ACTIONS:
                    block_bad[b, 0] = i
                    block_bad[b, 1] = a
                    bad = True
                    break
                c0, c1, c2, c3, term = cartpole_step(params, 0, c0, c1, c2, c3, a)
                s_next = bin_index(binning, c0, c1, c2, c3)
                observe(ctx, s, a)
                length += 1
                trunc = not term and length >= max_steps
                learner_update(p, tab, scr, ctx, s, a, 1.0, s_next, term, trunc, t)
                t += 1
                if term or trunc:
                    limit = 1.0 if trunc else 0.0
                    break
                s = s_next
            if bad:
                break
            learner_end(p, tab, scr, ctx, t)
            total += length
            welford_add(mean_l, m2_l, e, np.float64(length), inv_n)
            welford_add(mean_s, m2_s, e, limit, inv_n)
        if bad:
            break
        learner_finish(p, tab, out_q[i])
    block_n[b] = hi - lo
    block_steps[b] = total
    keep_alive(tab_own, scr_own, counts_own, row_own, w_own)


@jit
def keep_alive(*owners):
    """A call numba cannot drop: the owners of the borrowed views live until here.

    In the template, not shared (as in :mod:`fastrl.tabular._learn_driver`): it
    takes the learner's records, which a shared kernel's cache index would name.
    """
    return len(owners)
