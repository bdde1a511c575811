"""The catalogue rows of ``fastrl bench``: every built-in bandit agent against its Python loop.

The issue's job: 10 Bernoulli arms, 10,000 runs x 10,000 steps, on the
2-core machine. Each row times ``simulate`` with the agent's defaults
against the plain-Python loop of the same agent (:mod:`fastrl._loops`) in the
same run; the loop runs a few runs only, its cost per step does not depend
on the number of runs. Targets per kind of agent are the issue's.
"""

from __future__ import annotations

import numpy as np

from fastrl._loops import CURVES, LOOPS, play
from fastrl.bandits import BernoulliBandit, simulate
from fastrl.bandits.agents import AGENTS

#: the arms of the catalogue job
PROBS = tuple(float(p) for p in np.linspace(0.1, 0.9, 10))

#: index policies: >= 40 M agent-steps/s and >= 1000x their Python loop
INDEX = ("ucb", "moss", "moss-anytime", "ucb-v", "ucb1-tuned", "exp3", "exp3-ix", "etc",
         "discounted-ucb", "sw-ucb")  # fmt: skip
#: (agent-steps/s, ratio) targets of the others; every agent >= 300x
TARGETS = {"kl-ucb": (3e6, 300.0), "kl-ucb-plus": (3e6, 300.0), "bayes-ucb": (3e6, 300.0),
           "thompson": (8e6, 300.0)}  # fmt: skip


def targets(name: str) -> tuple[float | None, float]:
    """The issue's ``(agent-steps/s, ratio to the Python loop)`` targets of agent ``name``."""
    if name in INDEX:
        return 40e6, 1000.0
    return TARGETS.get(name, (None, 300.0))


def agent_fastrl(name: str):
    """The workload of agent ``name`` (defaults) on the catalogue job."""

    def make(scale: float = 1.0):
        runs, steps = max(int(10_000 * scale), 64), max(int(10_000 * scale), 100)
        problem, agent = BernoulliBandit(PROBS), AGENTS[name]()
        return runs * steps, lambda: simulate(problem, agent, runs=runs, steps=steps)

    return make


def agent_loop(name: str):
    """The plain-Python loop of agent ``name``: 2 runs x 2000 steps (scaled)."""

    def make(scale: float = 1.0):
        runs, steps = 2, max(int(2000 * scale), 100)
        return runs * steps, lambda: play(name, PROBS, runs, steps)

    return make


def groups(group_class) -> list:
    """One ``group_class`` (``fastrl._bench.Group``) per built-in agent that has a loop."""
    out = []
    for name in AGENTS:
        if name not in LOOPS and name not in CURVES:
            continue
        per_s, ratio = targets(name)
        out.append(
            group_class(
                f"bandit-agent-{name}",
                f"{name}, 10 Bernoulli arms, 10,000 runs x 10,000 steps",
                agent_fastrl(name),
                agent_loop(name),
                f"plain-Python {name} loop",
                per_s,
                ratio,
                "agent-steps",
                repeat=1,
            )
        )
    return out
