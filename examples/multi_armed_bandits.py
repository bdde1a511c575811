"""k-armed bandit strategies side by side: the "multi-armed bandits in Python" tutorial.

The tutorial codes one loop per strategy: epsilon-greedy with a constant
epsilon, annealed as 1/t and exponentially; softmax (Boltzmann) with an
annealed temperature; UCB; reinforcement comparison (the gradient bandit);
Thompson sampling. It then plots three diagnostics: how often the best arm is
chosen, the average reward per step, and the cumulative reward. Here every
strategy is a frozen config, and all of them run on the same per-run arm
probabilities (common random numbers) in one ``compare`` call.

Run: ``python examples/multi_armed_bandits.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.bandits import (
    UCB,
    BernoulliBandit,
    EpsilonGreedy,
    GradientBandit,
    Softmax,
    ThompsonSampling,
    compare,
)
from fastrl.schedules import Schedule


@dataclass(frozen=True)
class Args:
    """k-armed Bernoulli bandit: seven strategies, three diagnostics."""

    arms: int = arg(10, "number of arms; success probabilities drawn uniformly per run")
    runs: int = arg(2000, "independent runs (each with its own arm probabilities)")
    steps: int = arg(1000, "steps (pulls) per run")
    seed: int = arg(0, "seed of every random stream")
    out: str = arg("examples/out", "directory for the PNG")


def main(args: Args) -> None:
    plt = setup_matplotlib()
    agents = {
        "epsilon-greedy 0.1": EpsilonGreedy(0.1),
        "epsilon-greedy 1/t": EpsilonGreedy(1.0, schedule="1/t"),
        "epsilon-greedy exp": EpsilonGreedy(1.0, schedule=Schedule("exponential", decay=0.99)),
        # Softmax anneals the temperature 1/beta: from 0.5 down to 0.01 (x 0.995 per step).
        "softmax annealed": Softmax(2.0, schedule=Schedule("exponential", decay=0.995, floor=0.01)),
        # Rewards lie in [0, 1], so UCB1's sqrt(2 ln t / N) is c = sqrt(2).
        "UCB1": UCB(c=float(np.sqrt(2.0))),
        "reinforcement comparison": GradientBandit(alpha=0.1, baseline=True),
        "Thompson sampling": ThompsonSampling(),
    }
    problem = BernoulliBandit.random(args.arms)
    t0 = time.perf_counter()
    compare(agents, problem, runs=1, steps=2, seed=args.seed)
    print(f"first call (numba compiles, or loads its cache): {time.perf_counter() - t0:.3f} s")
    t0 = time.perf_counter()
    cmp = compare(agents, problem, runs=args.runs, steps=args.steps, seed=args.seed)
    dt = time.perf_counter() - t0
    total = len(agents) * args.runs * args.steps
    print(f"{len(agents)} strategies x {args.runs} runs x {args.steps} steps, {args.arms} arms:")
    print(f"  {dt:.3f} s ({total / dt / 1e6:.1f} million pulls/s)\n")
    print(cmp.table())
    print("\nCumulative reward after the last step (mean over runs):")
    best = max(cmp.results, key=lambda n: cmp.results[n].mean_reward.sum())
    for name, res in cmp.results.items():
        mark = "  <- best" if name == best else ""
        print(f"  {name:26s} {res.mean_reward.sum():8.1f}{mark}")

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), constrained_layout=True)
    cmp.plot("optimal_action", ax=axes[0])
    axes[0].set_title("How often the best arm is chosen")
    cmp.plot("mean_reward", ax=axes[1])
    axes[1].set_title("Average reward per step")
    for name, res in cmp.results.items():
        axes[2].plot(np.cumsum(res.mean_reward), label=name, lw=1.2)
    axes[2].set(title="Cumulative reward", xlabel="Steps", ylabel="Cumulative reward")
    for ax in axes[:2]:
        ax.get_legend().remove()
    axes[2].legend(frameon=False, fontsize=8)
    save(fig, args.out, "multi_armed_bandits.png")


if __name__ == "__main__":
    main(parse(Args))
