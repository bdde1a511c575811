"""Action selection on one row of action values, shared by every family.

Each selector is a scalar ``@jit`` function that reads one row ``q`` (shape
``(num_actions,)``; a view such as ``q_table[s]`` is fine) and returns an
int64 action. Its random draws are addressed by ``(key, step)`` and the slots
below, so the choice of run ``i`` at step ``t`` is a pure function of its key,
its step and its values. Slots ``0 .. 3`` of every step are reserved for these
selectors; other modules use slots from :data:`FIRST_FREE_SLOT` up.

Ties between maximal values are broken uniformly at random: a greedy agent
with all-zero initial values must not always pick action 0.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl._jit import ijit, jit
from fastrl.rng import counter, randint, uniform

__all__ = [
    "SLOT_EXPLORE",
    "SLOT_ACTION",
    "SLOT_TIE",
    "FIRST_FREE_SLOT",
    "argmax_random",
    "epsilon_greedy",
    "softmax",
    "ucb",
    "categorical",
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
def argmax_random(q, key, step):
    """Index of a maximal entry of ``q``, ties broken uniformly at random."""
    best = q[0]
    first = 0
    ties = 1
    for a in range(1, q.shape[0]):
        v = q[a]
        if v > best:
            best = v
            first = a
            ties = 1
        elif v == best:
            ties += 1
    if ties == 1:
        return np.int64(first)
    pick = randint(key, counter(step, SLOT_TIE), ties)
    for a in range(first, q.shape[0]):
        if q[a] == best:
            if pick == 0:
                return np.int64(a)
            pick -= 1
    return np.int64(first)  # unreachable: pick < ties


@ijit
def epsilon_greedy(q, epsilon, key, step):
    """With probability ``epsilon`` a uniformly random action, else greedy."""
    if epsilon > 0.0 and uniform(key, counter(step, SLOT_EXPLORE)) < epsilon:
        return randint(key, counter(step, SLOT_ACTION), q.shape[0])
    return argmax_random(q, key, step)


@ijit
def categorical(weights, total, u):
    """Index ``a`` with probability ``weights[a] / total`` given ``u`` in [0, 1)."""
    target = u * total
    acc = 0.0
    last = 0
    for a in range(weights.shape[0]):
        w = weights[a]
        if w > 0.0:
            acc += w
            last = a
            if target < acc:
                return np.int64(a)
    return np.int64(last)  # rounding left target >= acc: the last positive weight


@ijit
def softmax(q, beta, key, step):
    """Boltzmann selection: ``P(a)`` proportional to ``exp(beta * q[a])``.

    ``beta`` is the inverse temperature; ``beta = inf`` is greedy. The maximum
    is subtracted before exponentiating so large values cannot overflow.
    """
    if math.isinf(beta):
        return argmax_random(q, key, step)
    qmax = q[0]
    for a in range(1, q.shape[0]):
        if q[a] > qmax:
            qmax = q[a]
    total = 0.0
    for a in range(q.shape[0]):
        total += math.exp(beta * (q[a] - qmax))
    target = uniform(key, counter(step, SLOT_ACTION)) * total
    acc = 0.0
    for a in range(q.shape[0]):
        acc += math.exp(beta * (q[a] - qmax))
        if target < acc:
            return np.int64(a)
    return np.int64(q.shape[0] - 1)


@ijit
def ucb(q, n, t, c, key, step):
    """Upper confidence bound (Sutton & Barto eq. 2.10).

    Untried actions (``n[a] == 0``) come first, one chosen uniformly at random;
    then ``argmax q[a] + c * sqrt(ln t / n[a])`` with ``t >= 1`` the number of
    the current step, ties broken at random.
    """
    untried = 0
    for a in range(q.shape[0]):
        if n[a] == 0:
            untried += 1
    if untried > 0:
        pick = randint(key, counter(step, SLOT_ACTION), untried)
        for a in range(q.shape[0]):
            if n[a] == 0:
                if pick == 0:
                    return np.int64(a)
                pick -= 1
    log_t = math.log(t)
    best = -math.inf
    first = 0
    ties = 0
    for a in range(q.shape[0]):
        v = q[a] + c * math.sqrt(log_t / n[a])
        if v > best:
            best = v
            first = a
            ties = 1
        elif v == best:
            ties += 1
    if ties == 1:
        return np.int64(first)
    pick = randint(key, counter(step, SLOT_TIE), ties)
    for a in range(first, q.shape[0]):
        if q[a] + c * math.sqrt(log_t / n[a]) == best:
            if pick == 0:
                return np.int64(a)
            pick -= 1
    return np.int64(first)
