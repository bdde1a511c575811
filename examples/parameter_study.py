"""Sutton & Barto (2018), figure 2.6: the parameter study of chapter 2 in one ``sweep`` call.

Four methods on the 10-armed testbed, each over a range of its parameter on a
log2 scale, scored by the average reward over the first 1000 steps (2000
runs each in the book): epsilon-greedy (epsilon), the gradient bandit with
baseline (alpha), UCB (c) and greedy with optimistic initial values and
alpha = 0.1 (Q0). All points share common random numbers (one seed).

The study runs twice: in this process on numba threads, then on a Dask
``LocalCluster`` of 2 single-threaded worker processes, and the two tables are
checked equal bit for bit.

Run: ``python examples/parameter_study.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.bandits import UCB, EpsilonGreedy, GaussianBandit, GradientBandit
from fastrl.sweep import sweep


@dataclass(frozen=True)
class Args:
    """Sutton & Barto figure 2.6 with fastrl.sweep, locally and on a 2-worker Dask cluster."""

    runs: int = arg(2000, "independent runs per grid point (the book: 2000)")
    steps: int = arg(1000, "steps per run (the book: 1000)")
    workers: int = arg(2, "Dask worker processes of the LocalCluster (0: skip the cluster run)")
    seed: int = arg(0, "seed; every grid point sees the same testbed problems")
    out: str = arg("examples/out", "directory for the PNG")


def powers(lo: int, hi: int) -> list[float]:
    return [2.0**k for k in range(lo, hi + 1)]


AGENTS = {
    "epsilon-greedy": (EpsilonGreedy, {"epsilon": powers(-7, -2)}),
    "gradient bandit": (GradientBandit, {"alpha": powers(-5, 1), "baseline": True}),
    "UCB": (UCB, {"c": powers(-4, 2)}),
    "greedy, optimistic, alpha 0.1": (
        EpsilonGreedy,
        {"epsilon": 0.0, "alpha": 0.1, "initial_value": powers(-2, 2)},
    ),
}


def main(args: Args) -> None:
    plt = setup_matplotlib()
    testbed = GaussianBandit.testbed()
    kw = dict(runs=args.runs, steps=args.steps, seed=args.seed)
    start = time.perf_counter()
    sweep(AGENTS, testbed, runs=1, steps=2)  # compile (or load) each kind's driver once
    print(f"first call (numba compiles, or loads its cache): {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    local = sweep(AGENTS, testbed, **kw)
    elapsed = time.perf_counter() - start
    steps = len(local.points) * args.runs * args.steps
    print(
        f"local: {len(local.points)} grid points x {args.runs} runs x {args.steps} steps "
        f"in {elapsed:.2f} s ({steps / elapsed / 1e6:.0f} million agent-steps/s)"
    )
    frame = local.to_frame()
    for kind, rows in frame.groupby("agent", sort=False):
        best = rows.loc[rows["mean_reward"].idxmax()]
        param = next(p for p in local.params if p in rows and rows[p].nunique() > 1)
        print(f"  {kind:30s} best {param} = {best[param]:g}: {best['mean_reward']:.3f}")

    if args.workers > 0:
        start = time.perf_counter()
        remote = sweep(AGENTS, testbed, client=args.workers, **kw)
        print(
            f"{args.workers}-worker LocalCluster (start-up included): "
            f"{time.perf_counter() - start:.2f} s"
        )
        other = remote.to_frame()
        numbers = frame.select_dtypes("number").columns
        same = np.array_equal(frame[numbers].to_numpy(), other[numbers].to_numpy(), equal_nan=True)
        same &= all(
            np.array_equal(a.mean_reward, b.mean_reward)
            for a, b in zip(local.results, remote.results, strict=True)
        )
        print(f"local and cluster results identical bit for bit: {same}")
        if not same:
            raise SystemExit("the cluster gave different numbers")

    fig, ax = plt.subplots(figsize=(7, 4.5))
    local.plot("mean_reward", ax=ax)
    ax.set_ylabel(f"Average reward over first {args.steps} steps")
    ax.set_title("Figure 2.6: parameter study")
    fig.tight_layout()
    save(fig, args.out, "parameter_study.png")


if __name__ == "__main__":
    main(parse(Args))
