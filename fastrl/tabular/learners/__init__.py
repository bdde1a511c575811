"""Tabular learners as plug-ins of the one learning driver (STYLE K4).

A learner is one module: a frozen config class (a :class:`TabularAgent`
subclass) declaring its per-run ``tables``, per-episode ``scratch`` and small
numba ``hooks``; exploration is the shared :mod:`.explore`. The driver of
:func:`fastrl.tabular.train` is compiled for one learner and one exploration
rule at a time and cached on disk (``fastrl._plugin.driver_module``); a user's
learner goes through the same protocol (``docs/custom_learner.md``,
``examples/custom_learner.py``).

:data:`LEARNERS` maps each built-in learner's name to its config class; the
warm-up and the test strategies read it.
"""

from __future__ import annotations

from fastrl._jit import ijit
from fastrl.tabular.learners import explore
from fastrl.tabular.learners._base import FIRST_AGENT_SLOT, Hooks, Table, TabularAgent
from fastrl.tabular.learners.double_q import DoubleQLearning
from fastrl.tabular.learners.dyna_q import DynaQ
from fastrl.tabular.learners.dyna_q_plus import DynaQPlus
from fastrl.tabular.learners.expected_sarsa import ExpectedSarsa
from fastrl.tabular.learners.monte_carlo import MCControl, MCExploringStarts, MCOffPolicy
from fastrl.tabular.learners.n_step_expected_sarsa import NStepExpectedSarsa
from fastrl.tabular.learners.n_step_sarsa import NStepSarsa
from fastrl.tabular.learners.prioritized_sweeping import PrioritizedSweeping
from fastrl.tabular.learners.q_learning import QLearning
from fastrl.tabular.learners.sarsa import Sarsa
from fastrl.tabular.learners.sarsa_lambda import SarsaLambda
from fastrl.tabular.learners.tree_backup import TreeBackup
from fastrl.tabular.learners.watkins_q_lambda import WatkinsQLambda

__all__ = [
    "TabularAgent",
    "Table",
    "Hooks",
    "FIRST_AGENT_SLOT",
    "explore",
    "ijit",
    "LEARNERS",
    "QLearning",
    "Sarsa",
    "ExpectedSarsa",
    "DoubleQLearning",
    "DynaQ",
    "DynaQPlus",
    "PrioritizedSweeping",
    "MCControl",
    "MCExploringStarts",
    "MCOffPolicy",
]
__all__ += ["NStepSarsa", "NStepExpectedSarsa", "TreeBackup", "SarsaLambda", "WatkinsQLambda"]

#: built-in learners by name
LEARNERS: dict[str, type[TabularAgent]] = {
    "q-learning": QLearning,
    "sarsa": Sarsa,
    "expected-sarsa": ExpectedSarsa,
    "double-q": DoubleQLearning,
    "dyna-q": DynaQ,
    "dyna-q+": DynaQPlus,
    "prioritized-sweeping": PrioritizedSweeping,
    "mc-control": MCControl,
    "mc-exploring-starts": MCExploringStarts,
    "mc-off-policy": MCOffPolicy,
}
LEARNERS |= {
    "n-step-sarsa": NStepSarsa,
    "n-step-expected-sarsa": NStepExpectedSarsa,
    "tree-backup": TreeBackup,
    "sarsa-lambda": SarsaLambda,
    "watkins-q-lambda": WatkinsQLambda,
}
