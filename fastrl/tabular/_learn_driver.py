"""The one driver of tabular learning: a template, specialised to one learner.

:func:`fastrl.tabular._learn_plan.plan_for` makes a copy of this module with
:func:`fastrl._plugin.driver_module`: its footer binds the placeholders below
to one learner's hooks (inlined: ``ijit`` of their Python functions), defines
the learner's ``Params``/``Tables``/``Scratch`` records and the functions that
allocate and refill them, and sets ``EXPLORE``. Branches on ``EXPLORE`` are
pruned before inlining, so a driver compiles only its own learner and its own
exploration rule; it holds no per-algorithm code (STYLE K4).

Step ``t`` of run ``i`` (``t`` counts every env step of the run across
episodes, from 0) does, in this order:

1. ``a = act(p, tab, scr, ctx, s, t)``; an ``a`` outside ``[0, A)`` stops the
   block and is reported (never used as an index);
2. ``s_next, r, term`` from :func:`fastrl.tabular._dynamics.env_step_cdf` (the
   successor :func:`~fastrl.tabular._dynamics.env_step` picks) with the
   env-stream draw ``(t, SLOT_TRANSITION)``;
3. ``N[s, a] += 1`` where the count bonus reads it (:func:`~.explore.observe`);
4. ``update(p, tab, scr, ctx, s, a, r, s_next, term, trunc, t)``, ``trunc``
   when the step limit ends the episode without termination.

An episode starts with ``s = sample_initial(...)`` (from a guide table,
:func:`~fastrl.tabular._dynamics.sample_initial_cdf`) from the env-stream draw
``(t, SLOT_RESET)``, the refill of the scratch arrays, the exploration context
of the episode (the schedule's value at the episode index) and
``start_episode``; it ends with ``end_episode``. A run starts with the refill
of the tables and zero counts and ends with ``finish`` writing its Q table.

Maps: run ``i`` steps MDP ``n = i`` of a stack, or MDP 0 of a single one. A
changing map (:class:`~fastrl.tabular.changing.ChangingMDP`, two stacked maps)
passes ``switch_at >= 0``: step ``t`` and a reset at counter ``t`` use map 0
while ``t < switch_at`` and map 1 from then on; every other model passes -1.
"""

from __future__ import annotations

import numpy as np

from fastrl._borrow import borrow
from fastrl._jit import jit
from fastrl.rng import counter, run_key, uniform
from fastrl.schedules import schedule_value
from fastrl.stats import welford_add
from fastrl.tabular._dynamics import (
    SLOT_RESET,
    SLOT_TRANSITION,
    env_step_cdf,
    guide_buckets,
    initial_cdf,
    sample_initial_cdf,
)
from fastrl.tabular.learners.explore import EXPLORE_SOFTMAX, ExploreContext, observe

#: runs per block of the parallel loop (fixed: results never depend on threads)
BLOCK = 64
#: metrics of the per-episode curves: return, length, success
NUM_METRICS = 3
#: per-run summaries: mean return, tail mean return, tail success rate, truncated episodes
NUM_SUMMARY = 4

# ---- placeholders, bound by the generated footer ----
EXPLORE = 0
learner_act = learner_update = learner_start = learner_end = learner_finish = None
make_tables = reset_tables = borrow_tables = make_scratch = reset_scratch = borrow_scratch = None


