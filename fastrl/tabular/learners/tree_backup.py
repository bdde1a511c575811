"""n-step Tree Backup (Sutton & Barto 7.5): off-policy control without importance sampling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fastrl._jit import ijit
from fastrl.policies import row_max
from fastrl.tabular.learners import _nstep
from fastrl.tabular.learners._base import Hooks, Table, TabularAgent

__all__ = ["TreeBackup", "greedy_mass"]


@ijit
def greedy_mass(q, s, a):
    """``(max_b Q(s, b), pi(a | s))`` for ``pi`` greedy on ``Q(s)``, mass shared by tied maxima."""
    vmax = row_max(q, s)
    if q[s, a] != vmax:
        return vmax, 0.0
    ties = 0
    for b in range(q.shape[1]):
        if q[s, b] == vmax:
            ties += 1
    return vmax, 1.0 / ties


@ijit
def target(p, tab, scr, e, h, bootstrap):
    """``G_{tau:tau+h}``, computed backwards from the leaf ``R_{tau+h} (+ gamma max_a Q)``.

    ``e`` is the slot of ``tau + h``. For ``j = tau + h - 1`` down to ``tau + 1``,
    with ``(vmax, w) = greedy_mass(Q, S_j, A_j)``:
    ``G = R_j + gamma * ((1 - w) * vmax + w * G)``; ``(1 - w) * vmax`` is the
    target policy's mass off ``A_j`` times the value of the greedy branches.
    """
    m = p.n + 1
    q = tab.q
    g = scr.rewards[e]
    if bootstrap:
        g += p.gamma * row_max(q, scr.states[e])
    j = e
    for _ in range(h - 1):
        j = _nstep.wrap(j - 1, m)
        vmax, w = greedy_mass(q, scr.states[j], scr.actions[j])
        g = scr.rewards[j] + p.gamma * ((1.0 - w) * vmax + w * g)
    return g


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    k, e = _nstep.record(p, scr, r, s_next)
    lo, hi = _nstep.due(p, k, terminated or truncated)
    for tau in range(lo, hi):
        st = _nstep.slot_back(p, e, k - tau)
        _nstep.backup(p, tab, scr, st, target(p, tab, scr, e, k - tau, not terminated))


@dataclass(frozen=True, kw_only=True)
class TreeBackup(TabularAgent):
    """n-step Tree Backup (Sutton & Barto 7.5), control of ``q*``.

    The target policy ``pi`` is greedy on the current Q (the greedy mass shared
    equally among tied maxima); the behaviour policy is the exploration
    option. ``(S_tau, A_tau)`` is updated ``n`` steps later toward the tree
    backup return (book eq. 7.16), computed when the update is made::

        G = R_{tau+h} + gamma max_a Q(S_{tau+h}, a)           (leaf; R alone if terminated)
        G = R_j + gamma (sum_{a != A_j} pi(a|S_j) Q(S_j, a) + pi(A_j|S_j) G),  j = tau+h-1 .. tau+1

    with ``h = min(n, steps left)``: the return follows the taken actions while
    they are greedy and is cut at the first exploratory one. A truncated
    episode bootstraps its leaf. ``n = 1`` is one-step Q-learning bit for bit.

    Parameters
    ----------
    n : int
        Depth of the tree, >= 1.
    """

    n: int = 4

    tables: ClassVar = {"q": Table(("S", "A"), init="initial_value")}
    scratch: ClassVar = _nstep.SCRATCH
    hooks: ClassVar = Hooks(act=_nstep.act_recorded, update=update, start_episode=_nstep.start)

    def __post_init__(self):
        super().__post_init__()
        _nstep.check_n(self)
