"""Monte Carlo control (Sutton & Barto 5.3, 5.4, 5.7): learn Q from whole-episode returns.

Each learner records the episode in scratch buffers of the episode step limit
``T`` (``update`` only appends ``s, a, r``) and makes its updates in
``end_episode``, walking the episode backwards with ``G = gamma * G + r``. A
truncated episode (the step limit) is used as it is: its return does not
bootstrap.

First visits are found without a per-episode refill: the per-run table
``seen[s, a]`` holds the run step ``t`` of the last first visit of ``(s, a)``;
``t`` counts steps across episodes, so ``(s, a)`` was visited in this episode
iff ``seen[s, a] >= t0`` (the episode's first step). A refill of ``S x A``
entries per episode would cost more than a whole Blackjack game.

A step is recorded by its flat pair index ``k = s * A + a``, and the tables
are read through flat views (:func:`fastrl._borrow.borrow_flat`): one buffer
fewer and no 2-D address arithmetic per update (measured, Blackjack, one
thread, alternated in one process: 1.03-1.12x).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from fastrl._borrow import borrow_flat
from fastrl._jit import ijit
from fastrl._math import exp
from fastrl.policies import row_max
from fastrl.rng import counter, randint
from fastrl.tabular.learners import explore
from fastrl.tabular.learners._base import FIRST_AGENT_SLOT, Hooks, Table, TabularAgent
from fastrl.tabular.mdp import TabularMDP
from fastrl.validation import check_bool

__all__ = ["MCControl", "MCExploringStarts", "MCOffPolicy", "exploring_starts", "SLOT_START"]

#: agent-stream slot of the exploring start's first action (at the episode's first step)
SLOT_START = FIRST_AGENT_SLOT

_BUFFERS = {
    "t0": Table((1,), "int64", init=None),  # written by start_episode
    "pairs": Table(("T",), "int64", init=None),  # s * A + a; read below the episode length only
    "rewards": Table(("T",), init=None),
}
_TABLES = {
    "q": Table(("S", "A"), init="initial_value"),
    "n": Table(("S", "A")),  # visits, or the cumulative weights C of weighted IS
    "seen": Table(("S", "A"), "int64", init=-1),
}


@ijit
def start_episode(p, tab, scr, ctx, s, t):
    scr.t0[0] = t


@ijit
def act(p, tab, scr, ctx, s, t):
    return explore.select(ctx, tab.q, s, t)


@ijit
def act_exploring(p, tab, scr, ctx, s, t):
    if t == scr.t0[0]:  # the exploring start: a uniformly random first action
        return randint(ctx.key, counter(t, SLOT_START), tab.q.shape[1])
    return explore.select(ctx, tab.q, s, t)


@ijit
def record(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    t0 = scr.t0[0]
    j = t - t0
    k = s * tab.q.shape[1] + a
    scr.pairs[j] = k
    scr.rewards[j] = r
    seen = borrow_flat(tab.seen)  # the tables outlive the call (driver-owned)
    ku = np.uint64(k)
    if seen[ku] < t0:
        seen[ku] = t


@ijit
def record_with_state(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    """:func:`record`, and the state (the off-policy walk reads its row of Q)."""
    record(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t)
    scr.states[t - scr.t0[0]] = s


@ijit
def on_policy_end(p, tab, scr, ctx, t):
    """5.3/5.4: ``Q(s, a)`` moves to each (first-visit) return, by ``1 / N(s, a)`` or ``alpha``."""
    q, n, seen = borrow_flat(tab.q), borrow_flat(tab.n), borrow_flat(tab.seen)
    t0 = scr.t0[0]
    g = 0.0
    for j in range(t - t0 - 1, -1, -1):
        g = p.gamma * g + scr.rewards[j]
        k = np.uint64(scr.pairs[j])
        if p.first_visit and seen[k] != t0 + j:
            continue
        if p.average:
            n[k] += 1.0
            q[k] += (g - q[k]) / n[k]
        else:
            q[k] += p.alpha * (g - q[k])


@ijit
def behaviour_prob(ctx, q, s, a):
    """Probability that the behaviour policy (``ctx``'s rule on ``q[s]``) takes ``a``."""
    explore.fill_row(ctx, q, s)
    row = ctx.row
    num_actions = row.shape[1]
    vmax = row_max(row, 0)
    if ctx.rule == explore.EXPLORE_SOFTMAX and not math.isinf(ctx.param):
        norm = 0.0
        for b in range(num_actions):
            norm += exp(ctx.param * (row[0, b] - vmax))
        return exp(ctx.param * (row[0, a] - vmax)) / norm
    epsilon = 0.0 if ctx.rule == explore.EXPLORE_SOFTMAX else ctx.param
    ties = 0
    for b in range(num_actions):
        if row[0, b] == vmax:
            ties += 1
    prob = epsilon / num_actions
    if row[0, a] == vmax:
        prob += (1.0 - epsilon) / ties
    return prob


@ijit
def act_recording(p, tab, scr, ctx, s, t):
    a = explore.select(ctx, tab.q, s, t)
    scr.bprob[t - scr.t0[0]] = behaviour_prob(ctx, tab.q, s, a)
    return a


@ijit
def off_policy_end(p, tab, scr, ctx, t):
    """5.7: importance-sampled returns of the greedy target policy (weighted or ordinary)."""
    q, n, seen = borrow_flat(tab.q), borrow_flat(tab.n), borrow_flat(tab.seen)
    t0 = scr.t0[0]
    g = 0.0
    w = 1.0
    for j in range(t - t0 - 1, -1, -1):
        g = p.gamma * g + scr.rewards[j]
        k = np.uint64(scr.pairs[j])
        if not p.first_visit or seen[k] == t0 + j:
            if p.weighted:
                n[k] += w
                q[k] += (w / n[k]) * (g - q[k])
            else:  # ordinary IS: every visit counts, a zero weight included
                n[k] += 1.0
                q[k] += (w * g - q[k]) / n[k]
        if w != 0.0:
            if q[k] < row_max(tab.q, scr.states[j]):  # a_t is not greedy: pi(a_t | s_t) = 0
                w = 0.0
            else:
                w /= scr.bprob[j]
        if w == 0.0 and p.weighted:  # no later update changes anything
            break


def _check_flags(agent, names):
    for name in names:
        object.__setattr__(agent, name, check_bool(name, getattr(agent, name)))


@dataclass(frozen=True, kw_only=True)
class MCControl(TabularAgent):
    """On-policy Monte Carlo control with an epsilon-soft policy (Sutton & Barto 5.4).

    The behaviour is the shared exploration (epsilon-greedy on Q by default:
    the book's epsilon-soft policy). At the end of each episode, for each step
    from the last back (``G = gamma * G + r``), ``Q(s, a)`` moves toward ``G``.

    Parameters
    ----------
    first_visit : bool
        Update only at the first visit of ``(s, a)`` in the episode (the book's
        algorithm); False: every visit.
    average : bool
        Sample averages, ``Q += (G - Q) / N(s, a)`` (the book's); False:
        constant step ``alpha``.

    Examples
    --------
    >>> from fastrl.tabular import MCControl, train
    >>> from fastrl.tabular.blackjack import blackjack
    >>> res = train(blackjack(), MCControl(gamma=1.0, epsilon=0.1), runs=4, episodes=1000)
    >>> res.q.shape
    (4, 291, 2)
    """

    first_visit: bool = True
    average: bool = True

    tables: ClassVar = _TABLES
    scratch: ClassVar = _BUFFERS
    hooks: ClassVar = Hooks(act=act, update=record, start_episode=start_episode,
                            end_episode=on_policy_end)  # fmt: skip

    def __post_init__(self):
        super().__post_init__()
        _check_flags(self, ("first_visit", "average"))


@dataclass(frozen=True, kw_only=True)
class MCExploringStarts(MCControl):
    """Monte Carlo with exploring starts (Sutton & Barto 5.3).

    The first action of every episode is uniformly random (agent-stream draw
    ``(t0, SLOT_START)``), then the policy is greedy on Q (``epsilon=0`` by
    default; ties broken at random). Start states come from the MDP: use
    :func:`exploring_starts` for the book's uniform start over all
    non-terminal states. Updates as :class:`MCControl`.
    """

    epsilon: float = 0.0

    hooks: ClassVar = Hooks(act=act_exploring, update=record, start_episode=start_episode,
                            end_episode=on_policy_end)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class MCOffPolicy(TabularAgent):
    """Off-policy Monte Carlo control (Sutton & Barto 5.7), weighted or ordinary IS.

    The behaviour ``b`` is the shared exploration on Q (epsilon-greedy by
    default, soft for ``epsilon > 0``); its probability of each action taken
    is recorded when it is taken. The target ``pi`` is greedy on Q: walking
    back, ``W`` (the product of ``pi / b`` after step ``j``) weights the return;
    ``W`` becomes 0 at the first step whose action is not greedy on the
    updated Q (an action among tied maximisers counts as greedy).

    Parameters
    ----------
    weighted : bool
        Weighted IS, ``C += W; Q += W / C (G - Q)`` (the book's); False:
        ordinary IS, ``Q`` the average of ``W G`` over visits (zero weights
        count).
    first_visit : bool
        Update only at first visits (``W`` still runs over every step);
        default False, every visit, as the book's algorithm.
    """

    epsilon: float = 0.3
    weighted: bool = True
    first_visit: bool = False

    tables: ClassVar = _TABLES
    scratch: ClassVar = {
        **_BUFFERS,
        "states": Table(("T",), "int64", init=None),
        "bprob": Table(("T",), init=None),
    }
    hooks: ClassVar = Hooks(act=act_recording, update=record_with_state,
                            start_episode=start_episode, end_episode=off_policy_end)  # fmt: skip

    def __post_init__(self):
        super().__post_init__()
        _check_flags(self, ("weighted", "first_visit"))


def exploring_starts(mdp: TabularMDP, states=None) -> TabularMDP:
    """``mdp`` with a uniform initial distribution over its non-terminal states (5.3).

    Parameters
    ----------
    mdp : TabularMDP
    states : array of bool (S,) or of int, optional
        The start states; default: every state that is not absorbing (some
        action leaves it with positive probability).

    Returns
    -------
    TabularMDP
    """
    if not isinstance(mdp, TabularMDP):
        raise TypeError(f"mdp must be a TabularMDP, got {type(mdp).__name__}")
    S = mdp.num_states
    if states is None:
        stays = (mdp.next_state == np.arange(S)[:, None, None]) | (mdp.prob == 0.0)
        mask = ~stays.all(axis=(1, 2))
    else:
        try:
            arr = np.asarray(states)
        except ValueError:  # ragged
            raise ValueError(f"states must be a bool mask ({S},) or a 1-D int array") from None
        if arr.dtype == bool and arr.shape == (S,):
            mask = arr
        elif arr.dtype.kind in "iu" and arr.ndim == 1:
            if arr.size and (arr.min() < 0 or arr.max() >= S):
                raise ValueError(f"states must lie in [0, {S}), got {arr.min()} to {arr.max()}")
            mask = np.zeros(S, dtype=bool)
            mask[arr] = True
        else:
            raise TypeError(f"states must be a bool mask ({S},) or an int array, got {arr.dtype}")
    if not mask.any():
        raise ValueError("states: no start state")
    return dataclasses.replace(mdp, initial=mask / mask.sum(), name=mdp.name + "-ES")
