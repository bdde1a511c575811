"""The tabular learner protocol: a frozen config that declares tables and hooks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from fastrl._jit import ijit
from fastrl.schedules import Schedule, as_schedule
from fastrl.tabular._dynamics import FIRST_AGENT_SLOT
from fastrl.tabular.learners.explore import EXPLORE_EPSILON, EXPLORE_SOFTMAX, Exploration
from fastrl.validation import check_real

__all__ = ["TabularAgent", "Table", "Hooks", "FIRST_AGENT_SLOT", "copy_q"]

_EXPLORATIONS = {
    "epsilon_greedy": EXPLORE_EPSILON,
    "epsilon-greedy": EXPLORE_EPSILON,
    "egreedy": EXPLORE_EPSILON,
    "softmax": EXPLORE_SOFTMAX,
    "boltzmann": EXPLORE_SOFTMAX,
}
_DTYPES = {"float64": np.float64, "int64": np.int64, "bool": np.bool_}


@dataclass(frozen=True)
class Table:
    """One array a learner declares: per run (``tables``) or per episode (``scratch``).

    Parameters
    ----------
    shape : tuple of int or str
        Each entry an int or an expression in ``S`` (states), ``A`` (actions),
        ``T`` (the episode step limit) and the config's numeric fields, e.g.
        ``("S", "A")`` or ``("n + 1",)``.
    dtype : {"float64", "int64", "bool"}
    init : float, int, bool, str or None
        Value the driver fills the array with at the start of every run
        (``tables``) or episode (``scratch``): a number, the name of a numeric
        config field (``"initial_value"``), or None for "never refilled" (zeros
        at allocation; the learner must write every entry before reading it).
    """

    shape: tuple = ("S", "A")
    dtype: str = "float64"
    init: Any = 0

    def __post_init__(self):
        if not isinstance(self.shape, tuple) or not all(
            isinstance(d, int | str) and not isinstance(d, bool) for d in self.shape
        ):
            raise TypeError(f"Table shape must be a tuple of ints and strings, got {self.shape!r}")
        if self.dtype not in _DTYPES:
            raise TypeError(f"Table dtype must be one of {sorted(_DTYPES)}, got {self.dtype!r}")
        if self.init is not None and not isinstance(self.init, int | float | str):
            raise TypeError(f"Table init must be a number, a field name or None, got {self.init!r}")


@dataclass(frozen=True)
class Hooks:
    """A learner's numba functions (``@ijit`` or plain; the driver inlines them).

    Signatures (``p`` the config record, ``tab``/``scr`` the tables and scratch
    records, ``ctx`` the exploration context, ``t`` the run's step counter)::

        act(p, tab, scr, ctx, s, t) -> int
        update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t)
        start_episode(p, tab, scr, ctx, s, t)       # optional
        end_episode(p, tab, scr, ctx, t)            # optional
        finish(p, tab, q_out)                       # optional: q_out[:] = tab.q
    """

    act: Any
    update: Any
    start_episode: Any = None
    end_episode: Any = None
    finish: Any = None


#: arity of each hook (the driver passes every argument positionally)
HOOK_ARITY = {"act": 6, "update": 11, "start_episode": 6, "end_episode": 5, "finish": 3}


@ijit
def no_start(p, tab, scr, ctx, s, t):
    pass


@ijit
def no_end(p, tab, scr, ctx, t):
    pass


@ijit
def copy_q(p, tab, q_out):
    """The default ``finish``: the reported Q table is ``tab.q``."""
    q = tab.q
    for s in range(q_out.shape[0]):
        for a in range(q_out.shape[1]):
            q_out[s, a] = q[s, a]


@dataclass(frozen=True, kw_only=True)
class TabularAgent:
    """A tabular learner: a frozen config plus the declaration of its kernel parts.

    Every learner (built-in or a user's) is a subclass, one module each, and runs
    through the one driver of :func:`fastrl.tabular.train`, which compiles it in
    (STYLE K4): per-run ``tables`` and per-episode ``scratch`` arrays it
    allocates and refills, and ``hooks`` it inlines. Exploration is shared: a
    hook selects actions with :func:`fastrl.tabular.learners.explore.select`
    and friends, on the context ``ctx`` the driver makes each episode from the
    options below. See ``docs/custom_learner.md``.

    Parameters
    ----------
    alpha : float
        Step size, in (0, 1].
    gamma : float
        Discount factor, in [0, 1].
    epsilon : float
        Exploration probability of epsilon-greedy selection, in [0, 1].
    exploration : {"epsilon_greedy", "softmax"}
        Action-selection rule (see :mod:`fastrl.tabular.agents`).
    beta : float
        Softmax inverse temperature, > 0 (``inf`` is greedy).
    schedule : Schedule, str or None
        Annealing of ``epsilon`` (or of the softmax temperature ``1 / beta``)
        over episodes; ``None`` keeps it constant.
    bonus : float
        Count-based exploration bonus ``beta_b >= 0`` added to the selection values.
    initial_value : float
        Initial value of every ``Q[s, a]`` (optimistic initialisation if large).

    Attributes
    ----------
    tables : ClassVar[dict[str, Table]]
        Per-run arrays, refilled at the start of each run; ``tab.<name>`` in hooks.
        The reported Q table is ``tab.q`` unless ``hooks.finish`` writes another.
    scratch : ClassVar[dict[str, Table]]
        Per-episode arrays, refilled at the start of each episode; ``scr.<name>``.
    hooks : ClassVar[Hooks]
        The learner's functions. Step ``t`` of a run (counted across episodes,
        from 0): ``a = act(...)``; the environment step; ``update(...)`` with
        ``terminated`` (no bootstrap) and ``truncated`` (the step limit: the
        target still bootstraps). ``start_episode`` runs after the reset (the
        ``t`` of the first step), ``end_episode`` after the last update (``t``
        one past the last step). Numeric config fields are ``p.<field>``.

    Examples
    --------
    A learner is declared, not written into the driver (one-step Q-learning)::

        @ijit
        def act(p, tab, scr, ctx, s, t):
            return explore.select(ctx, tab.q, s, t)

        @ijit
        def update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
            target = r if terminated else r + p.gamma * row_max(tab.q, s_next)
            tab.q[s, a] += p.alpha * (target - tab.q[s, a])

        @dataclass(frozen=True, kw_only=True)
        class MyQ(TabularAgent):
            tables: ClassVar = {"q": Table(("S", "A"), init="initial_value")}
            hooks: ClassVar = Hooks(act=act, update=update)
    """

    alpha: float = 0.1
    gamma: float = 0.99
    epsilon: float = 0.1
    exploration: str = "epsilon_greedy"
    beta: float = 1.0
    schedule: Schedule | str | None = None
    bonus: float = 0.0
    initial_value: float = 0.0

    tables: ClassVar[dict[str, Table]] = {}
    scratch: ClassVar[dict[str, Table]] = {}
    hooks: ClassVar[Hooks | None] = None

    def __post_init__(self):
        if type(self).hooks is None:
            raise TypeError(
                f"{type(self).__name__} declares no hooks: use QLearning, Sarsa, ... or subclass "
                "TabularAgent with tables and hooks (docs/custom_learner.md)"
            )
        put = object.__setattr__
        put(self, "alpha", check_real("alpha", self.alpha, low=0.0, high=1.0, low_open=True))
        put(self, "gamma", check_real("gamma", self.gamma, low=0.0, high=1.0))
        put(self, "epsilon", check_real("epsilon", self.epsilon, low=0.0, high=1.0))
        if not isinstance(self.exploration, str):
            raise TypeError(f"exploration must be a string, got {self.exploration!r}")
        if self.exploration not in _EXPLORATIONS:
            raise ValueError(
                f"exploration must be 'epsilon_greedy' or 'softmax', got {self.exploration!r}"
            )
        code = _EXPLORATIONS[self.exploration]
        put(self, "exploration", "softmax" if code == EXPLORE_SOFTMAX else "epsilon_greedy")
        beta = check_real("beta", self.beta, low=0.0, low_open=True, allow_inf=True)
        put(self, "beta", beta)
        put(self, "schedule", as_schedule(self.schedule))
        if code != EXPLORE_SOFTMAX and self.schedule.floor > 1.0:
            # the floor is a lower bound on epsilon, a probability (the softmax temperature
            # may exceed 1)
            raise ValueError(f"schedule floor must be <= 1 for epsilon, got {self.schedule.floor}")
        put(self, "bonus", check_real("bonus", self.bonus, low=0.0))
        put(self, "initial_value", check_real("initial_value", self.initial_value))


def explore_kind(agent: TabularAgent) -> int:
    """The exploration rule's code (a compile-time constant of the driver)."""
    return _EXPLORATIONS[agent.exploration]


def exploration_settings(agent: TabularAgent) -> Exploration:
    """The run-constant exploration record the driver reads.

    The schedule anneals ``v0``: epsilon, or the softmax temperature ``1 / beta``.
    """
    if explore_kind(agent) == EXPLORE_SOFTMAX:
        v0 = 0.0 if math.isinf(agent.beta) else 1.0 / agent.beta
    else:
        v0 = agent.epsilon
    sched = agent.schedule
    return Exploration(
        float(v0), float(agent.beta), np.int64(sched.code), float(sched.decay),
        float(sched.floor), np.int64(sched.duration), float(agent.bonus),
    )  # fmt: skip
