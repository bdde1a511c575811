"""The Bernoulli problem loop around a plain-Python agent, and the registry of loops."""

from __future__ import annotations

import functools
import inspect

import numpy as np

from fastrl._loops import classic, index, kl, ts, window

#: registry name of a built-in agent -> its plain-Python class (``__init__(k, gen, **params)``)
LOOPS: dict[str, type] = {**classic.LOOPS, **index.LOOPS, **window.LOOPS, **ts.LOOPS}
#: agents whose loop is a whole function ``f(probs, runs, steps, seed) -> regret curve``
CURVES = {
    "kl-ucb": kl.kl_ucb_loop,
    "kl-ucb-plus": functools.partial(kl.kl_ucb_loop, plus=True),
    "bayes-ucb": kl.bayes_ucb_loop,
}


def play(name: str, probs, runs: int, steps: int, seed: int = 0, **params) -> np.ndarray:
    """Mean cumulative regret per step of ``runs`` runs of agent ``name`` on Bernoulli ``probs``."""
    if name in CURVES:
        return CURVES[name](probs, runs, steps, seed, **params)
    gen = np.random.default_rng(seed)
    probs = [float(p) for p in probs]
    best = max(probs)
    if "horizon" in inspect.signature(LOOPS[name]).parameters:
        params.setdefault("horizon", steps)  # tuned to the run's length, as in simulate
    curve = np.zeros(steps)
    for _ in range(runs):
        agent = LOOPS[name](len(probs), gen, **params)
        regret = 0.0
        for t in range(steps):
            a = agent.select(t)
            r = 1.0 if gen.random() < probs[a] else 0.0
            agent.update(a, r, t)
            regret += best - probs[a]
            curve[t] += regret
    return curve / runs
