"""n-step Expected SARSA (S&B 7.2, eq. 7.7): bootstrapped on ``sum_a pi(a|S) Q(S, a)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fastrl._jit import ijit
from fastrl.tabular.learners import _nstep, explore
from fastrl.tabular.learners._base import Hooks, Table, TabularAgent

__all__ = ["NStepExpectedSarsa"]


@ijit
def target(p, tab, scr, ctx, st, e, h, bootstrap):
    """``G_{tau:tau+h}``: ``h`` rewards, plus ``gamma^h Vbar(S_{tau+h})`` (slot ``e``)."""
    g, discount = _nstep.reward_sum(p, scr, st, h)
    if bootstrap:
        g += discount * explore.expected(ctx, tab.q, scr.states[e])
    return g


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    k, e = _nstep.record(p, scr, r, s_next)
    lo, hi = _nstep.due(p, k, terminated or truncated)
    for tau in range(lo, hi):
        st = _nstep.slot_back(p, e, k - tau)
        g = target(p, tab, scr, ctx, st, e, k - tau, not terminated)
        _nstep.backup(p, tab, scr, st, g)


@dataclass(frozen=True, kw_only=True)
class NStepExpectedSarsa(TabularAgent):
    """n-step Expected SARSA (Sutton & Barto 7.2, eq. 7.7).

    As :class:`NStepSarsa`, but the return bootstraps on the expected value
    ``Vbar(S_{tau+h}) = sum_a pi(a | S_{tau+h}) Q(S_{tau+h}, a)`` under the
    behaviour policy ``pi`` in force (the episode's epsilon or softmax
    temperature, on the selection values of the Q of the update, with the
    bonus if any), computed when the update is made; the terminated and
    truncated episodes are treated as in :class:`NStepSarsa`.

    No action enters the target, so each action is selected when it is taken
    (in ``act``, on the latest Q), as in :class:`~fastrl.tabular.ExpectedSarsa`:
    ``n = 1`` is one-step Expected SARSA bit for bit.

    Parameters
    ----------
    n : int
        Steps of the return before it bootstraps, >= 1.
    """

    n: int = 4

    tables: ClassVar = {"q": Table(("S", "A"), init="initial_value")}
    scratch: ClassVar = _nstep.SCRATCH
    hooks: ClassVar = Hooks(act=_nstep.act_recorded, update=update, start_episode=_nstep.start)

    def __post_init__(self):
        super().__post_init__()
        _nstep.check_n(self)
