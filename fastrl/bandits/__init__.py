"""Batched k-armed bandits: problems, agents, ``simulate`` and ``compare``."""

from fastrl.bandits.agents import (
    KLUCB,
    UCB,
    Agent,
    BayesUCB,
    EpsilonGreedy,
    GradientBandit,
    KLUCBPlus,
    Softmax,
    ThompsonSampling,
)
from fastrl.bandits.compare import Comparison, compare
from fastrl.bandits.problems import BernoulliBandit, GaussianBandit
from fastrl.bandits.simulate import BanditResult, simulate

__all__ = [
    "Agent",
    "BernoulliBandit",
    "GaussianBandit",
    "EpsilonGreedy",
    "Softmax",
    "UCB",
    "GradientBandit",
    "ThompsonSampling",
    "KLUCB",
    "KLUCBPlus",
    "BayesUCB",
    "BanditResult",
    "simulate",
    "Comparison",
    "compare",
]
