"""The n-step episode buffer shared by the n-step learners (Sutton & Barto, chapter 7).

The three n-step learners (:mod:`.n_step_sarsa`, :mod:`.n_step_expected_sarsa`,
:mod:`.tree_backup`) keep the last ``n + 1`` states, actions and rewards of the
episode in circular buffers of the per-episode ``scratch`` and differ only in
the return they back up. Indices follow the book: ``k`` counts the steps taken
in the episode, ``S_k``, ``A_k`` and ``R_k`` live in slot ``k % (n + 1)``, and
the update of the pair taken at step ``tau`` is made at ``tau + n`` (or at the
end of the episode, for the last ``n - 1`` pairs, all made by the ``update`` of
the episode's last step, in increasing ``tau``).

Slot ``k % (n + 1)`` of ``S``/``R`` is written by the update of step ``k``,
when the pair of step ``k - n - 1`` (the slot's previous user) has been backed
up; ``A_k`` is written when it is selected.
"""

from __future__ import annotations

from fastrl._jit import ijit
from fastrl.tabular.learners import explore
from fastrl.tabular.learners._base import Table

__all__ = [
    "SCRATCH", "start", "act_stored", "act_recorded", "record", "due", "slot_back", "wrap",
    "reward_sum", "backup", "check_n",
]  # fmt: skip

#: per-episode buffers (written before they are read: never refilled), the step count
#: ``k`` and its slot ``k % (n + 1)``, kept incrementally: an integer division by the
#: run-time ``n + 1`` costs tens of cycles, and the tree backup needed ~13 per step.
SCRATCH = {
    "states": Table(("n + 1",), "int64", init=None),
    "actions": Table(("n + 1",), "int64", init=None),
    "rewards": Table(("n + 1",), init=None),
    "k": Table((1,), "int64", init=None),  # set by start()
    "slot": Table((1,), "int64", init=None),  # set by start()
}


@ijit
def wrap(i, m):
    """``i mod m`` for ``-m <= i < 2 m`` without a division."""
    if i >= m:
        return i - m
    if i < 0:
        return i + m
    return i


@ijit
def start(p, tab, scr, ctx, s, t):
    """``S_0 = s``, no step taken (the ``start_episode`` of learners that select in ``act``)."""
    scr.states[0] = s
    scr.k[0] = 0
    scr.slot[0] = 0


@ijit
def act_stored(p, tab, scr, ctx, s, t):
    """``A_k``, selected earlier (by ``start_episode`` or the last ``update``)."""
    return scr.actions[scr.slot[0]]


@ijit
def act_recorded(p, tab, scr, ctx, s, t):
    """The behaviour policy's ``A_k`` on the current Q, stored in the buffer."""
    a = explore.select(ctx, tab.q, s, t)
    scr.actions[scr.slot[0]] = a
    return a


@ijit
def record(p, scr, r, s_next):
    """Store ``R_k = r`` and ``S_k = s_next`` of the step just taken; returns ``(k, slot of k)``."""
    k = scr.k[0] + 1
    e = wrap(scr.slot[0] + 1, p.n + 1)
    scr.k[0] = k
    scr.slot[0] = e
    scr.rewards[e] = r
    scr.states[e] = s_next
    return k, e


@ijit
def due(p, k, done):
    """The ``tau`` range to back up after step ``k``: ``k - n`` (if >= 0), and when the
    episode ends (``done``: terminated or truncated) every later pending pair too."""
    lo = max(k - p.n, 0)
    hi = k if done else k - p.n + 1  # empty while k < n
    return lo, hi


@ijit
def slot_back(p, e, h):
    """The slot of step ``k - h`` (``0 <= h <= n``), ``e`` the slot of step ``k``."""
    return wrap(e - h, p.n + 1)


@ijit
def reward_sum(p, scr, st, h):
    """``(sum_{j=1}^{h} gamma^(j-1) R_{tau+j}, gamma^h)``, ``st`` the slot of ``tau``.

    Summed forward from ``R_{tau+1}`` into 0.0; the discount is the running
    product ``1.0 * gamma * gamma ...`` (the reference loops do the same).
    """
    m = p.n + 1
    g = 0.0
    discount = 1.0
    i = st
    for _ in range(h):
        i = wrap(i + 1, m)
        g += discount * scr.rewards[i]
        discount *= p.gamma
    return g, discount


@ijit
def backup(p, tab, scr, st, target):
    """``Q(S_tau, A_tau) += alpha * (target - Q(S_tau, A_tau))``, ``st`` the slot of ``tau``."""
    q = tab.q
    s = scr.states[st]
    a = scr.actions[st]
    q[s, a] += p.alpha * (target - q[s, a])


def check_n(agent) -> None:
    """Validate and coerce ``agent.n``: an int >= 1."""
    from fastrl.validation import check_int

    object.__setattr__(agent, "n", check_int("n", agent.n, low=1))
