"""CartPole linear-policy search: random search, hill climbing and CEM side by side.

The tutorials end on CartPole: "try the CartPole environment ... you need to
do something on the lines of the parameterized random search example". A
deterministic linear policy pushes right when ``w @ obs > 0``; each method
below searches the four weights, every generation evaluating ``--population``
candidates on the same ``--episodes`` episodes in one fused numba kernel.
CartPole-v1 counts as solved at an average return of 475 over 100 fresh
episodes, which every winner is scored on. The fastest winner is then played
through the Gymnasium face (``fastrl/CartPole-v1``) and saved as a GIF.

Run: ``python examples/cartpole_policy_search.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.control import METHODS, search


@dataclass(frozen=True)
class Args:
    """CartPole-v1: random search, hill climbing and the cross-entropy method."""

    population: int = arg(1000, "candidate policies per generation")
    generations: int = arg(5, "generations per search")
    episodes: int = arg(10, "episodes per candidate (the same for all candidates)")
    gif_steps: int = arg(200, "steps of the winner's GIF")
    seed: int = arg(0, "seed of every random stream")
    out: str = arg("examples/out", "directory for the PNG and the GIF")


def main(args: Args) -> None:
    sizes = dict(population=args.population, generations=args.generations, episodes=args.episodes)
    search("CartPole-v1", "random", population=8, generations=1, episodes=1)  # compile once
    print(f"{'method':>14s} {'return (100 fresh episodes)':>28s} {'env-steps':>11s} {'time':>9s}")
    results = {}
    for method in METHODS:
        t0 = time.perf_counter()
        res = search("CartPole-v1", method, seed=args.seed, **sizes)
        seconds = time.perf_counter() - t0
        results[method] = (res, seconds)
        score = f"{res.mean_return:.1f} ± {res.mean_return_se:.1f}"
        print(
            f"{method:>14s} {score:>22s} {'solved' if res.solved else '      '}"
            f" {res.env_steps:>11,d} {seconds:7.3f} s"
        )

    plt = setup_matplotlib()
    fig, ax = plt.subplots(figsize=(7, 4))
    for method, (res, _) in results.items():
        frame = res.to_frame()
        (line,) = ax.plot(frame.generation, frame.best_so_far, marker="o", label=f"{method} best")
        ax.plot(frame.generation, frame.generation_mean, ls="--", color=line.get_color(),
                label=f"{method} mean")  # fmt: skip
    ax.axhline(475, color="grey", lw=0.8)
    ax.set(xlabel="generation", ylabel="return (search episodes)", title="CartPole-v1 search")
    ax.legend(fontsize=7)
    save(fig, args.out, "cartpole_policy_search.png")

    import gymnasium as gym

    import fastrl.gym  # noqa: F401  (registers the ids)
    from fastrl.gym import record_gif

    fastest = min(results, key=lambda m: results[m][1])
    weights = results[fastest][0].weights
    env = gym.make("fastrl/CartPole-v1", render_mode="rgb_array")
    path = os.path.join(args.out, "cartpole_winner.gif")
    frames = record_gif(
        env, lambda obs: int(weights @ obs > 0), path, seed=args.seed, max_steps=args.gif_steps,
        fps=50,
    )  # fmt: skip
    print(f"saved {path} ({frames} frames of the {fastest} winner, w = {np.round(weights, 3)})")


if __name__ == "__main__":
    main(parse(Args))
