"""Naive single-run reference loops for the bandit family (style guide T1).

Plain Python, one run at a time, written from the documentation rather than
from the kernels: action selection, value updates and schedules are spelled
out here and do NOT call ``fastrl.policies``, ``fastrl.schedules`` or
``fastrl.bandits._kernels``. Only the addressed draws of ``fastrl.rng`` and the
exponential of ``fastrl._math`` (within 0.51 ulp of libm's, which it differs
from in the last bit about once in a thousand; ``tests/test_math.py``) are
shared, the draws at the addresses documented in ``fastrl/bandits/_kernels.py``:

* problem stream, counter ``a``: the true value of arm ``a`` (drawn problems);
* environment stream, counter ``t * k + a``: the reward of arm ``a`` at step ``t``;
* extra stream, counter ``t * k + a``: the drift of arm ``a`` after step ``t``;
* agent stream, ``counter(t, slot)`` = ``16 t + slot``: slot 0 explore?, slot 1
  the exploratory/sampled/untried action, slot 2 tie-breaking, slot 4 the
  sub-key of Thompson sampling's posterior draws.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl import rng
from fastrl._math import exp  # shared like the draws; tests/test_math.py checks it against libm
from fastrl.bandits import (
    UCB,
    BernoulliBandit,
    EpsilonGreedy,
    GradientBandit,
    Softmax,
    ThompsonSampling,
)

SLOTS = 16
SLOT_EXPLORE = 0
SLOT_ACTION = 1
SLOT_TIE = 2
SLOT_SAMPLE = 4


def u64(x) -> np.uint64:
    """A Python int or numpy integer as numpy uint64 (the type of keys and counters)."""
    return np.uint64(int(x) % 2**64)


def address(t: int, slot: int) -> np.uint64:
    """Counter of draw ``slot`` at step ``t``."""
    return u64(t * SLOTS + slot)


def keys(seed: int, i: int) -> dict[str, np.uint64]:
    """Keys of run ``i``: one per stream kind, ``random_u64(root, i)``."""
    roots = np.random.SeedSequence(seed).generate_state(4, dtype=np.uint64)
    names = ("problem", "env", "agent", "extra")
    return {name: u64(rng.random_u64(roots[s], u64(i))) for s, name in enumerate(names)}


def initial_means(problem, seed: int, i: int) -> list[float]:
    """True arm values of run ``i`` at step 0."""
    key = keys(seed, i)["problem"]
    k = problem.num_arms
    if isinstance(problem, BernoulliBandit):
        if problem.probs is None:
            return [float(rng.uniform(key, u64(a))) for a in range(k)]
        rows = np.atleast_2d(problem.probs)
    else:
        if problem.means is None:
            loc, scale = problem.mean_offset, problem.mean_std
            return [loc + scale * float(rng.normal(key, u64(a))) for a in range(k)]
        rows = np.atleast_2d(problem.means)
    row = rows[i] if rows.shape[0] > 1 else rows[0]
    return [float(x) for x in row]


def schedule(sched, v0: float, t: int) -> float:
    """The schedule's value at step ``t`` (formulas of the Schedule docstring)."""
    if sched.kind == "constant":
        v = v0
    elif sched.kind == "1/t":
        v = v0 / (t + 1.0)
    elif sched.kind == "exponential":
        v = v0 * sched.decay**t
    else:
        v = v0 + (sched.floor - v0) * min(t / sched.duration, 1.0)
    return max(v, sched.floor)


def greedy(values: list[float], key, t: int) -> int:
    """An index of the largest value, ties broken by ``randint`` over the tied list."""
    best = max(values)
    ties = [a for a, v in enumerate(values) if v == best]
    if len(ties) == 1:
        return ties[0]
    return ties[int(rng.randint(key, address(t, SLOT_TIE), len(ties)))]


def boltzmann(values: list[float], beta: float, key, t: int) -> int:
    """Sample ``a`` with probability proportional to ``exp(beta * values[a])``."""
    if math.isinf(beta):
        return greedy(values, key, t)
    top = max(values)
    weights = [exp(beta * (v - top)) for v in values]
    total = 0.0
    for w in weights:
        total += w
    target = float(rng.uniform(key, address(t, SLOT_ACTION))) * total
    acc = 0.0
    for a, w in enumerate(weights):
        acc += w
        if target < acc:
            return a
    return len(values) - 1


