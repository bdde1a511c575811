"""Agents and problems from short text specs, for the command line.

``parse_agent("epsilon-greedy epsilon=0.1 alpha=0.1")`` gives
``EpsilonGreedy(epsilon=0.1, alpha=0.1)``. Schedules are spelled with
``schedule=1/t``, ``schedule=exponential decay=0.99 floor=0.01`` or
``schedule=linear floor=0.01 duration=500``. A user's agent is named by its
import path: ``"mypkg.agents:EpsilonFirst n=100"``.
"""

from __future__ import annotations

import importlib
import os
import sys

from fastrl.bandits.agents import AGENTS, ALIASES, Agent
from fastrl.bandits.problems import BernoulliBandit, GaussianBandit
from fastrl.schedules import Schedule

__all__ = ["parse_agent", "make_problem", "AGENT_NAMES", "load_agent_class"]

#: every name the parser accepts (the registry's names and their aliases) -> class
AGENT_NAMES = {**AGENTS, **{alias: AGENTS[name] for alias, name in ALIASES.items()}}
_SCHEDULE_KEYS = ("decay", "floor", "duration")


def _value(text: str):
    low = text.lower()
    if low in {"none", "null"}:
        return None
    if low in {"true", "false"}:
        return low == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


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
    kwargs, sched = {}, {}
    for word in words[1:]:
        key, eq, text = word.partition("=")
        if not eq or not key:
            raise ValueError(f"agent option {word!r} must look like key=value")
        takes_schedule = "schedule" in getattr(cls, "__dataclass_fields__", {})
        (sched if key in _SCHEDULE_KEYS and takes_schedule else kwargs)[key] = _value(text)
    if name == "greedy":
        kwargs.setdefault("epsilon", 0.0)
    if sched or "schedule" in kwargs:
        kind = kwargs.pop("schedule", "constant")
        kwargs["schedule"] = Schedule(str(kind), **sched)
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"bad option for {cls.__name__}: {exc}") from None


def load_agent_class(path: str) -> type[Agent]:
    """The agent class named ``"package.module:ClassName"``; ValueError if it is not one."""
    module_name, _, qualname = path.partition(":")
    if not module_name or not qualname:
        raise ValueError(f"agent path {path!r} must look like 'package.module:ClassName'")
    if os.getcwd() not in sys.path:  # as `python -m` does: modules beside the user import
        sys.path.append(os.getcwd())
    try:
        target = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import the module of agent {path!r}: {exc}") from exc
    for part in qualname.split("."):
        target = getattr(target, part, None)
    if not (isinstance(target, type) and issubclass(target, Agent)):
        raise ValueError(f"{path!r} is not a fastrl.bandits.Agent subclass, got {target!r}")
    return target


def make_problem(
    kind: str, *, arms: int, probs=None, means=None, drift_std: float = 0.0, reward_std=1.0
):
    """The CLI's problems: ``testbed``, ``bernoulli`` (``probs`` or random), ``gaussian``."""
    if kind == "testbed":
        return GaussianBandit.testbed(num_arms=arms, reward_std=reward_std, drift_std=drift_std)
    if kind == "bernoulli":
        if probs is None:
            return BernoulliBandit.random(arms, drift_std=drift_std)
        return BernoulliBandit(probs, drift_std=drift_std)
    if kind == "gaussian":
        if means is None:
            raise ValueError("the gaussian problem needs --means, e.g. --means 0,0.5,1")
        return GaussianBandit(means, reward_std=reward_std, drift_std=drift_std)
    raise ValueError(f"problem must be testbed, bernoulli or gaussian, got {kind!r}")
