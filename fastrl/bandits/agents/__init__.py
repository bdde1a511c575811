"""Bandit agents: one module per agent on the :class:`Agent` protocol, and the registry.

:data:`AGENTS` is the one table of built-in agents: the command line's spec
parser, ``fastrl warmup``, the test strategies and the README's table of
agents all read it. Adding a built-in agent takes its module, its reference
loop in ``tests/reference.py`` and one line here.
"""

from __future__ import annotations

from fastrl.bandits.agents._base import Agent
from fastrl.bandits.agents.bayes_ucb import BayesUCB
from fastrl.bandits.agents.epsilon_greedy import EpsilonGreedy
from fastrl.bandits.agents.gradient import GradientBandit
from fastrl.bandits.agents.kl_ucb import KLUCB, KLUCBPlus
from fastrl.bandits.agents.softmax import Softmax
from fastrl.bandits.agents.thompson import ThompsonSampling
from fastrl.bandits.agents.ucb import UCB

__all__ = [
    "Agent",
    "AGENTS",
    "ALIASES",
    "BanditAgent",
    "EpsilonGreedy",
    "Softmax",
    "UCB",
    "GradientBandit",
    "ThompsonSampling",
    "KLUCB",
    "KLUCBPlus",
    "BayesUCB",
]

#: name -> config class of every built-in agent
AGENTS: dict[str, type[Agent]] = {
    "epsilon-greedy": EpsilonGreedy,
    "softmax": Softmax,
    "ucb": UCB,
    "gradient": GradientBandit,
    "thompson": ThompsonSampling,
    "kl-ucb": KLUCB,
    "kl-ucb-plus": KLUCBPlus,
    "bayes-ucb": BayesUCB,
}

#: other names the command line accepts -> a name of :data:`AGENTS`
ALIASES: dict[str, str] = {
    "egreedy": "epsilon-greedy",
    "greedy": "epsilon-greedy",
    "boltzmann": "softmax",
    "reinforcement-comparison": "gradient",
    "klucb": "kl-ucb",
    "klucb-plus": "kl-ucb-plus",
}

BanditAgent = Agent


def table() -> str:
    """The README's markdown table of built-in agents, generated from :data:`AGENTS`."""
    aliases = {name: [a for a, n in ALIASES.items() if n == name] for name in AGENTS}
    rows = ["| `--agent` name | class | what it is |", "| --- | --- | --- |"]
    for name, cls in AGENTS.items():
        names = ", ".join(f"`{n}`" for n in [name, *aliases[name]])
        summary = (cls.__doc__ or "").strip().split("\n\n")[0].replace("``", "`")
        rows.append(f"| {names} | `{cls.__name__}` | {' '.join(summary.split())} |")
    return "\n".join(rows)
