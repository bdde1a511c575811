"""Watkins's Q(lambda) (Watkins 1989; Sutton & Barto 12.10): traces cut after exploring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fastrl._jit import ijit
from fastrl.policies import row_max
from fastrl.tabular.learners import _traces, explore
from fastrl.tabular.learners._base import Hooks, Table, TabularAgent

__all__ = ["WatkinsQLambda"]


@ijit
def start_episode(p, tab, scr, ctx, s, t):
    _traces.clear(scr)


@ijit
def act(p, tab, scr, ctx, s, t):
    """The behaviour policy's action; a non-greedy one (on Q) cuts every trace."""
    q = tab.q
    a = explore.select(ctx, q, s, t)
    if q[s, a] != row_max(q, s):
        _traces.clear(scr)
    return a


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    q = tab.q
    target = r
    if not terminated:
        target += p.gamma * row_max(q, s_next)
    delta = target - q[s, a]
    _traces.visit(q, scr, s, a, p.replacing)
    _traces.sweep(q, scr, p.alpha * delta, p.gamma * p.lam)


@dataclass(frozen=True, kw_only=True)
class WatkinsQLambda(TabularAgent):
    """Watkins's Q(lambda) (Watkins 1989; Sutton & Barto 12.10), tabular.

    Each step: ``delta = R + gamma max_a Q(S', a) - Q(S, A)`` (``R - Q(S, A)``
    when terminated; truncated steps bootstrap), ``z(S, A) += 1`` (or ``= 1``,
    replacing), then for every pair ``Q += alpha delta z`` and
    ``z *= gamma lambda``. The traces follow the greedy target policy only:
    when the action taken is not greedy on Q (``Q(s, a) < max_b Q(s, b)``; a
    tied maximum counts as greedy; with a count bonus the selection values may
    prefer a non-greedy action, which is then exploratory too), every trace is
    cut to 0 before the pair is visited.

    The book (Watkins's pseudocode) selects ``A'`` before the sweep and tests it
    against the Q before the sweep; here ``A'`` is selected when it is taken,
    on the Q after the sweep (as :class:`~fastrl.tabular.QLearning` selects), and
    the cut is made then, on that Q. No action enters ``delta``, so this is the
    same algorithm with the fresher Q, and ``lam = 0`` is one-step Q-learning
    bit for bit.

    Parameters
    ----------
    lam : float
        Trace decay ``lambda``, in [0, 1].
    replacing : bool
        Replacing traces (``z(S, A) = 1``) instead of accumulating (``z(S, A) += 1``).
    """

    lam: float = 0.9
    replacing: bool = False

    tables: ClassVar = {"q": Table(("S", "A"), init="initial_value")}
    scratch: ClassVar = _traces.SCRATCH
    hooks: ClassVar = Hooks(act=act, update=update, start_episode=start_episode)

    def __post_init__(self):
        super().__post_init__()
        _traces.check_trace_options(self)
