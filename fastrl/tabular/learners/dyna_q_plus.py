"""Tabular Dyna-Q+ (Sutton & Barto 8.3): Dyna-Q with an exploration bonus in planning."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from fastrl._jit import ijit
from fastrl.rng import randint
from fastrl.tabular.learners._base import Hooks, Table
from fastrl.tabular.learners.dyna_q import DynaQ, plan_key, remember
from fastrl.tabular.learners.q_learning import act_on_q, q_learning_update
from fastrl.validation import check_real

__all__ = ["DynaQPlus"]


@ijit
def plan_plus(q, model_next, model_r, model_term, last, states, num_visited, n_plan, alpha,
              gamma, kappa, key, t):  # fmt: skip
    """``n_plan`` planning updates with the bonus reward ``r + kappa * sqrt(tau)``.

    Update ``j`` draws a visited state uniformly (counter ``2 j`` of the
    sub-key :func:`~.dyna_q.plan_key`) and then any action uniformly (counter
    ``2 j + 1``), tried or not; ``tau = t - last[s, a]`` is the number of steps
    since the pair was last tried (since the run's start if never).
    """
    num_actions = q.shape[1]
    sub = plan_key(key, t)
    for j in range(n_plan):
        ps = states[randint(sub, np.uint64(2 * j), num_visited)]
        pa = randint(sub, np.uint64(2 * j + 1), num_actions)
        r = model_r[ps, pa] + kappa * math.sqrt(t - last[ps, pa])
        q_learning_update(q, ps, pa, r, model_next[ps, pa], model_term[ps, pa], alpha, gamma)


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    q = tab.q
    q_learning_update(q, s, a, r, s_next, terminated, p.alpha, p.gamma)
    num_visited = tab.num_visited[0]
    if not tab.visited[s]:
        # The book's footnote: from a newly visited state, actions never tried are
        # planned with a model that leads back to the same state with reward 0.
        tab.visited[s] = True
        for b in range(q.shape[1]):
            remember(tab, s, b, 0.0, s, False)
        tab.states[num_visited] = s
        num_visited += 1
        tab.num_visited[0] = num_visited
    remember(tab, s, a, r, s_next, terminated)
    tab.last[s, a] = t
    plan_plus(q, tab.model_next, tab.model_r, tab.model_term, tab.last, tab.states,
              num_visited, p.planning_steps, p.alpha, p.gamma, p.kappa, ctx.key, t)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class DynaQPlus(DynaQ):
    """Tabular Dyna-Q+ (Sutton & Barto 8.3) for deterministic environments.

    Dyna-Q (:class:`DynaQ`: a Q-learning step, the model of ``(s, a)`` set to
    the last outcome, ``planning_steps`` Q-learning updates on the model) with
    the changes of section 8.3 and its footnote:

    * a planning update of a pair last tried ``tau`` steps ago (steps counted
      across episodes; since the start of the run for a pair never tried) uses
      the reward ``r + kappa * sqrt(tau)``;
    * planning draws a previously visited state uniformly, then any of its
      actions uniformly; an action never tried from it is modelled as leading
      back to the same state with reward 0.

    Behaviour and the real step are Dyna-Q's (the bonus is only in planning).

    Parameters
    ----------
    planning_steps : int
        Planning updates per real step, >= 0.
    kappa : float
        Weight of the exploration bonus, >= 0 (0: no bonus, but untried actions
        are still planned). The book's mazes want it small (rewards are 1):
        the reproduction of figure 8.4 uses 1e-4, of figure 8.5 1e-3.
    """

    kappa: float = 1e-3

    tables: ClassVar = {
        "q": Table(("S", "A"), init="initial_value"),
        # Written for every action of a state at its first visit, before any read.
        "model_next": Table(("S", "A"), "int64", init=None),
        "model_r": Table(("S", "A"), init=None),
        "model_term": Table(("S", "A"), "bool", init=None),
        "last": Table(("S", "A"), "int64", init=0),  # step at which (s, a) was last tried
        "visited": Table(("S",), "bool", init=False),
        "states": Table(("S",), "int64", init=None),  # read below num_visited only
        "num_visited": Table((1,), "int64"),
    }
    hooks: ClassVar = Hooks(act=act_on_q, update=update)

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "kappa", check_real("kappa", self.kappa, low=0.0))
