"""Mountain Car with tile coding and semi-gradient Sarsa: Sutton & Barto figures 10.1 and 10.2.

Example 10.1 of the book: 8 tilings of 8 x 8 tiles over position and velocity
(asymmetric offsets (1, 3)), linear action values, all weights 0 at first.
Every true value is negative (reward -1 per step), so the zero weights are
optimistic and even the greedy learner (epsilon = 0) explores systematically.
The dynamics are Gymnasium's MountainCar-v0, bit for bit; episodes run to the
goal as in the book (a cap of ``--max-episode-steps`` only stops a diverging
learner; Gymnasium's own limit is 200). Each step size runs ``--runs``
independent learners in one parallel numba kernel.

Left: figure 10.2, steps per episode (log scale, mean of the runs with a
+-1 standard-error band) for alpha = 0.1/8, 0.2/8 and 0.5/8. Right: figure 10.1's
"cost-to-go" ``-max_a q(s, a)`` learned by the first run of the last step size.

Run: ``python examples/mountain_car_tile_coding.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.control import tile_sarsa


@dataclass(frozen=True)
class Args:
    """Mountain Car: tile-coding semi-gradient Sarsa for the book's three step sizes."""

    runs: int = arg(100, "independent runs per step size (the book: 100)")
    episodes: int = arg(500, "episodes per run (the book: 500)")
    alphas: tuple = arg((0.1, 0.2, 0.5), "step sizes before the division by the tilings")
    tilings: int = arg(8, "tilings (the book: 8)")
    tiles: int = arg(8, "tiles per dimension of one tiling (the book: 8)")
    epsilon: float = arg(0.0, "exploration probability (the book: 0)")
    max_episode_steps: int = arg(10_000, "episode cap (the book runs to the goal)")
    seed: int = arg(0, "seed of every random stream")
    out: str = arg("examples/out", "directory for the PNG")


def cost_to_go(res, grid: int = 60):
    """``-max_a q(s, a)`` of run 0 on a ``grid x grid`` mesh of position and velocity."""
    coder = res.coder
    pos = np.linspace(coder.low[0], coder.high[0], grid)
    vel = np.linspace(coder.low[1], coder.high[1], grid)
    mesh = np.stack(np.meshgrid(pos, vel, indexing="ij"), axis=-1)  # (grid, grid, 2)
    idx = coder.encode(mesh)  # (grid, grid, tilings)
    q = res.weights[0][:, idx].sum(axis=-1)  # (3, grid, grid)
    return pos, vel, -q.max(axis=0)


def main(args: Args) -> None:
    start = time.perf_counter()
    tile_sarsa(runs=1, episodes=1)  # compile (or load numba's cache) once
    sizes = dict(
        runs=args.runs, episodes=args.episodes, tilings=args.tilings, tiles=args.tiles,
        epsilon=args.epsilon, max_episode_steps=args.max_episode_steps, seed=args.seed,
    )  # fmt: skip
    print(
        f"Mountain Car, {args.tilings} tilings of {args.tiles} x {args.tiles} tiles, "
        f"{args.runs} runs x {args.episodes} episodes per step size"
    )
    mid = min(100, args.episodes)
    results = {}
    for k, alpha in enumerate(args.alphas):
        t0 = time.perf_counter()
        res = tile_sarsa(alpha=alpha, record_runs=k == len(args.alphas) - 1, **sizes)
        seconds = time.perf_counter() - t0
        results[alpha] = res
        cells = ", ".join(
            f"episode {e} {res.steps[e - 1]:.1f} ± {np.nan_to_num(res.steps_se[e - 1]):.1f}"
            for e in dict.fromkeys((1, mid, args.episodes))
        )
        print(
            f"  alpha = {alpha:g}/{args.tilings}: {cells} steps; "
            f"{res.env_steps:,d} env-steps in {seconds:.3f} s "
            f"({res.env_steps / seconds / 1e6:.1f} M steps/s), "
            f"{int(round(res.truncated.sum() * res.runs))} episodes truncated"
        )

    plt = setup_matplotlib()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), constrained_layout=True)
    for res in results.values():
        res.plot(left)
    left.set_title("Figure 10.2: semi-gradient Sarsa with tile coding")
    last = results[args.alphas[-1]]
    pos, vel, cost = cost_to_go(last)
    image = right.pcolormesh(pos, vel, cost.T, shading="auto", cmap="viridis")
    fig.colorbar(image, ax=right, label="-max_a q(s, a)")
    right.set(
        xlabel="position", ylabel="velocity",
        title=f"Figure 10.1: cost-to-go after {args.episodes} episodes (one run)",
    )  # fmt: skip
    save(fig, args.out, "mountain_car_tile_coding.png")
    print(f"total time: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main(parse(Args))
