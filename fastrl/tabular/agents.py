"""Tabular learning agents: frozen, validated configurations.

Each class names one update rule of Sutton & Barto (2018); all share the same
exploration options and run through the single driver kernel of
:mod:`fastrl.tabular.train`.

Exploration
-----------
``exploration="epsilon_greedy"`` (default)
    With probability ``epsilon`` a uniformly random action, else a greedy one
    with ties broken uniformly at random. ``schedule`` anneals ``epsilon`` with
    the episode index as counter (``fastrl.schedules``).
``exploration="softmax"``
    ``P(a)`` proportional to ``exp(beta * v[a])``; ``schedule`` anneals the
    temperature ``1 / beta`` (so ``Schedule("exponential", decay=0.99)`` makes
    the policy greedier over episodes; a temperature of 0 is greedy).
``bonus=beta_b``
    Count-based exploration bonus: actions are selected on
    ``v[a] = Q[s, a] + beta_b / sqrt(max(N(s, a), 1))`` where ``N(s, a)`` counts
    the times ``a`` was taken in ``s`` so far in the run. Untried pairs
    (``N = 0``) get the same finite bonus ``beta_b`` as pairs tried once. The
    bonus changes only which action is taken, never a learning target
    (Expected SARSA's expectation uses the behaviour policy's probabilities,
    computed on the bonus values, of the plain ``Q``).

Examples
--------
>>> from fastrl.tabular import QLearning, Sarsa
>>> QLearning(alpha=0.5, gamma=1.0, epsilon=0.1)  # doctest: +ELLIPSIS
QLearning(alpha=0.5, gamma=1.0, ...)
>>> Sarsa(exploration="softmax", beta=2.0).exploration
'softmax'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from fastrl.schedules import Schedule, as_schedule
from fastrl.tabular import _learn_kernels as K
from fastrl.validation import check_int, check_real

__all__ = ["TabularAgent", "QLearning", "Sarsa", "ExpectedSarsa", "DoubleQLearning", "DynaQ"]

_EXPLORATIONS = {
    "epsilon_greedy": K.EXPLORE_EPSILON,
    "epsilon-greedy": K.EXPLORE_EPSILON,
    "egreedy": K.EXPLORE_EPSILON,
    "softmax": K.EXPLORE_SOFTMAX,
    "boltzmann": K.EXPLORE_SOFTMAX,
}


@dataclass(frozen=True, kw_only=True)
class TabularAgent:
    """Options shared by every tabular learner (use a subclass).

    Parameters
    ----------
    alpha : float
        Step size, in (0, 1].
    gamma : float
        Discount factor, in [0, 1].
    epsilon : float
        Exploration probability of epsilon-greedy selection, in [0, 1].
    exploration : {"epsilon_greedy", "softmax"}
        Action-selection rule (see the module docstring).
    beta : float
        Softmax inverse temperature, > 0 (``inf`` is greedy).
    schedule : Schedule, str or None
        Annealing of ``epsilon`` (or of the softmax temperature ``1 / beta``)
        over episodes; ``None`` keeps it constant.
    bonus : float
        Count-based exploration bonus ``beta_b >= 0`` added to the selection values.
    initial_value : float
        Initial value of every ``Q[s, a]`` (optimistic initialisation if large).
    """

    alpha: float = 0.1
    gamma: float = 0.99
    epsilon: float = 0.1
    exploration: str = "epsilon_greedy"
    beta: float = 1.0
    schedule: Schedule | str | None = None
    bonus: float = 0.0
    initial_value: float = 0.0

    algorithm: ClassVar[int] = -1

    def __post_init__(self):
        if type(self) is TabularAgent:
            raise TypeError("TabularAgent is abstract: use QLearning, Sarsa, ExpectedSarsa, ...")
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
        put(self, "exploration", "softmax" if code == K.EXPLORE_SOFTMAX else "epsilon_greedy")
        beta = check_real("beta", self.beta, low=0.0, low_open=True, allow_inf=True)
        put(self, "beta", beta)
        put(self, "schedule", as_schedule(self.schedule))
        put(self, "bonus", check_real("bonus", self.bonus, low=0.0))
        put(self, "initial_value", check_real("initial_value", self.initial_value))

    @property
    def exploration_code(self) -> int:
        """Integer code of the exploration rule passed to the kernel."""
        return _EXPLORATIONS[self.exploration]

    @property
    def explore_v0(self) -> float:
        """Start value the schedule anneals: epsilon, or the softmax temperature ``1 / beta``."""
        if self.exploration_code == K.EXPLORE_SOFTMAX:
            return 0.0 if math.isinf(self.beta) else 1.0 / self.beta
        return self.epsilon

    @property
    def planning_steps_(self) -> int:
        """Planning updates per real step (0 except for Dyna-Q)."""
        return 0


@dataclass(frozen=True, kw_only=True)
class QLearning(TabularAgent):
    """Q-learning (Watkins 1989; Sutton & Barto 6.5): target ``r + gamma * max_a Q[s', a]``."""

    algorithm: ClassVar[int] = K.ALG_Q_LEARNING


@dataclass(frozen=True, kw_only=True)
class Sarsa(TabularAgent):
    """SARSA (Sutton & Barto 6.4): target ``r + gamma * Q[s', a']`` with ``a'`` the next action.

    ``a'`` is selected (with the draws of the step at which it is taken) before
    ``Q[s, a]`` is updated, and is then taken. On a truncated last step the
    target still bootstraps from a selected ``a'`` that is not taken.
    """

    algorithm: ClassVar[int] = K.ALG_SARSA


@dataclass(frozen=True, kw_only=True)
class ExpectedSarsa(TabularAgent):
    """Expected SARSA (Sutton & Barto 6.6): target ``r + gamma * sum_a pi(a|s') Q[s', a]``.

    ``pi`` is the behaviour policy in force: epsilon-greedy (greedy mass shared
    equally among tied maxima) or softmax, on the selection values (with the
    bonus, if any).
    """

    algorithm: ClassVar[int] = K.ALG_EXPECTED_SARSA


@dataclass(frozen=True, kw_only=True)
class DoubleQLearning(TabularAgent):
    """Double Q-learning (van Hasselt 2010; Sutton & Barto 6.7).

    Two tables; a fair coin from the agent stream picks the one to update, with
    target ``r + gamma * Q2[s', argmax_a Q1[s', a]]`` (ties broken at random).
    Actions are selected on ``Q1 + Q2``; the reported Q table is ``(Q1 + Q2) / 2``.
    """

    algorithm: ClassVar[int] = K.ALG_DOUBLE_Q


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

    algorithm: ClassVar[int] = K.ALG_DYNA_Q

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(
            self, "planning_steps", check_int("planning_steps", self.planning_steps, low=0)
        )

    @property
    def planning_steps_(self) -> int:
        return self.planning_steps
