"""Action selection on one row of a table of action values, shared by every family.

Each selector is a scalar ``@jit`` function that reads row ``i`` of a 2-D
table ``q`` (``q[i, :]`` holds the values of the ``num_actions`` actions) and
returns an int64 action. Taking the table and a row index rather than a row
view is deliberate: creating a view per step costs two atomic reference-count
operations in numba, which made a bandit step several times slower. A kernel
with a 3-D table ``q[run, s, a]`` passes ``q.reshape(-1, num_actions)`` (made
once per block) and the row ``run * num_states + s``.

Random draws are addressed by ``(key, step)`` and the slots below, so the
choice of a run at step ``t`` is a pure function of its key, its step and its
values. Slots ``0 .. 3`` of every step are reserved for these selectors; other
modules use slots from :data:`FIRST_FREE_SLOT` up.

Ties between maximal values are broken uniformly at random: a greedy agent
with all-zero initial values must not always pick action 0.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl._jit import ijit, jit
from fastrl._math import EXP_SCALE_ERROR, exp, exp_scale
from fastrl.rng import below, counter, randint, uniform

__all__ = [
    "SLOT_EXPLORE",
    "SLOT_ACTION",
    "SLOT_TIE",
    "FIRST_FREE_SLOT",
    "row_max",
    "argmax_random",
    "argmax_random_at",
    "argmax_random_branchless",
    "epsilon_greedy",
    "softmax",
    "softmax_pick",
    "softmax_exact",
    "ucb",
    "categorical",
    "untried_arm",
    "pick_untried",
]

#: uniform draw deciding whether to explore (epsilon-greedy)
SLOT_EXPLORE = 0
#: the exploratory or sampled action (epsilon-greedy, softmax, UCB's untried arms)
SLOT_ACTION = 1
#: tie-breaking among maximal values
SLOT_TIE = 2
#: first slot free for other modules (slot 3 is kept spare for selectors)
FIRST_FREE_SLOT = 4


@ijit
def row_max(q, i):
    """Largest entry of ``q[i]`` (the first of equal maxima; NaN-free rows)."""
    v = q[i, 0]
    for a in range(1, q.shape[1]):
        if q[i, a] > v:
            v = q[i, a]
    return v


@ijit
def _pick_tie(q, i, best, first, ties, key, c):
    # The tie-break of argmax_random: the pick-th maximal entry from `first` on.
    # Branch-free (the index is selected with arithmetic): the picked entry is
    # random, so a loop that exited at it mispredicted a branch on nearly every
    # tie, and a Q-learner's all-zero rows tie on most early steps. Measured:
    # FrozenLake Q-learning 5% faster; keep the main argmax loop branchy, its
    # outcome is predictable (branch-free there made a bandit step 30% slower).
    pick = randint(key, c, ties)
    chosen = first
    seen = 0
    for a in range(first, q.shape[1]):
        hit = np.int64(q[i, a] == best)
        chosen += (hit & np.int64(seen == pick)) * (a - chosen)
        seen += hit
    return np.int64(chosen)


@ijit
def argmax_random(q, i, key, step):
    """Index of a maximal entry of ``q[i]``, ties broken uniformly at random."""
    return argmax_random_at(q, i, key, counter(step, SLOT_TIE))


@ijit
def argmax_random_at(q, i, key, c):
    """:func:`argmax_random` with the tie-break drawn at address ``c`` (any slot of any step)."""
    best = q[i, 0]
    first = 0
    ties = 1
    for a in range(1, q.shape[1]):
        v = q[i, a]
        if v > best:
            best = v
            first = a
            ties = 1
        elif v == best:
            ties += 1
    if ties == 1:
        return np.int64(first)
    return _pick_tie(q, i, best, first, ties, key, c)


@ijit
def argmax_random_branchless(q, i, key, step):
    """:func:`argmax_random`'s choice, bit for bit, with no branch per entry.

    The same comparisons on the same values (``v > best`` takes an entry,
    ``v == best`` counts a tie; the same draw for ties), made with selects
    instead of jumps. For rows whose maximum moves between entries from one
    step to the next, where argmax_random's branches mispredict: discounted
    UCB at ``gamma = 0.99`` on 10 Bernoulli arms ran 1.4x faster with it
    (36 -> 52 M steps/s). Where the maximum stays put, argmax_random is faster
    (with this loop in it, epsilon-greedy ran at 124 against 200 M steps/s,
    MOSS and UCB-V about 25% slower), hence two functions.
    """
    best = q[i, 0]
    first = 0
    ties = 1
    for a in range(1, q.shape[1]):
        v = q[i, a]
        gt = v > best
        ties = 1 if gt else ties + np.int64(v == best)
        first = a if gt else first
        best = v if gt else best
    if ties == 1:
        return np.int64(first)
    return _pick_tie(q, i, best, first, ties, key, counter(step, SLOT_TIE))


@ijit
def epsilon_greedy(q, i, epsilon, key, step):
    """With probability ``epsilon`` a uniformly random action, else greedy on ``q[i]``."""
    if below(key, counter(step, SLOT_EXPLORE), epsilon):
        return randint(key, counter(step, SLOT_ACTION), q.shape[1])
    return argmax_random(q, i, key, step)


@ijit
def categorical(w, i, total, u):
    """Index ``a`` with probability ``w[i, a] / total`` given ``u`` in [0, 1)."""
    target = u * total
    acc = 0.0
    last = 0
    for a in range(w.shape[1]):
        wa = w[i, a]
        if wa > 0.0:
            acc += wa
            last = a
            if target < acc:
                return np.int64(a)
    return np.int64(last)  # rounding left target >= acc: the last positive weight


# Bounds on a weight from exp_scale: exp(x) / exp_scale(x) is within 1 +- 0.00272,
# so s * _LOW <= exp(x) <= s * _HIGH with room to spare for every rounding.
_LOW = 1.0 - 2.0**-8
_HIGH = 1.0 + 2.0**-8
assert EXP_SCALE_ERROR < 2.0**-8


@jit
def softmax_exact(q, i, qmax, beta, u, w):
    """Inverse-CDF sampling of ``P(a)`` proportional to ``exp(beta * (q[i, a] - qmax))``.

    The reference: the action is the first ``a`` with ``u * total`` below the
    sum of weights ``0 .. a``, sums taken left to right; ``w`` row 0 receives
    the weights.

    A called function, not inlined: :func:`softmax` needs it on under 1% of
    steps, and inlining it (with its ``exp``) at IR level made a softmax
    learning driver compile in 20.5 s instead of 13.6 s (numba's
    ``inline_inlinables`` pass: 10.7 s -> 5.0 s; 2-core machine).
    """
    num_actions = q.shape[1]
    # exp(0) is exactly 1: skipping the call for maximal values changes no bit.
    # The sums start from the first weight, not from 0.0 + w: the same bits
    # (weights are never -0.0) and one addition less.
    total = 0.0
    for a in range(num_actions):
        d = q[i, a] - qmax
        x = 1.0 if d == 0.0 else exp(beta * d)
        w[0, a] = x
        total = x if a == 0 else total + x
    target = u * total
    acc = w[0, 0]
    if target < acc:
        return np.int64(0)
    for a in range(1, num_actions):
        acc += w[0, a]
        if target < acc:
            return np.int64(a)
    return np.int64(num_actions - 1)


@ijit
def _softmax_bounded(q, i, qmax, beta, u, w):
    # softmax_exact's answer decided from bounds on the weights, or -1 when the
    # bounds cannot decide. Every weight is exp_scale(x) within a factor
    # _LOW .. _HIGH (maximal values: exactly 1), and rounding is monotone, so
    # the same left-to-right sums over the lower and the upper bounds bracket
    # softmax_exact's total, target and cumulative sums: where the brackets
    # separate, the exact comparison has the same outcome. w row 0 keeps each
    # scale, negated where it is a bound (not an exact 1).
    num_actions = q.shape[1]
    total_low = 0.0
    total_high = 0.0
    for a in range(num_actions):
        d = q[i, a] - qmax
        if d == 0.0:
            w[0, a] = 1.0
            total_low += 1.0
            total_high += 1.0
        else:
            x = beta * d
            if not x >= -708.0:  # exp_scale's range (and NaN): leave it to the exact path
                return np.int64(-1)
            scale = exp_scale(x)
            w[0, a] = -scale
            total_low += scale * _LOW
            total_high += scale * _HIGH
    target_low = u * total_low
    target_high = u * total_high
    acc_low = 0.0
    acc_high = 0.0
    for a in range(num_actions - 1):
        v = w[0, a]
        acc_low += v if v > 0.0 else -v * _LOW
        acc_high += v if v > 0.0 else -v * _HIGH
        if target_high < acc_low:
            return np.int64(a)
        if not target_low >= acc_high:
            return np.int64(-1)
    return np.int64(num_actions - 1)


@ijit
def softmax(q, i, beta, key, step, w):
    """Boltzmann selection: ``P(a)`` proportional to ``exp(beta * q[i, a])``.

    ``beta`` is the inverse temperature; ``beta = inf`` is greedy. The maximum
    is subtracted before exponentiating so large values cannot overflow. ``w``
    is a scratch table whose row 0 (``num_actions`` entries) receives the
    unnormalised weights; it must not be ``q``'s row ``i``.

    The action is :func:`softmax_exact`'s, bit for bit. Most steps decide it
    from cheap bounds on the weights (:func:`fastrl._math.exp_scale`, no
    polynomial); only when ``u`` falls within about 0.8% of a boundary are
    the exponentials computed in full. Measured per core on the tutorial's
    softmax agent (two arms): 55.5 -> 61 M steps/s. The bounds also resolve
    the sampling branch sooner, and its mispredictions (one step in eight
    there) had cost 15% of the step.
    """
    if math.isinf(beta):
        return argmax_random(q, i, key, step)
    return softmax_pick(q, i, beta, uniform(key, counter(step, SLOT_ACTION)), w)


@ijit
def softmax_pick(q, i, beta, u, w):
    """:func:`softmax`'s action for a given uniform ``u`` in [0, 1) and a finite ``beta``."""
    qmax = row_max(q, i)
    chosen = _softmax_bounded(q, i, qmax, beta, u, w)
    if chosen < 0:
        chosen = softmax_exact(q, i, qmax, beta, u, w)
    return chosen


