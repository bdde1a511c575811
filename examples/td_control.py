"""Temporal-difference control, Sutton & Barto chapters 6 and 8, one ``compare`` call per world.

* FrozenLake 4x4 (slippery): Q-learning, SARSA, Expected SARSA, Double
  Q-learning, and Q-learning with Boltzmann (softmax) exploration and with a
  count-based exploration bonus.
* Cliff walking (example 6.6): SARSA learns the safe path and earns more
  online; Q-learning learns the optimal path along the cliff but falls off
  while exploring.
* Windy gridworld (example 6.5): SARSA and Q-learning, episodes against time steps.
* Dyna maze (example 8.1, figure 8.2): Dyna-Q with 0, 5 and 50 planning steps.

Every agent of a world runs ``--runs`` independent learners with common random
numbers; each table row is the mean over runs with its standard error.

Run: ``python examples/td_control.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.schedules import Schedule
from fastrl.tabular import (
    DoubleQLearning,
    DynaQ,
    ExpectedSarsa,
    QLearning,
    Sarsa,
    cliff_walking,
    compare,
    dyna_maze,
    frozen_lake,
    train,
    windy_gridworld,
)


@dataclass(frozen=True)
class Args:
    """TD control on FrozenLake, cliff walking, windy gridworld and the Dyna maze."""

    runs: int = arg(256, "independent runs per agent")
    frozen_episodes: int = arg(5000, "episodes on FrozenLake")
    cliff_episodes: int = arg(500, "episodes on cliff walking (the book: 500)")
    windy_episodes: int = arg(170, "episodes on the windy gridworld (the book: 170)")
    maze_episodes: int = arg(50, "episodes in the Dyna maze (the book: 50)")
    seed: int = arg(0, "seed of every random stream")
    out: str = arg("examples/out", "directory for the PNG")


def report(title: str, cmp, seconds: float) -> None:
    steps = sum(res.total_steps for res in cmp.results.values())
    print(f"\n{title}: {seconds:.3f} s, {steps / seconds / 1e6:.1f} million steps/s")
    table = cmp.summary()
    for name, row in table.iterrows():
        print(
            f"  {name:26s} online return {row.mean_return:8.3f} ± {row.mean_return_se:.3f}   "
            f"final {row.final_return:8.3f}   greedy policy value {row.policy_value:8.3f}"
        )


def main(args: Args) -> None:
    plt = setup_matplotlib()
    fig, axes = plt.subplots(2, 2, figsize=(12, 8), constrained_layout=True)
    sizes = dict(runs=args.runs, seed=args.seed)
    start = time.perf_counter()
    # The learning driver is compiled per algorithm and exploration kind: compile (or load
    # from numba's cache) each one used below, so the timings that follow are the runs.
    for agent in (
        QLearning(),
        QLearning(exploration="softmax"),
        Sarsa(),
        ExpectedSarsa(),
        DoubleQLearning(),
        DynaQ(),
    ):
        train(frozen_lake("4x4"), agent, runs=1, episodes=1)
    print(f"first calls (numba compiles, or loads its cache): {time.perf_counter() - start:.3f} s")

    # FrozenLake: epsilon decays from 1 to 0.01 over the episodes (per-episode schedule).
    decay = 0.01 ** (1.0 / (0.5 * args.frozen_episodes))
    anneal = Schedule("exponential", decay=decay, floor=0.01)
    common = dict(alpha=0.1, gamma=0.99, epsilon=1.0, schedule=anneal)
    agents = {
        "Q-learning": QLearning(**common),
        "SARSA": Sarsa(**common),
        "Expected SARSA": ExpectedSarsa(**common),
        "Double Q-learning": DoubleQLearning(**common),
        # Boltzmann: temperature 1/beta from 1 down to 0.01, like epsilon above.
        "Q-learning, Boltzmann": QLearning(
            alpha=0.1, gamma=0.99, exploration="softmax", beta=1.0, schedule=anneal
        ),
        "Q-learning, count bonus": QLearning(alpha=0.1, gamma=0.99, epsilon=0.01, bonus=0.5),
    }
    t0 = time.perf_counter()
    cmp = compare(agents, frozen_lake("4x4"), episodes=args.frozen_episodes, **sizes)
    report("FrozenLake 4x4 (return = success)", cmp, time.perf_counter() - t0)
    cmp.plot("success_rate", ax=axes[0, 0], smooth=max(1, args.frozen_episodes // 50))
    axes[0, 0].set_title("FrozenLake 4x4: success rate while learning")

    # Cliff walking, example 6.6: alpha 0.5, epsilon 0.1, undiscounted.
    sharp = dict(alpha=0.5, gamma=1.0, epsilon=0.1)
    agents = {"SARSA": Sarsa(**sharp), "Q-learning": QLearning(**sharp)}
    t0 = time.perf_counter()
    cmp = compare(
        agents, cliff_walking(), episodes=args.cliff_episodes, max_episode_steps=10_000, **sizes
    )
    report("Cliff walking (optimal path: -13, safe path: -17)", cmp, time.perf_counter() - t0)
    cmp.plot("episode_return", ax=axes[0, 1], smooth=max(1, args.cliff_episodes // 50))
    axes[0, 1].set(title="Cliff walking: sum of rewards per episode", ylim=(-100, -10))

    # Windy gridworld, example 6.5: the book's figure plots episodes against time steps.
    agents = {"SARSA": Sarsa(**sharp), "Q-learning": QLearning(**sharp)}
    t0 = time.perf_counter()
    cmp = compare(
        agents, windy_gridworld(), episodes=args.windy_episodes, max_episode_steps=10_000, **sizes
    )
    report("Windy gridworld (shortest path: 15 steps)", cmp, time.perf_counter() - t0)
    for name, res in cmp.results.items():
        steps = np.cumsum(res.episode_length)
        axes[1, 0].plot(steps, np.arange(1, res.episodes + 1), label=name)
        print(f"  {name}: last episode {res.episode_length[-1]:.1f} steps, {steps[-1]:.0f} in all")
    axes[1, 0].set(title="Windy gridworld", xlabel="time steps", ylabel="episodes")
    axes[1, 0].legend(frameon=False)

    # Dyna maze, example 8.1: alpha 0.1, epsilon 0.1, gamma 0.95.
    agents = {
        f"Dyna-Q, {n} planning steps": DynaQ(alpha=0.1, gamma=0.95, epsilon=0.1, planning_steps=n)
        for n in (0, 5, 50)
    }
    t0 = time.perf_counter()
    cmp = compare(
        agents, dyna_maze(), episodes=args.maze_episodes, max_episode_steps=10_000, **sizes
    )
    report("Dyna maze (return = reaching the goal)", cmp, time.perf_counter() - t0)
    for name, res in cmp.results.items():
        axes[1, 1].plot(np.arange(2, res.episodes + 1), res.episode_length[1:], label=name)
        print(f"  {name}: episode 2 takes {res.episode_length[1]:.0f} steps on average")
    axes[1, 1].set(
        title="Dyna maze (figure 8.2)", xlabel="episode", ylabel="steps per episode", ylim=(0, 800)
    )
    axes[1, 1].legend(frameon=False)
    print(f"\nTotal: {time.perf_counter() - start:.2f} s")
    save(fig, args.out, "td_control.png")


if __name__ == "__main__":
    main(parse(Args))
