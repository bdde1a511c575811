"""Throughput workloads shared by ``fastrl bench`` and the pytest-benchmark suite.

Each workload is a function ``f(scale)`` returning ``(work, call)``: ``call()``
runs the job once and ``work`` is the number of agent- or env-steps it does.
Baselines (the tutorial's per-step Python loop, plain vectorized numpy,
Gymnasium stepped from Python) are workloads too, so a ratio is measured in
the same run on the same machine. ``scale`` shrinks the jobs for smoke runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from fastrl.bandits import BernoulliBandit, EpsilonGreedy, GaussianBandit, Softmax, simulate

TUTORIAL_PROBS = (0.7, 0.3)
TUTORIAL_EPSILON = EpsilonGreedy(epsilon=0.1, alpha=0.1, initial_value=0.5)
TUTORIAL_SOFTMAX = Softmax(beta=5.0, alpha=0.1, initial_value=0.5)


def tutorial_fastrl(scale: float = 1.0):
    """The tutorial job: both agents, 1000 runs x 1000 steps each, statistics included."""
    runs, steps = max(int(1000 * scale), 64), 1000
    problem = BernoulliBandit(TUTORIAL_PROBS)

    def call():
        for agent in (TUTORIAL_EPSILON, TUTORIAL_SOFTMAX):
            simulate(problem, agent, runs=runs, steps=steps)

    return 2 * runs * steps, call


def tutorial_python_loop(runs: int, steps: int, seed: int = 0) -> np.ndarray:
    """A shortened copy of the tutorial's loop: one step at a time in Python and numpy."""
    g = np.random.default_rng(seed)
    probs = np.array(TUTORIAL_PROBS)
    curve = np.zeros((2, steps))
    for kind in range(2):
        for _ in range(runs):
            q = np.array([0.5, 0.5])
            for t in range(steps):
                if kind == 0:
                    a = g.integers(2) if g.random() < 0.1 else int(np.argmax(q))
                else:
                    p = np.exp(5.0 * q) / np.sum(np.exp(5.0 * q))
                    a = g.choice(2, p=p)
                r = 1.0 if g.random() < probs[a] else 0.0
                q[a] += 0.1 * (r - q[a])
                curve[kind, t] += r
    return curve / runs


def tutorial_baseline(scale: float = 1.0):
    """The tutorial loop on a shortened job (its per-step cost does not depend on the size)."""
    runs, steps = 2, max(int(1000 * scale), 50)
    return 2 * runs * steps, lambda: tutorial_python_loop(runs, steps)


def testbed_fastrl(scale: float = 1.0):
    """10-armed testbed, sample-average epsilon-greedy (0.1), 100,000 runs x 1000 steps."""
    runs, steps = max(int(100_000 * scale), 64), 1000
    problem, agent = GaussianBandit.testbed(), EpsilonGreedy(0.1)
    return runs * steps, lambda: simulate(problem, agent, runs=runs, steps=steps)


def numpy_testbed(runs: int, steps: int, epsilon: float = 0.1, k: int = 10, seed: int = 0):
    """Plain vectorized numpy: all runs advance together one step at a time."""
    g = np.random.default_rng(seed)
    means = g.normal(size=(runs, k))
    best = means.max(axis=1)
    q = np.zeros((runs, k))
    n = np.zeros((runs, k))
    idx = np.arange(runs)
    reward = np.zeros(steps)
    optimal = np.zeros(steps)
    for t in range(steps):
        ties = q == q.max(axis=1, keepdims=True)
        greedy = np.argmax(ties * g.random((runs, k)), axis=1)
        a = np.where(g.random(runs) < epsilon, g.integers(0, k, runs), greedy)
        r = means[idx, a] + g.normal(size=runs)
        n[idx, a] += 1.0
        q[idx, a] += (r - q[idx, a]) / n[idx, a]
        reward[t] = r.mean()
        optimal[t] = np.mean(means[idx, a] == best)
    return reward, optimal


def testbed_numpy(scale: float = 1.0):
    """The numpy baseline at the full batch width, fewer steps (cost per step is constant)."""
    runs, steps = max(int(100_000 * scale), 64), max(int(50 * scale), 5)
    return runs * steps, lambda: numpy_testbed(runs, steps)


@dataclass(frozen=True)
class Timing:
    """Best-of-``repeat`` wall time of a workload and its throughput."""

    name: str
    work: int
    seconds: float

    @property
    def steps_per_s(self) -> float:
        return self.work / self.seconds


def time_workload(name: str, make, scale: float = 1.0, repeat: int = 3) -> Timing:
    """Warm up (compile) once, then take the best of ``repeat`` timed calls."""
    work, call = make(scale)
    call()
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return Timing(name, work, best)


#: (group, fastrl workload, baseline workload, baseline label, target steps/s, target ratio)
BANDIT_GROUPS = [
    ("bandit-tutorial", tutorial_fastrl, tutorial_baseline, "tutorial Python loop", 100e6, 2000.0),
    ("bandit-testbed", testbed_fastrl, testbed_numpy, "vectorized numpy", 50e6, 10.0),
]
