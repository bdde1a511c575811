"""Sutton & Barto, part I, at the book's full sizes: figures 4.2 to 12.8 in one script.

* Figure 4.2: Jack's car rental, the optimal policy (policy iteration, 441 states).
* Figure 4.3: the gambler's problem, values and the smallest optimal stakes.
* Figures 5.1 and 5.2: Blackjack, first-visit MC values of the stick-on-20 policy
  after 500,000 games, and the policy of Monte Carlo with exploring starts.
* Figure 6.2: TD(0) against constant-alpha MC on the 5-state random walk, 100 runs.
* Figure 6.5: maximization bias, % left actions of Q-learning and Double Q-learning,
  10,000 runs x 300 episodes.
* Figure 7.2: n-step TD on the 19-state walk, RMS error over the first 10 episodes
  against alpha for n = 1 .. 512, 100 runs each.
* Figures 8.4 and 8.5: Dyna-Q against Dyna-Q+ on the blocking and shortcut mazes,
  cumulative reward against time steps.
* Figure 12.8: true online TD(lambda) on the 19-state walk, RMS error against alpha.

Every curve is a mean over runs with its standard error; the total time is printed
at the end (compilation of each kernel included on a first run).

Run: ``python examples/sutton_barto_tabular.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.tabular import (
    DoubleQLearning,
    DynaQ,
    DynaQPlus,
    MCExploringStarts,
    QLearning,
    blackjack,
    blocking_maze,
    exploring_starts,
    gamblers_problem,
    jacks_car_rental,
    maximization_bias,
    policy_iteration,
    predict,
    random_walk,
    shortcut_maze,
    train,
    value_iteration,
)
from fastrl.tabular.blackjack import HIT, NUM_STATES, STICK, TERMINAL, decode, value_grid
from fastrl.tabular.changing import cumulative_reward


@dataclass(frozen=True)
class Args:
    """Sutton & Barto's tabular figures (chapters 4 to 12) at the book's sizes."""

    runs: int = arg(100, "runs per curve of figures 6.2, 7.2, 8.4, 8.5 and 12.8 (the book: 100)")
    bias_runs: int = arg(10_000, "runs of figure 6.5 (the book: 10,000)")
    bias_episodes: int = arg(300, "episodes of figure 6.5 (the book: 300)")
    games: int = arg(500_000, "Blackjack games of figures 5.1 and 5.2 (the book: 500,000)")
    walk_episodes: int = arg(100, "episodes of figure 6.2 (the book: 100)")
    maze_steps: int = arg(3000, "time steps of figure 8.4 (figure 8.5 takes twice as many)")
    seed: int = arg(0, "seed of every random stream")
    out: str = arg("examples/out", "directory for the PNG")


def timed(label: str, start: float) -> float:
    now = time.perf_counter()
    print(f"{label}: {now - start:.2f} s")
    return now


def figure_4_2(ax, t):
    mdp = jacks_car_rental()
    plan = policy_iteration(mdp, 0.9)
    moves = (plan.policy - 5).reshape(21, 21)  # action a moves a - 5 cars from lot 1 to lot 2
    im = ax.imshow(moves, origin="lower", cmap="coolwarm", vmin=-5, vmax=5)
    ax.figure.colorbar(im, ax=ax, shrink=0.8)
    ax.set(title="4.2 car rental: cars moved", xlabel="cars at lot 2", ylabel="cars at lot 1")
    print(f"  policy iteration: {plan.iterations} steps, V(0,0) = {plan.values[0]:.1f}, "
          f"V(20,20) = {plan.values[-1]:.1f}")  # fmt: skip
    return timed("figure 4.2 (policy iteration on 441 states)", t)


def figure_4_3(ax, t):
    mdp = gamblers_problem(100, 0.4)
    plan = value_iteration(mdp, 1.0, tol=1e-12)
    q = plan.q[1:100]  # capital 1 .. 99; action a stakes a + 1
    best = q.max(axis=1, keepdims=True)
    stakes = np.argmax(q >= best - 1e-9, axis=1) + 1  # the smallest optimal stake
    ax.plot(np.arange(1, 100), plan.values[1:100], label="value")
    ax2 = ax.twinx()
    ax2.step(np.arange(1, 100), stakes, color="C1", where="mid", label="stake")
    ax.set(title="4.3 gambler (p = 0.4)", xlabel="capital", ylabel="value")
    ax2.set_ylabel("smallest optimal stake")
    print(f"  V(25), V(50), V(75) = {plan.values[25]:.3f}, {plan.values[50]:.3f}, "
          f"{plan.values[75]:.3f}")  # fmt: skip
    return timed("figure 4.3 (value iteration)", t)


def figure_5(ax_v, ax_p, args, t):
    mdp = blackjack(sab=True)
    pi = np.array([HIT if s < TERMINAL and decode(s)[0] < 20 else STICK
                   for s in range(NUM_STATES)])  # fmt: skip
    res = predict(mdp, pi, "mc-first-visit", runs=1, episodes=args.games, alpha="average",
                  seed=args.seed)  # fmt: skip
    grid = value_grid(res.values[0], False)  # player sum 12..21 x dealer 1..10, no usable ace
    im = ax_v.imshow(grid, origin="lower", extent=(0.5, 10.5, 11.5, 21.5), vmin=-1, vmax=1)
    ax_v.figure.colorbar(im, ax=ax_v, shrink=0.8)
    ax_v.set(title=f"5.1 stick on 20: {args.games:,} games", xlabel="dealer showing",
             ylabel="player sum (no usable ace)")  # fmt: skip
    t = timed(f"figure 5.1 (first-visit MC, {args.games:,} games)", t)
    es = train(exploring_starts(mdp), MCExploringStarts(gamma=1.0), runs=1,
               episodes=args.games, seed=args.seed)  # fmt: skip
    sticks = value_grid(es.policy[0] == STICK, False)
    ax_p.imshow(sticks, origin="lower", extent=(0.5, 10.5, 11.5, 21.5), cmap="Greys")
    ax_p.set(title="5.2 MC exploring starts: stick (dark)", xlabel="dealer showing",
             ylabel="player sum (no usable ace)")  # fmt: skip
    return timed(f"figure 5.2 (MC exploring starts, {args.games:,} games)", t)


def figure_6_2(ax, args, t):
    mdp = random_walk(5)
    uniform = np.ones((mdp.num_states, 1))
    for method, alphas in (("td", (0.05, 0.1, 0.15)), ("mc-every-visit", (0.01, 0.02, 0.03))):
        for alpha in alphas:
            res = predict(mdp, uniform, method, runs=args.runs, episodes=args.walk_episodes,
                          alpha=alpha, initial_value=0.5, seed=args.seed)  # fmt: skip
            style = "-" if method == "td" else "--"
            ax.plot(res.rms_error, style, label=f"{'TD' if method == 'td' else 'MC'} {alpha}")
    ax.set(title="6.2 random walk: TD vs MC", xlabel="episodes", ylabel="RMS error")
    ax.legend(fontsize=7)
    return timed(f"figure 6.2 (6 methods x {args.runs} runs)", t)


def figure_6_5(ax, args, t):
    mdp = maximization_bias()
    for name, agent in (("Q-learning", QLearning), ("Double Q-learning", DoubleQLearning)):
        res = train(mdp, agent(alpha=0.1, epsilon=0.1, gamma=1.0), runs=args.bias_runs,
                    episodes=args.bias_episodes, max_episode_steps=4, seed=args.seed)  # fmt: skip
        left = 100 * (res.episode_length - 1)  # left from A: 2 steps, right: 1
        ax.plot(np.arange(1, left.size + 1), left, label=name)
        print(f"  {name}: {left.max():.1f}% left at most, {left[-1]:.1f}% at the end")
    ax.axhline(5, color="k", ls=":", label="optimal (5%)")
    ax.set(title="6.5 maximization bias", xlabel="episodes", ylabel="% left from A")
    ax.legend(fontsize=7)
    return timed(f"figure 6.5 ({args.bias_runs:,} runs x {args.bias_episodes} episodes x 2)", t)


def _walk19():
    mdp = random_walk(19, left_reward=-1.0)
    return mdp, np.ones((mdp.num_states, 1))


def figure_7_2(ax, args, t):
    mdp, uniform = _walk19()
    alphas = np.round(np.arange(0.1, 1.01, 0.1), 1)
    for n in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512):
        err = [predict(mdp, uniform, "n-step-td", runs=args.runs, episodes=10, n=n, alpha=a,
                       seed=args.seed).run_mean_rms.mean() for a in alphas]  # fmt: skip
        ax.plot(alphas, err, label=f"n={n}")
    ax.set(title="7.2 n-step TD, 19 states", xlabel="alpha", ylabel="RMS error, 10 episodes",
           ylim=(0.25, 0.55))  # fmt: skip
    ax.legend(fontsize=6, ncol=2)
    return timed(f"figure 7.2 (10 n x 10 alphas x {args.runs} runs)", t)


def figure_8(ax, maze, n, kappa, steps, episodes, args, title):
    for name, agent in (
        ("Dyna-Q", DynaQ(alpha=1.0, gamma=0.95, epsilon=0.1, planning_steps=n)),
        ("Dyna-Q+", DynaQPlus(alpha=1.0, gamma=0.95, epsilon=0.1, planning_steps=n, kappa=kappa)),
    ):
        res = train(maze, agent, runs=args.runs, episodes=episodes, max_episode_steps=steps,
                    seed=args.seed, record_runs=True)  # fmt: skip
        mean, se = cumulative_reward(res, steps)
        ax.plot(mean, label=name)
        ax.fill_between(np.arange(mean.size), mean - se, mean + se, alpha=0.25)
        print(f"  {title} {name}: cumulative reward {mean[-1]:.1f} ± {se[-1]:.1f} "
              f"after {steps} steps")  # fmt: skip
    ax.axvline(maze.at_step, color="k", ls=":")
    ax.set(title=title, xlabel="time steps", ylabel="cumulative reward")
    ax.legend(fontsize=7)


def figure_12_8(ax, args, t):
    mdp, uniform = _walk19()
    alphas = np.round(np.arange(0.1, 1.01, 0.1), 1)
    for lam in (0.0, 0.4, 0.8, 0.9, 0.95, 0.975, 0.99, 1.0):
        err = [predict(mdp, uniform, "true-online-td", runs=args.runs, episodes=10, lam=lam,
                       alpha=a, seed=args.seed).run_mean_rms.mean() for a in alphas]  # fmt: skip
        ax.plot(alphas, err, label=f"lambda={lam}")
    ax.set(title="12.8 true online TD(lambda)", xlabel="alpha",
           ylabel="RMS error, 10 episodes", ylim=(0.25, 0.55))  # fmt: skip
    ax.legend(fontsize=6, ncol=2)
    return timed(f"figure 12.8 (8 lambdas x 10 alphas x {args.runs} runs)", t)


def main(args: Args) -> None:
    plt = setup_matplotlib()
    fig, axes = plt.subplots(3, 4, figsize=(20, 13), constrained_layout=True)
    ax = axes.ravel()
    start = t = time.perf_counter()
    t = figure_4_2(ax[0], t)
    t = figure_4_3(ax[1], t)
    t = figure_5(ax[2], ax[3], args, t)
    t = figure_6_2(ax[4], args, t)
    t = figure_6_5(ax[5], args, t)
    t = figure_7_2(ax[6], args, t)
    steps = args.maze_steps
    figure_8(ax[7], blocking_maze(at_step=steps // 3), 10, 1e-4, steps,
             max(50, steps // 15), args, "8.4 blocking maze")  # fmt: skip
    t = timed(f"figure 8.4 (2 agents x {args.runs} runs x {steps} steps)", t)
    figure_8(ax[8], shortcut_maze(at_step=steps), 50, 1e-3, 2 * steps,
             max(100, 2 * steps // 14), args, "8.5 shortcut maze")  # fmt: skip
    t = timed(f"figure 8.5 (2 agents x {args.runs} runs x {2 * steps} steps)", t)
    t = figure_12_8(ax[9], args, t)
    for a in ax[10:]:
        a.axis("off")
    print(f"Total: {time.perf_counter() - start:.2f} s")
    save(fig, args.out, "sutton_barto_tabular.png")


if __name__ == "__main__":
    main(parse(Args))
