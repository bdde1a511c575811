"""The bandit zoo: seven classic policies against the Lai-Robbins bound on one Bernoulli problem.

The standard comparison figure of the stochastic-bandit literature: the
ten-arm, low-reward Bernoulli scenario of Garivier & Cappé (2011, figure 2),
success probabilities (0.1, 0.05, 0.05, 0.05, 0.02, 0.02, 0.02, 0.01, 0.01,
0.01), on which UCB1 (Auer et al. 2002), MOSS (Audibert & Bubeck 2009),
UCB-V (Audibert, Munos & Szepesvari 2009), KL-UCB (Garivier & Cappé 2011),
Bayes-UCB (Kaufmann, Cappé & Garivier 2012), Thompson sampling and EXP3
(Auer et al. 2002) play with common random numbers in one ``compare`` call.
Three panels: the mean regret on a log time axis beside Lai & Robbins'
lower bound ``C log t``, the pulls of each arm, and the spread of the final
regret across runs. The summary table gives the final regret with its
standard error and quantiles, and the final regret over ``log T``, whose
floor is the bound's constant ``C``. The bound is asymptotic (on ``lim inf
regret / log t``): at a horizon of 10,000, KL-UCB, Bayes-UCB and Thompson
sampling are still below ``C log t``, while UCB1 and EXP3 (built for any
rewards in [0, 1], EXP3 even for adversarial ones) explore the nine poor
arms far more. Bayes-UCB's Beta quantiles make it the slowest of the seven
here: most of the run time is its.

Run: ``python examples/bandit_zoo.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.bandits import (
    EXP3,
    KLUCB,
    MOSS,
    UCB,
    UCBV,
    BayesUCB,
    BernoulliBandit,
    ThompsonSampling,
    compare,
)
from fastrl.bandits.compare import QUANTILE_COLUMNS
from fastrl.plotting import plot_final_regret, plot_pulls

# Garivier & Cappé (2011), figure 2: one good arm among nine with low, close rewards.
PROBS = (0.1, 0.05, 0.05, 0.05, 0.02, 0.02, 0.02, 0.01, 0.01, 0.01)


@dataclass(frozen=True)
class Args:
    """Seven bandit policies against the Lai-Robbins bound on ten Bernoulli arms."""

    runs: int = arg(2000, "independent runs (all on the same arms)")
    steps: int = arg(10_000, "horizon: pulls per run")
    probs: tuple = arg(PROBS, "success probability of each arm")
    kind: str = arg("box", "final-regret panel: box or violin")
    seed: int = arg(0, "seed of every random stream")
    out: str = arg("examples/out", "directory for the PNG")


def agents() -> dict:
    """The seven policies with their papers' recommended settings (rewards in [0, 1])."""
    return {
        # Sutton & Barto's c sqrt(ln t / N) is UCB1's sqrt(2 ln t / N) at c = sqrt(2).
        "UCB1": UCB(c=float(np.sqrt(2.0))),
        "MOSS": MOSS(),  # horizon: the simulated steps
        "UCB-V": UCBV(zeta=1.2, c=1.0, b=1.0),
        "KL-UCB": KLUCB(c=0.0),
        "Bayes-UCB": BayesUCB(c=0.0),
        "Thompson": ThompsonSampling(),  # Beta(1, 1) priors on Bernoulli arms
        "EXP3": EXP3(),  # gamma tuned to the horizon (Corollary 3.2)
    }


def main(args: Args) -> None:
    plt = setup_matplotlib()
    problem = BernoulliBandit(list(args.probs))
    zoo = agents()
    t0 = time.perf_counter()
    compare(zoo, problem, runs=1, steps=2, seed=args.seed)
    print(f"first call (numba compiles, or loads its cache): {time.perf_counter() - t0:.3f} s")
    t0 = time.perf_counter()
    cmp = compare(zoo, problem, runs=args.runs, steps=args.steps, seed=args.seed)
    dt = time.perf_counter() - t0
    total = len(zoo) * args.runs * args.steps
    print(
        f"{len(zoo)} agents x {args.runs} runs x {args.steps} steps, {problem.num_arms} arms: "
        f"{dt:.3f} s ({total / dt / 1e6:.1f} million agent-steps/s)"
    )
    c = cmp.lai_robbins()
    print(f"Lai-Robbins bound at T = {args.steps}: C log T = {c * np.log(args.steps):.1f}\n")
    print(cmp.table())
    print(f"\nFinal regret / log T (the bound's floor: C = {c:.2f}) and quantiles 5 .. 95%:")
    for row in cmp.rows():
        quantiles = " / ".join(f"{row[q]:.0f}" for q in QUANTILE_COLUMNS)
        print(
            f"  {row['agent']:10s} {row['final_regret_over_log_t']:6.2f} "
            f"± {row['final_regret_over_log_t_se']:.2f}   regret {quantiles}"
        )

    fig, axes = plt.subplots(
        1, 3, figsize=(15, 4.6), constrained_layout=True, gridspec_kw={"width_ratios": [1, 1.3, 1]}
    )
    cmp.plot("regret", ax=axes[0])
    axes[0].set_xscale("log")
    axes[0].set_title(f"Mean regret, {args.runs} runs (log time)")
    axes[0].legend(frameon=False, fontsize=8)
    plot_pulls(cmp, axes[1], log=True)
    axes[1].set_title("Pulls of each arm per run (mean ± SE)")
    axes[1].set_xticks(
        range(problem.num_arms), [f"{a}\np={p:g}" for a, p in enumerate(args.probs)], fontsize=8
    )
    axes[1].legend(frameon=False, fontsize=8, ncols=2)
    plot_final_regret(cmp, axes[2], kind=args.kind)
    axes[2].axhline(c * np.log(args.steps), color="k", ls="--", lw=1.0, label="C log T")
    axes[2].set_title(f"Regret at T = {args.steps} across runs")
    axes[2].legend(frameon=False, fontsize=8)
    fig.suptitle(f"Bernoulli arms p = {list(args.probs)} (Garivier & Cappé 2011)")
    save(fig, args.out, "bandit_zoo.png")


if __name__ == "__main__":
    main(parse(Args))
