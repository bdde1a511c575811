"""Exploration: the one action-selection piece every tabular learner composes with.

A learner never implements epsilon-greedy, softmax, the count bonus or the
schedules itself: its hooks call :func:`select` (or :func:`select_sum`,
:func:`select_row`, :func:`expected`) with the episode's *exploration context*
``ctx``, which the driver makes at the start of each episode.

Compile-time specialisation: ``ctx.rule`` says which rule is in force, and
these functions branch on it. The learning driver compiles a learner's hooks
(and the functions of the learner's modules they call) against a copy of this
module whose functions hold only the rule of the driver, so a driver compiles
one rule's code; code that reaches these functions some other way still runs
correctly, on the run-time branch. (An ``@overload`` dispatching on a context
class per rule was tried first: numba 0.61's inlining of overloads whose
arguments are arrays read from a namedtuple lost the writes made after the
call, apparently a reference-count error.)

Context fields (:class:`ExploreContext`)
----------------------------------------
rule : int64
    :data:`EXPLORE_EPSILON` or :data:`EXPLORE_SOFTMAX`.
key : uint64
    The run's agent-stream key (for a learner's own draws, at slots from
    :data:`~fastrl.tabular.learners.FIRST_AGENT_SLOT` up).
episode : int64
    The episode index, from 0.
param : float64
    The episode's epsilon, or softmax inverse temperature ``beta`` (after the
    schedule; ``inf`` is greedy).
bonus : float64
    The count bonus ``beta_b`` (0: none).
counts : int64 ``(S, A)``
    ``N(s, a)``, the run's visit counts (kept only when ``bonus > 0``).
row, w : float64 ``(1, A)``
    Scratch rows of the selection values and of softmax weights.

Selection values are ``v[a] = Q[s, a] + beta_b / sqrt(max(N(s, a), 1))``
(without the bonus term when ``bonus == 0``); draws use slots 0..3 of the
step ``t`` given (:mod:`fastrl.policies`).
"""

from __future__ import annotations

import math
import sys
from collections import namedtuple
from types import ModuleType

from fastrl._jit import ijit
from fastrl._math import exp
from fastrl.policies import epsilon_greedy, row_max, softmax

__all__ = [
    "ExploreContext",
    "Exploration",
    "EXPLORE_EPSILON",
    "EXPLORE_SOFTMAX",
    "select",
    "select_sum",
    "select_row",
    "expected",
    "observe",
    "specialised",
]

EXPLORE_EPSILON = 0
EXPLORE_SOFTMAX = 1

ExploreContext = namedtuple(
    "ExploreContext", ("rule", "key", "episode", "param", "bonus", "counts", "row", "w")
)
ExploreContext.__doc__ = "The exploration context of an episode (see the module docstring)."

#: The run-constant exploration settings the driver reads: start value ``v0``
#: of the schedule (epsilon, or the temperature ``1 / beta``), ``beta``, the
#: schedule's code, decay, floor and duration, and the count bonus.
Exploration = namedtuple(
    "Exploration", ("v0", "beta", "code", "decay", "floor", "duration", "bonus")
)


@ijit
def fill_row(ctx, q, s):
    """``ctx.row[0] = `` the selection values of ``q`` in state ``s``."""
    row, counts, bonus = ctx.row, ctx.counts, ctx.bonus
    for a in range(row.shape[1]):
        v = q[s, a]
        if bonus > 0.0:
            v += bonus / math.sqrt(max(counts[s, a], 1))
        row[0, a] = v


@ijit
def fill_row_sum(ctx, q1, q2, s):
    """``ctx.row[0] = `` the selection values of ``q1 + q2`` in state ``s``."""
    row, counts, bonus = ctx.row, ctx.counts, ctx.bonus
    for a in range(row.shape[1]):
        v = q1[s, a]
        v += q2[s, a]
        if bonus > 0.0:
            v += bonus / math.sqrt(max(counts[s, a], 1))
        row[0, a] = v


@ijit
def expected_epsilon(row, q, s, epsilon):
    """``sum_a pi(a) q[s, a]``, ``pi`` epsilon-greedy on ``row[0]`` (greedy mass shared by ties)."""
    num_actions = row.shape[1]
    vmax = row_max(row, 0)
    ties = 0
    for a in range(num_actions):
        if row[0, a] == vmax:
            ties += 1
    total = 0.0
    for a in range(num_actions):
        p = epsilon / num_actions
        if row[0, a] == vmax:
            p += (1.0 - epsilon) / ties
        total += p * q[s, a]
    return total


@ijit
def expected_softmax(row, q, s, beta):
    """``sum_a pi(a) q[s, a]``, ``pi`` softmax with inverse temperature ``beta`` on ``row[0]``."""
    if math.isinf(beta):
        return expected_epsilon(row, q, s, 0.0)
    vmax = row_max(row, 0)
    total = 0.0
    norm = 0.0
    for a in range(row.shape[1]):
        w = exp(beta * (row[0, a] - vmax))
        norm += w
        total += w * q[s, a]
    return total / norm


