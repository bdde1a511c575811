"""SARSA (Sutton & Barto 6.4): target ``r + gamma * Q[s', a']`` with ``a'`` the next action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fastrl._jit import ijit
from fastrl.tabular.learners import explore
from fastrl.tabular.learners._base import Hooks, Table, TabularAgent

__all__ = ["Sarsa"]


@ijit
def start_episode(p, tab, scr, ctx, s, t):
    scr.pending[0] = -1


@ijit
def act(p, tab, scr, ctx, s, t):
    a = scr.pending[0]
    if a >= 0:  # selected by the last update, with this step's draws
        return a
    return explore.select(ctx, tab.q, s, t)


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    q = tab.q
    target = r
    if not terminated:
        a_next = explore.select(ctx, q, s_next, t + 1)  # the draws of the step it is taken at
        target += p.gamma * q[s_next, a_next]
        scr.pending[0] = a_next
    q[s, a] += p.alpha * (target - q[s, a])


@dataclass(frozen=True, kw_only=True)
class Sarsa(TabularAgent):
    """SARSA (Sutton & Barto 6.4): target ``r + gamma * Q[s', a']`` with ``a'`` the next action.

    ``a'`` is selected (with the draws of the step at which it is taken) before
    ``Q[s, a]`` is updated, and is then taken. On a truncated last step the
    target still bootstraps from a selected ``a'`` that is not taken.
    """

    tables: ClassVar = {"q": Table(("S", "A"), init="initial_value")}
    scratch: ClassVar = {"pending": Table((1,), "int64", init=-1)}
    hooks: ClassVar = Hooks(act=act, update=update, start_episode=start_episode)
