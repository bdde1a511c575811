"""Batched k-armed bandits: problems, agents, ``simulate`` and ``compare``."""

from fastrl.bandits.agents import EpsilonGreedy, GradientBandit, Softmax, ThompsonSampling, UCB
from fastrl.bandits.problems import BernoulliBandit, GaussianBandit
from fastrl.bandits.simulate import BanditResult, simulate

__all__ = [
    "BernoulliBandit",
    "GaussianBandit",
    "EpsilonGreedy",
    "Softmax",
    "UCB",
    "GradientBandit",
    "ThompsonSampling",
    "BanditResult",
    "simulate",
]
