"""The bandit driver template: problem, agent and statistics fused in one numba pass.

This module is a template: :mod:`fastrl.bandits._engine` makes a copy of it per
agent (``fastrl._plugin.driver_module``) whose generated footer binds the
placeholders below to that agent's functions, its state record and the
problem's constants. numba then compiles the copy with all of them as
compile-time constants: the hot loop calls the agent's ``select`` and
``update`` inline, with no indirect call and nothing of any other agent, and
the machine code is cached on disk like any kernel's.

``prange`` runs over fixed-size blocks of runs; block ``b`` keeps one run's
state at a time in its own one-row tables (so the agent's row index ``j`` is
0), writes only its rows of the outputs, and streams the per-step statistics
into its own slice of ``block_mean``/``block_m2``. Draw addresses: see
:mod:`fastrl.bandits._dynamics` for the problem's; the agent draws from the
agent stream at ``counter(t, slot)`` (:mod:`fastrl.policies` slots).
"""

from __future__ import annotations

import numpy as np

from fastrl._borrow import borrow, keep_alive
from fastrl._jit import jit
from fastrl.bandits._dynamics import (
    NEVER,
    change_key,
    draw_reward,
    drift_means,
    init_means,
    next_change,
    segment_means,
)
from fastrl.bandits.problems import REWARD_BERNOULLI
from fastrl.policies import row_max
from fastrl.rng import STREAM_AGENT, STREAM_ENV, STREAM_EXTRA, STREAM_PROBLEM, run_key
from fastrl.stats import counts_to_moments, welford_add

M_REWARD = 0
M_OPTIMAL = 1
M_REGRET = 2
NUM_METRICS = 3

# Placeholders, bound by the generated footer of each copy:
agent_select = None  # (p, st, j, key, t) -> arm
agent_update = None  # (p, st, j, a, r, key, t) -> None
new_state = None  # (tables, scalars, buffers) -> the agent's state record of one-row tables
NUM_TABLES = 1
NUM_SCALARS = 1
NUM_BUFFERS = 1
buffer_length = None  # (p) -> the length of the agent's buffers (1 if it has none)
reset_state = None  # (p, st) -> None: the declared initial values
TWO_ARMS = False  # two arms without drift: the arm count is a constant, no drift step
# The two-arm driver is also specialised to the reward kind and to piecewise
# stationarity (the tutorial's job). The general driver reads both from its
# arguments: -1 here means "run time", so one compile serves every problem kind.
REWARD_CODE = -1  # a reward code of fastrl.bandits.problems, or -1
PIECEWISE = -1  # 1: change points (the means jump between segments), 0: none, -1: run time


@jit
def simulate_blocks(
    first,
    stride,
    reward_code,
    piecewise,
    means_code,
    means_in,
    problem_params,
    drift_std,
    change_points,
    p,
    roots,
    run_start,
    num_runs,
    num_steps,
    block_size,
    block_mean,
    block_m2,
    run_mean,
    run_m2,
    pulls_mean,
    pulls_m2,
    final_regret,
    record,
    actions_out,
    rewards_out,
    bad,
):
    """Simulate blocks ``first, first + stride, ...`` of runs ``run_start ..``.

    The runs are ``run_start .. run_start + num_runs - 1`` in blocks of
    ``block_size``; :func:`fastrl._threads.run_blocks` calls this on several
    threads, one share of the blocks each.

    Block ``b`` streams each step's reward, optimal-action indicator and
    cumulative regret into its slice of ``block_mean``/``block_m2[NUM_METRICS,
    num_blocks, num_steps]`` (Welford; the 0/1 metrics are counted and turned
    into moments when the block ends), each run's average reward into
    ``run_mean``/``run_m2[1, num_blocks, 1]`` and its pulls of each arm into
    ``pulls_mean``/``pulls_m2[1, num_blocks, k]``; ``final_regret[j]`` gets
    the cumulative regret of run ``run_start + j`` at the horizon. With ``record``,
    ``actions_out``/``rewards_out[i, t]`` get run ``i``'s trace. An arm outside
    ``[0, k)`` from the agent is never used as an index: ``bad[b]`` records the
    first one as ``(run, step, arm)`` and arm 0 is played instead, so the
    caller can raise.

    Measured layout choices: one run at a time in one-row tables ran 2.5x
    faster than advancing a block's runs in lockstep over ``(runs, k)``
    tables; counting the 0/1 metrics instead of two Welford
    updates, 11% faster. With two arms and no drift the loops over arms unroll
    and the step's values stay in registers: 15-18% faster per step.
    ``reward_code`` and ``piecewise`` are run-time arguments of the general
    driver (one compile for all five reward kinds, 4-7 s each on the 2-core
    machine); the two-arm driver folds them (``REWARD_CODE``, ``PIECEWISE``).
    """
    num_blocks = (num_runs + block_size - 1) // block_size
    for b in range(first, num_blocks, stride):
        simulate_block(
            b, reward_code, piecewise, means_code, means_in, problem_params, drift_std,
            change_points, p, roots, run_start, num_runs, num_steps, block_size, block_mean,
            block_m2, run_mean, run_m2, pulls_mean, pulls_m2, final_regret, record, actions_out,
            rewards_out, bad,
        )  # fmt: skip