def run(problem, agent, *, seed: int, i: int, steps: int) -> dict[str, np.ndarray]:
    """Simulate run ``i`` of ``simulate(problem, agent, seed=seed, ...)`` for ``steps`` steps.

    Returns the actions, the rewards, whether each action was optimal, the
    cumulative expected regret and the true values at each step (``means[t]``).
    """
    k = problem.num_arms
    key = keys(seed, i)
    means = initial_means(problem, seed, i)
    bernoulli = isinstance(problem, BernoulliBandit)
    reward_std = 0.0 if bernoulli else problem.reward_std
    q = [getattr(agent, "initial_value", 0.0)] * k
    n = [0.0] * k
    s = [0.0] * k
    h = [0.0] * k
    rbar = 0.0
    regret = 0.0
    out = {name: [] for name in ("actions", "rewards", "optimal", "regret", "means")}
    for t in range(steps):
        ak = key["agent"]
        if isinstance(agent, EpsilonGreedy):
            eps = schedule(agent.schedule, agent.epsilon, t)
            if eps > 0.0 and float(rng.uniform(ak, address(t, SLOT_EXPLORE))) < eps:
                a = int(rng.randint(ak, address(t, SLOT_ACTION), k))
            else:
                a = greedy(q, ak, t)
        elif isinstance(agent, Softmax):
            tau = schedule(agent.schedule, 1.0 / agent.beta, t)
            a = boltzmann(q, 1.0 / tau if tau > 0.0 else math.inf, ak, t)
        elif isinstance(agent, UCB):
            untried = [b for b in range(k) if n[b] == 0]
            if untried:
                a = untried[int(rng.randint(ak, address(t, SLOT_ACTION), len(untried)))]
            else:
                log_t = math.log(t + 1)
                a = greedy([q[b] + agent.c * math.sqrt(log_t / n[b]) for b in range(k)], ak, t)
        elif isinstance(agent, GradientBandit):
            a = boltzmann(h, 1.0, ak, t)
        else:
            assert isinstance(agent, ThompsonSampling)
            sub = u64(rng.mix64(u64(rng.random_u64(ak, address(t, SLOT_SAMPLE)))))
            if bernoulli:
                samples = [
                    float(rng.beta(sub, u64(b), 1.0 + s[b], 1.0 + n[b] - s[b])) for b in range(k)
                ]
            else:
                prior_prec = 1.0 / (agent.prior_std * agent.prior_std)
                noise_prec = 1.0 / (reward_std * reward_std)
                samples = []
                for b in range(k):
                    prec = prior_prec + n[b] * noise_prec
                    mu = (agent.prior_mean * prior_prec + s[b] * noise_prec) / prec
                    samples.append(mu + float(rng.normal(sub, u64(b))) / math.sqrt(prec))
            a = greedy(samples, ak, t)

        c = u64(t * k + a)
        if bernoulli:
            r = 1.0 if float(rng.uniform(key["env"], c)) < means[a] else 0.0
        else:
            r = means[a] + reward_std * float(rng.normal(key["env"], c))
        best = max(means)
        regret += best - means[a]
        out["actions"].append(a)
        out["rewards"].append(r)
        out["optimal"].append(means[a] >= best)
        out["regret"].append(regret)
        out["means"].append(list(means))

        n[a] += 1.0
        s[a] += r
        if isinstance(agent, GradientBandit):
            if agent.baseline:
                rbar += (r - rbar) / (t + 1.0)
            top = max(h)
            e = [exp(x - top) for x in h]
            total = 0.0
            for x in e:
                total += x
            step = agent.alpha * (r - rbar)
            for b in range(k):
                h[b] += step * ((1.0 if b == a else 0.0) - e[b] / total)
        elif not isinstance(agent, ThompsonSampling):
            alpha = agent.alpha if agent.alpha is not None else 1.0 / n[a]
            q[a] += alpha * (r - q[a])

        if problem.drift_std > 0.0:
            for b in range(k):
                m = means[b] + problem.drift_std * float(rng.normal(key["extra"], u64(t * k + b)))
                means[b] = min(max(m, 0.0), 1.0) if bernoulli else m
    return {
        "actions": np.array(out["actions"], dtype=np.int64),
        "rewards": np.array(out["rewards"]),
        "optimal": np.array(out["optimal"], dtype=float),
        "regret": np.array(out["regret"]),
        "means": np.array(out["means"]),
    }
