"""Writing your own bandit agent: two agents fastrl does not ship, in fastrl's fused kernel.

* **Epsilon_n-greedy** (Auer, Cesa-Bianchi & Fischer 2002, section 3): greedy on the
  empirical means, except with probability ``epsilon_t = min(1, c k / (d^2 t))``, when
  it pulls an arm uniformly at random; ``d`` is a lower bound on the smallest gap.
* **Successive elimination** (Even-Dar, Mannor & Mansour 2006, section 3): pull the
  kept arms in rounds; after round ``n``, drop every arm whose mean is at least
  ``2 sqrt(log(4 k n^2 / delta) / n)`` below the best kept mean.

Both are defined here, outside the package, on the public protocol
(:class:`fastrl.bandits.Agent`): a frozen dataclass declaring its per-arm state,
and ``select``/``update`` functions in numba's subset. ``simulate`` and
``compare`` compile them into the same driver as the built-ins, so they run at
the built-ins' speed and with the same guarantees (determinism, common random
numbers). They are compared here with the built-in UCB and epsilon-greedy. The first
shows the addressed random draws (``fastrl.rng``, slots from
``fastrl.policies.FIRST_FREE_SLOT``), the second extra per-arm state.

Because the agents live in an importable module, their compiled drivers are
cached on disk: run the script twice and the second run skips the compile.
The command line takes them too (run from ``examples/``):
``fastrl bandit --agent "custom_agent:EpsilonNGreedy c=0.2" --agent "ucb c=2"``.

Run: ``python examples/custom_agent.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from _args import arg, parse, save, setup_matplotlib

from fastrl.bandits import UCB, Agent, BernoulliBandit, EpsilonGreedy, compare
from fastrl.policies import FIRST_FREE_SLOT, argmax_random
from fastrl.rng import counter, uniform
from fastrl.validation import check_real


@dataclass(frozen=True)
class EpsilonNGreedy(Agent):
    """Epsilon_n-greedy: explore with probability ``min(1, c k / (d^2 t))``, else the best mean."""

    c: float = 0.1
    d: float = 0.1  # a lower bound on the gap between the best and second-best arm
    arrays = {"q": 0.0, "n": 0.0}  # per-arm mean reward and pull count

    def __post_init__(self):
        check_real("c", self.c, low=0.0, low_open=True)  # ValueErrors naming the field
        check_real("d", self.d, low=0.0, high=1.0, low_open=True)

    @staticmethod
    def select(p, st, j, key, t):
        k = st.q.shape[1]
        epsilon = min(1.0, p.c * k / (p.d * p.d * (t + 1.0)))
        if uniform(key, counter(t, FIRST_FREE_SLOT)) < epsilon:  # an addressed draw, slot 4
            return min(int(uniform(key, counter(t, FIRST_FREE_SLOT + 1)) * k), k - 1)
        return argmax_random(st.q, j, key, t)  # ties broken with the addressed draws

    @staticmethod
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0
        st.q[j, a] += (r - st.q[j, a]) / st.n[j, a]


@dataclass(frozen=True)
class SuccessiveElimination(Agent):
    """Successive elimination: sample the remaining arms in rounds, drop those clearly worse."""

    delta: float = 0.05  # the confidence parameter
    arrays = {"q": 0.0, "n": 0.0, "active": 1.0}  # means, counts, 1.0 while an arm is kept

    def __post_init__(self):
        check_real("delta", self.delta, low=0.0, high=1.0, low_open=True, high_open=True)

    @staticmethod
    def select(p, st, j, key, t):
        arm, fewest = 0, math.inf  # the first kept arm with the fewest pulls: round robin
        for a in range(st.q.shape[1]):
            if st.active[j, a] > 0.0 and st.n[j, a] < fewest:
                arm, fewest = a, st.n[j, a]
        return arm

    @staticmethod
    def update(p, st, j, a, r, key, t):
        k = st.q.shape[1]
        st.n[j, a] += 1.0
        st.q[j, a] += (r - st.q[j, a]) / st.n[j, a]
        rounds, best = st.n[j, a], -math.inf
        for b in range(k):
            if st.active[j, b] > 0.0:
                if st.n[j, b] != rounds:
                    return  # the round is not over
                best = max(best, st.q[j, b])
        # Even-Dar et al.'s radius after `rounds` pulls of every kept arm
        radius = math.sqrt(math.log(4.0 * k * rounds * rounds / p.delta) / rounds)
        for b in range(k):
            if best - st.q[j, b] >= 2.0 * radius:
                st.active[j, b] = 0.0


def main(args) -> None:
    problem = BernoulliBandit(list(args.probs))
    agents = {
        f"epsilon_n-greedy (c={args.c:g})": EpsilonNGreedy(args.c, args.d),
        f"successive elimination (delta={args.delta:g})": SuccessiveElimination(args.delta),
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
    print(f"{'agent':38s} {'avg reward':>12s} {'final regret':>16s}")
    for name, res in cmp.results.items():
        regret = f"{res.regret[-1]:9.2f} ± {res.regret_se[-1]:.2f}"
        print(f"{name:38s} {res.average_reward:12.4f} {regret}")

    plt = setup_matplotlib()
    fig, ax = plt.subplots(figsize=(7, 4), constrained_layout=True)
    cmp.plot("regret", ax=ax)
    ax.set(title=f"Your own agents beside the built-ins ({args.runs} runs)", xscale="log")
    save(fig, args.out, "custom_agent.png")


@dataclass(frozen=True)
class Args:
    """Custom bandit agents (epsilon_n-greedy, successive elimination) against built-ins."""

    runs: int = arg(2000, "independent runs per agent")
    steps: int = arg(20_000, "steps (pulls) per run")
    c: float = arg(0.1, "epsilon_n-greedy: exploration constant c")
    d: float = arg(0.05, "epsilon_n-greedy: lower bound d on the smallest gap")
    delta: float = arg(0.05, "successive elimination: confidence parameter")
    probs: tuple = arg((0.5, 0.45, 0.4, 0.3), "success probability of each arm")
    seed: int = arg(0, "seed of every random stream")
    out: str = arg("examples/out", "directory for the PNG")


if __name__ == "__main__":
    # Run as a script, the classes above belong to `__main__`, which a new process
    # cannot import by name, so their drivers would compile in every run. Importing
    # this file as the module `custom_agent` makes them importable, hence disk-cached.
    import custom_agent

    custom_agent.main(parse(custom_agent.Args))
