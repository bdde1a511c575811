"""Prioritized sweeping for deterministic environments (Sutton & Barto 8.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fastrl._jit import ijit
from fastrl.policies import row_max
from fastrl.tabular.learners._base import Hooks, Table, TabularAgent
from fastrl.tabular.learners._pqueue import pq_pop, pq_push
from fastrl.tabular.learners.dyna_q import remember
from fastrl.tabular.learners.q_learning import act_on_q, q_learning_update, q_target
from fastrl.validation import MAX_SIZE, check_int, check_real

__all__ = ["PrioritizedSweeping"]


@ijit
def _link(head, nxt, prv, pair, s):
    """Put ``pair`` first in the list of predecessors of state ``s``."""
    first = head[s]
    nxt[pair] = first
    prv[pair] = -1
    if first >= 0:
        prv[first] = pair
    head[s] = pair


@ijit
def _unlink(head, nxt, prv, pair, s):
    """Take ``pair`` out of the list of predecessors of state ``s``."""
    before, after = prv[pair], nxt[pair]
    if before >= 0:
        nxt[before] = after
    else:
        head[s] = after
    if after >= 0:
        prv[after] = before


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    q = tab.q
    num_actions = q.shape[1]
    head, nxt, prv = tab.pred_head, tab.pred_next, tab.pred_prev
    heap, pos, priority, size = tab.heap, tab.pos, tab.priority, tab.size
    pair = s * num_actions + a
    # (d) Model(S, A) <- R, S'; the pair moves to the predecessors of its new S'.
    if not tab.seen[s, a]:
        tab.seen[s, a] = True
        _link(head, nxt, prv, pair, s_next)
    elif tab.model_next[s, a] != s_next:
        _unlink(head, nxt, prv, pair, tab.model_next[s, a])
        _link(head, nxt, prv, pair, s_next)
    remember(tab, s, a, r, s_next, terminated)
    # (e), (f): queue the real transition if its update would matter. Q is not
    # updated here: the book's box updates only through the queue.
    prio = abs(q_target(q, r, s_next, terminated, p.gamma) - q[s, a])
    if prio > p.theta:
        pq_push(heap, pos, priority, size, pair, prio)
    # (g) up to planning_steps updates, first in the queue first.
    for _ in range(p.planning_steps):
        if size[0] == 0:
            break
        top = pq_pop(heap, pos, priority, size)
        ps = top // num_actions
        pa = top - ps * num_actions
        q_learning_update(q, ps, pa, tab.model_r[ps, pa], tab.model_next[ps, pa],
                          tab.model_term[ps, pa], p.alpha, p.gamma)  # fmt: skip
        v = row_max(q, ps)  # Q(S, .) is fixed while its predecessors are scanned
        k = head[ps]
        while k >= 0:
            bs = k // num_actions
            ba = k - bs * num_actions
            target = tab.model_r[bs, ba]
            if not tab.model_term[bs, ba]:
                target += p.gamma * v
            prio = abs(target - q[bs, ba])
            if prio > p.theta:
                pq_push(heap, pos, priority, size, k, prio)
            k = nxt[k]


@dataclass(frozen=True, kw_only=True)
class PrioritizedSweeping(TabularAgent):
    """Prioritized sweeping for a deterministic environment (Sutton & Barto 8.4, the box).

    Each real step sets the model of ``(s, a)`` to the observed ``(r, s')`` and
    queues the pair with priority ``P = |r + gamma max_a Q(s', a) - Q(s, a)|``
    if ``P > theta``; then up to ``planning_steps`` times, while the queue is
    not empty, the first pair is updated by Q-learning on its model, and every
    pair the model predicts to lead into its state is queued with its own
    ``P`` if ``P > theta``. A queued pair keeps the higher of two priorities;
    equal priorities pop the lower index ``s * A + a`` first. As in the book's
    box, Q changes only through the queue (with ``planning_steps=0`` nothing
    is learned). The queue (a binary heap over the ``S * A`` pairs) and the
    predecessor lists (one linked list per state) persist across episodes.

    Parameters
    ----------
    planning_steps : int
        Most updates per real step (the book's ``n``), >= 0.
    theta : float
        Priority threshold, >= 0.
    """

    planning_steps: int = 5
    theta: float = 1e-4

    tables: ClassVar = {
        "q": Table(("S", "A"), init="initial_value"),
        # Model entries, list links and priorities are read only for pairs seen
        # (or queued) in this run, which wrote them first: never refilled.
        "model_next": Table(("S", "A"), "int64", init=None),
        "model_r": Table(("S", "A"), init=None),
        "model_term": Table(("S", "A"), "bool", init=None),
        "seen": Table(("S", "A"), "bool", init=False),
        "pred_head": Table(("S",), "int64", init=-1),
        "pred_next": Table(("S * A",), "int64", init=None),
        "pred_prev": Table(("S * A",), "int64", init=None),
        "heap": Table(("S * A",), "int64", init=None),
        "pos": Table(("S * A",), "int64", init=-1),
        "priority": Table(("S * A",), init=None),
        "size": Table((1,), "int64"),
    }
    hooks: ClassVar = Hooks(act=act_on_q, update=update)

    def __post_init__(self):
        super().__post_init__()
        put = object.__setattr__
        steps = check_int("planning_steps", self.planning_steps, low=0, high=MAX_SIZE)
        put(self, "planning_steps", steps)
        put(self, "theta", check_real("theta", self.theta, low=0.0))
