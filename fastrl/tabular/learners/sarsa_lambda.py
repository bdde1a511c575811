"""SARSA(lambda) (Sutton & Barto 12.7), tabular, with accumulating or replacing traces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fastrl._jit import ijit
from fastrl.tabular.learners import _traces, explore, sarsa
from fastrl.tabular.learners._base import Hooks, Table, TabularAgent

__all__ = ["SarsaLambda"]


@ijit
def start_episode(p, tab, scr, ctx, s, t):
    _traces.clear(scr)
    sarsa.start_episode(p, tab, scr, ctx, s, t)


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    q = tab.q
    target = r
    if not terminated:  # A' before the sweep, as in one-step SARSA
        a_next = explore.select(ctx, q, s_next, t + 1)
        target += p.gamma * q[s_next, a_next]
        scr.pending[0] = a_next
    delta = target - q[s, a]
    _traces.visit(q, scr, s, a, p.replacing)
    _traces.sweep(q, scr, p.alpha * delta, p.gamma * p.lam)


@dataclass(frozen=True, kw_only=True)
class SarsaLambda(TabularAgent):
    """SARSA(lambda) (Sutton & Barto 12.7), tabular: one trace per state-action pair.

    Each step: ``delta = R + gamma Q(S', A') - Q(S, A)`` (``R - Q(S, A)`` when
    terminated; a truncated step bootstraps on a selected ``A'``, as
    :class:`~fastrl.tabular.Sarsa`), ``z(S, A) += 1`` (accumulating) or
    ``z(S, A) = 1`` (replacing, the book's 12.7 pseudocode; other actions'
    traces are kept), then for every pair ``Q += alpha delta z`` and
    ``z *= gamma lambda``. Traces start at 0 every episode. ``A'`` is selected
    before the update with the draws of the step it is taken at, as in
    :class:`~fastrl.tabular.Sarsa`: ``lam = 0`` is one-step SARSA bit for bit.

    Only the pairs with a non-zero trace are swept (``fastrl.tabular.learners._traces``),
    in a fixed order that gives the same Q as the book's sweep over every pair.

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
    scratch: ClassVar = {**sarsa.Sarsa.scratch, **_traces.SCRATCH}
    hooks: ClassVar = Hooks(act=sarsa.act, update=update, start_episode=start_episode)

    def __post_init__(self):
        super().__post_init__()
        _traces.check_trace_options(self)
