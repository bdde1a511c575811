"""Writing your own bandit agent: two agents fastrl does not ship, in fastrl's fused kernel.

* **Explore-then-commit** (Lattimore & Szepesvari, *Bandit Algorithms*, ch. 6): pull
  every arm ``m`` times in turn, then play the best empirical mean for good.
* **UCB1-tuned** (Auer, Cesa-Bianchi & Fischer 2002, section 4): UCB1 with the
  exploration term scaled by an upper bound on each arm's variance,
  ``sqrt(ln t / n * min(1/4, var + sqrt(2 ln t / n)))``.

Both are defined here, outside the package, on the public protocol
(:class:`fastrl.bandits.Agent`): a frozen dataclass declaring its per-arm state,
and ``select``/``update`` functions in numba's subset. ``simulate`` and
``compare`` compile them into the same driver as the built-ins, so they run at
the built-ins' speed and with the same guarantees (determinism, common random
numbers). They are compared here with the built-in UCB and epsilon-greedy.

Because the agents live in an importable module, their compiled drivers are
cached on disk: run the script twice and the second run skips the compile.
The command line takes them too (run from ``examples/``):
``fastrl bandit --agent "custom_agent:ExploreThenCommit m=20" --agent "ucb c=2"``.

Run: ``python examples/custom_agent.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from _args import arg, parse, save, setup_matplotlib

from fastrl.bandits import UCB, Agent, BernoulliBandit, EpsilonGreedy, compare
from fastrl.policies import argmax_random
from fastrl.validation import check_int


@dataclass(frozen=True)
class ExploreThenCommit(Agent):
    """Explore-then-commit: ``m`` pulls of every arm in turn, then the best mean forever."""

    m: int = 10
    arrays = {"q": 0.0, "n": 0.0}  # per-arm mean reward and pull count

    def __post_init__(self):
        check_int("m", self.m, low=1)  # a ValueError naming `m`, never a bad kernel input

    @staticmethod
    def select(p, st, j, key, t):
        k = st.q.shape[1]
        if t < p.m * k:
            return t % k
        return argmax_random(st.q, j, key, t)  # ties broken with the addressed draws

    @staticmethod
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0
        st.q[j, a] += (r - st.q[j, a]) / st.n[j, a]


@dataclass(frozen=True)
class UCB1Tuned(Agent):
    """UCB1-tuned: the UCB1 index with a variance-aware exploration term (rewards in [0, 1])."""

    arrays = {"q": 0.0, "n": 0.0, "sq": 0.0}  # means, counts, sums of squared rewards

    @staticmethod
    def select(p, st, j, key, t):
        k = st.q.shape[1]
        if t < k:  # every arm once first
            return t
        log_t = math.log(t + 1.0)
        best, arm = -math.inf, 0
        for a in range(k):
            n = st.n[j, a]
            var = st.sq[j, a] / n - st.q[j, a] * st.q[j, a] + math.sqrt(2.0 * log_t / n)
            v = st.q[j, a] + math.sqrt(log_t / n * min(0.25, var))
            if v > best:
                best, arm = v, a
        return arm

    @staticmethod
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0
        st.q[j, a] += (r - st.q[j, a]) / st.n[j, a]
        st.sq[j, a] += r * r


def main(args) -> None:
    problem = BernoulliBandit(list(args.probs))
    agents = {
        f"explore-then-commit (m={args.m})": ExploreThenCommit(args.m),
        "UCB1-tuned": UCB1Tuned(),
        "UCB1 (built-in, c=sqrt 2)": UCB(math.sqrt(2.0)),
        "epsilon-greedy (built-in, 0.1)": EpsilonGreedy(0.1),
    }
    print(f"Bernoulli arms p = {list(args.probs)}: {args.runs} runs x {args.steps} steps")
    t0 = time.perf_counter()
    cmp = compare(agents, problem, runs=args.runs, steps=args.steps, seed=args.seed)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    compare(agents, problem, runs=args.runs, steps=args.steps, seed=args.seed)
    again = time.perf_counter() - t0
    rate = len(agents) * args.runs * args.steps / again / 1e6
    print(f"first call {first:.2f} s (compiles what the disk cache lacks), again {again:.3f} s "
          f"({rate:.1f} million agent-steps/s)")  # fmt: skip
    print(f"{'agent':34s} {'avg reward':>12s} {'final regret':>16s}")
    for name, res in cmp.results.items():
        regret = f"{res.regret[-1]:9.2f} ± {res.regret_se[-1]:.2f}"
        print(f"{name:34s} {res.average_reward:12.4f} {regret}")

    plt = setup_matplotlib()
    fig, ax = plt.subplots(figsize=(7, 4), constrained_layout=True)
    cmp.plot("regret", ax=ax)
    ax.set(title=f"Your own agents beside the built-ins ({args.runs} runs)", xscale="log")
    save(fig, args.out, "custom_agent.png")


@dataclass(frozen=True)
class Args:
    """Custom bandit agents (explore-then-commit, UCB1-tuned) against built-ins."""

    runs: int = arg(2000, "independent runs per agent")
    steps: int = arg(2000, "steps (pulls) per run")
    m: int = arg(20, "explore-then-commit: pulls of every arm before committing")
    probs: tuple = arg((0.5, 0.45, 0.4, 0.3), "success probability of each arm")
    seed: int = arg(0, "seed of every random stream")
    out: str = arg("examples/out", "directory for the PNG")


if __name__ == "__main__":
    # Run as a script, the classes above belong to `__main__`, which a new process
    # cannot import by name, so their drivers would compile in every run. Importing
    # this file as the module `custom_agent` makes them importable, hence disk-cached.
    import custom_agent

    custom_agent.main(parse(custom_agent.Args))
