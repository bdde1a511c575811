"""Batched k-armed bandits: problems, agents, ``simulate`` and ``compare``."""

from fastrl.bandits.agents import (
    UCB,
    Agent,
    EpsilonGreedy,
    GradientBandit,
    SlidingWindowUCB,
    Softmax,
    ThompsonSampling,
)
from fastrl.bandits.compare import Comparison, compare
from fastrl.bandits.problems import (
    BanditProblem,
    BernoulliBandit,
    BetaBandit,
    ExponentialBandit,
    GaussianBandit,
    PoissonBandit,
)
from fastrl.bandits.simulate import BanditResult, simulate

__all__ = [
    "Agent",
    "BanditProblem",
    "BernoulliBandit",
    "GaussianBandit",
    "PoissonBandit",
    "ExponentialBandit",
    "BetaBandit",
    "EpsilonGreedy",
    "Softmax",
    "UCB",
    "GradientBandit",
    "ThompsonSampling",
    "SlidingWindowUCB",
    "BanditResult",
    "simulate",
    "Comparison",
    "compare",
]
