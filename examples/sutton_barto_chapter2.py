"""Sutton & Barto (2018), chapter 2: figures 2.2 to 2.6 on the 10-armed testbed.

Every curve of the chapter averages 2000 runs of 1000 steps: true arm values
drawn per run from N(0, 1) (N(4, 1) for figure 2.5), rewards N(q*(a), 1).
Each curve is one ``simulate`` call (one ``compare`` call per figure), and the
parameter study of figure 2.6 is 26 more, so the whole chapter takes seconds.

* Figure 2.2: greedy vs epsilon-greedy (epsilon 0, 0.01, 0.1), sample averages.
* Figure 2.3: optimistic greedy (Q1 = 5) vs realistic epsilon-greedy (Q1 = 0, epsilon
  0.1), both alpha 0.1.
* Figure 2.4: UCB (c = 2) vs epsilon-greedy (epsilon 0.1).
* Figure 2.5: gradient bandit, alpha 0.1 and 0.4, with and without baseline (testbed mean 4).
* Figure 2.6: average reward over the first 1000 steps against each method's parameter.

Run: ``python examples/sutton_barto_chapter2.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.bandits import UCB, EpsilonGreedy, GaussianBandit, GradientBandit, compare, simulate


@dataclass(frozen=True)
class Args:
    """Sutton & Barto chapter 2: figures 2.2-2.6."""

    runs: int = arg(2000, "independent runs per curve (the book: 2000)")
    steps: int = arg(1000, "steps per run (the book: 1000)")
    arms: int = arg(10, "arms of the testbed (the book: 10)")
    seed: int = arg(0, "seed; every curve of a figure sees the same testbed problems")
    out: str = arg("examples/out", "directory for the PNGs")


def figure(plt, cmp, metrics, title: str, out: str, name: str) -> None:
    fig, axes = plt.subplots(len(metrics), 1, figsize=(7, 3.2 * len(metrics)), squeeze=False)
    for ax, metric in zip(axes[:, 0], metrics, strict=True):
        cmp.plot(metric, ax=ax)
    axes[0, 0].set_title(title)
    fig.tight_layout()
    save(fig, out, name)


def main(args: Args) -> None:
    plt = setup_matplotlib()
    sizes = dict(runs=args.runs, steps=args.steps, seed=args.seed)
    testbed = GaussianBandit.testbed(args.arms)
    start = time.perf_counter()
    # One driver per agent kind: compile (or load) each one used below.
    for agent in (EpsilonGreedy(0.1), UCB(2.0), GradientBandit(0.1)):
        simulate(testbed, agent, runs=1, steps=2)
    print(f"first call (numba compiles, or loads its cache): {time.perf_counter() - start:.3f} s")
    chapter = time.perf_counter()

    figures = {
        "fig2_2.png": (
            "Figure 2.2: greedy and epsilon-greedy",
            {f"epsilon = {e}": EpsilonGreedy(e) for e in (0.0, 0.01, 0.1)},
            testbed,
            ("mean_reward", "optimal_action"),
        ),
        "fig2_3.png": (
            "Figure 2.3: optimistic initial values",
            {
                "optimistic, greedy, Q1 = 5": EpsilonGreedy(0.0, alpha=0.1, initial_value=5.0),
                "realistic, epsilon = 0.1, Q1 = 0": EpsilonGreedy(0.1, alpha=0.1),
            },
            testbed,
            ("optimal_action",),
        ),
        "fig2_4.png": (
            "Figure 2.4: UCB",
            {"UCB c = 2": UCB(2.0), "epsilon-greedy epsilon = 0.1": EpsilonGreedy(0.1)},
            testbed,
            ("mean_reward",),
        ),
        "fig2_5.png": (
            "Figure 2.5: gradient bandit, true values ~ N(4, 1)",
            {
                f"alpha = {a}, {'with' if b else 'without'} baseline": GradientBandit(a, b)
                for b in (True, False)
                for a in (0.1, 0.4)
            },
            GaussianBandit.testbed(args.arms, mean_offset=4.0),
            ("optimal_action",),
        ),
    }
    for name, (title, agents, problem, metrics) in figures.items():
        t0 = time.perf_counter()
        cmp = compare(agents, problem, **sizes)
        dt = time.perf_counter() - t0
        print(f"\n{title} ({len(agents)} curves, {dt:.3f} s)")
        for label, res in cmp.results.items():
            print(
                f"  {label:34s} average reward {res.average_reward:6.3f}, "
                f"optimal action at the last step {res.optimal_action[-1]:6.1%}"
            )
        figure(plt, cmp, metrics, title, args.out, name)

    # Figure 2.6: one point per (method, parameter); x is log2 of the parameter.
    study = {
        "epsilon-greedy (epsilon)": (range(-7, -1), lambda p: EpsilonGreedy(p)),
        "gradient bandit (alpha)": (range(-5, 3), lambda p: GradientBandit(p, baseline=True)),
        "UCB (c)": (range(-4, 3), lambda p: UCB(p)),
        "greedy, alpha 0.1 (Q0)": (
            range(-2, 3),
            lambda p: EpsilonGreedy(0.0, alpha=0.1, initial_value=p),
        ),
    }
    t0 = time.perf_counter()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    print("\nFigure 2.6: average reward over the first", args.steps, "steps")
    for label, (exponents, make) in study.items():
        xs = np.array(list(exponents))
        ys = np.array([simulate(testbed, make(2.0**x), **sizes).average_reward for x in xs])
        best = int(np.argmax(ys))
        print(f"  {label:26s} best at 2^{xs[best]}: {ys[best]:.3f}   (all: {np.round(ys, 3)})")
        ax.plot(xs, ys, "o-", label=label, ms=3)
    points = sum(len(e) for e, _ in study.values())
    print(f"  [{points} parameter settings: {time.perf_counter() - t0:.3f} s]")
    ticks = np.arange(-7, 3)
    ax.set_xticks(ticks, [f"1/{2**-t}" if t < 0 else str(2**t) for t in ticks])
    ax.set(
        xlabel="epsilon, alpha, c, Q0 (log2 scale)",
        ylabel=f"Average reward over first {args.steps} steps",
        title="Figure 2.6: parameter study",
    )
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    save(fig, args.out, "fig2_6.png")
    total = time.perf_counter() - chapter
    print(f"\nWhole chapter ({args.runs} runs x {args.steps} steps per curve): {total:.2f} s")


if __name__ == "__main__":
    main(parse(Args))
