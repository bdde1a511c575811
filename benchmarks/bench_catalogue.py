"""The bandit catalogue: every built-in agent against the plain-Python loop of the same agent.

One group per agent (``bandit-agent-<name>``), the issue's job: 10 Bernoulli
arms, 10,000 runs x 10,000 steps; targets in ``fastrl._bench_catalogue``.
With ``--benchmark-disable`` (the default) each runs once at a small scale.
"""

from __future__ import annotations

import numpy as np
import pytest

from fastrl._bench import GROUPS, machine_info
from fastrl._bench_catalogue import PROBS

CATALOGUE = [g for g in GROUPS if g.name.startswith("bandit-agent-")]
MAX_GAP = max(PROBS) - min(PROBS)


@pytest.mark.parametrize("group", CATALOGUE, ids=[g.name for g in CATALOGUE])
@pytest.mark.parametrize("side", ["fastrl", "baseline"])
def test_catalogue_throughput(benchmark, group, side):
    benchmark.group = group.name
    scale = 0.01 if benchmark.disabled else 1.0
    work, call = (group.fastrl if side == "fastrl" else group.baseline)(scale)
    call()
    out = benchmark.pedantic(call, rounds=1, iterations=1)
    benchmark.extra_info.update(machine_info())
    benchmark.extra_info["work"] = work
    # The timed job must be a real one: a regret curve that grows by a gap per step.
    regret = out.regret if side == "fastrl" else out
    steps = np.diff(np.concatenate([[0.0], regret]))
    assert np.all(np.isfinite(regret)) and regret[-1] > 0.0
    assert np.all(steps >= -1e-12) and np.all(steps <= MAX_GAP + 1e-12)
