"""Q-learning (Watkins 1989; Sutton & Barto 6.5): target ``r + gamma * max_a Q[s', a]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fastrl._jit import ijit
from fastrl.policies import row_max
from fastrl.tabular.learners import explore
from fastrl.tabular.learners._base import Hooks, Table, TabularAgent

__all__ = ["QLearning", "q_learning_update", "q_target", "act_on_q"]


@ijit
def q_target(q, r, s_next, terminated, gamma):
    """The Q-learning target ``r + gamma * max_a' Q[s', a']``, ``r`` alone at the end."""
    target = r
    if not terminated:
        target += gamma * row_max(q, s_next)
    return target


@ijit
def q_learning_update(q, s, a, r, s_next, terminated, alpha, gamma):
    """``Q[s, a] += alpha * (r + gamma * max_a' Q[s', a'] - Q[s, a])``, no bootstrap at the end."""
    q[s, a] += alpha * (q_target(q, r, s_next, terminated, gamma) - q[s, a])


@ijit
def act_on_q(p, tab, scr, ctx, s, t):
    """The behaviour policy on ``tab.q`` (the ``act`` hook of most learners)."""
    return explore.select(ctx, tab.q, s, t)


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    q_learning_update(tab.q, s, a, r, s_next, terminated, p.alpha, p.gamma)


@dataclass(frozen=True, kw_only=True)
class QLearning(TabularAgent):
    """Q-learning (Watkins 1989; Sutton & Barto 6.5): target ``r + gamma * max_a Q[s', a]``."""

    tables: ClassVar = {"q": Table(("S", "A"), init="initial_value")}
    hooks: ClassVar = Hooks(act=act_on_q, update=update)