# ---- epsilon-greedy ----
@ijit
def _select_row_epsilon(ctx, t):
    return epsilon_greedy(ctx.row, 0, ctx.param, ctx.key, t)


@ijit
def _select_epsilon(ctx, q, s, t):
    # One call site of the selector, on Q's own row unless the bonus needs a copy:
    # two inlined copies (one per table) made Q-learning 1.9x slower per step.
    table, i = q, s
    if ctx.bonus > 0.0:
        fill_row(ctx, q, s)
        table, i = ctx.row, 0
    return epsilon_greedy(table, i, ctx.param, ctx.key, t)


@ijit
def _select_sum_epsilon(ctx, q1, q2, s, t):
    fill_row_sum(ctx, q1, q2, s)
    return epsilon_greedy(ctx.row, 0, ctx.param, ctx.key, t)


@ijit
def _expected_epsilon(ctx, q, s):
    fill_row(ctx, q, s)
    return expected_epsilon(ctx.row, q, s, ctx.param)


# ---- softmax ----
@ijit
def _select_row_softmax(ctx, t):
    return softmax(ctx.row, 0, ctx.param, ctx.key, t, ctx.w)


@ijit
def _select_softmax(ctx, q, s, t):
    table, i = q, s
    if ctx.bonus > 0.0:
        fill_row(ctx, q, s)
        table, i = ctx.row, 0
    return softmax(table, i, ctx.param, ctx.key, t, ctx.w)


@ijit
def _select_sum_softmax(ctx, q1, q2, s, t):
    fill_row_sum(ctx, q1, q2, s)
    return softmax(ctx.row, 0, ctx.param, ctx.key, t, ctx.w)


@ijit
def _expected_softmax(ctx, q, s):
    fill_row(ctx, q, s)
    return expected_softmax(ctx.row, q, s, ctx.param)


# ---- the public functions: a run-time branch on the rule ----
@ijit
def select(ctx, q, s, t):
    """The behaviour policy's action in state ``s`` on ``q[s]``, with the draws of step ``t``."""
    if ctx.rule == EXPLORE_SOFTMAX:
        return _select_softmax(ctx, q, s, t)
    return _select_epsilon(ctx, q, s, t)


@ijit
def select_sum(ctx, q1, q2, s, t):
    """:func:`select` on ``q1[s] + q2[s]`` (Double Q-learning)."""
    if ctx.rule == EXPLORE_SOFTMAX:
        return _select_sum_softmax(ctx, q1, q2, s, t)
    return _select_sum_epsilon(ctx, q1, q2, s, t)


@ijit
def select_row(ctx, t):
    """:func:`select` on values a learner wrote into ``ctx.row[0]`` (no bonus added)."""
    if ctx.rule == EXPLORE_SOFTMAX:
        return _select_row_softmax(ctx, t)
    return _select_row_epsilon(ctx, t)


@ijit
def expected(ctx, q, s):
    """``sum_a pi(a | s) q[s, a]``, ``pi`` the behaviour policy on the selection values of q[s]."""
    if ctx.rule == EXPLORE_SOFTMAX:
        return _expected_softmax(ctx, q, s)
    return _expected_epsilon(ctx, q, s)


@ijit
def observe(ctx, s, a):
    """Count the visit of ``(s, a)`` where the bonus reads the counts (the driver calls it)."""
    if ctx.bonus > 0.0:
        ctx.counts[s, a] += 1


_PUBLIC = ("select", "select_sum", "select_row", "expected")
_RULES = {
    EXPLORE_EPSILON: (_select_epsilon, _select_sum_epsilon, _select_row_epsilon, _expected_epsilon),
    EXPLORE_SOFTMAX: (_select_softmax, _select_sum_softmax, _select_row_softmax, _expected_softmax),
}


def _make_specialised(rule: int) -> ModuleType:
    this = sys.modules[__name__]
    mod = ModuleType(f"{__name__}[rule={rule}]")
    mod.__dict__.update({k: v for k, v in vars(this).items() if not k.startswith("__")})
    for name, fn in zip(_PUBLIC, _RULES[rule], strict=True):
        setattr(mod, name, fn)
    return mod


_SPECIALISED: dict[int, ModuleType] = {}


def specialised(rule: int) -> tuple[ModuleType, dict]:
    """This module with the public functions of rule ``rule`` only, and the map
    from each public function to its specialised version."""
    if rule not in _SPECIALISED:
        _SPECIALISED[rule] = _make_specialised(rule)
    this = sys.modules[__name__]
    return _SPECIALISED[rule], {
        getattr(this, n): f for n, f in zip(_PUBLIC, _RULES[rule], strict=True)
    }
