"""Tabular learning agents: frozen, validated configurations.

Each class names one update rule of Sutton & Barto (2018); all share the same
exploration options and run through the single learning driver of
:func:`fastrl.tabular.train`. Each lives in its own module of
:mod:`fastrl.tabular.learners` (the plug-in protocol); this module re-exports them.

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

from fastrl.tabular.learners import (
    DoubleQLearning,
    DynaQ,
    DynaQPlus,
    ExpectedSarsa,
    PrioritizedSweeping,
    QLearning,
    Sarsa,
    TabularAgent,
)

__all__ = ["TabularAgent", "QLearning", "Sarsa", "ExpectedSarsa", "DoubleQLearning", "DynaQ"]
__all__ += ["DynaQPlus", "PrioritizedSweeping"]

from fastrl.tabular.learners import MCControl, MCExploringStarts, MCOffPolicy  # noqa: E402

__all__ += ["MCControl", "MCExploringStarts", "MCOffPolicy"]

# ---- multi-step and eligibility-trace control (Sutton & Barto 7, 12) ----
from fastrl.tabular.learners import (  # noqa: E402
    NStepExpectedSarsa,
    NStepSarsa,
    SarsaLambda,
    TreeBackup,
    WatkinsQLambda,
)

__all__ += ["NStepSarsa", "NStepExpectedSarsa", "TreeBackup", "SarsaLambda", "WatkinsQLambda"]
