"""The Bernoulli problem loop around a plain-Python agent, and the registry of loops."""

from __future__ import annotations

import numpy as np

from fastrl._loops import classic, window

#: registry name of a built-in agent -> its plain-Python class (``__init__(k, gen, **params)``)
LOOPS: dict[str, type] = {**classic.LOOPS, **window.LOOPS}


def play(name: str, probs, runs: int, steps: int, seed: int = 0, **params) -> np.ndarray:
    """Mean cumulative regret per step of ``runs`` runs of agent ``name`` on Bernoulli ``probs``."""
    gen = np.random.default_rng(seed)
    probs = [float(p) for p in probs]
    best = max(probs)
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
