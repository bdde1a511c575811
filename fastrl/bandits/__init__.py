"""Batched k-armed bandits: problems, agents, ``simulate`` and ``compare``."""

from fastrl.bandits.agents import (
    KLUCB,
    MOSS,
    UCB,
    UCBV,
    Agent,
    BayesUCB,
    DiscountedUCB,
    EpsilonGreedy,
    ExploreThenCommit,
    GradientBandit,
    KLUCBPlus,
    MOSSAnytime,
    SlidingWindowUCB,
    Softmax,
    ThompsonSampling,
    UCB1Tuned,
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
    "MOSS",
    "MOSSAnytime",
    "UCBV",
    "UCB1Tuned",
    "ExploreThenCommit",
    "DiscountedUCB",
    "KLUCB",
    "KLUCBPlus",
    "BayesUCB",
    "BanditResult",
    "simulate",
    "Comparison",
    "compare",
]
