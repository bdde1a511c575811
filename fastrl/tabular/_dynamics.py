"""One environment step of a tabular MDP, shared by every tabular kernel.

Planning, learning, Monte Carlo evaluation and the Gymnasium vector
environment all step the model through these helpers, so they cannot
disagree about dynamics. Arrays are the batched sparse successor form of
:func:`fastrl.tabular.mdp.batched_arrays`: ``next_state[n, s, a, k]``,
``prob[n, s, a, k]``, ``reward[n, s, a, k]``, ``terminated[n, s, a, k]`` and
``initial[n, s]``, where ``n`` picks the MDP of a stack (0 for a single one).

Draw addresses (slots of :func:`fastrl.rng.counter`, environment stream):
:data:`SLOT_TRANSITION` for the successor, :data:`SLOT_RESET` for the
initial state.
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import ijit
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
def initial_cdf(initial, n, cdf, guide):
    """Tables of :func:`sample_initial_cdf` for row ``n`` of ``initial``; returns the last
    state of positive probability (the rounding fallback).

    ``cdf[s]`` is the running sum the linear scan of :func:`sample_initial` holds
    after state ``s`` (zero entries leave it unchanged, exactly); ``guide[k]``
    (``K = len(guide)`` buckets) is the first ``s`` with ``cdf[s] > k / K - 1e-9``,
    a state at or before the answer for every ``u`` in bucket ``k`` (the margin
    covers the rounding of ``u * K``).
    """
    acc = 0.0
    last = 0
    for s in range(initial.shape[1]):
        w = initial[n, s]
        if w > 0.0:
            acc += w
            last = s
        cdf[s] = acc
    num_buckets = guide.shape[0]
    s = 0
    for k in range(num_buckets):
        threshold = k / num_buckets - 1e-9
        while s < cdf.shape[0] - 1 and cdf[s] <= threshold:
            s += 1
        guide[k] = s
    return np.int64(last)


@ijit
def sample_initial_cdf(cdf, guide, last, u):
    """:func:`sample_initial` from the tables of :func:`initial_cdf`: the same state, bit for bit.

    The first ``s`` with ``u < cdf[s]`` (it has positive probability: a zero
    entry repeats the sum before it), found by a short forward scan from the
    guide entry of ``u``'s bucket (Chen & Asau's guide table), or ``last`` if
    rounding leaves ``u`` at or above the total. The linear scan's chain of
    dependent additions cost ~150 ns per reset on Blackjack's 291 states, most
    of a whole game (measured); a binary search ~50 ns (its branches mispredict).
    """
    k = min(np.int64(u * guide.shape[0]), guide.shape[0] - 1)
    s = guide[k]
    num_states = cdf.shape[0]
    while s < num_states and cdf[s] <= u:
        s += 1
    if s >= num_states:
        return last
    return s