@ijit
def _pick_untried(n, i, untried, key, step):
    pick = randint(key, counter(step, SLOT_ACTION), untried)
    for a in range(n.shape[1]):
        if n[i, a] == 0:
            if pick == 0:
                return np.int64(a)
            pick -= 1
    return np.int64(0)  # unreachable: pick < untried


@ijit
def ucb(q, n, i, t, c, key, step):
    """Upper confidence bound on row ``i`` (Sutton & Barto eq. 2.10).

    Untried actions (``n[i, a] == 0``) come first, one chosen uniformly at
    random; then ``argmax q[i, a] + c * sqrt(ln t / n[i, a])`` with ``t >= 1``
    the number of the current step, ties broken at random.
    """
    num_actions = q.shape[1]
    untried = 0
    for a in range(num_actions):
        if n[i, a] == 0:
            untried += 1
    if untried > 0:
        return _pick_untried(n, i, untried, key, step)
    log_t = math.log(t)
    best = -math.inf
    first = 0
    ties = 0
    for a in range(num_actions):
        v = q[i, a] + c * math.sqrt(log_t / n[i, a])
        if v > best:
            best = v
            first = a
            ties = 1
        elif v == best:
            ties += 1
    if ties == 1:
        return np.int64(first)
    pick = randint(key, counter(step, SLOT_TIE), ties)
    for a in range(first, num_actions):
        if q[i, a] + c * math.sqrt(log_t / n[i, a]) == best:
            if pick == 0:
                return np.int64(a)
            pick -= 1
    return np.int64(first)


