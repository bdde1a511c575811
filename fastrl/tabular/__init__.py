"""Tabular MDPs: the model, gridworlds, batched planning, evaluation and model estimation."""

from fastrl.tabular.evaluate import (
    EvaluationResult,
    SearchResult,
    evaluate,
    random_policies,
    random_search,
)
from fastrl.tabular.gridworld import (
    MAPS,
    cliff_walking,
    dyna_maze,
    frozen_lake,
    gridworld,
    random_map,
    windy_gridworld,
)
from fastrl.tabular.mdp import MDPStack, TabularMDP, batched_arrays, stack
from fastrl.tabular.model import (
    Encoder,
    EstimatedModel,
    estimate_model,
    estimate_model_from_episodes,
)
from fastrl.tabular.planning import (
    PlanningResult,
    policy_evaluation,
    policy_iteration,
    value_iteration,
)

__all__ = [
    "TabularMDP",
    "MDPStack",
    "stack",
    "batched_arrays",
    "MAPS",
    "frozen_lake",
    "random_map",
    "cliff_walking",
    "windy_gridworld",
    "dyna_maze",
    "gridworld",
    "PlanningResult",
    "value_iteration",
    "policy_evaluation",
    "policy_iteration",
    "EvaluationResult",
    "SearchResult",
    "evaluate",
    "random_policies",
    "random_search",
    "EstimatedModel",
    "Encoder",
    "estimate_model",
    "estimate_model_from_episodes",
]

# ---- learning (agents.py, train.py; owned by the learning helper) ----
from fastrl.tabular.agents import (  # noqa: E402
    DoubleQLearning,
    DynaQ,
    ExpectedSarsa,
    QLearning,
    Sarsa,
    TabularAgent,
)
from fastrl.tabular.train import TabularComparison, TrainResult, compare, train  # noqa: E402

__all__ += [
    "TabularAgent",
    "QLearning",
    "Sarsa",
    "ExpectedSarsa",
    "DoubleQLearning",
    "DynaQ",
    "TrainResult",
    "TabularComparison",
    "train",
    "compare",
]

# ---- textbook tasks and further solvers (issue 13: tasks_book.py, random_walk.py, taxi.py,
# solvers.py) ----
from fastrl.tabular.random_walk import random_walk  # noqa: E402
from fastrl.tabular.solvers import (  # noqa: E402
    FiniteHorizonResult,
    backward_induction,
    modified_policy_iteration,
)
from fastrl.tabular.tasks_book import (  # noqa: E402
    gamblers_problem,
    jacks_car_rental,
    maximization_bias,
)
from fastrl.tabular.taxi import TAXI_MAP, taxi  # noqa: E402

__all__ += [
    "random_walk",
    "gamblers_problem",
    "jacks_car_rental",
    "maximization_bias",
    "TAXI_MAP",
    "taxi",
    "FiniteHorizonResult",
    "modified_policy_iteration",
    "backward_induction",
]

# ---- chapter 8: changing maps, Dyna-Q+, prioritized sweeping (changing.py) ----
from fastrl.tabular.agents import DynaQPlus, PrioritizedSweeping  # noqa: E402
from fastrl.tabular.changing import (  # noqa: E402
    ChangingMDP,
    blocking_maze,
    changing_gridworld,
    cumulative_reward,
    shortcut_maze,
)

__all__ += [
    "DynaQPlus",
    "PrioritizedSweeping",
    "ChangingMDP",
    "changing_gridworld",
    "blocking_maze",
    "shortcut_maze",
    "cumulative_reward",
]

# ---- Monte Carlo methods and prediction (issue 13: blackjack.py, monte_carlo.py, predict.py) ----
from fastrl.tabular.agents import MCControl, MCExploringStarts, MCOffPolicy  # noqa: E402
from fastrl.tabular.blackjack import blackjack  # noqa: E402
from fastrl.tabular.learners.monte_carlo import exploring_starts  # noqa: E402

__all__ += ["MCControl", "MCExploringStarts", "MCOffPolicy", "blackjack", "exploring_starts"]

from fastrl.tabular.predict import PredictionResult, predict  # noqa: E402

__all__ += ["predict", "PredictionResult"]
# ---- multi-step and eligibility-trace learners (learners/, owned by the traces helper) ----
from fastrl.tabular.agents import (  # noqa: E402
    NStepExpectedSarsa,
    NStepSarsa,
    SarsaLambda,
    TreeBackup,
    WatkinsQLambda,
)

__all__ += ["NStepSarsa", "NStepExpectedSarsa", "TreeBackup", "SarsaLambda", "WatkinsQLambda"]
