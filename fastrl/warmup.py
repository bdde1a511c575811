"""Compile every kernel once, so later processes load machine code from the cache."""

from __future__ import annotations

import time


def warmup() -> float:
    """Call each public entry point once on a tiny problem; returns the seconds taken.

    Every kernel has a single signature (float64 values, int64 indices, uint64
    keys), so one call compiles it for good; with the on-disk cache on, later
    processes only load it.
    """
    start = time.perf_counter()
    from fastrl.bandits import BernoulliBandit, EpsilonGreedy, simulate
    from fastrl.tabular import (
        QLearning,
        evaluate,
        frozen_lake,
        policy_evaluation,
        policy_iteration,
        random_search,
        train,
        value_iteration,
    )

    simulate(BernoulliBandit([0.7, 0.3]), EpsilonGreedy(0.1), runs=4, steps=4)
    mdp = frozen_lake()
    plan = value_iteration(mdp, 0.9)
    policy_evaluation(mdp, plan.policy, 0.9)
    policy_iteration(mdp, 0.9)
    evaluate(mdp, plan.policy, episodes=2)
    random_search(mdp, 2, episodes=2)
    train(mdp, QLearning(), runs=2, episodes=2)
    return time.perf_counter() - start
