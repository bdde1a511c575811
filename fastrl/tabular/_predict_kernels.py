"""Kernels of :func:`fastrl.tabular.predict.predict`: policy evaluation from sampled episodes.

The policy is fixed, so an episode does not depend on the estimates: each
episode is generated into per-block buffers first (``states[0..L]``,
``actions``, ``rewards``; ``L`` steps) and the method then makes its updates
on the buffer in the order the book's online algorithm makes them (n-step TD
updates ``V(S_tau)`` for ``tau = 0, 1, ...``, each reading the estimates the
earlier updates left), which gives the same numbers as interleaving them with
the steps.

Draws (STYLE R1): the initial state at the env-stream address
``(t, SLOT_RESET)``, the successor at ``(t, SLOT_TRANSITION)`` and the action
at the agent-stream address ``(t, SLOT_POLICY)``, ``t`` the run's step counter
across episodes. Methods with the same seed therefore see the same episodes
(common random numbers).

A truncated episode (the step limit, not terminated) bootstraps TD targets
from the estimate of its last state; Monte Carlo returns stop there.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl._borrow import borrow, keep_alive
from fastrl._jit import jit
from fastrl.policies import categorical
from fastrl.rng import counter, run_key, uniform
from fastrl.stats import welford_add
from fastrl.tabular._dynamics import (
    FIRST_AGENT_SLOT,
    SLOT_RESET,
    SLOT_TRANSITION,
    env_step_cdf,
    guide_buckets,
    initial_cdf,
    sample_initial_cdf,
)

BLOCK = 64
SLOT_POLICY = FIRST_AGENT_SLOT

TD0, NSTEP, TRUE_ONLINE, MC_FIRST, MC_EVERY, IS_ORDINARY, IS_WEIGHTED = range(7)


@jit
def _td0(v, states, rewards, length, term, alpha, gamma):
    for j in range(length):
        s = states[j]
        target = rewards[j]
        if not (term and j == length - 1):
            target += gamma * v[states[j + 1]]
        v[s] += alpha * (target - v[s])


@jit
def _n_step(v, states, rewards, length, term, alpha, gamma, n):
    """Sutton & Barto 7.1 on a recorded episode."""
    for tau in range(length):
        g = 0.0
        d = 1.0
        end = min(tau + n, length)
        for i in range(tau, end):
            g += d * rewards[i]
            d *= gamma
        if tau + n < length or not term:  # truncated: bootstrap from the last state
            g += d * v[states[end]]
        s = states[tau]
        v[s] += alpha * (g - v[s])


@jit
def _true_online(v, z, states, rewards, length, term, alpha, gamma, lam):
    """Sutton & Barto 12.5 (true online TD(lambda)) with one-hot features."""
    z[:] = 0.0
    v_old = 0.0
    gl = gamma * lam
    for j in range(length):
        s = states[j]
        s_next = states[j + 1]
        val = v[s]
        val_next = 0.0 if (term and j == length - 1) else v[s_next]
        delta = rewards[j] + gamma * val_next - val
        zs = z[s]
        for k in range(z.shape[0]):
            z[k] *= gl
        z[s] += 1.0 - alpha * gl * zs
        c = alpha * (delta + val - v_old)
        for k in range(v.shape[0]):
            v[k] += c * z[k]
        v[s] -= alpha * (val - v_old)
        v_old = val_next


@jit
def _monte_carlo(v, count, first, stamp, e, states, rewards, length, alpha, average, gamma,
                 first_visit):  # fmt: skip
    for j in range(length):
        s = states[j]
        if stamp[s] != e:
            stamp[s] = e
            first[s] = j
    g = 0.0
    for j in range(length - 1, -1, -1):
        g = gamma * g + rewards[j]
        s = states[j]
        if first_visit and first[s] != j:
            continue
        if average:
            count[s] += 1.0
            v[s] += (g - v[s]) / count[s]
        else:
            v[s] += alpha * (g - v[s])


@jit
def _importance(v, count, states, actions, rewards, length, gamma, target, behaviour, weighted):
    """Every-visit off-policy MC prediction (5.5, 5.6 for V): ``W`` includes ``rho_t``."""
    g = 0.0
    w = 1.0
    for j in range(length - 1, -1, -1):
        s = states[j]
        a = actions[j]
        g = gamma * g + rewards[j]
        w *= target[s, a] / behaviour[s, a]
        if weighted:
            if w == 0.0:
                break
            count[s] += w
            v[s] += (w / count[s]) * (g - v[s])
        else:
            count[s] += 1.0
            v[s] += (w * g - v[s]) / count[s]


@jit
def _rms(v, true_v, mask, num_masked):
    total = 0.0
    for s in range(v.shape[0]):
        if mask[s]:
            d = v[s] - true_v[s]
            total += d * d
    return math.sqrt(total / num_masked)


@jit
def predict_block(b, method, next_state, cum, last_entry, reward, terminated, initial, target,
                  behaviour,
                  true_v, mask, alpha, average, gamma, n, lam, v0, max_steps, num_episodes,
                  env_root, agent_root, num_runs, out_v, out_mean_rms, block_n, block_mean,
                  block_m2):  # fmt: skip
    """Runs ``b * BLOCK`` on (at most BLOCK of ``0 .. num_runs - 1``); RMS curves ``[B, E]``.

    Called from Python once per block (:func:`fastrl._threads.run_each_block`):
    a ``prange`` wrapper cost 7.7 s of compile time (measured, 2-core machine).
    ``out_v[R, S]`` receives the final estimates, ``out_mean_rms[R]`` each run's
    RMS error averaged over its episodes.
    """
    # Borrowed views (fastrl._borrow): the arguments outlive the call, and the
    # inlined env_step and categorical copied them with atomic reference counting.
    next_state, cum, last_entry = borrow(next_state), borrow(cum), borrow(last_entry)
    reward, terminated, initial = borrow(reward), borrow(terminated), borrow(initial)
    target, behaviour = borrow(target), borrow(behaviour)
    num_states = next_state.shape[1]
    num_masked = 0
    for s in range(num_states):
        num_masked += np.int64(mask[s])
    lo = b * BLOCK
    hi = min(lo + BLOCK, num_runs)
    v = np.empty(num_states)
    z = np.zeros(num_states)
    count = np.zeros(num_states)
    first = np.zeros(num_states, dtype=np.int64)
    stamp = np.full(num_states, -1, dtype=np.int64)
    states = np.zeros(max_steps + 1, dtype=np.int64)
    actions = np.zeros(max_steps, dtype=np.int64)
    rewards = np.zeros(max_steps)
    mean, m2 = block_mean[b], block_m2[b]
    # the learning driver's O(1) reset: the same states as a scan
    cdf_own = np.empty(num_states)
    guide_own = np.empty(guide_buckets(num_states), dtype=np.int64)
    cdf, guide = borrow(cdf_own), borrow(guide_own)
    last = initial_cdf(initial, 0, cdf, guide)
    act = behaviour if method == IS_ORDINARY or method == IS_WEIGHTED else target
    for i in range(lo, hi):
        env_key = run_key(env_root, i)
        key = run_key(agent_root, i)
        v[:] = v0
        count[:] = 0.0
        stamp[:] = -1
        inv_n = 1.0 / (i - lo + 1)
        t = np.int64(0)
        sum_rms = 0.0
        for e in range(num_episodes):
            s = sample_initial_cdf(cdf, guide, last, uniform(env_key, counter(t, SLOT_RESET)))
            length = 0
            term = False
            while length < max_steps:
                a = categorical(act, s, 1.0, uniform(key, counter(t, SLOT_POLICY)))
                u = uniform(env_key, counter(t, SLOT_TRANSITION))
                s_next, r, term = env_step_cdf(
                    next_state, cum, last_entry, reward, terminated, 0, s, a, u
                )
                states[length] = s
                actions[length] = a
                rewards[length] = r
                length += 1
                t += 1
                s = s_next
                if term:
                    break
            states[length] = s
            if method == TD0:
                _td0(v, states, rewards, length, term, alpha, gamma)
            elif method == NSTEP:
                _n_step(v, states, rewards, length, term, alpha, gamma, n)
            elif method == TRUE_ONLINE:
                _true_online(v, z, states, rewards, length, term, alpha, gamma, lam)
            elif method == MC_FIRST or method == MC_EVERY:
                _monte_carlo(v, count, first, stamp, np.int64(e), states, rewards, length, alpha,
                             average, gamma, method == MC_FIRST)  # fmt: skip
            else:
                _importance(v, count, states, actions, rewards, length, gamma, target, behaviour,
                            method == IS_WEIGHTED)  # fmt: skip
            rms = _rms(v, true_v, mask, num_masked)
            sum_rms += rms
            welford_add(mean, m2, e, rms, inv_n)
        out_v[i, :] = v
        out_mean_rms[i] = sum_rms / num_episodes
    block_n[b] = hi - lo
    keep_alive(cdf_own, guide_own)
