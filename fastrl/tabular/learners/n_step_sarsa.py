"""n-step SARSA (Sutton & Barto 7.2): the n-step return bootstrapped on ``Q(S_tau+n, A_tau+n)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fastrl._jit import ijit
from fastrl.tabular.learners import _nstep, explore
from fastrl.tabular.learners._base import Hooks, Table, TabularAgent

__all__ = ["NStepSarsa"]


@ijit
def start_episode(p, tab, scr, ctx, s, t):
    """``S_0 = s`` and ``A_0``, selected with the draws of the episode's first step."""
    _nstep.start(p, tab, scr, ctx, s, t)
    scr.actions[0] = explore.select(ctx, tab.q, s, t)


@ijit
def target(p, tab, scr, st, e, h, bootstrap):
    """``G_{tau:tau+h}``: ``h`` rewards, plus ``gamma^h Q(S_{tau+h}, A_{tau+h})`` (slot ``e``)."""
    g, discount = _nstep.reward_sum(p, scr, st, h)
    if bootstrap:
        g += discount * tab.q[scr.states[e], scr.actions[e]]
    return g


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    k, e = _nstep.record(p, scr, r, s_next)
    if not terminated:  # A_k before the backups (book 7.2), with the draws of step t + 1
        scr.actions[e] = explore.select(ctx, tab.q, s_next, t + 1)
    lo, hi = _nstep.due(p, k, terminated or truncated)
    for tau in range(lo, hi):
        st = _nstep.slot_back(p, e, k - tau)
        _nstep.backup(p, tab, scr, st, target(p, tab, scr, st, e, k - tau, not terminated))


@dataclass(frozen=True, kw_only=True)
class NStepSarsa(TabularAgent):
    """n-step SARSA (Sutton & Barto 7.2, on-policy control).

    The pair ``(S_tau, A_tau)`` is updated ``n`` steps later toward ::

        G = R_{tau+1} + gamma R_{tau+2} + ... + gamma^(h-1) R_{tau+h}
            + gamma^h Q(S_{tau+h}, A_{tau+h})

    with ``h = min(n, steps left in the episode)``; the bootstrap term is dropped
    when the episode terminated within the horizon. A truncated episode (the
    step limit) bootstraps on an ``A_{tau+h}`` selected but never taken, as
    one-step :class:`~fastrl.tabular.Sarsa` does. The last step's ``update``
    makes every pending update, oldest first.

    Each ``A_k`` is selected (with the draws of the step it is taken at) before
    the update made at step ``k``, as in the book's pseudocode and in
    :class:`~fastrl.tabular.Sarsa`: ``n = 1`` is one-step SARSA bit for bit.

    Parameters
    ----------
    n : int
        Steps of the return before it bootstraps, >= 1.

    Examples
    --------
    >>> from fastrl.tabular import NStepSarsa, frozen_lake, train
    >>> res = train(frozen_lake(), NStepSarsa(n=4, alpha=0.2), runs=8, episodes=10)
    >>> res.q.shape
    (8, 16, 4)
    """

    n: int = 4

    tables: ClassVar = {"q": Table(("S", "A"), init="initial_value")}
    scratch: ClassVar = _nstep.SCRATCH
    hooks: ClassVar = Hooks(act=_nstep.act_stored, update=update, start_episode=start_episode)

    def __post_init__(self):
        super().__post_init__()
        _nstep.check_n(self)
