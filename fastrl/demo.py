"""``fastrl demo``: the tutorial jobs in one call each, timed."""

from __future__ import annotations

import time

from fastrl.bandits import (
    UCB,
    BernoulliBandit,
    EpsilonGreedy,
    GaussianBandit,
    GradientBandit,
    Softmax,
    ThompsonSampling,
    compare,
)


def _timed(label: str, func):
    start = time.perf_counter()
    out = func()
    print(f"[{label}: {time.perf_counter() - start:.3f} s]")
    return out


def _warm_then_timed(label: str, small, full, what: str = ""):
    """Time ``small()`` (numba compiles or loads each kernel it needs), then ``full()``.

    Says what it compiles before it starts, so a first run never looks frozen.
    """
    print(f"   compiling {what or label} (or loading it from the disk cache) ...", flush=True)
    _timed("first call, compile or cache load included", small)
    return _timed(label, full)


def run_demo(quick: bool = False) -> None:
    """Print the tutorial's 2-armed bandit job, the 10-armed testbed and FrozenLake, with times."""
    runs = 200 if quick else 1000
    print("== The tutorial: 2 arms p = [0.7, 0.3], epsilon-greedy vs softmax ==")
    print(f"   {runs} runs x 1000 steps each (the tutorial's Python loop took 79 s for 1000 runs)")
    agents = {
        "epsilon-greedy (eps 0.1)": EpsilonGreedy(epsilon=0.1, alpha=0.1, initial_value=0.5),
        "softmax (beta 5)": Softmax(beta=5.0, alpha=0.1, initial_value=0.5),
    }
    problem = BernoulliBandit([0.7, 0.3])
    cmp = _warm_then_timed(
        "warm",
        lambda: compare(agents, problem, runs=64, steps=10),
        lambda: compare(agents, problem, runs=runs, steps=1000),
        "the bandit driver for epsilon-greedy and for softmax",
    )
    print(cmp.table())

    runs = 400 if quick else 2000
    print(f"\n== Sutton & Barto's 10-armed testbed: {runs} runs x 1000 steps per agent ==")
    agents = {
        "greedy": EpsilonGreedy(epsilon=0.0),
        "epsilon 0.01": EpsilonGreedy(epsilon=0.01),
        "epsilon 0.1": EpsilonGreedy(epsilon=0.1),
        "optimistic Q1=5": EpsilonGreedy(epsilon=0.0, alpha=0.1, initial_value=5.0),
        "UCB c=2": UCB(c=2.0),
        "gradient alpha=0.1": GradientBandit(alpha=0.1),
        "Thompson": ThompsonSampling(),
    }
    testbed = GaussianBandit.testbed()
    cmp = _warm_then_timed(
        "all agents, warm",
        lambda: compare(agents, testbed, runs=64, steps=10),
        lambda: compare(agents, testbed, runs=runs, steps=1000),
        "the bandit driver for each agent kind: epsilon-greedy, UCB, gradient, Thompson",
    )
    print(cmp.table())

    from fastrl.tabular import (
        QLearning,
        evaluate,
        frozen_lake,
        random_search,
        train,
        value_iteration,
    )

    mdp = frozen_lake("4x4", is_slippery=True)
    print("\n== FrozenLake 4x4 (slippery) ==")
    policies = 500 if quick else 10_000
    search = _warm_then_timed(
        f"random search, {policies} policies x 100 episodes",
        lambda: random_search(mdp, 2, episodes=2, seed=0),
        lambda: random_search(mdp, policies, episodes=100, seed=0),
    )
    print(f"best random policy: success rate {search.best_score:.2f} over 100 episodes")
    plan = _warm_then_timed(
        "value iteration, gamma 0.99",
        lambda: value_iteration(mdp, 0.9),
        lambda: value_iteration(mdp, 0.99),
    )
    ev = evaluate(mdp, plan.policy, episodes=10_000, seed=1)
    print(f"value-iteration policy: success rate {ev.success_rate[0]:.3f} over 10,000 episodes")
    runs, episodes = (200, 500) if quick else (10_000, 2000)
    agent = QLearning(alpha=0.1, gamma=0.99, epsilon=0.1)
    res = _warm_then_timed(
        f"Q-learning, {runs} runs x {episodes} episodes",
        lambda: train(mdp, agent, runs=2, episodes=2),
        lambda: train(mdp, agent, runs=runs, episodes=episodes),
    )
    print(
        f"Q-learning: last-episode success rate {res.success_rate[-1]:.3f}; mean exact value of "
        f"the greedy policies {res.policy_value.mean():.3f} (optimum {plan.values[0]:.3f})"
    )
