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
    "SCRATCH", "start", "act_stored", "act_recorded", "record", "due", "reward_sum", "backup",
    "check_n",
]  # fmt: skip

#: per-episode buffers (written before they are read: never refilled) and the step count
SCRATCH = {
    "states": Table(("n + 1",), "int64", init=None),
    "actions": Table(("n + 1",), "int64", init=None),
    "rewards": Table(("n + 1",), init=None),
    "k": Table((1,), "int64", init=None),  # set by start()
}


@ijit
def start(p, tab, scr, ctx, s, t):
    """``S_0 = s``, no step taken (the ``start_episode`` of learners that select in ``act``)."""
    scr.states[0] = s
    scr.k[0] = 0


@ijit
def act_stored(p, tab, scr, ctx, s, t):
    """``A_k``, selected earlier (by ``start_episode`` or the last ``update``)."""
    return scr.actions[scr.k[0] % (p.n + 1)]


@ijit
def act_recorded(p, tab, scr, ctx, s, t):
    """The behaviour policy's ``A_k`` on the current Q, stored in the buffer."""
    a = explore.select(ctx, tab.q, s, t)
    scr.actions[scr.k[0] % (p.n + 1)] = a
    return a


@ijit
def record(p, scr, r, s_next):
    """Store ``R_k = r`` and ``S_k = s_next`` of the step just taken; returns ``k``."""
    k = scr.k[0] + 1
    scr.k[0] = k
    m = p.n + 1
    scr.rewards[k % m] = r
    scr.states[k % m] = s_next
    return k


@ijit
def due(p, k, done):
    """The ``tau`` range to back up after step ``k``: ``k - n`` (if >= 0), and when the
    episode ends (``done``: terminated or truncated) every later pending pair too."""
    lo = max(k - p.n, 0)
    hi = k if done else k - p.n + 1  # empty while k < n
    return lo, hi


@ijit
def reward_sum(p, scr, tau, end):
    """``(sum_{j=tau+1}^{end} gamma^(j-tau-1) R_j, gamma^(end-tau))``.

    Summed forward from ``R_{tau+1}`` into 0.0; the discount is the running
    product ``1.0 * gamma * gamma ...`` (the reference loops do the same).
    """
    m = p.n + 1
    g = 0.0
    discount = 1.0
    for j in range(tau + 1, end + 1):
        g += discount * scr.rewards[j % m]
        discount *= p.gamma
    return g, discount


@ijit
def backup(p, tab, scr, tau, target):
    """``Q(S_tau, A_tau) += alpha * (target - Q(S_tau, A_tau))``."""
    m = p.n + 1
    q = tab.q
    s = scr.states[tau % m]
    a = scr.actions[tau % m]
    q[s, a] += p.alpha * (target - q[s, a])


def check_n(agent) -> None:
    """Validate and coerce ``agent.n``: an int >= 1."""
    from fastrl.validation import check_int

    object.__setattr__(agent, "n", check_int("n", agent.n, low=1))
