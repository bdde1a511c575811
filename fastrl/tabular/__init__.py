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
