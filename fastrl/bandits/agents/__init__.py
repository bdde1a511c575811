"""Bandit agents: one module per agent on the :class:`Agent` protocol, and the registry.

:data:`AGENTS` is the one table of built-in agents: the command line's spec
parser, ``fastrl warmup``, the test strategies and the README's table of
agents all read it. Adding a built-in agent takes its module, its reference
loop in ``tests/reference.py`` and one line here.
"""

from __future__ import annotations

from fastrl.bandits.agents._base import Agent
from fastrl.bandits.agents.bayes_ucb import BayesUCB
from fastrl.bandits.agents.discounted_thompson import DiscountedThompsonSampling
from fastrl.bandits.agents.discounted_ucb import DiscountedUCB
from fastrl.bandits.agents.epsilon_greedy import EpsilonGreedy
from fastrl.bandits.agents.exp3 import EXP3, EXP3IX
from fastrl.bandits.agents.explore_then_commit import ExploreThenCommit
from fastrl.bandits.agents.gradient import GradientBandit
from fastrl.bandits.agents.kl_ucb import KLUCB, KLUCBPlus
from fastrl.bandits.agents.moss import MOSS, MOSSAnytime
from fastrl.bandits.agents.sliding_window_ucb import SlidingWindowUCB
from fastrl.bandits.agents.softmax import Softmax
from fastrl.bandits.agents.thompson import ThompsonSampling
from fastrl.bandits.agents.ucb import UCB
from fastrl.bandits.agents.ucb1_tuned import UCB1Tuned
from fastrl.bandits.agents.ucb_v import UCBV

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
    "SlidingWindowUCB",
    "MOSS",
    "MOSSAnytime",
    "UCBV",
    "UCB1Tuned",
    "ExploreThenCommit",
    "DiscountedUCB",
    "KLUCB",
    "KLUCBPlus",
    "BayesUCB",
    "DiscountedThompsonSampling",
    "EXP3",
    "EXP3IX",
]

#: name -> config class of every built-in agent
AGENTS: dict[str, type[Agent]] = {
    "epsilon-greedy": EpsilonGreedy,
    "softmax": Softmax,
    "ucb": UCB,
    "gradient": GradientBandit,
    "thompson": ThompsonSampling,
    "sw-ucb": SlidingWindowUCB,
    "moss": MOSS,
    "moss-anytime": MOSSAnytime,
    "ucb-v": UCBV,
    "ucb1-tuned": UCB1Tuned,
    "etc": ExploreThenCommit,
    "discounted-ucb": DiscountedUCB,
    "kl-ucb": KLUCB,
    "kl-ucb-plus": KLUCBPlus,
    "bayes-ucb": BayesUCB,
    "discounted-thompson": DiscountedThompsonSampling,
    "exp3": EXP3,
    "exp3-ix": EXP3IX,
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
