"""Golden hashes: every built-in bandit agent gives the bits it gave before the plug-in
refactor (captured at commit 2f11306, before the agents became plug-ins).

A hash covers the three curves, their standard errors, the per-run averages and the
recorded actions and rewards of a small job on each driver variant (two stationary
arms, several arms, drifting arms, per-run means, Gaussian rewards, annealed schedules).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from fastrl.bandits import (
    UCB,
    BernoulliBandit,
    EpsilonGreedy,
    GaussianBandit,
    GradientBandit,
    Softmax,
    ThompsonSampling,
    simulate,
)
from fastrl.schedules import Schedule

PROBLEMS = {
    "bern2": lambda: BernoulliBandit([0.7, 0.3]),
    "bern4-drift": lambda: BernoulliBandit([0.2, 0.5, 0.5, 0.4], drift_std=0.05),
    "bern-random5": lambda: BernoulliBandit.random(5),
    "testbed4": lambda: GaussianBandit.testbed(num_arms=4),
    "gauss2": lambda: GaussianBandit([0.0, 0.5], reward_std=2.0),
}
AGENTS = {
    "eps": lambda: EpsilonGreedy(0.1),
    "eps-alpha-opt": lambda: EpsilonGreedy(0.05, alpha=0.1, initial_value=5.0),
    "eps-1/t": lambda: EpsilonGreedy(0.5, schedule="1/t"),
    "softmax": lambda: Softmax(2.0),
    "softmax-exp": lambda: Softmax(0.5, alpha=0.2, schedule=Schedule("exponential", decay=0.99)),
    "ucb": lambda: UCB(1.0),
    "ucb-alpha": lambda: UCB(2.0, alpha=0.3),
    "gradient": lambda: GradientBandit(0.1),
    "gradient-nobase": lambda: GradientBandit(0.4, baseline=False),
    "thompson": lambda: ThompsonSampling(),
    "thompson-prior": lambda: ThompsonSampling(prior_mean=1.0, prior_std=0.5),
}
CASES = [
    ("eps", "bern2"), ("eps", "bern4-drift"), ("eps", "testbed4"), ("eps-alpha-opt", "gauss2"),
    ("eps-1/t", "bern2"), ("eps-1/t", "bern-random5"), ("softmax", "bern2"),
    ("softmax", "testbed4"), ("softmax-exp", "bern4-drift"), ("ucb", "bern2"),
    ("ucb", "testbed4"), ("ucb-alpha", "bern-random5"), ("gradient", "bern2"),
    ("gradient", "testbed4"), ("gradient-nobase", "bern4-drift"), ("thompson", "bern2"),
    ("thompson", "bern-random5"), ("thompson-prior", "testbed4"), ("thompson", "gauss2"),
]  # fmt: skip


def digest(agent, problem) -> str:
    res = simulate(problem, agent, runs=37, steps=60, seed=11, record_runs=True)
    h = hashlib.sha256()
    for name in ("mean_reward", "optimal_action", "regret"):
        h.update(np.ascontiguousarray(getattr(res, name)).tobytes())
        h.update(np.ascontiguousarray(getattr(res, name + "_se")).tobytes())
    h.update(np.float64([res.average_reward, res.average_reward_se]).tobytes())
    h.update(res.actions.astype(np.int64).tobytes())
    h.update(res.rewards.tobytes())
    return h.hexdigest()[:16]


GOLDEN: dict[tuple[str, str], str] = {
    ("eps", "bern2"): "d98ab32b1d3db6b6",
    ("eps", "bern4-drift"): "d954211908fc7bca",
    ("eps", "testbed4"): "3db9bc2d2bf03c29",
    ("eps-alpha-opt", "gauss2"): "c3c57d5992199716",
    ("eps-1/t", "bern2"): "dba924f789732b3e",
    ("eps-1/t", "bern-random5"): "3af6deb47e5b8315",
    ("softmax", "bern2"): "cd7efbf18063aaec",
    ("softmax", "testbed4"): "3d896208126ca591",
    ("softmax-exp", "bern4-drift"): "e0ef5c7f600bf042",
    ("ucb", "bern2"): "eb061bc14d6b8e5c",
    ("ucb", "testbed4"): "b9045375a6ae2640",
    ("ucb-alpha", "bern-random5"): "78509d17ef77601d",
    ("gradient", "bern2"): "35f5447babec7f0e",
    ("gradient", "testbed4"): "c99319edb3e5bef6",
    ("gradient-nobase", "bern4-drift"): "8a03bf410be5ab91",
    # Thompson on Bernoulli arms: new hashes (issue 12), because its Beta sampler changed
    # to fastrl.rng.beta_mt (the same exact distribution, other draws: precomputed
    # Marsaglia-Tsang constants, a log-free squeeze, vectorised first tries); before,
    # "29e558da3f30a60b" and "33b57a0d5f30156c" with fastrl.rng.beta.
    ("thompson", "bern2"): "430326be73976cb7",
    ("thompson", "bern-random5"): "4476299fd80dcf5b",
    ("thompson-prior", "testbed4"): "5e0f53ecee10f57e",
    ("thompson", "gauss2"): "e782751abf06f78a",
}


@pytest.mark.parametrize(("agent", "problem"), CASES)
def test_builtin_agents_give_the_golden_bits(agent, problem):
    assert digest(AGENTS[agent](), PROBLEMS[problem]()) == GOLDEN[(agent, problem)]