@jit
def simulate_block(
    b, reward_code, piecewise, means_code, means_in, problem_params, drift_std, change_points, p,
    roots, run_start, num_runs, num_steps, block_size, block_mean, block_m2, run_mean, run_m2,
    pulls_mean, pulls_m2, final_regret, record, actions_out, rewards_out, bad,
):  # fmt: skip
    """Block ``b`` of :func:`simulate_blocks`: its runs, one after another.

    A function of its own, called once per block (in the body of a ``prange``
    loop, numba's parfor pass dropped in-place writes that the inlined agent
    made through its state record).
    """
    k = 2 if TWO_ARMS else means_in.shape[1]
    code = REWARD_CODE if REWARD_CODE >= 0 else reward_code
    pw = PIECEWISE == 1 if PIECEWISE >= 0 else piecewise
    loc, scale, spread = problem_params[0], problem_params[1], problem_params[2]
    change_rate = problem_params[3]
    means = np.empty((1, k))
    pulls = np.empty((1, k))
    # The block owns the state's arrays until keep_alive at the end; the agent
    # sees borrowed views (fastrl._borrow: no atomic reference counting per step).
    tables = np.empty((NUM_TABLES, 1, k))
    scalars = np.empty((NUM_SCALARS, 1))
    buffers = np.empty((NUM_BUFFERS, 1, buffer_length(p)))
    st = new_state(borrow(tables), borrow(scalars), borrow(buffers))
    mean_r, m2_r = block_mean[M_REWARD, b], block_m2[M_REWARD, b]
    mean_o, m2_o = block_mean[M_OPTIMAL, b], block_m2[M_OPTIMAL, b]
    mean_g, m2_g = block_mean[M_REGRET, b], block_m2[M_REGRET, b]
    mean_p, m2_p = pulls_mean[0, b], pulls_m2[0, b]
    lo = b * block_size
    hi = min(lo + block_size, num_runs)
    for j in range(lo, hi):
        i = run_start + j
        inv_n = 1.0 / (j - lo + 1)
        # Given means of a piecewise problem are rows per segment, not per run.
        row = 0 if pw or means_in.shape[0] == 1 else i
        problem_key = run_key(roots[STREAM_PROBLEM], i)
        init_means(means_code, means_in, row, loc, scale, problem_key, means, 0)
        seg = 0
        change_at = NEVER
        ckey = change_key(problem_key)
        if pw:
            change_at = next_change(change_points, change_rate, 0, np.int64(0), ckey)
        for a in range(k):
            pulls[0, a] = 0.0
        env_key = run_key(roots[STREAM_ENV], i)
        agent_key = run_key(roots[STREAM_AGENT], i)
        drift_key = run_key(roots[STREAM_EXTRA], i)
        reset_state(p, st)
        best = row_max(means, 0)
        regret = 0.0
        total = 0.0
        for t in range(num_steps):
            if pw and t == change_at:
                seg += 1
                segment_means(means_code, means_in, seg, seg, loc, scale, problem_key, means, 0)
                best = row_max(means, 0)
                change_at = next_change(change_points, change_rate, seg, np.int64(t), ckey)
            a = agent_select(p, st, 0, agent_key, t)
            if a < 0 or a >= k:  # predictable: never taken by a correct agent
                if bad[b, 0] < 0:
                    bad[b, 0], bad[b, 1], bad[b, 2] = i, t, a
                a = 0
            mean = means[0, a]
            r = draw_reward(code, mean, spread, env_key, t, a, k)
            regret += best - mean
            total += r
            pulls[0, a] += 1.0
            if code == REWARD_BERNOULLI:
                mean_r[t] += r
            else:
                welford_add(mean_r, m2_r, t, r, inv_n)
            mean_o[t] += 1.0 if mean >= best else 0.0
            welford_add(mean_g, m2_g, t, regret, inv_n)
            if record:
                actions_out[i, t] = a
                rewards_out[i, t] = r
            agent_update(p, st, 0, a, r, agent_key, t)
            if not TWO_ARMS and drift_std > 0.0:
                drift_means(code, means, 0, drift_std, drift_key, t)
                best = row_max(means, 0)
        welford_add(run_mean[0, b], run_m2[0, b], 0, total / num_steps, inv_n)
        final_regret[j] = regret
        for a in range(k):
            welford_add(mean_p, m2_p, a, pulls[0, a], inv_n)
    counts_to_moments(mean_o, m2_o, hi - lo)
    if code == REWARD_BERNOULLI:
        counts_to_moments(mean_r, m2_r, hi - lo)
    keep_alive(tables, scalars, buffers)  # pulls and means are owned here and never borrowed
