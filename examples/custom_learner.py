"""A learner written outside fastrl: n-step SARSA (Sutton & Barto 7.2) on the public protocol.

Everything below the imports is user code: a frozen config declaring its tables
and per-episode scratch, and four small numba hooks. ``train`` and ``compare``
compile the one learning driver for it (and cache it on disk, keyed by this
file's source), with the same determinism as the built-in learners.

The n-step return of the pair taken at episode step ``tau`` is
``G = R[tau+1] + gamma R[tau+2] + ... + gamma^(h-1) R[tau+h] (+ gamma^h Q(S[tau+h], A[tau+h]))``
with ``h = min(n, steps left)``, bootstrapped unless the episode terminated
within the horizon (a truncated episode bootstraps, as one-step SARSA does).
The update of step ``tau`` waits for ``n`` more transitions; ``end_episode``
makes the updates still pending when the episode ends. With ``n = 1`` this is
one-step SARSA, bit for bit.

Run: ``python examples/custom_learner.py`` (``--help`` for the sizes, ``--plot``
for a figure of episodes against time steps).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.tabular import Sarsa, compare, windy_gridworld
from fastrl.tabular.learners import Hooks, Table, TabularAgent, explore, ijit


@ijit
def nstep_start(p, tab, scr, ctx, s, t):
    """Remember S0 and select A0 with the draws of the episode's first step."""
    scr.states[0] = s
    scr.actions[0] = explore.select(ctx, tab.q, s, t)


@ijit
def nstep_act(p, tab, scr, ctx, s, t):
    """A_k, selected when S_k was observed."""
    return scr.actions[scr.k[0] % (p.n + 1)]


@ijit
def nstep_backup(p, tab, scr, tau, end, bootstrap):
    """Update Q(S_tau, A_tau) toward the return of rewards tau+1 .. end (buffers mod n+1)."""
    m = p.n + 1
    q = tab.q
    g = 0.0
    discount = 1.0
    for i in range(tau + 1, end + 1):
        g += discount * scr.rewards[i % m]
        discount *= p.gamma
    if bootstrap:
        g += discount * q[scr.states[end % m], scr.actions[end % m]]
    s, a = scr.states[tau % m], scr.actions[tau % m]
    q[s, a] += p.alpha * (g - q[s, a])


@ijit
def nstep_update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    m = p.n + 1
    k = scr.k[0] + 1  # steps taken in the episode, this one included
    scr.k[0] = k
    scr.rewards[k % m] = r
    scr.states[k % m] = s_next
    scr.terminated[0] = terminated
    if not terminated:  # A_k selected before the update, with the draws of step t + 1
        scr.actions[k % m] = explore.select(ctx, tab.q, s_next, t + 1)
    tau = k - p.n
    if tau >= 0:
        nstep_backup(p, tab, scr, tau, k, not terminated)


@ijit
def nstep_end(p, tab, scr, ctx, t):
    k = scr.k[0]
    for tau in range(max(k - p.n + 1, 0), k):
        nstep_backup(p, tab, scr, tau, k, not scr.terminated[0])


@dataclass(frozen=True, kw_only=True)
class NStepSarsa(TabularAgent):
    """n-step SARSA (Sutton & Barto 7.2); ``n = 1`` is one-step SARSA.

    Parameters
    ----------
    n : int
        Steps of the return before it bootstraps, >= 1.
    """

    n: int = 4

    tables: ClassVar = {"q": Table(("S", "A"), init="initial_value")}
    scratch: ClassVar = {
        "states": Table(("n + 1",), "int64", init=None),  # circular buffers, written first
        "actions": Table(("n + 1",), "int64", init=None),
        "rewards": Table(("n + 1",), init=None),
        "k": Table((1,), "int64"),
        "terminated": Table((1,), "bool", init=False),
    }
    hooks: ClassVar = Hooks(
        act=nstep_act, update=nstep_update, start_episode=nstep_start, end_episode=nstep_end
    )

    def __post_init__(self):
        super().__post_init__()
        if isinstance(self.n, bool) or not isinstance(self.n, int) or self.n < 1:
            raise ValueError(f"n must be an int >= 1, got {self.n!r}")


@dataclass(frozen=True)
class Args:
    """n-step SARSA, a user-defined learner, against one-step SARSA on the windy gridworld."""

    runs: int = arg(256, "independent runs per agent")
    episodes: int = arg(170, "episodes per run (the book: 170)")
    n: tuple = arg((2, 4, 8), "the n of each n-step SARSA")
    seed: int = arg(0, "seed of every random stream")
    plot: bool = arg(False, "also save a figure of episodes against time steps")
    out: str = arg("examples/out", "directory for the PNG")


def main(args: Args) -> None:
    # Windy gridworld, example 6.5: alpha 0.5, epsilon 0.1, undiscounted.
    sharp = dict(alpha=0.5, gamma=1.0, epsilon=0.1)
    agents = {"SARSA": Sarsa(**sharp)}
    agents |= {f"{n}-step SARSA": NStepSarsa(n=n, **sharp) for n in args.n}
    t0 = time.perf_counter()
    cmp = compare(
        agents, windy_gridworld(), runs=args.runs, episodes=args.episodes, seed=args.seed,
        max_episode_steps=10_000,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    print(f"Windy gridworld, {args.runs} runs x {args.episodes} episodes: {seconds:.3f} s")
    print(f"  {'agent':16s} {'steps in all':>12s} {'last episode':>14s} {'online return':>16s}")
    for name, res in cmp.results.items():
        se = res.episode_length_se[-1]
        print(
            f"  {name:16s} {res.total_steps / res.runs:12.0f} "
            f"{res.episode_length[-1]:8.1f} ± {se:4.1f} {res.run_mean_return.mean():16.2f}"
        )
    if args.plot:
        plt = setup_matplotlib()
        fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
        for name, res in cmp.results.items():
            ax.plot(np.cumsum(res.episode_length), np.arange(1, res.episodes + 1), label=name)
        ax.set(title="Windy gridworld", xlabel="time steps", ylabel="episodes")
        ax.legend(frameon=False)
        save(fig, args.out, "custom_learner.png")


if __name__ == "__main__":
    main(parse(Args))
