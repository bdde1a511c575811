"""One environment step of a tabular MDP, shared by every tabular kernel.

Planning, learning, Monte Carlo evaluation and the Gymnasium vector
environment all step the model through these helpers, so they cannot
disagree about dynamics. Arrays are the batched sparse successor form of
:func:`fastrl.tabular.mdp.batched_arrays`: ``next_state[n, s, a, k]``,
``prob[n, s, a, k]``, ``reward[n, s, a, k]``, ``terminated[n, s, a, k]`` and
``initial[n, s]``, where ``n`` picks the MDP of a stack (0 for a single one).

The sampling kernels (learning, prediction, evaluation, the Gymnasium
environments) step with :func:`env_step_cdf`, from running sums made once per
call (:func:`successor_tables`); the learning and prediction drivers reset
with :func:`sample_initial_cdf`. Both pick what :func:`env_step` and
:func:`sample_initial` pick: those two are the references (the tests' naive
loops and the hand-written kernel of :mod:`fastrl._handwritten` use them).

Draw addresses (slots of :func:`fastrl.rng.counter`, environment stream):
:data:`SLOT_TRANSITION` for the successor, :data:`SLOT_RESET` for the
initial state.
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import ijit, jit
from fastrl.policies import FIRST_FREE_SLOT, categorical

SLOT_TRANSITION = FIRST_FREE_SLOT
SLOT_RESET = FIRST_FREE_SLOT + 1
#: first slot free for agents' own draws in tabular kernels
FIRST_AGENT_SLOT = FIRST_FREE_SLOT + 2


@ijit
def sample_initial(initial, n, u):
    """An initial state of MDP ``n`` (row ``n`` of ``initial``) given a uniform ``u`` in [0, 1)."""
    return categorical(initial, n, 1.0, u)


#: successor entries per (s, a) up to which env_step scans branch-free
SCAN_BRANCH_FREE = 4


@ijit
def env_step(next_state, prob, reward, terminated, n, s, a, u):
    """Sample a successor of ``(s, a)`` in MDP ``n`` with uniform ``u`` in [0, 1).

    Returns ``(s_next, r, term)``. Entries are scanned in order and the first
    whose cumulative probability exceeds ``u`` is taken; if rounding leaves
    ``u`` above the total, the last entry with positive probability is taken.
    """
    # Index the 4-D arrays directly: slicing a row here cost reference counting
    # per step. Few entries (FrozenLake's 3): branch-free, the entry selected with
    # arithmetic; a slippery successor is random, so exiting the loop at it
    # mispredicted on most steps (measured: FrozenLake Q-learning 4% faster). Many
    # entries (Blackjack's 10 cards): stop at the sampled one, half the scan on
    # average (measured: Blackjack MC control 15% faster). Both pick the same entry.
    acc = 0.0
    last = 0
    chosen = -1
    num_entries = prob.shape[3]
    if num_entries > SCAN_BRANCH_FREE:
        for k in range(num_entries):
            pk = prob[n, s, a, k]
            acc += pk
            if pk > 0.0:
                last = k
                if u < acc:
                    chosen = k
                    break
    else:
        for k in range(num_entries):
            pk = prob[n, s, a, k]
            acc += pk
            positive = np.int64(pk > 0.0)
            last += positive * (k - last)
            chosen += (positive & np.int64(chosen < 0) & np.int64(u < acc)) * (k - chosen)
    if chosen < 0:
        chosen = last
    return (
        np.int64(next_state[n, s, a, chosen]),
        reward[n, s, a, chosen],
        terminated[n, s, a, chosen],
    )


@ijit
def running_sum(w, out):
    """``out[k] = w[0] + ... + w[k]``, added in that order; returns the last ``k`` with
    ``w[k] > 0`` (0 if none).

    The sums the reference scans (:func:`env_step`, :func:`sample_initial`) hold
    after each entry, bit for bit: a zero entry is skipped, and adding it would
    leave a sum that starts at +0.0 unchanged too (entries are validated >= 0).
    """
    acc = 0.0
    last = 0
    for k in range(w.shape[0]):
        wk = w[k]
        if wk > 0.0:
            acc += wk
            last = k
        out[k] = acc
    return np.int64(last)


@jit
def successor_cdf(prob, cum, last):
    """Fill the tables of :func:`env_step_cdf` from ``prob[n, s, a, k]``.

    ``cum[n, s, a, k]`` is the running sum that :func:`env_step`'s scan holds
    after entry ``k`` (the same additions, in the same order); ``last[n, s, a]``
    is the last entry of positive probability, the scan's rounding fallback.
    """
    for n in range(prob.shape[0]):
        for s in range(prob.shape[1]):
            for a in range(prob.shape[2]):
                last[n, s, a] = running_sum(prob[n, s, a], cum[n, s, a])


def successor_tables(prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(cum, last)`` of :func:`successor_cdf`, read-only, for ``prob`` of
    :func:`~fastrl.tabular.mdp.batched_arrays`."""
    cum = np.empty(prob.shape)
    last = np.empty(prob.shape[:3], dtype=np.int64)
    successor_cdf(prob, cum, last)
    cum.flags.writeable = False
    last.flags.writeable = False
    return cum, last


