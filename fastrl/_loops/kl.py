"""Plain-Python loops of KL-UCB, KL-UCB+ and Bayes-UCB: the baselines of their bench rows.

What a user would write without fastrl: one run at a time, one step at a
time, Python floats, rewards from a numpy Generator, every index of every
arm recomputed every step by bisection to ``1e-9`` (the tolerance fastrl's
indices are solved to). Bayes-UCB's Beta quantile bisects the regularized
incomplete beta function, from Numerical Recipes' continued fraction
(scipy cannot be assumed). Each returns the mean cumulative regret curve,
shape ``(steps,)``.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl._loops.classic import argmax

__all__ = ["kl_ucb_loop", "bayes_ucb_loop"]

_TOL = 1e-9


def _kl(p: float, q: float) -> float:
    p = min(max(p, 1e-15), 1.0 - 1e-15)
    q = min(max(q, 1e-15), 1.0 - 1e-15)
    return p * math.log(p / q) + (1.0 - p) * math.log((1.0 - p) / (1.0 - q))


def _kl_index(mean: float, d: float) -> float:
    lo, hi = mean, 1.0
    while hi - lo > _TOL:
        mid = 0.5 * (lo + hi)
        if _kl(mean, mid) <= d:
            lo = mid
        else:
            hi = mid
    return hi


def kl_ucb_loop(probs, runs: int, steps: int, seed: int = 0, plus: bool = False) -> np.ndarray:
    """KL-UCB (``plus``: KL-UCB+) with ``c = 0`` on Bernoulli arms ``probs``."""
    gen = np.random.default_rng(seed)
    probs = [float(p) for p in probs]
    k, best = len(probs), max(probs)
    curve = np.zeros(steps)
    for _ in range(runs):
        n = [0] * k
        s = [0.0] * k
        regret = 0.0
        for t in range(1, steps + 1):
            values = []
            for a in range(k):
                if n[a] == 0:
                    values.append(math.inf)
                else:
                    f = math.log(t / n[a]) if plus else math.log(t)
                    values.append(_kl_index(s[a] / n[a], f / n[a]))
            a = argmax(values, gen)
            r = 1.0 if gen.random() < probs[a] else 0.0
            n[a] += 1
            s[a] += r
            regret += best - probs[a]
            curve[t - 1] += regret
    return curve / runs


def _betacf(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        for aa in (
            m * (b - m) * x / ((a - 1.0 + 2 * m) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 1.0 + 2 * m)),
        ):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def _beta_sf(a: float, b: float, x: float) -> float:
    """``1 - I_x(a, b)``."""
    if x <= 0.0:
        return 1.0
    if x >= 1.0:
        return 0.0
    log_front = (
        a * math.log(x) + b * math.log1p(-x) - math.lgamma(a) - math.lgamma(b) + math.lgamma(a + b)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return 1.0 - math.exp(log_front) * _betacf(a, b, x) / a
    return math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def _beta_quantile_upper(a: float, b: float, delta: float) -> float:
    lo, hi = 0.0, 1.0
    while hi - lo > _TOL:
        mid = 0.5 * (lo + hi)
        if _beta_sf(a, b, mid) > delta:
            lo = mid
        else:
            hi = mid
    return hi


def bayes_ucb_loop(probs, runs: int, steps: int, seed: int = 0) -> np.ndarray:
    """Bayes-UCB with ``c = 0`` (quantile level ``1 - 1/t``) on Bernoulli arms ``probs``."""
    gen = np.random.default_rng(seed)
    probs = [float(p) for p in probs]
    k, best = len(probs), max(probs)
    curve = np.zeros(steps)
    for _ in range(runs):
        n = [0] * k
        s = [0.0] * k
        regret = 0.0
        for t in range(1, steps + 1):
            values = [
                _beta_quantile_upper(s[a] + 1.0, n[a] - s[a] + 1.0, 1.0 / t) for a in range(k)
            ]
            a = argmax(values, gen)
            r = 1.0 if gen.random() < probs[a] else 0.0
            n[a] += 1
            s[a] += r
            regret += best - probs[a]
            curve[t - 1] += regret
    return curve / runs
