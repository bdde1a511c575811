"""FrozenLake policy search: random deterministic policies, random stochastic ones, then beat both.

The tutorial ("solving FrozenLake with random search") draws 10,000 random
deterministic policies, plays each for 100 episodes and keeps the best; then
searches a "parameterized random policy" (a probability for each action in
each state); and asks whether the winner reaches the "solved" bar: a success
rate of 0.78 over 100 consecutive episodes (the FrozenLake-v0 leaderboard).
Here each search is one call (``random_search``; ``evaluate`` on stochastic
policies drawn from a Dirichlet distribution), then value iteration and
Q-learning beat them, on the 4x4 map, the 8x8 map and a random 8x8 map.

Honest scoring: the best of 10,000 scores measured on 100 episodes is biased
upwards (the winner's curse), so every winner is re-evaluated on fresh
episodes (another seed): ``--check-batches`` batches of 100 episodes give its
success rate and how often a batch of 100 clears the 0.78 bar.

Run: ``python examples/frozenlake_policy_search.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.schedules import Schedule
from fastrl.tabular import (
    QLearning,
    evaluate,
    frozen_lake,
    random_map,
    random_search,
    train,
    value_iteration,
)

ARROWS = "←↓→↑"  # FrozenLake actions 0 left, 1 down, 2 right, 3 up
SOLVED = 0.78


@dataclass(frozen=True)
class Args:
    """FrozenLake: random policy search vs value iteration and Q-learning."""

    policies: int = arg(10_000, "random policies drawn by each search")
    episodes: int = arg(100, "episodes per policy during the search")
    check_batches: int = arg(1000, "fresh batches of 100 episodes to re-evaluate each winner")
    q_runs: int = arg(64, "independent Q-learning runs (the best by training score is kept)")
    q_episodes: int = arg(20_000, "Q-learning episodes per run")
    gamma_plan: float = arg(0.999, "discount of value iteration")
    gamma_learn: float = arg(0.99, "discount of Q-learning")
    random_map_seed: int = arg(3, "seed of the random 8x8 map")
    seed: int = arg(0, "seed of every random stream")
    out: str = arg("examples/out", "directory for the PNG")


def arrows(mdp, policy) -> str:
    """The map with each floor cell replaced by the arrow of its action (H and G stay)."""
    ncol = len(mdp.desc[0])
    rows = []
    for r, row in enumerate(mdp.desc):
        cells = [c if c in "HG" else ARROWS[policy[r * ncol + j]] for j, c in enumerate(row)]
        rows.append("    " + " ".join(cells))
    return "\n".join(rows)


def check(mdp, policy, args: Args, label: str, search_score, seconds: float) -> float:
    """Re-evaluate ``policy`` on fresh episodes; print one row; return its success rate."""
    batch = np.repeat(np.asarray(policy)[None], args.check_batches, axis=0)
    ev = evaluate(mdp, batch, episodes=100, seed=args.seed + 1)  # batch j: its own episodes
    rate = float(ev.success_rate.mean())
    se = float(ev.success_rate.std(ddof=1) / np.sqrt(args.check_batches))
    passed = float(np.mean(ev.success_rate >= SOLVED))
    score = "" if search_score is None else f"{search_score:.2f}"
    print(f"  {label:28s} {score:>12s} {rate:8.3f} ± {se:.3f} {passed:12.1%} {seconds:9.3f} s")
    return rate


def solve_map(mdp, args: Args):
    S, A = mdp.num_states, mdp.num_actions
    print(f"\n{mdp.name}: {len(mdp.desc)}x{len(mdp.desc[0])}, {mdp.max_episode_steps}-step limit")
    print(
        f"  {'method':28s} {'search score':>12s} {'fresh success rate':>18s} "
        f"{'P(>=0.78)':>12s} {'time':>11s}"
    )
    found = {}

    t0 = time.perf_counter()
    rs = random_search(mdp, args.policies, episodes=args.episodes, seed=args.seed)
    dt = time.perf_counter() - t0
    label = f"best of {args.policies} deterministic"
    found["random deterministic"] = check(mdp, rs.best_policy, args, label, rs.best_score, dt)

    # The "parameterized random policy": per state, action probabilities ~ Dirichlet(1, ..., 1).
    t0 = time.perf_counter()
    gen = np.random.default_rng(args.seed)
    probs = gen.dirichlet(np.ones(A), size=(args.policies, S))
    ev = evaluate(mdp, probs, episodes=args.episodes, seed=args.seed)
    best = int(np.argmax(ev.mean_return))
    dt = time.perf_counter() - t0
    label = f"best of {args.policies} stochastic"
    found["random stochastic"] = check(mdp, probs[best], args, label, ev.mean_return[best], dt)

    t0 = time.perf_counter()
    plan = value_iteration(mdp, gamma=args.gamma_plan)
    dt = time.perf_counter() - t0
    found["value iteration"] = check(mdp, plan.policy, args, "value iteration", None, dt)

    t0 = time.perf_counter()
    agent = QLearning(
        alpha=0.1,
        gamma=args.gamma_learn,
        epsilon=1.0,
        schedule=Schedule("exponential", decay=0.01 ** (1 / (0.5 * args.q_episodes)), floor=0.01),
    )
    tr = train(mdp, agent, runs=args.q_runs, episodes=args.q_episodes, seed=args.seed)
    dt = time.perf_counter() - t0
    run = int(np.argmax(tr.run_final_success))  # chosen by its own training episodes only
    label = f"Q-learning (best of {args.q_runs})"
    found["Q-learning"] = check(mdp, tr.policy[run], args, label, tr.run_final_success[run], dt)
    print("  value iteration's policy:\n" + arrows(mdp, plan.policy))
    return rs.scores, ev.mean_return, found, plan


def draw_map(ax, mdp, plan) -> None:
    colors = {"S": (0.92, 0.84, 0.63), "F": (0.71, 0.84, 0.94), "H": (0.16, 0.27, 0.55)}
    colors["G"] = (0.35, 0.75, 0.35)
    img = np.array([[colors[c] for c in row] for row in mdp.desc])
    ax.imshow(img)
    ncol = len(mdp.desc[0])
    for s, a in enumerate(plan.policy):
        r, c = divmod(s, ncol)
        if mdp.desc[r][c] in "SF":
            ax.text(c, r, ARROWS[a], ha="center", va="center", fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])


def main(args: Args) -> None:
    plt = setup_matplotlib()
    t0 = time.perf_counter()
    maps = [
        frozen_lake("4x4"),
        frozen_lake("8x8"),
        frozen_lake(desc=random_map(8, seed=args.random_map_seed)),
    ]
    titles = ["4x4", "8x8", f"random 8x8 (seed {args.random_map_seed})"]
    fig, axes = plt.subplots(2, 3, figsize=(14, 8), constrained_layout=True)
    for col, (mdp, title) in enumerate(zip(maps, titles, strict=True)):
        det, sto, found, plan = solve_map(mdp, args)
        ax = axes[0, col]
        bins = np.linspace(0, 1, 51)
        ax.hist(det, bins=bins, alpha=0.6, label="random deterministic")
        ax.hist(sto, bins=bins, alpha=0.6, label="random stochastic (Dirichlet)")
        for j, name in enumerate(("value iteration", "Q-learning")):
            ax.axvline(found[name], color=f"C{j + 2}", label=f"{name}: {found[name]:.3f}")
        ax.axvline(SOLVED, color="k", ls=":", label="solved bar 0.78")
        ax.set(title=f"{title}: success rate of {args.policies} random policies")
        ax.set(xlabel=f"success rate over {args.episodes} episodes", ylabel="policies")
        ax.set_yscale("log")
        ax.legend(frameon=False, fontsize=7)
        draw_map(axes[1, col], mdp, plan)
        axes[1, col].set_title(f"{title}: value iteration's policy")
    print(f"\nTotal: {time.perf_counter() - t0:.2f} s")
    save(fig, args.out, "frozenlake_policy_search.png")


if __name__ == "__main__":
    main(parse(Args))
