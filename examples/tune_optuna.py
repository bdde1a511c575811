"""Tune a bandit agent's hyperparameters with Optuna: each trial is one fastrl call.

The tutorials' tuning step ("grid search, random search or Optuna"): Optuna's
TPE sampler proposes epsilon-greedy's ``epsilon`` and constant step size
``alpha`` (log scales), and each trial scores them by the average reward of
``simulate`` over thousands of runs on the 10-armed testbed. Every trial uses
the same seed, so trials are compared on the same problems and reward draws
(common random numbers) and the score's noise does not mislead the search.
A grid ``sweep`` over the same ranges shows what the search found.

Run: ``python examples/tune_optuna.py`` (``--help`` for the sizes). Needs ``optuna``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from _args import arg, parse, save, setup_matplotlib

from fastrl.bandits import EpsilonGreedy, GaussianBandit, simulate
from fastrl.sweep import sweep


@dataclass(frozen=True)
class Args:
    """Tune epsilon-greedy's epsilon and alpha with Optuna, one simulate call per trial."""

    trials: int = arg(100, "Optuna trials")
    runs: int = arg(2000, "runs per trial")
    steps: int = arg(1000, "steps per run")
    seed: int = arg(0, "seed of every trial (common random numbers)")
    out: str = arg("examples/out", "directory for the PNG")


def main(args: Args) -> None:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    plt = setup_matplotlib()
    testbed = GaussianBandit.testbed()
    sizes = dict(runs=args.runs, steps=args.steps, seed=args.seed)
    start = time.perf_counter()
    simulate(testbed, EpsilonGreedy(0.1, alpha=0.1), runs=1, steps=2)
    print(f"first call (numba compiles, or loads its cache): {time.perf_counter() - start:.2f} s")

    def objective(trial):
        agent = EpsilonGreedy(
            trial.suggest_float("epsilon", 1 / 256, 0.5, log=True),
            alpha=trial.suggest_float("alpha", 1 / 64, 1.0, log=True),
        )
        return simulate(testbed, agent, **sizes).average_reward

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0))
    start = time.perf_counter()
    study.optimize(objective, n_trials=args.trials)
    elapsed = time.perf_counter() - start
    best = study.best_trial
    print(
        f"{args.trials} trials of {args.runs} runs x {args.steps} steps in {elapsed:.2f} s "
        f"({args.trials / elapsed:.1f} trials/s, "
        f"{args.trials * args.runs * args.steps / elapsed / 1e6:.0f} million agent-steps/s)"
    )
    print(
        f"best: epsilon = {best.params['epsilon']:.4f}, alpha = {best.params['alpha']:.4f}, "
        f"average reward {best.value:.4f}"
    )
    # Tuned on one seed's problems: score the winner on fresh ones to see the optimism.
    fresh = simulate(testbed, EpsilonGreedy(**best.params), **{**sizes, "seed": args.seed + 1})
    print(
        f"the best on fresh problems (seed {args.seed + 1}): "
        f"{fresh.average_reward:.4f} +- {fresh.average_reward_se:.4f}"
    )

    grid = {"eps": (EpsilonGreedy, {"epsilon": [2.0**k for k in range(-8, 0)], "alpha": 0.1})}
    start = time.perf_counter()
    res = sweep(grid, testbed, **sizes)
    frame = res.to_frame()
    top = frame.loc[frame["mean_reward"].idxmax()]
    print(
        f"grid sweep over epsilon (alpha 0.1, {len(frame)} points, "
        f"{time.perf_counter() - start:.2f} s): best epsilon = {top['epsilon']:g}, "
        f"average reward {top['mean_reward']:.4f} +- {top['mean_reward_se']:.4f}"
    )

    fig, ax = plt.subplots(figsize=(6, 4.5))
    trials = study.trials_dataframe()
    points = ax.scatter(
        trials["params_epsilon"], trials["params_alpha"], c=trials["value"], cmap="viridis", s=18
    )
    ax.scatter([best.params["epsilon"]], [best.params["alpha"]], marker="*", s=200, c="red")
    ax.set(xscale="log", yscale="log", xlabel="epsilon", ylabel="alpha")
    ax.set_title("Optuna trials (colour: average reward; star: best)")
    fig.colorbar(points, ax=ax, label="average reward")
    fig.tight_layout()
    save(fig, args.out, "tune_optuna.png")


if __name__ == "__main__":
    main(parse(Args))
