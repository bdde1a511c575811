"""Naive single-run reference loops for the bandit family (style guide T1).

Plain Python, one run at a time, written from the documentation rather than
from the kernels: action selection, value updates and schedules are spelled
out here and do NOT call ``fastrl.policies``, ``fastrl.schedules`` or
``fastrl.bandits._kernels``. Only the addressed draws of ``fastrl.rng`` and the
exponential of ``fastrl._math`` (within 0.51 ulp of libm's, which it differs
from in the last bit about once in a thousand; ``tests/test_math.py``) are
shared, the draws at the addresses documented in ``fastrl/bandits/_dynamics.py``
and ``fastrl/policies.py``:

* problem stream, counter ``s * k + a``: the true value of arm ``a`` in segment
  ``s`` (drawn problems; segment 0 only for stationary problems);
* problem stream, sub-key ``mix64(problem_key ^ 0x2545F4914F6CDD1D)``, counter
  ``s``: the uniform of the geometric gap after the start of segment ``s``
  (``change_rate`` problems);
* environment stream, counter ``t * k + a``: the reward of arm ``a`` at step ``t``
  (Poisson, exponential and Beta rewards through ``rng.poisson``,
  ``rng.exponential`` and ``rng.beta``, the samplers shared like the draws);
* extra stream, counter ``t * k + a``: the drift of arm ``a`` after step ``t``;
* agent stream, ``counter(t, slot)`` = ``16 t + slot``: slot 0 explore?, slot 1
  the exploratory/sampled/untried action, slot 2 tie-breaking, slot 4 the
  sub-key of Thompson sampling's posterior draws.

Each agent's loop is a :class:`ReferenceAgent` registered for its config class
with :func:`reference_for`; :func:`run` plays the problem around it.
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
    GaussianBandit,
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


SUB_CHANGE = 0x2545F4914F6CDD1D


def initial_means(problem, seed: int, i: int, segment: int = 0) -> list[float]:
    """True arm values of run ``i`` at step 0, or in segment ``segment`` of a piecewise problem."""
    key = keys(seed, i)["problem"]
    k = problem.num_arms
    given = problem.probs if isinstance(problem, BernoulliBandit) else problem.means
    if given is None:
        c = [u64(segment * k + a) for a in range(k)]
        if isinstance(problem, GaussianBandit):
            loc, scale = problem.mean_offset, problem.mean_std
            return [loc + scale * float(rng.normal(key, c[a])) for a in range(k)]
        low, width = problem.low, problem.high - problem.low
        return [low + width * float(rng.uniform(key, c[a])) for a in range(k)]
    rows = np.atleast_2d(given)
    if problem.change_points is not None:
        row = rows[segment]
    else:
        row = rows[i] if rows.shape[0] > 1 else rows[0]
    return [float(x) for x in row]


def change_steps(problem, seed: int, i: int, steps: int) -> list[int]:
    """The steps ``< steps`` at which run ``i``'s means jump to the next segment."""
    if problem.change_points is not None:
        return [int(c) for c in problem.change_points if c < steps]
    if not problem.change_rate > 0.0:
        return []
    sub = u64(rng.mix64(u64(int(keys(seed, i)["problem"]) ^ SUB_CHANGE)))
    out, start, s = [], 0, 0
    while True:
        u = float(rng.uniform_open(sub, u64(s)))
        rate = problem.change_rate  # rate 1: log(1 - rate) = -inf, a change every step
        start += 1 if rate == 1.0 else 1 + math.floor(math.log(u) / math.log1p(-rate))
        if start >= steps:
            return out
        out.append(start)
        s += 1


def reward(problem, mean: float, key, t: int, a: int) -> float:
    """The reward of arm ``a`` (true value ``mean``) at step ``t`` (problem docstrings)."""
    c = u64(t * problem.num_arms + a)
    family = problem.family
    if family == "bernoulli":
        return 1.0 if float(rng.uniform(key, c)) < mean else 0.0
    if family == "gaussian":
        return mean + problem.reward_std * float(rng.normal(key, c))
    if family == "poisson":
        return float(rng.poisson(key, c, mean))
    if family == "exponential":
        return mean * float(rng.exponential(key, c))
    if mean <= 0.0 or mean >= 1.0:  # beta: the degenerate ends pay their mean
        return min(max(mean, 0.0), 1.0)
    kappa = problem.concentration
    return float(rng.beta(key, c, kappa * mean, kappa * (1.0 - mean)))


