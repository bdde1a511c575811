"""Double Q-learning (van Hasselt 2010; Sutton & Barto 6.7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fastrl._jit import ijit
from fastrl.policies import argmax_random_at
from fastrl.rng import below, counter
from fastrl.tabular.learners import explore
from fastrl.tabular.learners._base import FIRST_AGENT_SLOT, Hooks, Table, TabularAgent

__all__ = ["DoubleQLearning", "double_q_update", "SLOT_COIN", "SLOT_TARGET_TIE"]

#: agent-stream slot of the coin (which table to update)
SLOT_COIN = FIRST_AGENT_SLOT
#: agent-stream slot of the tie-break in ``argmax Q1[s_next]``
SLOT_TARGET_TIE = FIRST_AGENT_SLOT + 1


@ijit
def double_q_update(q1, q2, s, a, r, s_next, terminated, alpha, gamma, key, t):
    """Van Hasselt (2010); Sutton & Barto 6.7: the coin picks the table to update."""
    if below(key, counter(t, SLOT_COIN), 0.5):
        upd, other = q1, q2
    else:
        upd, other = q2, q1
    target = r
    if not terminated:
        a_star = argmax_random_at(upd, s_next, key, counter(t, SLOT_TARGET_TIE))
        target += gamma * other[s_next, a_star]
    upd[s, a] += alpha * (target - upd[s, a])


@ijit
def act(p, tab, scr, ctx, s, t):
    return explore.select_sum(ctx, tab.q, tab.q2, s, t)


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    double_q_update(tab.q, tab.q2, s, a, r, s_next, terminated, p.alpha, p.gamma, ctx.key, t)


@ijit
def finish(p, tab, q_out):
    for s in range(q_out.shape[0]):
        for a in range(q_out.shape[1]):
            q_out[s, a] = 0.5 * (tab.q[s, a] + tab.q2[s, a])


@dataclass(frozen=True, kw_only=True)
class DoubleQLearning(TabularAgent):
    """Double Q-learning (van Hasselt 2010; Sutton & Barto 6.7).

    Two tables; a fair coin from the agent stream picks the one to update, with
    target ``r + gamma * Q2[s', argmax_a Q1[s', a]]`` (ties broken at random).
    Actions are selected on ``Q1 + Q2``; the reported Q table is ``(Q1 + Q2) / 2``.
    """

    tables: ClassVar = {
        "q": Table(("S", "A"), init="initial_value"),
        "q2": Table(("S", "A"), init="initial_value"),
    }
    hooks: ClassVar = Hooks(act=act, update=update, finish=finish)
