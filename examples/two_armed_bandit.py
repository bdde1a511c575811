"""Two-armed bandit: epsilon-greedy against softmax, the classic first RL tutorial, in one call.

The tutorial: two arms paying 1 with probability p = [0.7, 0.3], an
epsilon-greedy agent (epsilon 0.1) against a softmax agent (inverse
temperature beta 5), both with constant step size alpha 0.1. It plots the
Q-values of one run over 1000 updates, then the mean reward per step over
1000 runs of 1000 steps, which took the tutorial's Python loop 79 s. Here the
1000 runs are one ``compare`` call. Then the questions the tutorial leaves to
the reader: more arms, other epsilon and beta, Gaussian reward distributions
instead of fixed 0/1 rewards.

Run: ``python examples/two_armed_bandit.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.bandits import (
    BernoulliBandit,
    EpsilonGreedy,
    GaussianBandit,
    Softmax,
    compare,
    simulate,
)


@dataclass(frozen=True)
class Args:
    """Two-armed bandit tutorial: epsilon-greedy vs softmax."""

    runs: int = arg(1000, "independent runs averaged for the learning curves")
    steps: int = arg(1000, "steps (pulls) per run")
    epsilon: float = arg(0.1, "exploration probability of epsilon-greedy")
    beta: float = arg(5.0, "inverse temperature of softmax")
    alpha: float = arg(0.1, "constant step size of both agents")
    probs: tuple = arg((0.7, 0.3), "success probability of each arm")
    seed: int = arg(0, "seed of every random stream")
    out: str = arg("examples/out", "directory for the PNG")


def q_trace(actions: np.ndarray, rewards: np.ndarray, num_arms: int, alpha: float) -> np.ndarray:
    """Replay one run's logged pulls through ``Q(a) += alpha (r - Q(a))`` (Q starts at 0).

    ``simulate`` returns actions and rewards, not the agent's internal Q table;
    the constant-step update is deterministic, so replaying it recovers the Q
    values the agent held after every update.
    """
    q = np.zeros(num_arms)
    out = np.empty((actions.size, num_arms))
    for t, (a, r) in enumerate(zip(actions, rewards, strict=True)):
        q[a] += alpha * (r - q[a])
        out[t] = q
    return out


def main(args: Args) -> None:
    plt = setup_matplotlib()
    problem = BernoulliBandit(list(args.probs))
    agents = {
        f"epsilon-greedy (epsilon {args.epsilon})": EpsilonGreedy(args.epsilon, alpha=args.alpha),
        f"softmax (beta {args.beta})": Softmax(args.beta, alpha=args.alpha),
    }
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), constrained_layout=True)

    # 1. One run of each agent, Q-values after every update.
    print(f"Bandit with arms p = {list(args.probs)}, alpha = {args.alpha}")
    for ax, (name, agent) in zip(axes[0], agents.items(), strict=True):
        t0 = time.perf_counter()
        one = simulate(problem, agent, runs=1, steps=args.steps, seed=args.seed, record_runs=True)
        q = q_trace(one.actions[0], one.rewards[0], problem.num_arms, args.alpha)
        dt = time.perf_counter() - t0
        print(
            f"  one run of {name}: final Q = {np.round(q[-1], 3).tolist()}, "
            f"arm 0 pulled {np.mean(one.actions[0] == 0):.1%} of the time ({dt:.4f} s)"
        )
        for a in range(problem.num_arms):
            ax.plot(q[:, a], lw=1, label=f"Q(arm {a}), p = {args.probs[a]}")
            ax.axhline(args.probs[a], color=f"C{a}", ls=":", lw=0.8)
        ax.set(title=f"One run: {name}", xlabel="update", ylabel="Q-value")
        ax.legend(frameon=False, fontsize=8)

    # 2. Mean reward per step over many runs: the part that took the tutorial 79 s.
    t0 = time.perf_counter()
    cmp = compare(agents, problem, runs=args.runs, steps=args.steps, seed=args.seed)
    dt = time.perf_counter() - t0
    print(f"\n{args.runs} runs x {args.steps} steps per agent: {dt:.3f} s (tutorial: 79 s)")
    print(cmp.table())
    cmp.plot("mean_reward", ax=axes[1, 0])
    axes[1, 0].set_title(f"Mean reward per step, {args.runs} runs")

    # 3. The questions left to the reader, each a handful of calls.
    sizes = dict(runs=args.runs, steps=args.steps, seed=args.seed)
    t0 = time.perf_counter()
    print("\nMore arms (per-run probabilities drawn uniformly): average reward per step")
    for k in (2, 5, 10, 50):
        rows = [
            simulate(BernoulliBandit.random(k), agent, **sizes).average_reward
            for agent in agents.values()
        ]
        print(f"  {k:3d} arms: epsilon-greedy {rows[0]:.4f}   softmax {rows[1]:.4f}")
    epsilons = (0.0, 0.01, 0.05, 0.1, 0.2, 0.5)
    betas = (0.5, 1.0, 2.0, 5.0, 10.0, 50.0)
    eps_scores = [
        simulate(problem, EpsilonGreedy(e, alpha=args.alpha), **sizes).average_reward
        for e in epsilons
    ]
    beta_scores = [
        simulate(problem, Softmax(b, alpha=args.alpha), **sizes).average_reward for b in betas
    ]
    print(
        "Other epsilon: "
        + ", ".join(f"{e}: {s:.4f}" for e, s in zip(epsilons, eps_scores, strict=True))
    )
    print(
        "Other beta:    "
        + ", ".join(f"{b}: {s:.4f}" for b, s in zip(betas, beta_scores, strict=True))
    )
    gauss = GaussianBandit(list(args.probs), reward_std=1.0)
    print("Gaussian rewards N(p, 1) instead of 0/1 rewards:")
    for name, agent in agents.items():
        r = simulate(gauss, agent, **sizes)
        print(
            f"  {name}: average reward {r.average_reward:.4f} ± {r.average_reward_se:.4f}, "
            f"best arm chosen at the last step {r.optimal_action[-1]:.1%}"
        )
    print(f"  [follow-up questions: {time.perf_counter() - t0:.3f} s]")

    ax = axes[1, 1]
    ax.plot(range(len(epsilons)), eps_scores, "o-", label="epsilon-greedy: epsilon")
    ax.plot(range(len(betas)), beta_scores, "s-", label="softmax: beta")
    ax.set_xticks(range(len(epsilons)), [f"{e}\n{b}" for e, b in zip(epsilons, betas, strict=True)])
    ax.set(title="Other epsilon (top) and beta (bottom)", ylabel="average reward per step")
    ax.legend(frameon=False, fontsize=8)
    save(fig, args.out, "two_armed_bandit.png")


if __name__ == "__main__":
    main(parse(Args))