# --- untried arms first, for index policies (issue 12) -------------------------------------


@ijit
def untried_arm(n, i, key, step):
    """The arm of step ``step < k`` of an index policy that plays untried arms first.

    For agents that pull one arm per step and prefer untried arms, exactly
    ``k - step`` entries of ``n[i]`` are 0 at step ``step < k``, so the
    untried phase is known from the step alone: the agent writes
    ``if step < k: return untried_arm(n, i, key, step)`` and never counts them.
    The arm is chosen uniformly among the untried ones, by the same draw as
    :func:`ucb`'s (``randint`` at ``counter(step, SLOT_ACTION)``, then the
    pick-th untried arm in index order), so both choose the same arm.
    Undefined for ``step >= k`` or a row without ``k - step`` zeros.
    """
    return _pick_untried(n, i, n.shape[1] - step, key, step)


@ijit
def pick_untried(n, i, untried, key, step):
    """One of the ``untried`` arms with ``n[i, a] == 0``, chosen as :func:`ucb` chooses it.

    For index policies that keep the number of absent arms themselves (a
    sliding window's arms leave it), so no step counts them; the draw is
    :func:`untried_arm`'s. Undefined unless exactly ``untried >= 1`` entries
    of ``n[i]`` are 0.
    """
    return _pick_untried(n, i, untried, key, step)
