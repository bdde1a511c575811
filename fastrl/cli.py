"""The ``fastrl`` command: argument parsing only; the work lives in the library.

Sub-commands: ``bandit`` (a bandit comparison with a table, plot and CSV),
``train`` (its tabular counterpart: learners on one MDP), ``sweep`` (a
parameter study from a TOML file),
``demo`` (the tutorial jobs, timed), ``bench`` (throughput against baselines)
and ``warmup`` (compile every kernel once so later processes load them).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

# fastrl.bandits.spec.PROBLEM_KINDS, spelled here so that parsing imports no numerics.
_PROBLEM_KINDS = ("testbed", "bernoulli", "gaussian", "poisson", "exponential", "beta")


def _items(flag: str, text: str, kind: str) -> list[str]:
    items = [x.strip() for x in text.split(",")]
    if any(not x for x in items):  # "0.5,,0.5" or a stray comma: a typo, not a list
        raise ValueError(
            f"{flag}: expected comma-separated {kind} with no empty entries, got {text!r}"
        )
    return items


def _floats(flag: str, text: str) -> list[float]:
    try:
        return [float(x) for x in _items(flag, text, "numbers")]
    except ValueError as exc:
        if "empty entries" in str(exc):
            raise
        raise ValueError(f"{flag}: expected comma-separated numbers, got {text!r}") from None


def _ints(flag: str, text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(x) for x in _items(flag, text, "integers")]
    except ValueError as exc:
        if "empty entries" in str(exc):
            raise
        raise ValueError(f"{flag}: expected comma-separated integers, got {text!r}") from None


def _check_output(flag: str, path: str | None, *, image: bool = False) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    if path is None:
        return
    if os.path.isdir(path):
        raise ValueError(f"{flag} {path!r} is a directory; give a file name")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ValueError(f"{flag} {path!r}: the directory {parent!r} does not exist")
    if not os.access(parent, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise ValueError(f"{flag} {path!r} is not writable")
    if image:
        ext = os.path.splitext(path)[1].lstrip(".").lower()
        try:
            from matplotlib.figure import Figure
        except ImportError:
            raise ValueError(f"{flag} needs matplotlib (pip install matplotlib)") from None
        types = Figure().canvas.get_supported_filetypes()
        if ext and ext not in types:
            raise ValueError(
                f"{flag} {path!r}: unknown image type {ext!r}; "
                f"use one of {', '.join(sorted(types))}"
            )


def _check_problem_flags(args) -> None:
    """Flags that the chosen --problem would silently ignore are a contradiction."""
    kind = args.problem
    if args.probs is not None and kind != "bernoulli":
        takes = "--arms (means drawn per run)" if kind == "testbed" else "--means"
        raise ValueError(f"--probs is for --problem bernoulli; --problem {kind} takes {takes}")
    if args.means is not None and kind in ("bernoulli", "testbed"):
        other = "--probs" if kind == "bernoulli" else "--arms (means drawn per run)"
        raise ValueError(f"--means does not apply to --problem {kind}; it takes {other}")
    if args.reward_std is not None and kind not in ("testbed", "gaussian"):
        raise ValueError(f"--reward-std is for gaussian problems, not --problem {kind}")
    if args.concentration is not None and kind != "beta":
        raise ValueError(f"--concentration is for --problem beta, not --problem {kind}")
    for flag, value in (("--low", args.low), ("--high", args.high)):
        if value is not None and kind in ("testbed", "gaussian"):
            raise ValueError(f"{flag} does not apply to --problem {kind} (normal prior)")


def _check_specs(specs: list[str]) -> None:
    seen = set()
    for spec in specs:
        key = " ".join(spec.split())
        if key in seen:
            raise ValueError(f"--agent {spec!r} is given twice")
        seen.add(key)


def _rows(flag: str, text: str | None) -> list[float] | list[list[float]] | None:
    """``0.2,0.8`` (one row) or ``0.2,0.8/0.8,0.2`` (one row per segment)."""
    if text is None:
        return None
    if "/" not in text:
        return _floats(flag, text)
    return [_floats(flag, part) for part in text.split("/")]


def _arms(values, default: int) -> int:
    if not values:
        return default
    return len(values[0]) if isinstance(values[0], list) else len(values)


def _bandit(args) -> int:
    from fastrl.bandits import compare
    from fastrl.bandits.spec import make_problem, parse_agent

    specs = args.agent or ["epsilon-greedy epsilon=0.1", "ucb c=2"]
    try:
        # parsed here, not by argparse types, so that a malformed list is one line of error
        args.probs = _rows("--probs", args.probs)
        args.means = _rows("--means", args.means)
        args.change_points = _ints("--change-points", args.change_points)
        _check_output("--csv", args.csv)
        _check_output("--plot", args.plot, image=True)
        _check_problem_flags(args)
        _check_specs(specs)
        agents = {spec: parse_agent(spec) for spec in specs}
        arms = _arms(args.probs if args.problem == "bernoulli" else args.means, args.arms)
        problem = make_problem(
            args.problem,
            arms=arms,
            probs=args.probs,
            means=args.means,
            drift_std=args.drift_std,
            reward_std=1.0 if args.reward_std is None else args.reward_std,
            concentration=2.0 if args.concentration is None else args.concentration,
            low=args.low,
            high=args.high,
            change_points=args.change_points,
            change_rate=args.change_rate,
        )
        start = time.perf_counter()
        progress = (
            args.progress if args.progress is not None else args.runs * args.steps >= 50_000_000
        )
        cmp = compare(
            agents, problem, runs=args.runs, steps=args.steps, seed=args.seed, progress=progress
        )
    except (ValueError, TypeError, MemoryError) as exc:  # OutputTooLargeError is both
        print(f"fastrl bandit: error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - start
    print(f"{problem!r}: {args.runs} runs x {args.steps} steps per agent, seed {args.seed}")
    print(cmp.table())
    bound = cmp.lai_robbins()
    if bound == bound:  # not NaN: a stationary problem
        print(
            f"Lai-Robbins lower bound: {bound:.4g} log t = {bound * math.log(args.steps):.2f} "
            f"at t = {args.steps}"
        )
    total = len(agents) * args.runs * args.steps
    print(
        f"{total:,} agent-steps in {elapsed:.2f} s "
        f"({total / elapsed / 1e6:.1f} million/s, compile included)"
    )
    if args.csv:
        cmp.to_frame().to_csv(args.csv, index=False)
        print(f"wrote {args.csv}")
    if args.plot:
        from fastrl.plotting import save_bandit_figure

        save_bandit_figure(cmp, args.plot)
        print(f"wrote {args.plot}")
    return 0


def _train(args) -> int:
    from fastrl.tabular import compare
    from fastrl.tabular.spec import make_task, parse_learner

    specs = args.agent or ["q-learning alpha=0.1 epsilon=0.1", "sarsa alpha=0.1 epsilon=0.1"]
    try:
        _check_output("--csv", args.csv)
        _check_output("--plot", args.plot, image=True)
        _check_specs(specs)
        agents = {spec: parse_learner(spec) for spec in specs}
        mdp = make_task(args.env)
        progress = (
            args.progress if args.progress is not None else args.runs * args.episodes >= 2_000_000
        )
        start = time.perf_counter()
        cmp = compare(
            agents, mdp, runs=args.runs, episodes=args.episodes, seed=args.seed,
            max_episode_steps=args.max_episode_steps, progress=progress,
        )  # fmt: skip
    except (ValueError, TypeError, MemoryError) as exc:  # OutputTooLargeError is both
        print(f"fastrl train: error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - start
    first = next(iter(cmp.results.values()))
    print(
        f"{mdp.name or 'MDP'} ({mdp.num_states} states, {mdp.num_actions} actions): "
        f"{args.runs} runs x {args.episodes} episodes per agent, at most "
        f"{first.max_episode_steps} steps each, seed {args.seed}"
    )
    print(cmp.table())
    steps = sum(r.total_steps for r in cmp.results.values())
    print(
        f"{steps:,} env-steps in {elapsed:.2f} s "
        f"({steps / elapsed / 1e6:.1f} million/s, compile included)"
    )
    if args.csv:
        cmp.to_frame().to_csv(args.csv, index=False)
        print(f"wrote {args.csv}")
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4))
        cmp.plot("episode_return", ax=ax, smooth=max(1, args.episodes // 50))
        ax.set_title(f"{mdp.name or 'MDP'}: {args.runs} runs")
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)
        plt.close(fig)
        print(f"wrote {args.plot}")
    return 0


def _demo(args) -> int:
    from fastrl.demo import run_demo

    run_demo(quick=args.quick)
    return 0


def _bench(args) -> int:
    from fastrl._bench import GROUPS
    from fastrl.bench import run_bench

    try:
        if not (math.isfinite(args.scale) and args.scale > 0.0):
            raise ValueError(f"--scale must be a finite number > 0, got {args.scale}")
        names = [g.name for g in GROUPS]
        for group in args.group or ():
            if group not in names:
                raise ValueError(f"--group must be one of {', '.join(names)}, got {group!r}")
        _check_output("--json", args.json)
        _check_output("--update-readme", args.update_readme)
        if args.update_readme is not None and not os.path.isfile(args.update_readme):
            raise ValueError(f"--update-readme {args.update_readme!r} does not exist")
    except ValueError as exc:
        print(f"fastrl bench: error: {exc}", file=sys.stderr)
        return 2
    return run_bench(
        scale=args.scale, json_path=args.json, readme=args.update_readme, groups=args.group
    )


def _warmup(args) -> int:
    from fastrl.warmup import warmup

    elapsed = warmup(verbose=not args.quiet, jobs=args.jobs)
    print(f"compiled fastrl's kernels in {elapsed:.1f} s")
    return 0


def _sweep(args) -> int:
    from fastrl.sweep.study import StudyError, run_study

    start = time.perf_counter()
    try:
        res, written = run_study(args.study)
    except StudyError as exc:
        print(f"fastrl sweep: error: {exc}", file=sys.stderr)
        return 2
    print(res.to_frame().to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(f"{len(res.points)} grid points x {res.runs} runs in {time.perf_counter() - start:.2f} s")
    for path in written:
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``fastrl`` command."""
    parser = argparse.ArgumentParser(
        prog="fastrl", description="Batched bandit and tabular RL simulation."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("bandit", help="compare bandit agents on one problem")
    b.add_argument(
        "--problem", "--family", dest="problem", choices=_PROBLEM_KINDS, default="testbed",
        help="the arm family (testbed: gaussian means drawn per run)",
    )  # fmt: skip
    b.add_argument("--arms", type=int, default=10, help="number of arms of drawn means")
    b.add_argument(
        "--probs",
        help="bernoulli success probabilities, e.g. 0.7,0.3 (per segment: 0.7,0.3/0.3,0.7)",
    )  # fmt: skip
    b.add_argument(
        "--means",
        help="arm means of the other families, e.g. 1,2,3 (per segment: 1,2,3/3,2,1)",
    )  # fmt: skip
    b.add_argument("--reward-std", type=float, help="gaussian reward noise (default 1)")
    b.add_argument("--concentration", type=float, help="beta precision a + b (default 2)")
    b.add_argument("--low", type=float, help="uniform prior of drawn means: lower end")
    b.add_argument("--high", type=float, help="uniform prior of drawn means: upper end")
    b.add_argument(
        "--drift-std", type=float, default=0.0, help="random-walk std of the true values"
    )
    b.add_argument(
        "--change-points",
        help="steps at which the means jump, e.g. 500,1000 (give one row of means per segment, "
        "or none for fresh draws per segment)",
    )  # fmt: skip
    b.add_argument(
        "--change-rate", type=float, default=0.0,
        help="change points drawn per run: geometric gaps of mean 1/rate steps",
    )  # fmt: skip
    b.add_argument("--runs", type=int, default=2000)
    b.add_argument("--steps", type=int, default=1000)
    b.add_argument("--seed", type=int, default=0)
    b.add_argument(
        "--agent",
        action="append",
        help='agent spec, repeatable: "epsilon-greedy epsilon=0.1", "ucb c=2", "softmax beta=5", '
        '"gradient alpha=0.1", "thompson"',
    )
    b.add_argument("--plot", help="write the learning curves to this image file")
    b.add_argument("--csv", help="write the curves (long format) to this CSV file")
    b.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    b.set_defaults(func=_bandit)

    t = sub.add_parser("train", help="compare tabular learners on one MDP")
    t.add_argument(
        "--env", default="frozenlake",
        help="a built-in task (frozenlake[:8x8], cliff, windy, dyna-maze, ...; options as "
        "key=value, e.g. 'frozenlake:8x8 is_slippery=false') or a Gymnasium toy-text id "
        "(Taxi-v3)",
    )  # fmt: skip
    t.add_argument("--runs", type=int, default=1000)
    t.add_argument("--episodes", type=int, default=500)
    t.add_argument(
        "--max-episode-steps", type=int, default=None,
        help="episode step limit (default: the task's own, else a safety cap of 100,000)",
    )  # fmt: skip
    t.add_argument("--seed", type=int, default=0)
    t.add_argument(
        "--agent",
        action="append",
        help='learner spec, repeatable: "q-learning alpha=0.1 epsilon=0.1", "sarsa", '
        '"expected-sarsa", "double-q", "dyna-q planning_steps=5", '
        '"sarsa(lambda) lambda=0.9", or "mypkg.module:MyLearner alpha=0.2"',
    )
    t.add_argument("--plot", help="write the learning curves to this image file")
    t.add_argument("--csv", help="write the curves (long format) to this CSV file")
    t.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    t.set_defaults(func=_train)

    d = sub.add_parser("demo", help="the tutorial jobs, timed")
    d.add_argument("--quick", action="store_true", help="smaller sizes")
    d.set_defaults(func=_demo)

    k = sub.add_parser("bench", help="throughput against baselines")
    k.add_argument("--scale", type=float, default=1.0, help="shrink the jobs (e.g. 0.1)")
    k.add_argument("--group", action="append", help="only these groups")
    k.add_argument("--json", help="write the measurements to this JSON file")
    k.add_argument(
        "--update-readme", metavar="README", help="rewrite the throughput table in this file"
    )
    k.set_defaults(func=_bench)

    s = sub.add_parser("sweep", help="a parameter study described in a TOML file")
    s.add_argument("study", help="the study file (see fastrl.sweep.study for its keys)")
    s.set_defaults(func=_sweep)

    w = sub.add_parser("warmup", help="compile every kernel once (fills the on-disk cache)")
    w.add_argument("--quiet", action="store_true", help="do not list the kernels as they compile")
    w.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="processes compiling at once (default: the cores, at most 8; 1: this process)",
    )
    w.set_defaults(func=_warmup)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``fastrl`` console script."""
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
