"""Batched k-armed bandits: problems, agents, ``simulate`` and ``compare``."""

from fastrl.bandits.agents import (
    MOSS,
    UCB,
    UCBV,
    Agent,
    DiscountedUCB,
    EpsilonGreedy,
    ExploreThenCommit,
    GradientBandit,
    MOSSAnytime,
    Softmax,
    ThompsonSampling,
    UCB1Tuned,
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
    "MOSS",
    "MOSSAnytime",
    "UCBV",
    "UCB1Tuned",
    "ExploreThenCommit",
    "DiscountedUCB",
    "BanditResult",
    "simulate",
    "Comparison",
    "compare",
]
