"""Compile every kernel once, so later processes load machine code from the cache."""

from __future__ import annotations

import sys
import time


def warmup(verbose: bool = False) -> float:
    """Call each public entry point once on a tiny problem; returns the seconds taken.

    The bandit driver is compiled once per agent kind, reward kind and
    schedule kind (constant, or annealed: one driver for every annealed
    schedule), and separately for two stationary arms; the learning driver
    once per algorithm and exploration kind. Every agent and reward kind
    (with the default constant schedule) and every algorithm and exploration
    kind is called here, and every agent on two Bernoulli arms; an agent with
    an annealed schedule, or on two Gaussian arms, compiles on its first use.
    Other kernels have a single signature (float64 values, int64 indices,
    uint64 keys). With the on-disk cache on, later processes only load the
    machine code.

    Parameters
    ----------
    verbose : bool
        Print each entry point to stderr as it is compiled.
    """
    start = time.perf_counter()
    from fastrl.bandits import BernoulliBandit, GaussianBandit, simulate
    from fastrl.bandits.agents import AGENTS
    from fastrl.tabular import (
        evaluate,
        frozen_lake,
        policy_evaluation,
        policy_iteration,
        random_search,
        train,
        value_iteration,
    )

    def say(what: str) -> None:
        if verbose:
            sys.stderr.write(f"[{time.perf_counter() - start:6.1f} s] {what}\n")
            sys.stderr.flush()

    agents = [cls() for cls in AGENTS.values()]  # the registry of built-in agents
    problems = (
        BernoulliBandit([0.7, 0.3]),  # two stationary arms have their own driver
        BernoulliBandit([0.7, 0.3, 0.5]),
        GaussianBandit.testbed(num_arms=3),
    )
    for problem in problems:
        for agent in agents:
            try:
                agent.check_problem(problem)
            except ValueError:  # e.g. EXP3 needs rewards in [0, 1]
                continue
            say(f"simulate: {type(agent).__name__} on {type(problem).__name__}")
            simulate(problem, agent, runs=2, steps=2)
    mdp = frozen_lake()
    say("planning and evaluation")
    plan = value_iteration(mdp, 0.9)
    policy_evaluation(mdp, plan.policy, 0.9)
    policy_iteration(mdp, 0.9)
    evaluate(mdp, plan.policy, episodes=2)
    random_search(mdp, 2, episodes=2)
    from fastrl.tabular.learners import LEARNERS

    for cls in LEARNERS.values():
        for exploration in ("epsilon_greedy", "softmax"):
            say(f"train: {cls.__name__}, {exploration}")
            train(mdp, cls(exploration=exploration), runs=2, episodes=2)
    from fastrl.control import search

    say("control: linear-policy search")
    for policy in ("linear", "softmax"):
        search("CartPole-v1", "cem", population=2, generations=1, episodes=1, eval_episodes=2,
               policy=policy)  # fmt: skip
    say("done")
    return time.perf_counter() - start
