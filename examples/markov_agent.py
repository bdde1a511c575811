"""The model-based "Markov agent": log episodes, estimate the MDP, plan with value iteration.

Part 1, the tutorial's toy: a 5-level world (bottom, low, mid, high, top) with
actions climb and sink. Logged episodes of a random agent go into
``estimate_model_from_episodes`` (labels encoded by an ``Encoder``) and
``value_iteration`` on the estimated model gives the plan, compared with the
plan on the true model.

Part 2, the tutorial's application: learn how to search a sorted array of
exponentially distributed numbers for a target value. Each probe costs -1
(reward), so the plan minimises the expected number of probes. The agent sees
a small summary of the search (an aggregated, so only approximately Markov,
state) and picks where to probe inside the index range still possible. Its
plan is compared with binary, linear and random search on the same arrays.

Run: ``python examples/markov_agent.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from _args import arg, parse, save, setup_matplotlib

from fastrl.tabular import TabularMDP, estimate_model_from_episodes, value_iteration

LEVELS = ("bottom", "low", "mid", "high", "top")
# True dynamics of the toy: climb goes up w.p. 0.6, stays 0.3, slips down 0.1;
# sink goes down w.p. 0.9, stays 0.1. Arriving at top pays +10, at bottom +6
# (both end the episode); any other arrival costs -1.
CLIMB = (0.1, 0.3, 0.6)  # P(down), P(stay), P(up)
SINK = (0.9, 0.1, 0.0)
ARRIVAL_REWARD = {"bottom": 6.0, "top": 10.0}
# Search actions: probe at this fraction of the open index range [lo, hi], or
# "step": the cell next to the last probe, towards the target (linear search).
FRACTIONS = (0.1, 0.25, 0.5, 0.75, 0.9)
ACTIONS = tuple(f"probe {f:.0%}" for f in FRACTIONS) + ("step",)


@dataclass(frozen=True)
class Args:
    """Markov agent: model estimation from logs, then planning."""

    toy_episodes: int = arg(2000, "logged random episodes of the 5-level world")
    log_episodes: int = arg(20_000, "logged random searches used to estimate the search MDP")
    searches: int = arg(10_000, "test searches per method")
    size: int = arg(100, "length of each sorted array")
    seed: int = arg(0, "seed of the numpy Generator")
    out: str = arg("examples/out", "directory for the PNG")


def toy_step(gen, level: int, action: str) -> int:
    probs = CLIMB if action == "climb" else SINK
    return level + int(gen.choice((-1, 0, 1), p=probs))


def toy(args: Args, gen) -> None:
    t0 = time.perf_counter()
    episodes = []
    for _ in range(args.toy_episodes):
        level, steps = int(gen.integers(1, 4)), []
        while 0 < level < 4:
            action = ("climb", "sink")[int(gen.integers(2))]
            nxt = toy_step(gen, level, action)
            reward = ARRIVAL_REWARD.get(LEVELS[nxt], -1.0)
            steps.append({"state": LEVELS[level], "action": action, "state_": LEVELS[nxt]})
            steps[-1]["reward"] = reward
            level = nxt
        episodes.append(steps)
    t_log = time.perf_counter() - t0
    t0 = time.perf_counter()
    # reward_model="transition" (the mean logged reward of each (s, a, s')), not "state":
    # with "state", the never-left end states get self-loops paying their arrival reward
    # (+10 forever at top), and value iteration with gamma 1 cannot converge.
    model, enc = estimate_model_from_episodes(episodes, reward_model="transition")
    plan = value_iteration(model, gamma=1.0)
    t_plan = time.perf_counter() - t0
    print(f"Part 1: {args.toy_episodes} random episodes logged in {t_log:.3f} s,")
    print(f"  model estimated and planned in {t_plan:.4f} s")
    climb = enc.encode_action("climb")
    print("  estimated P(next | state, climb), true (down, stay, up) = (0.1, 0.3, 0.6):")
    for name in LEVELS[1:4]:
        s = enc.encode_state(name)
        probs = model.to_dense()[0][s, climb]
        row = {enc.decode_state(j): round(float(p), 3) for j, p in enumerate(probs) if p > 0}
        print(f"    {name:5s} {row}")
    # The true model, for comparison: the same states in the encoder's order.
    S = enc.num_states
    P, R, T = np.zeros((S, 2, S)), np.zeros((S, 2, S)), np.zeros(S, dtype=bool)
    for name in enc.states:
        s, level = enc.encode_state(name), LEVELS.index(name)
        T[s] = name in ARRIVAL_REWARD
        for a_name, probs in (("climb", CLIMB), ("sink", SINK)):
            a = enc.encode_action(a_name)
            if name in ARRIVAL_REWARD:
                P[s, a, s] = 1.0  # never left: its episode has ended
                continue
            for move, p in zip((-1, 0, 1), probs, strict=True):
                nxt = enc.encode_state(LEVELS[level + move])
                P[s, a, nxt] += p
                R[s, a, nxt] = ARRIVAL_REWARD.get(LEVELS[level + move], -1.0)
    true_plan = value_iteration(TabularMDP.from_dense(P, R, T), gamma=1.0)
    learned, best = enc.decode_policy(plan.policy), enc.decode_policy(true_plan.policy)
    for name in LEVELS[1:4]:
        s = enc.encode_state(name)
        print(
            f"  {name:5s}: plan {learned[name]:5s} (value {plan.values[s]:5.2f}); "
            f"true model: {best[name]:5s} (value {true_plan.values[s]:5.2f})"
        )


def search_state(n, lo, hi, last, below, target_high) -> tuple:
    """The agent's view: (location, above/below, range, target vs mean), all small buckets.

    location: where the last probe was, in thirds of the array ("start" before the first);
    side: whether that probe's value was below or above the target; range: log2 bucket of
    the number of cells still possible; target_high: target above the distribution mean.
    """
    location = "start" if last < 0 else ("left", "middle", "right")[min(3 * last // n, 2)]
    side = "none" if last < 0 else ("below" if below else "above")
    width = int(np.log2(hi - lo + 1))
    return (location, side, width, bool(target_high))


def probe_index(action: int, lo: int, hi: int, last: int, below: bool) -> int:
    if action < len(FRACTIONS):
        return lo + int(round(FRACTIONS[action] * (hi - lo)))
    if last < 0:
        return lo
    return min(max(last + 1 if below else last - 1, lo), hi)


def run_search(arr, target, choose, log=None) -> int:
    """Search ``arr`` for ``target`` with ``choose(state) -> action``; returns the probes used."""
    n = arr.size
    lo, hi, last, below, probes = 0, n - 1, -1, False, 0
    high = arr[target] > 1.0  # Exponential(1): the distribution mean is 1
    while True:
        state = search_state(n, lo, hi, last, below, high)
        action = choose(state)
        p = probe_index(action, lo, hi, last, below)
        probes += 1
        found = p == target
        if not found:
            below = arr[p] < arr[target]
            lo, hi = (p + 1, hi) if below else (lo, p - 1)
            last = p
        nxt = "found" if found else search_state(n, lo, hi, last, below, high)
        if log is not None:
            log.append({"state": state, "action": ACTIONS[action], "state_": nxt, "reward": -1.0})
        if found:
            return probes


def searcher(args: Args, gen) -> None:
    n = args.size
    t0 = time.perf_counter()
    episodes = []
    for _ in range(args.log_episodes):  # a random explorer: uniform actions
        arr, log = np.sort(gen.exponential(1.0, n)), []
        run_search(arr, int(gen.integers(n)), lambda s: int(gen.integers(len(ACTIONS))), log)
        episodes.append(log)
    t_log = time.perf_counter() - t0
    t0 = time.perf_counter()
    model, enc = estimate_model_from_episodes(episodes)
    # A (state, action) never tried in the logs is estimated as a free self-loop, which a
    # planner would love; make untried actions of visited states pessimistic (cost n per step).
    P, R, T = model.to_dense(with_terminated=True)
    untried = (model.visits == 0) & (model.visits.sum(axis=1, keepdims=True) > 0)
    R[untried] = -float(n)
    plan = value_iteration(TabularMDP.from_dense(P, R, T > 0), gamma=1.0)
    t_plan = time.perf_counter() - t0
    print(
        f"\nPart 2: {args.log_episodes} random searches logged in {t_log:.2f} s "
        f"({sum(map(len, episodes))} transitions, {enc.num_states} states); "
        f"model + value iteration: {t_plan:.3f} s"
    )
    policy = enc.decode_policy(plan.policy)
    start = [k for k in policy if isinstance(k, tuple) and k[0] == "start"]
    for state in start:
        print(f"  first probe when target {'above' if state[3] else 'below'} mean: {policy[state]}")

    def learned(state):  # states never logged fall back to binary search
        return ACTIONS.index(policy[state]) if state in policy else FRACTIONS.index(0.5)

    methods = {
        "learned plan": lambda a, t: run_search(a, t, learned),
        "binary": lambda a, t: run_search(a, t, lambda s: FRACTIONS.index(0.5)),
        "linear": lambda a, t: run_search(a, t, lambda s: len(FRACTIONS)),
        "random": lambda a, t: random_search_probes(a, t, test),
    }
    test = np.random.default_rng(args.seed + 1)  # fresh arrays and targets for the test
    arrays = np.sort(test.exponential(1.0, (args.searches, n)), axis=1)
    targets = test.integers(n, size=args.searches)
    results = {}
    for name, search in methods.items():
        t0 = time.perf_counter()
        probes = np.array([search(a, int(t)) for a, t in zip(arrays, targets, strict=True)])
        results[name] = probes
        dt = time.perf_counter() - t0
        se = probes.std(ddof=1) / np.sqrt(probes.size)
        print(f"  {name:12s} {probes.mean():6.2f} ± {se:.2f} probes on average ({dt:.2f} s)")
    return results


def random_search_probes(arr, target, gen) -> int:
    """Random search: probe a uniformly random cell of the range still possible."""
    lo, hi, probes = 0, arr.size - 1, 0
    while True:
        p = int(gen.integers(lo, hi + 1))
        probes += 1
        if p == target:
            return probes
        lo, hi = (p + 1, hi) if arr[p] < arr[target] else (lo, p - 1)


def main(args: Args) -> None:
    plt = setup_matplotlib()
    gen = np.random.default_rng(args.seed)
    toy(args, gen)
    results = searcher(args, gen)
    fig, ax = plt.subplots(figsize=(7, 4), constrained_layout=True)
    bins = np.arange(0.5, 2 * np.log2(args.size) + 4)
    for name, probes in results.items():
        if name != "linear":
            ax.hist(
                probes, bins=bins, histtype="step", lw=1.5, label=f"{name}: {probes.mean():.2f}"
            )
    ax.set(
        xlabel="probes to find the target",
        ylabel="searches",
        title=f"Sorted exponential arrays of {args.size}: {args.searches} searches "
        f"(linear: {results['linear'].mean():.1f} on average)",
    )
    ax.legend(frameon=False)
    save(fig, args.out, "markov_agent.png")


if __name__ == "__main__":
    main(parse(Args))