def clip_mean(problem, m: float) -> float:
    """A drifted mean clipped to the family's range."""
    if problem.family in ("bernoulli", "beta"):
        return min(max(m, 0.0), 1.0)
    if problem.family == "gaussian":
        return m
    return max(m, 0.0)


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


class ReferenceAgent:
    """One agent's naive loop: ``select(t) -> a`` and ``update(a, r, t)`` for one run.

    Subclasses are registered for a config class with :func:`reference_for`;
    ``agent`` is the config, ``problem`` the problem, ``k`` the arm count and
    ``key`` the run's agent-stream key.
    """

    def __init__(self, agent, problem, k: int, key):
        self.agent, self.problem, self.k, self.key = agent, problem, k, key
        self.bernoulli = isinstance(problem, BernoulliBandit)
        self.reward_std = 0.0 if self.bernoulli else problem.reward_std

    def select(self, t: int) -> int:
        raise NotImplementedError

    def update(self, a: int, r: float, t: int) -> None:
        raise NotImplementedError


#: config class -> its ReferenceAgent (looked up along the config's MRO)
REFERENCES: dict[type, type[ReferenceAgent]] = {}


def reference_for(config_class):
    """Register a :class:`ReferenceAgent` subclass as the naive loop of ``config_class``."""

    def register(ref_class):
        REFERENCES[config_class] = ref_class
        return ref_class

    return register


def reference_agent(agent, problem, k, key) -> ReferenceAgent:
    for cls in type(agent).__mro__:
        if cls in REFERENCES:
            return REFERENCES[cls](agent, problem, k, key)
    raise KeyError(f"no reference loop for {type(agent).__name__}")


class _Values(ReferenceAgent):
    """Action values with sample averages or a constant step size."""

    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.q = [getattr(agent, "initial_value", 0.0)] * k
        self.n = [0.0] * k

    def update(self, a, r, t):
        self.n[a] += 1.0
        alpha = getattr(self.agent, "alpha", None)
        alpha = alpha if alpha is not None else 1.0 / self.n[a]
        self.q[a] += alpha * (r - self.q[a])


@reference_for(EpsilonGreedy)
class _EpsilonGreedy(_Values):
    def select(self, t):
        eps = schedule(self.agent.schedule, self.agent.epsilon, t)
        if eps > 0.0 and float(rng.uniform(self.key, address(t, SLOT_EXPLORE))) < eps:
            return int(rng.randint(self.key, address(t, SLOT_ACTION), self.k))
        return greedy(self.q, self.key, t)


@reference_for(Softmax)
class _Softmax(_Values):
    def select(self, t):
        tau = schedule(self.agent.schedule, 1.0 / self.agent.beta, t)
        return boltzmann(self.q, 1.0 / tau if tau > 0.0 else math.inf, self.key, t)


@reference_for(UCB)
class _UCB(_Values):
    def select(self, t):
        k, n, q = self.k, self.n, self.q
        untried = [b for b in range(k) if n[b] == 0]
        if untried:
            return untried[int(rng.randint(self.key, address(t, SLOT_ACTION), len(untried)))]
        log_t = math.log(t + 1)
        return greedy(
            [q[b] + self.agent.c * math.sqrt(log_t / n[b]) for b in range(k)], self.key, t
        )


@reference_for(GradientBandit)
class _Gradient(ReferenceAgent):
    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.h = [0.0] * k
        self.rbar = 0.0

    def select(self, t):
        return boltzmann(self.h, 1.0, self.key, t)

    def update(self, a, r, t):
        h = self.h
        if self.agent.baseline:
            self.rbar += (r - self.rbar) / (t + 1.0)
        top = max(h)
        e = [exp(x - top) for x in h]
        total = 0.0
        for x in e:
            total += x
        step = self.agent.alpha * (r - self.rbar)
        for b in range(self.k):
            h[b] += step * ((1.0 if b == a else 0.0) - e[b] / total)


