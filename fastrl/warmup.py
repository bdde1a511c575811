"""Compile every kernel once, so later processes load machine code from the cache."""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

#: the bandit problems every agent is compiled for (two stationary arms have their own driver)
PROBLEMS = ("bernoulli-2", "bernoulli-3", "testbed-3")


def tasks() -> list[tuple[str, str]]:
    """The units of work: ``(kind, name)``, one per agent, learner and other kernel group.

    Each compiles its own kernels, so the tasks can run in separate processes
    that share the disk cache. The longest come first.
    """
    from fastrl.bandits.agents import AGENTS
    from fastrl.tabular.learners import LEARNERS

    return (
        [("bandit", name) for name in AGENTS]
        + [("train", name) for name in LEARNERS]
        + [("planning", "frozen_lake"), ("control", "CartPole-v1")]
        + [("control-learning", "MountainCar-v0")]
    )


def _problem(name: str):
    from fastrl.bandits import BernoulliBandit, GaussianBandit

    return {
        "bernoulli-2": lambda: BernoulliBandit([0.7, 0.3]),
        "bernoulli-3": lambda: BernoulliBandit([0.7, 0.3, 0.5]),
        "testbed-3": lambda: GaussianBandit.testbed(num_arms=3),
    }[name]()


def compile_task(
    kind: str,
    name: str,
    explorations: tuple[str, ...] = ("epsilon_greedy", "softmax"),
    problems: tuple[str, ...] = PROBLEMS,
) -> list[str]:
    """Compile the kernels of one task (see :func:`tasks`); returns what was called.

    ``explorations`` are the exploration rules a ``"train"`` task compiles its
    learner's driver for (one driver each), ``problems`` the problems (of
    :data:`PROBLEMS`) a ``"bandit"`` task compiles its agent's driver for.
    """
    done = []
    if kind == "bandit":
        from fastrl.bandits import simulate
        from fastrl.bandits.agents import AGENTS

        agent = AGENTS[name]()
        for label in problems:
            problem = _problem(label)
            try:
                agent.check_problem(problem)
            except ValueError:  # e.g. EXP3 needs rewards in [0, 1]
                continue
            simulate(problem, agent, runs=2, steps=2)
            done.append(f"simulate: {type(agent).__name__} on {label}")
    elif kind == "train":
        from fastrl.tabular import frozen_lake, train
        from fastrl.tabular.learners import LEARNERS

        for exploration in explorations:
            train(frozen_lake(), LEARNERS[name](exploration=exploration), runs=2, episodes=2)
            done.append(f"train: {LEARNERS[name].__name__}, {exploration}")
    elif kind == "planning":
        from fastrl.tabular import (
            backward_induction,
            evaluate,
            frozen_lake,
            modified_policy_iteration,
            policy_evaluation,
            policy_iteration,
            predict,
            random_search,
            value_iteration,
        )

        mdp = frozen_lake()
        plan = value_iteration(mdp, 0.9)
        policy_evaluation(mdp, plan.policy, 0.9)
        policy_iteration(mdp, 0.9)
        evaluate(mdp, plan.policy, episodes=2)
        random_search(mdp, 2, episodes=2)
        modified_policy_iteration(mdp, 0.9)
        backward_induction(mdp, 3)
        predict(mdp, plan.policy, "td", runs=2, episodes=2)
        done.append("planning and evaluation")
    elif kind == "control":
        from fastrl.control import search

        for policy in ("linear", "softmax"):
            search(name, "cem", population=2, generations=1, episodes=1, eval_episodes=2,
                   policy=policy)  # fmt: skip
            done.append(f"control: {policy}-policy search")
    elif kind == "control-learning":
        from fastrl.control import tile_sarsa
        from fastrl.control.binned import train_binned
        from fastrl.tabular import QLearning

        tile_sarsa(runs=1, episodes=1)
        train_binned(QLearning(), runs=1, episodes=1)
        done.append("control: tile-coding Sarsa on MountainCar-v0, binned CartPole Q-learning")
    else:
        raise ValueError(
            "kind must be 'bandit', 'train', 'planning', 'control' or 'control-learning', "
            f"got {kind!r}"
        )
    return done


def default_jobs() -> int:
    """The processes :func:`warmup` uses by default: this process's cores, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def warmup(verbose: bool = False, jobs: int | None = None) -> float:
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
    jobs : int, optional
        Processes that compile at once (compiling is single-threaded; they
        share the disk cache). ``1`` compiles in this process. Defaults to
        :func:`default_jobs`.
    """
    from fastrl.validation import check_int

    jobs = default_jobs() if jobs is None else check_int("jobs", jobs, low=1)
    start = time.perf_counter()

    def say(lines: list[str]) -> None:
        if verbose:
            for what in lines:
                sys.stderr.write(f"[{time.perf_counter() - start:6.1f} s] {what}\n")
            sys.stderr.flush()

    work = tasks()
    if jobs == 1:
        for kind, name in work:
            say(compile_task(kind, name))
    else:
        # spawn: a fresh interpreter per worker (forking a process that runs numba's
        # threads is unsafe); a worker's error is raised here, Ctrl-C cancels the rest
        with ProcessPoolExecutor(min(jobs, len(work)), mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(compile_task, kind, name) for kind, name in work]
            try:
                for future in futures:
                    say(future.result())
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    say(["done"])
    return time.perf_counter() - start
