"""Exact argmax of indices that only grow between pulls, computing few of them.

KL-UCB's and Bayes-UCB's indices cost a root-finding each, but an arm's
index changes in two ways only: when the arm is pulled (its statistics
change) and, between pulls, by growing with the step through an exploration
level ``g`` (``g = log t``, or ``log(t / n)``; the index is a concave
increasing function of it). So each arm keeps

* ``val``: its index computed at the step ``at`` with the level ``g_at``;
* ``slope``: an upper bound on the derivative of the index in ``g`` there
  (``inf`` when unknown).

At step ``t`` with level ``g_t``, an arm's current index lies in
``[val - MARGIN, bound]``: the lower end because the index only grew, the
upper end from concavity, ``bound = val + slope * (g_t - g_at) + MARGIN``
(a family may bound it otherwise, e.g. multiplicatively). ``MARGIN`` covers
the solvers' tolerance (results within ``[root, root + TOL]``) and rounding.
:func:`lazy_argmax` then

1. recomputes the arms marked stale by ``update`` (``g_at < 0``: the arm
   just pulled);
2. takes ``low = max(val) - MARGIN``, a lower bound on the largest index;
3. counts the arms whose upper bound reaches ``low``; if only one does, it
   is the argmax (every other index is below ``low``);
4. otherwise recomputes those candidates, raising ``low`` to each exact
   value (an arm skipped earlier stays below it);
5. returns ``argmax_random`` over ``val``.

Every arm that ties for the maximum, or could, holds its exact index in
``val`` and every other arm a value below the maximum, so the choice and the
tie-break are those of computing every index at every step, bit for bit
(indices are pure functions of the arm's statistics and the step, never of a
warm start). Measured speeds: see the agents' docstrings.
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import ijit
from fastrl.bandits.agents._kl_index import TOL
from fastrl.policies import argmax_random, row_max

__all__ = ["MARGIN", "STATE", "lazy_argmax", "full_argmax", "mark_stale", "linear_bound"]

#: slack of the bounds on an index: twice the solvers' tolerance
MARGIN = 2.0 * TOL
#: relative slack on the growth of the level between two steps (its rounding)
_LEVEL_SLACK = 1e-12

#: the per-arm state the lazy argmax reads, for an agent's ``arrays``
STATE = {"val": 0.0, "slope": 0.0, "g_at": -1.0, "at": -1.0, "hi": None}


@ijit
def mark_stale(st, j, a):
    """Mark arm ``a``'s cached index stale: the next selection recomputes it."""
    st.g_at[j, a] = -1.0


@ijit
def linear_bound(st, j, a, g):
    """``val + slope * (g - g_at) + MARGIN``: the tangent bound of a concave index."""
    slope = st.slope[j, a]
    if slope == 0.0:
        return st.val[j, a] + MARGIN
    grow = (g - st.g_at[j, a]) * (1.0 + _LEVEL_SLACK) + _LEVEL_SLACK
    return st.val[j, a] + slope * grow + MARGIN


@ijit
def lazy_argmax(p, st, j, key, t, g, refresh, bound):
    """The arm with the largest index at step ``t`` (level ``g``), ties at random.

    ``refresh(p, st, j, a, t, g)`` computes arm ``a``'s exact index into
    ``st.val``/``st.slope`` and sets ``st.g_at``/``st.at``; ``bound(p, st, j,
    a, g)`` bounds its current index from above.
    """
    k = st.val.shape[1]
    step = np.float64(t)
    for a in range(k):
        if st.g_at[j, a] < 0.0:
            refresh(p, st, j, a, t, g)
    low = row_max(st.val, j) - MARGIN
    candidates = 0
    for a in range(k):
        hi = st.val[j, a] if st.at[j, a] == step else bound(p, st, j, a, g)
        st.hi[j, a] = hi
        if hi >= low:
            candidates += 1
    if candidates > 1:
        for a in range(k):
            if st.at[j, a] != step and st.hi[j, a] >= low:
                refresh(p, st, j, a, t, g)
                low = max(low, st.val[j, a])
    return argmax_random(st.val, j, key, t)


@ijit
def full_argmax(p, st, j, key, t, g, refresh, bound):
    """:func:`lazy_argmax`'s choice computing every index at every step (the naive way)."""
    for a in range(st.val.shape[1]):
        refresh(p, st, j, a, t, g)
    return argmax_random(st.val, j, key, t)