@reference_for(ThompsonSampling)
class _Thompson(ReferenceAgent):
    def __init__(self, agent, problem, k, key):
        super().__init__(agent, problem, k, key)
        self.n = [0.0] * k
        self.s = [0.0] * k

    def select(self, t):
        k, n, s, agent = self.k, self.n, self.s, self.agent
        sub = u64(rng.mix64(u64(rng.random_u64(self.key, address(t, SLOT_SAMPLE)))))
        if self.bernoulli:
            # Beta(1 + successes, 1 + failures) by beta_mt, with the Marsaglia-Tsang
            # constants of its two shapes
            samples = []
            for b in range(k):
                ax, ay = 1.0 + s[b], 1.0 + (n[b] - s[b])
                dx, cx = rng.gamma_constants(ax)
                dy, cy = rng.gamma_constants(ay)
                samples.append(float(rng.beta_mt(sub, u64(b), ax, ay, dx, cx, dy, cy)))
        else:
            prior_prec = 1.0 / (agent.prior_std * agent.prior_std)
            noise_prec = 1.0 / (self.reward_std * self.reward_std)
            samples = []
            for b in range(k):
                prec = prior_prec + n[b] * noise_prec
                mu = (agent.prior_mean * prior_prec + s[b] * noise_prec) / prec
                samples.append(mu + float(rng.normal(sub, u64(b))) / math.sqrt(prec))
        return greedy(samples, self.key, t)

    def update(self, a, r, t):
        self.n[a] += 1.0
        self.s[a] += r


def run(problem, agent, *, seed: int, i: int, steps: int) -> dict[str, np.ndarray]:
    """Simulate run ``i`` of ``simulate(problem, agent, seed=seed, ...)`` for ``steps`` steps.

    A horizon-tuned agent whose ``horizon`` is ``None`` gets ``steps``, as in
    ``simulate``. Returns the actions, the rewards, whether each action was optimal, the
    cumulative expected regret and the true values at each step (``means[t]``,
    the current segment's for piecewise problems).
    """
    k = problem.num_arms
    key = keys(seed, i)
    means = initial_means(problem, seed, i)
    changes = change_steps(problem, seed, i, steps)
    agent = agent.with_horizon(steps)  # as simulate tunes a horizon left None to its steps
    ref = reference_agent(agent, problem, k, key["agent"])
    regret = 0.0
    out = {name: [] for name in ("actions", "rewards", "optimal", "regret", "means")}
    for t in range(steps):
        if t in changes:  # a change point takes effect before its step is played
            means = initial_means(problem, seed, i, segment=changes.index(t) + 1)
        a = ref.select(t)
        r = reward(problem, means[a], key["env"], t, a)
        best = max(means)
        regret += best - means[a]
        out["actions"].append(a)
        out["rewards"].append(r)
        out["optimal"].append(means[a] >= best)
        out["regret"].append(regret)
        out["means"].append(list(means))
        ref.update(a, r, t)
        if problem.drift_std > 0.0:
            for b in range(k):
                m = means[b] + problem.drift_std * float(rng.normal(key["extra"], u64(t * k + b)))
                means[b] = clip_mean(problem, m)
    return {
        "actions": np.array(out["actions"], dtype=np.int64),
        "rewards": np.array(out["rewards"]),
        "optimal": np.array(out["optimal"], dtype=float),
        "regret": np.array(out["regret"]),
        "means": np.array(out["means"]),
    }


def assert_matches(problem, agent, *, seed: int, runs: int = 3, steps: int = 200):
    """``simulate`` with ``record_runs`` equals :func:`run` for every run: actions exactly."""
    from fastrl.bandits import simulate

    res = simulate(problem, agent, runs=runs, steps=steps, seed=seed, record_runs=True)
    for i in range(runs):
        ref = run(problem, agent, seed=seed, i=i, steps=steps)
        np.testing.assert_array_equal(res.actions[i], ref["actions"], err_msg=f"run {i}")
        np.testing.assert_allclose(res.rewards[i], ref["rewards"], rtol=1e-12, atol=1e-12)
    return res


import reference_idx  # noqa: E402,F401
import reference_kl  # noqa: E402,F401
import reference_ts  # noqa: E402,F401
import reference_window  # noqa: E402,F401  (registers its agents)
