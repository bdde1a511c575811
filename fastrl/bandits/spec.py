"""Agents and problems from short text specs, for the command line.

``parse_agent("epsilon-greedy epsilon=0.1 alpha=0.1")`` gives
``EpsilonGreedy(epsilon=0.1, alpha=0.1)``. Schedules are spelled with
``schedule=1/t``, ``schedule=exponential decay=0.99 floor=0.01`` or
``schedule=linear floor=0.01 duration=500``. A user's agent is named by its
import path: ``"mypkg.agents:EpsilonFirst n=100"``.
"""

from __future__ import annotations

from fastrl._spec import load_class, parse_options
from fastrl.bandits.agents import AGENTS, ALIASES, Agent
from fastrl.bandits.problems import (
    BernoulliBandit,
    BetaBandit,
    ExponentialBandit,
    GaussianBandit,
    PoissonBandit,
)

__all__ = ["parse_agent", "make_problem", "PROBLEM_KINDS", "AGENT_NAMES", "load_agent_class"]

#: the problem kinds of ``fastrl bandit --problem`` (alias ``--family``)
PROBLEM_KINDS = ("testbed", "bernoulli", "gaussian", "poisson", "exponential", "beta")

#: every name the parser accepts (the registry's names and their aliases) -> class
AGENT_NAMES = {**AGENTS, **{alias: AGENTS[name] for alias, name in ALIASES.items()}}


def parse_agent(spec: str):
    """Build an agent from ``"name key=value ..."``; raises ValueError naming what is wrong."""
    words = spec.split()
    if not words:
        raise ValueError("agent spec is empty; expected e.g. 'epsilon-greedy epsilon=0.1'")
    name = words[0].lower()
    if ":" in words[0]:
        cls = load_agent_class(words[0])
    elif name in AGENT_NAMES:
        cls = AGENT_NAMES[name]
    else:
        raise ValueError(
            f"unknown agent {words[0]!r}; expected one of {', '.join(AGENT_NAMES)} "
            "or an import path such as 'mypkg.agents:MyAgent'"
        )
    kwargs = parse_options(spec, words[1:], cls)
    if name == "greedy":
        kwargs.setdefault("epsilon", 0.0)
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"bad option for {cls.__name__}: {exc}") from None


def load_agent_class(path: str) -> type[Agent]:
    """The agent class named ``"package.module:ClassName"``; ValueError if it is not one."""
    return load_class(path, Agent, "agent", "fastrl.bandits.Agent")


def make_problem(
    kind: str, *, arms: int, probs=None, means=None, drift_std: float = 0.0, reward_std=1.0,
    concentration: float = 2.0, low: float | None = None, high: float | None = None,
    change_points=None, change_rate: float = 0.0,
):  # fmt: skip
    """The CLI's problems, one kind per arm family (:data:`PROBLEM_KINDS`).

    ``testbed``: Gaussian means drawn per run (``arms``). ``bernoulli`` takes
    ``probs``, the other families ``means``; without them the means are drawn
    per run uniformly from ``[low, high)`` (``bernoulli`` and ``beta`` default
    to [0, 1); ``poisson`` and ``exponential`` need both). ``probs``/``means``
    is a list of numbers, or a list of rows, one per segment, with
    ``change_points``; drawn means with ``change_points`` or ``change_rate``
    are drawn afresh per segment. Raises ValueError naming what is wrong.
    """
    if kind not in PROBLEM_KINDS:
        raise ValueError(f"problem must be one of {', '.join(PROBLEM_KINDS)}, got {kind!r}")
    values = probs if kind == "bernoulli" else means
    flag = "--probs" if kind == "bernoulli" else "--means"
    if values is not None and values and isinstance(values[0], list | tuple):
        if change_points is None:
            raise ValueError(f"{flag} with one row per segment (a/b) needs --change-points")
        if len(values) == 1:
            values = values[0]
    piece = dict(drift_std=drift_std, change_points=change_points, change_rate=change_rate)
    if kind == "testbed":
        return GaussianBandit.testbed(num_arms=arms, reward_std=reward_std, **piece)
    if kind == "gaussian":
        if values is None:
            raise ValueError("the gaussian problem needs --means, e.g. --means 0,0.5,1")
        return GaussianBandit(values, reward_std=reward_std, **piece)
    cls, extra = {
        "bernoulli": (BernoulliBandit, {}),
        "poisson": (PoissonBandit, {}),
        "exponential": (ExponentialBandit, {}),
        "beta": (BetaBandit, {"concentration": concentration}),
    }[kind]
    if values is not None:
        return cls(values, **extra, **piece)
    if kind in ("poisson", "exponential") and (low is None or high is None):
        raise ValueError(
            f"the {kind} problem needs --means (e.g. --means 1,2,3), or --low and --high "
            "for means drawn per run"
        )
    low = 0.0 if low is None else low
    high = 1.0 if high is None else high
    return cls(None, num_arms=arms, low=low, high=high, **extra, **piece)
