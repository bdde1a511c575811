"""The plain-Python bench baselines (:mod:`fastrl._loops`) play the same agents as ``simulate``.

Each loop is written from the agent's paper with numpy's generator, not the
addressed draws, so the two agree in distribution only: the final regret within
5 combined standard errors. The loops are slow by design, so they play few runs;
their standard error is simulate's per-run spread at their number of runs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from fastrl._bench_catalogue import PROBS
from fastrl._loops import CURVES, LOOPS, play
from fastrl.bandits import BernoulliBandit, simulate
from fastrl.bandits.agents import AGENTS

STEPS = 200
LOOP_RUNS = 60
#: the KL agents' loops solve their indices in Python (about 1-4 k steps/s): fewer runs
SLOW_LOOP_RUNS = 15
RUNS = 4000


def test_every_agent_has_a_loop():
    assert set(AGENTS) == set(LOOPS) | set(CURVES)


@pytest.mark.parametrize("name", sorted(AGENTS))
def test_loop_agrees_with_simulate(name):
    loop_runs = SLOW_LOOP_RUNS if name in CURVES else LOOP_RUNS
    curve = play(name, PROBS, loop_runs, STEPS, seed=5)
    assert curve.shape == (STEPS,) and np.all(np.diff(curve) >= 0.0)
    res = simulate(BernoulliBandit(PROBS), AGENTS[name](), runs=RUNS, steps=STEPS, seed=6)
    se_loop = res.regret_se[-1] * math.sqrt(RUNS / loop_runs)
    tol = 5.0 * math.hypot(se_loop, res.regret_se[-1])
    assert abs(curve[-1] - res.regret[-1]) <= tol, (name, curve[-1], res.regret[-1], tol)
