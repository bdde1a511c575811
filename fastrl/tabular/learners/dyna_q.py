"""Tabular Dyna-Q (Sutton & Barto 8.2) for deterministic environments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from fastrl._jit import ijit
from fastrl.rng import counter, mix64, randint, random_u64
from fastrl.tabular.learners._base import FIRST_AGENT_SLOT, Hooks, Table, TabularAgent
from fastrl.tabular.learners.q_learning import act_on_q, q_learning_update
from fastrl.validation import MAX_SIZE, check_int

__all__ = ["DynaQ", "SLOT_PLAN", "plan_key", "remember"]

#: agent-stream slot whose draw seeds the sub-key of the planning draws
SLOT_PLAN = FIRST_AGENT_SLOT + 2


@ijit
def plan_key(key, t):
    """The sub-key of step ``t``'s planning draws: ``mix64(random_u64(key, c))``.

    ``c = counter(t, SLOT_PLAN)``.

    Planning update ``j`` of the step draws at counters of this sub-key (Dyna-Q:
    ``j``), so any number of planning draws never collides with the step's other
    draws.
    """
    return mix64(random_u64(key, counter(t, SLOT_PLAN)))


@ijit
def remember(tab, s, a, r, s_next, terminated):
    """The deterministic model of ``(s, a)`` becomes the last outcome observed (8.2, step (e))."""
    tab.model_next[s, a] = s_next
    tab.model_r[s, a] = r
    tab.model_term[s, a] = terminated


@ijit
def plan(q, model_next, model_r, model_term, observed, num_observed, n_plan, alpha, gamma, key, t):
    """Sutton & Barto 8.2, step (f): ``n_plan`` updates on remembered pairs.

    Pair ``j`` is drawn uniformly from the list of observed pairs with the
    sub-key :func:`plan_key` at counter ``j``.
    """
    num_actions = q.shape[1]
    sub = plan_key(key, t)
    for j in range(n_plan):
        pair = observed[randint(sub, np.uint64(j), num_observed)]
        ps = pair // num_actions
        pa = pair - ps * num_actions
        q_learning_update(
            q, ps, pa, model_r[ps, pa], model_next[ps, pa], model_term[ps, pa], alpha, gamma
        )


@ijit
def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    q = tab.q
    q_learning_update(q, s, a, r, s_next, terminated, p.alpha, p.gamma)
    remember(tab, s, a, r, s_next, terminated)
    num_observed = tab.num_observed[0]
    if not tab.seen[s, a]:  # first visit: remember the pair
        tab.seen[s, a] = True
        tab.observed[num_observed] = s * q.shape[1] + a
        num_observed += 1
        tab.num_observed[0] = num_observed
    plan(q, tab.model_next, tab.model_r, tab.model_term, tab.observed, num_observed,
         p.planning_steps, p.alpha, p.gamma, ctx.key, t)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class DynaQ(TabularAgent):
    """Tabular Dyna-Q (Sutton & Barto 8.2) for deterministic environments.

    After each real Q-learning step, the model of ``(s, a)`` becomes the last
    observed ``(s', r, terminated)`` and ``planning_steps`` Q-learning updates
    are made on previously observed pairs drawn uniformly at random.

    Parameters
    ----------
    planning_steps : int
        Planning updates per real step, >= 0 (0 is plain Q-learning).
    """

    planning_steps: int = 5

    tables: ClassVar = {
        "q": Table(("S", "A"), init="initial_value"),
        # The model is read only for pairs seen in this run, which wrote it first:
        # never refilled between runs.
        "model_next": Table(("S", "A"), "int64", init=None),
        "model_r": Table(("S", "A"), init=None),
        "model_term": Table(("S", "A"), "bool", init=None),
        "seen": Table(("S", "A"), "bool", init=False),
        "observed": Table(("S * A",), "int64", init=None),  # read below num_observed only
        "num_observed": Table((1,), "int64"),
    }
    hooks: ClassVar = Hooks(act=act_on_q, update=update)

    def __post_init__(self):
        super().__post_init__()
        steps = check_int("planning_steps", self.planning_steps, low=0, high=MAX_SIZE)
        object.__setattr__(self, "planning_steps", steps)