@ijit
def env_step_cdf(next_state, cum, last, reward, terminated, n, s, a, u):
    """:func:`env_step` from the tables of :func:`successor_cdf`: the same entry, bit for bit.

    The scan takes the first entry ``k`` with ``u < cum[k]`` (it has positive
    probability: a zero entry repeats the sum before it), or ``last`` when
    rounding leaves ``u`` at or above the total. The sums never decrease, so
    that entry's index is the number of entries with ``cum[k] <= u``: counted
    without a branch (no misprediction on a random successor) and without the
    scan's chain of dependent additions. Unsigned indices: no negative-index
    wraparound per load (the caller passes valid indices). Measured, one thread:
    Q-learning on FrozenLake 4x4 about 25% faster than with env_step, MC control
    on Blackjack about 10%.
    """
    nu, su, au = np.uint64(n), np.uint64(s), np.uint64(a)
    num_entries = cum.shape[3]
    k = 0
    for j in range(num_entries):
        k += np.int64(cum[nu, su, au, np.uint64(j)] <= u)
    if k >= num_entries:
        k = last[nu, su, au]
    ku = np.uint64(k)
    return (
        np.int64(next_state[nu, su, au, ku]),
        reward[nu, su, au, ku],
        terminated[nu, su, au, ku],
    )


@ijit
def guide_buckets(num_states):
    """Length of the guide table of :func:`initial_cdf` for ``num_states`` states.

    A power of two (so ``u * K`` is exact), 8 buckets per state up to 65,536 and
    at least one per state: most buckets then hold no boundary of the running
    sums, and a reset is one load and a predictable branch.
    """
    target = max(min(8 * num_states, 65536), num_states)
    k = np.int64(1)
    while k < target:
        k *= 2
    return k


@ijit
def initial_cdf(initial, n, cdf, guide):
    """Tables of :func:`sample_initial_cdf` for row ``n`` of ``initial``; returns the last
    state of positive probability (the rounding fallback).

    ``cdf[s]`` is the running sum the linear scan of :func:`sample_initial` holds
    after state ``s`` (zero entries leave it unchanged, exactly). ``guide`` has
    ``K`` entries, ``K`` a power of two (:func:`guide_buckets`); bucket ``k``
    holds the ``u`` in ``[k / K, (k + 1) / K)``, and ``a`` is the first state with
    ``cdf[a] > k / K``, a state at or before the answer for each of them. When
    every ``u`` of the bucket has the answer ``a`` (``cdf[a] >= (k + 1) / K``; in
    the last bucket, which also takes ``u >= 1``, only if ``a`` is ``last``),
    ``guide[k] = a``; otherwise ``guide[k] = ~a`` (negative): scan from ``a``.
    """
    last = running_sum(initial[n], cdf)
    num_states = initial.shape[1]
    num_buckets = guide.shape[0]
    s = 0
    for k in range(num_buckets):
        lo = k / num_buckets
        hi = (k + 1) / num_buckets
        while s < num_states and cdf[s] <= lo:
            s += 1
        if s >= num_states:
            guide[k] = last  # every u of the bucket is at or past the total
        elif cdf[s] >= hi and (k < num_buckets - 1 or s == last):
            guide[k] = s
        else:
            guide[k] = ~s
    return last


@ijit
def sample_initial_cdf(cdf, guide, last, u):
    """:func:`sample_initial` from the tables of :func:`initial_cdf`: the same state, bit for bit.

    The first ``s`` with ``u < cdf[s]`` (it has positive probability: a zero
    entry repeats the sum before it), read from the guide entry of ``u``'s bucket
    when the bucket holds no boundary, else found by a short forward scan from
    it (Chen & Asau's guide table), or ``last`` if rounding leaves ``u`` at or
    above the total. The linear scan's chain of dependent additions cost ~150 ns
    per reset on Blackjack's 291 states, most of a whole game (measured); a
    binary search ~50 ns (its branches mispredict); a guide of one bucket per
    state ~35 ns (the scan's exit mispredicted).
    """
    num_buckets = guide.shape[0]
    g = guide[min(np.int64(u * num_buckets), num_buckets - 1)]
    if g >= 0:
        return g
    s = ~g
    num_states = cdf.shape[0]
    while s < num_states and cdf[s] <= u:
        s += 1
    if s >= num_states:
        return last
    return s
