"""Tabular learners and tasks from short text specs, for ``fastrl train``.

``parse_learner("q-learning alpha=0.1 epsilon=0.1")`` gives
``QLearning(alpha=0.1, epsilon=0.1)``; ``lambda=0.9`` is accepted for the trace
learners' ``lam``; a user's learner is named by its import path
(``"mypkg.learners:MyQ alpha=0.2"``). ``make_task("frozenlake:8x8")`` gives
``frozen_lake("8x8")``: a built-in task name (see :data:`TASKS`), optionally
``:variant`` and ``key=value`` options, or any Gymnasium toy-text id
(``"Taxi-v3"``, ``"CliffWalking-v1 is_slippery=true"``) through
:meth:`TabularMDP.from_gymnasium`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastrl._spec import load_class, parse_options, parse_value
from fastrl.tabular.changing import ChangingMDP, blocking_maze, shortcut_maze
from fastrl.tabular.gridworld import cliff_walking, dyna_maze, frozen_lake, windy_gridworld
from fastrl.tabular.learners import LEARNERS, TabularAgent
from fastrl.tabular.mdp import TabularMDP
from fastrl.tabular.random_walk import random_walk
from fastrl.tabular.tasks_book import gamblers_problem, jacks_car_rental, maximization_bias
from fastrl.tabular.taxi import taxi

__all__ = ["parse_learner", "make_task", "TASKS", "LEARNER_NAMES", "Task"]

#: spellings the command line accepts besides the registry's names
_ALIASES = {
    "q": "q-learning",
    "qlearning": "q-learning",
    "expected_sarsa": "expected-sarsa",
    "double-q-learning": "double-q",
    "dynaq": "dyna-q",
    "sarsa(lambda)": "sarsa-lambda",
    "q(lambda)": "watkins-q-lambda",
    "watkins-q(lambda)": "watkins-q-lambda",
}
_RENAMES = {"lambda": "lam", "lambda_": "lam"}


def _learner_names() -> dict[str, type[TabularAgent]]:
    names = dict(LEARNERS)
    names.update({alias: LEARNERS[name] for alias, name in _ALIASES.items() if name in LEARNERS})
    return names


#: every name :func:`parse_learner` accepts -> class
LEARNER_NAMES = _learner_names()


def parse_learner(spec: str) -> TabularAgent:
    """Build a tabular learner from ``"name key=value ..."``; ValueError names what is wrong."""
    words = spec.split()
    if not words:
        raise ValueError("learner spec is empty; expected e.g. 'q-learning alpha=0.1'")
    name = words[0].lower()
    if ":" in words[0]:
        cls = load_class(words[0], TabularAgent, "learner", "fastrl.tabular.TabularAgent")
    elif name in LEARNER_NAMES:
        cls = LEARNER_NAMES[name]
    else:
        raise ValueError(
            f"unknown learner {words[0]!r}; expected one of {', '.join(LEARNER_NAMES)} "
            "or an import path such as 'mypkg.learners:MyLearner'"
        )
    renames = {k: v for k, v in _RENAMES.items() if v in getattr(cls, "__dataclass_fields__", {})}
    kwargs = parse_options(spec, words[1:], cls, renames)
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"bad option for {cls.__name__}: {exc}") from None


@dataclass(frozen=True)
class Task:
    """A built-in task of :func:`make_task`: its builder, and the keyword a variant sets."""

    build: Callable[..., TabularMDP]
    variant: str | None = None
    help: str = ""


#: built-in task names (``fastrl train --env NAME[:VARIANT] [key=value ...]``)
TASKS: dict[str, Task] = {
    "frozenlake": Task(frozen_lake, "map_name", "FrozenLake-v1; frozenlake:8x8 for the 8x8 map"),
    "cliff": Task(cliff_walking, None, "the cliff walk (example 6.6)"),
    "windy": Task(windy_gridworld, None, "the windy gridworld (example 6.5)"),
    "dyna-maze": Task(dyna_maze, None, "the Dyna maze (example 8.1)"),
    "random-walk": Task(random_walk, "n_states", "the random walk (example 6.2; random-walk:19)"),
    "gambler": Task(gamblers_problem, "goal", "the gambler's problem (example 4.3)"),
    "car-rental": Task(jacks_car_rental, None, "Jack's car rental (example 4.2)"),
    "maximization-bias": Task(maximization_bias, None, "maximization bias (example 6.7)"),
    "taxi": Task(taxi, None, "Gymnasium's Taxi, built natively"),
    "blocking-maze": Task(blocking_maze, "at_step", "the blocking maze (figure 8.4)"),
    "shortcut-maze": Task(shortcut_maze, "at_step", "the shortcut maze (figure 8.5)"),
}
_TASK_ALIASES = {
    "frozen-lake": "frozenlake",
    "frozen_lake": "frozenlake",
    "cliff-walking": "cliff",
    "cliffwalking": "cliff",
    "windy-gridworld": "windy",
    "dynamaze": "dyna-maze",
    "randomwalk": "random-walk",
    "gamblers-problem": "gambler",
    "jacks-car-rental": "car-rental",
}


def make_task(spec: str) -> TabularMDP | ChangingMDP:
    """The MDP named by ``spec`` (a built-in task or a Gymnasium toy-text id)."""
    words = spec.split()
    if not words:
        raise ValueError("env spec is empty; expected e.g. 'frozenlake:8x8' or 'Taxi-v3'")
    head, _, variant = words[0].partition(":")
    key = _TASK_ALIASES.get(head.lower(), head.lower())
    if key in TASKS:
        task = TASKS[key]
        kwargs = parse_options(spec, words[1:], task.build)
        if variant:
            if task.variant is None:
                raise ValueError(f"env {head!r} takes no ':variant', got {words[0]!r}")
            kwargs[task.variant] = parse_value(variant)
        try:
            return task.build(**kwargs)
        except TypeError as exc:
            raise ValueError(f"bad option for env {head!r}: {exc}") from None
    if "-v" in head:  # a Gymnasium id
        return _from_gymnasium(spec, words)
    raise ValueError(
        f"unknown env {words[0]!r}; expected one of {', '.join(TASKS)} "
        "or a Gymnasium toy-text id such as 'Taxi-v3'"
    )


def _from_gymnasium(spec: str, words: list[str]) -> TabularMDP:
    import gymnasium as gym

    kwargs = parse_options(spec, words[1:], dict)
    try:
        env = gym.make(words[0], **kwargs)
    except Exception as exc:  # gymnasium raises its own error types (NameNotFound, ...)
        raise ValueError(f"gymnasium.make({words[0]!r}) failed: {exc}") from None
    try:
        return TabularMDP.from_gymnasium(env)
    except TypeError as exc:
        raise ValueError(f"{words[0]!r} is not a toy-text environment: {exc}") from None
    finally:
        env.close()
