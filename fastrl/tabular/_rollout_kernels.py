"""Monte Carlo evaluation of fixed policies and random policy draws.

Run ``j`` evaluates policy ``j`` (or policy 0 when one is given) on MDP ``j``
(or MDP 0). It follows the episode loop convention of
:mod:`fastrl.tabular._dynamics`: a global step counter ``t`` over all its
episodes addresses the draws, the reset of an episode uses the ``t`` of its
first step, and every step draws its successor from slot ``SLOT_TRANSITION``
of the environment stream. Stochastic policies draw their action from slot
:data:`fastrl.policies.SLOT_ACTION` of the agent stream. ``prange`` runs over
fixed blocks of runs and run ``j`` writes only entry ``j`` of the outputs, so
results do not depend on the thread count or on the batch size.
"""

from __future__ import annotations

import numpy as np

from fastrl import rng
from fastrl._borrow import borrow
from fastrl._jit import jit, pjit, prange
from fastrl.policies import SLOT_ACTION, categorical
from fastrl.tabular._dynamics import SLOT_RESET, SLOT_TRANSITION, env_step_cdf, sample_initial

#: runs per parallel block
BLOCK = 64


@jit
def _episode_stats(
    next_state, cum, last_entry, reward, terminated, initial, probs, actions, deterministic,
    n, p, env_key, agent_key, episodes, max_steps, out_mean, out_m2, out_success, out_length, j,
):  # fmt: skip
    # Policies as one 2-D table: a row view per step would cost reference counting.
    num_states = probs.shape[1]
    probs2 = borrow(probs.reshape(probs.shape[0] * num_states, probs.shape[2]))
    # Borrowed views (fastrl._borrow): the arguments outlive the call, and the
    # inlined env_step copied them with atomic reference counting (perf).
    next_state, cum, last_entry = borrow(next_state), borrow(cum), borrow(last_entry)
    reward, terminated, initial = borrow(reward), borrow(terminated), borrow(initial)
    t = np.int64(0)
    mean = 0.0
    m2 = 0.0
    successes = 0
    for e in range(episodes):
        s = sample_initial(initial, n, rng.uniform(env_key, rng.counter(t, SLOT_RESET)))
        g = 0.0
        success = False
        for _ in range(max_steps):
            if deterministic:
                a = actions[p, s]
            else:
                a = categorical(
                    probs2,
                    p * num_states + s,
                    1.0,
                    rng.uniform(agent_key, rng.counter(t, SLOT_ACTION)),
                )
            u = rng.uniform(env_key, rng.counter(t, SLOT_TRANSITION))
            s_next, r, term = env_step_cdf(
                next_state, cum, last_entry, reward, terminated, n, s, a, u
            )
            g += r
            t += 1
            s = s_next
            if term:
                success = r > 0.0
                break
        delta = g - mean
        mean += delta / (e + 1)
        m2 += delta * (g - mean)
        if success:
            successes += 1
    out_mean[j] = mean
    out_m2[j] = m2
    out_success[j] = successes
    out_length[j] = t  # total steps over all episodes


@pjit
def _evaluate(
    next_state, cum, last_entry, reward, terminated, initial, probs, actions, deterministic,
    env_root, agent_root, episodes, max_steps, out_mean, out_m2, out_success, out_length,
):  # fmt: skip
    num_runs = out_mean.shape[0]
    multi_mdp = next_state.shape[0] > 1
    multi_pol = (actions.shape[0] if deterministic else probs.shape[0]) > 1
    num_blocks = (num_runs + BLOCK - 1) // BLOCK
    for b in prange(num_blocks):
        for j in range(b * BLOCK, min(num_runs, (b + 1) * BLOCK)):
            _episode_stats(
                next_state, cum, last_entry, reward, terminated, initial, probs, actions,
                deterministic, j if multi_mdp else 0, j if multi_pol else 0,
                rng.run_key(env_root, j), rng.run_key(agent_root, j),
                episodes, max_steps, out_mean, out_m2, out_success, out_length, j,
            )  # fmt: skip


@pjit
def _random_policies(problem_root, num_actions, out):
    """``out[j, s] = randint(run_key(problem_root, j), counter(s, 0), num_actions)``."""
    num_runs, num_states = out.shape
    num_blocks = (num_runs + BLOCK - 1) // BLOCK
    for b in prange(num_blocks):
        for j in range(b * BLOCK, min(num_runs, (b + 1) * BLOCK)):
            key = rng.run_key(problem_root, j)
            for s in range(num_states):
                out[j, s] = rng.randint(key, rng.counter(s, 0), num_actions)
