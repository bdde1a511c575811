"""Expected SARSA (Sutton & Barto 6.6): target ``r + gamma * sum_a pi(a|s') Q[s', a]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fastrl._jit import ijit
from fastrl.tabular.learners import explore
from fastrl.tabular.learners._base import Hooks, Table, TabularAgent
from fastrl.tabular.learners.q_learning import act_on_q

__all__ = ["ExpectedSarsa"]


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    q = tab.q
    target = r
    if not terminated:
        target += p.gamma * explore.expected(ctx, q, s_next)
    q[s, a] += p.alpha * (target - q[s, a])


@dataclass(frozen=True, kw_only=True)
class ExpectedSarsa(TabularAgent):
    """Expected SARSA (Sutton & Barto 6.6): target ``r + gamma * sum_a pi(a|s') Q[s', a]``.

    ``pi`` is the behaviour policy in force: epsilon-greedy (greedy mass shared
    equally among tied maxima) or softmax, on the selection values (with the
    bonus, if any).
    """

    tables: ClassVar = {"q": Table(("S", "A"), init="initial_value")}
    hooks: ClassVar = Hooks(act=act_on_q, update=update)
