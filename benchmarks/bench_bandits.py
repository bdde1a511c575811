"""Bandit throughput: fastrl against the tutorial's Python loop and plain numpy.

Headline: agent-steps per second, statistics included. Groups (each with its
baseline, so the ratio is measured in one run on one machine):

* ``bandit-tutorial``: the tutorial job (2 arms p = [0.7, 0.3], epsilon-greedy
  and softmax, 1000 runs x 1000 steps each) against a shortened copy of the
  tutorial's per-step loop. Targets: >= 100 million/s, >= 2000x.
* ``bandit-testbed``: the 10-armed testbed, sample-average epsilon-greedy,
  100,000 runs x 1000 steps, against vectorized numpy at the same batch width.
  Targets: >= 50 million/s, >= 10x, peak memory under 300 MB (measured in a
  fresh process).

With ``--benchmark-disable`` (the default) each runs once at a small scale.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from fastrl._bench import GROUPS, machine_info

BANDIT_GROUPS = [
    g for g in GROUPS if g.name.startswith("bandit-") and not g.name.startswith("bandit-agent-")
]


def _record(benchmark, work):
    benchmark.extra_info.update(machine_info())
    benchmark.extra_info["work"] = work
    if not benchmark.disabled:
        benchmark.extra_info["steps_per_s"] = work / benchmark.stats.stats.min


@pytest.mark.parametrize("group", BANDIT_GROUPS, ids=[g.name for g in BANDIT_GROUPS])
@pytest.mark.parametrize("side", ["fastrl", "baseline"])
def test_bandit_throughput(benchmark, group, side):
    benchmark.group = group.name
    scale = 0.01 if benchmark.disabled else 1.0
    work, call = (group.fastrl if side == "fastrl" else group.baseline)(scale)
    call()  # compile (or load from the cache) first
    rounds = 3 if side == "fastrl" else 1
    out = benchmark.pedantic(call, rounds=rounds, iterations=1)
    _record(benchmark, work)
    CHECKS[group.name, side](out)


# What each timed job computed must be right too, or a fast wrong kernel would pass.
# Bounds are 5 standard errors or more at the smoke scale (64 or 1000 runs).
def _check_tutorial(results):
    # Two arms p = (0.7, 0.3), both agents learn the better arm: about 0.65 per step.
    for res in results:
        assert 0.55 < res.average_reward < 0.7, res.average_reward
        assert res.optimal_action[-100:].mean() > 0.7


def _check_tutorial_loop(curve):
    assert curve.shape[0] == 2 and np.all((curve >= 0) & (curve <= 1))
    assert 0.45 < curve.mean() < 0.8, curve.mean()  # 200 rewards, SE about 0.035


def _check_testbed(res):
    # Sutton & Barto figure 2.2, epsilon = 0.1: about 1.35 late in 1000 steps, 80% optimal.
    late = res.mean_reward[-200:].mean()
    assert 1.2 < late < 1.5, late
    assert 0.7 < res.optimal_action[-200:].mean() < 0.92


def _check_testbed_numpy(out):
    reward, optimal = out
    assert np.all(np.isfinite(reward)) and np.all((optimal >= 0) & (optimal <= 1))
    assert abs(reward[0]) < 0.25  # the first pulls are of random arms: mean 0, SE 0.045


CHECKS = {
    ("bandit-tutorial", "fastrl"): _check_tutorial,
    ("bandit-tutorial", "baseline"): _check_tutorial_loop,
    ("bandit-testbed", "fastrl"): _check_testbed,
    ("bandit-testbed", "baseline"): _check_testbed_numpy,
    ("bandit-user-agent", "fastrl"): _check_testbed,  # the user's eps-greedy: the same job
    ("bandit-user-agent", "baseline"): _check_testbed,
}


def test_testbed_peak_memory(benchmark):
    """Peak RSS of the full testbed job in a fresh process (interpreter and numba included).

    The kernel is compiled (or loaded) first and the kernel's high-water mark is then reset
    through ``/proc/self/clear_refs``, so LLVM's compile-time memory is not counted.
    """
    runs = 2_000 if benchmark.disabled else 100_000
    code = (
        "import re\n"
        "from fastrl.bandits import EpsilonGreedy, GaussianBandit, simulate\n"
        "problem, agent = GaussianBandit.testbed(), EpsilonGreedy(0.1)\n"
        "simulate(problem, agent, runs=64, steps=10)\n"
        "open('/proc/self/clear_refs', 'w').write('5')\n"
        f"simulate(problem, agent, runs={runs}, steps=1000)\n"
        "status = open('/proc/self/status').read()\n"
        "print(int(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)))\n"
    )
    if not sys.platform.startswith("linux"):
        pytest.skip("peak-RSS reset needs Linux /proc")
    out = benchmark.pedantic(
        lambda: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True),
        rounds=1,
        iterations=1,
    )
    if out.returncode != 0:
        raise AssertionError(out.stderr)
    peak_mb = int(out.stdout.split()[-1]) / 1024
    benchmark.extra_info["peak_rss_mb"] = peak_mb
    assert peak_mb < 300, f"peak memory {peak_mb:.0f} MB"