@jit
def train_block(
    b, p, x, dims, next_state, cum, last_entry, reward, terminated, initial, switch_at, max_steps,
    num_episodes, env_root, agent_root, run_start, num_runs, record, tail_episodes,
    out_q, out_summary, out_returns, out_lengths, block_n, block_mean, block_m2, block_bad,
):  # fmt: skip
    """Train the runs of block ``b``: ``run_start + b * BLOCK`` on, at most BLOCK of them.

    Called from Python once per block (:func:`fastrl._threads.run_each_block`),
    blocks in parallel on Python threads; ``run_start`` is a multiple of BLOCK.
    ``p`` is the learner's config record, ``x`` its :class:`~.explore.Exploration`,
    ``dims`` the int64 sizes of its tables and scratch; ``cum`` and ``last_entry``
    the model's successor tables (:func:`~fastrl.tabular._dynamics.successor_tables`
    of its ``prob``). ``out_q[runs, S, A]``
    receives final Q tables at global rows; ``block_n[B]``,
    ``block_mean``/``block_m2[NUM_METRICS, B, E]`` the per-block episode curves of
    the chunk; ``out_returns``/``out_lengths[runs, E]`` the per-run curves when
    ``record``; ``out_summary[runs, NUM_SUMMARY]`` per run the mean return over all
    episodes, the mean return and success rate over the last ``tail_episodes``
    episodes, and the number of episodes the step limit truncated. ``block_bad[B, 2]``
    stays -1 unless a hook returned an action out of range: then it holds the run
    and the action, and the block stops. ``switch_at`` is the step of a changing
    map's switch, -1 for any other model.

    No ``prange`` wrapper (measured, 2-core machine, cold cache): numba's parfor
    around this function cost 6 s of compile time per driver (Sarsa's first
    ``train``: 18.7 s with it, 14.2 s with a serial ``@jit`` loop over blocks,
    12.3 s with none), for the same steps per second. A call from Python costs about
    15 us, under 1% of a block of 64 runs of any real job. Inside a parfor body,
    numba also dropped in-place writes that inlined hooks made through a record
    of arrays (``tab.q[s, a] += ...`` was lost).
    """
    # The arguments live until the call returns, so borrowed views of them are
    # safe; without them every inlined env_step copied the four model arrays with
    # an atomic increment and decrement each (perf: 65% of a Q-learning step in
    # NRT_incref/NRT_decref, FrozenLake 4x4; 8 -> 14.5 M env-steps/s, one thread).
    next_state, cum, last_entry = borrow(next_state), borrow(cum), borrow(last_entry)
    reward, terminated, initial = borrow(reward), borrow(terminated), borrow(initial)
    block_mean, block_m2 = borrow(block_mean), borrow(block_m2)
    num_mdps = next_state.shape[0]
    num_states = next_state.shape[1]
    num_actions = next_state.shape[2]
    lo = b * BLOCK
    hi = min(lo + BLOCK, num_runs)
    # The block owns its arrays until keep_alive at the end; hooks see borrowed
    # views (fastrl._borrow: no atomic reference counting per step).
    tab_own = make_tables(dims)
    scr_own = make_scratch(dims)
    counts_own = np.zeros((num_states, num_actions), dtype=np.int64)
    row_own = np.empty((1, num_actions))
    w_own = np.empty((1, num_actions))
    tab = borrow_tables(tab_own)
    scr = borrow_scratch(scr_own)
    counts, row, w = borrow(counts_own), borrow(row_own), borrow(w_own)
    # sample_initial from a guide table: the same states, in O(1) expected
    cdf_own = np.empty(num_states)
    guide_own = np.empty(guide_buckets(num_states), dtype=np.int64)
    cdf, guide = borrow(cdf_own), borrow(guide_own)
    last = initial_cdf(initial, 0, cdf, guide)
    mean_r, m2_r = block_mean[0, b], block_m2[0, b]
    mean_l, m2_l = block_mean[1, b], block_m2[1, b]
    mean_s, m2_s = block_mean[2, b], block_m2[2, b]
    bad = False
    for j in range(lo, hi):
        i = run_start + j
        n = i if num_mdps > 1 else 0
        if switch_at >= 0:  # a changing map: map 0 before step switch_at, map 1 from it on
            n = 0 if switch_at > 0 else 1
        if num_mdps > 1:  # the run's map (a stack, or a changing map's first)
            last = initial_cdf(initial, n, cdf, guide)
        env_key = run_key(env_root, i)
        key = run_key(agent_root, i)
        reset_tables(p, tab)
        if x.bonus > 0.0:
            counts[:, :] = 0
        inv_n = 1.0 / (j - lo + 1)
        t = np.int64(0)
        sum_ret = 0.0
        tail_ret = 0.0
        tail_success = 0.0
        num_trunc = 0
        for e in range(num_episodes):
            temp = schedule_value(x.code, x.v0, x.decay, x.floor, x.duration, e)
            param = temp
            if EXPLORE == EXPLORE_SOFTMAX:  # a constant of the generated module
                param = x.beta if temp == x.v0 else 1.0 / temp
            ctx = ExploreContext(EXPLORE, key, np.int64(e), param, x.bonus, counts, row, w)
            s = sample_initial_cdf(cdf, guide, last, uniform(env_key, counter(t, SLOT_RESET)))
            reset_scratch(p, scr)
            learner_start(p, tab, scr, ctx, s, t)
            ret = 0.0
            length = 0
            success = 0.0
            while True:
                a = learner_act(p, tab, scr, ctx, s, t)
                if a < 0 or a >= num_actions:
                    block_bad[b, 0] = i
                    block_bad[b, 1] = a
                    bad = True
                    break
                s_next, r, term = env_step_cdf(
                    next_state, cum, last_entry, reward, terminated, n, s, a,
                    uniform(env_key, counter(t, SLOT_TRANSITION)),
                )  # fmt: skip
                observe(ctx, s, a)
                length += 1
                ret += r
                trunc = not term and length >= max_steps
                learner_update(p, tab, scr, ctx, s, a, r, s_next, term, trunc, t)
                t += 1
                # The one per-step cost of changing maps: an integer comparison, never
                # true for switch_at = -1 (t >= 1 here).
                if t == switch_at:
                    n = 1
                    last = initial_cdf(initial, n, cdf, guide)  # resets from map 1 on
                if term or trunc:
                    if term and r > 0.0:
                        success = 1.0
                    num_trunc += trunc
                    break
                s = s_next
            if bad:
                break
            learner_end(p, tab, scr, ctx, t)
            welford_add(mean_r, m2_r, e, ret, inv_n)
            welford_add(mean_l, m2_l, e, np.float64(length), inv_n)
            welford_add(mean_s, m2_s, e, success, inv_n)
            sum_ret += ret
            if e >= num_episodes - tail_episodes:
                tail_ret += ret
                tail_success += success
            if record:
                out_returns[i, e] = ret
                out_lengths[i, e] = length
        if bad:
            break
        out_summary[i, 0] = sum_ret / num_episodes
        out_summary[i, 1] = tail_ret / tail_episodes
        out_summary[i, 2] = tail_success / tail_episodes
        out_summary[i, 3] = num_trunc
        learner_finish(p, tab, out_q[i])
    block_n[b] = hi - lo
    keep_alive(tab_own, scr_own, counts_own, row_own, w_own, cdf_own, guide_own)


@jit
def keep_alive(*owners):
    """A call numba cannot drop: the owners of the borrowed views live until here.

    Defined in the template, not shared from :mod:`fastrl._borrow`: it takes the
    learner's records, and a shared cached kernel's disk-cache index would name
    every driver's record classes, which another process must then import (CI:
    ModuleNotFoundError for a test module's learner).
    """
    return len(owners)
