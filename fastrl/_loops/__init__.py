"""Plain-Python bandit agents: the per-step baselines of ``fastrl bench``.

Each agent is a small class written from its paper, one run at a time on
Python floats, with numpy's generator for randomness: what a researcher
writes without fastrl. :func:`play` runs one on Bernoulli arms. The bench's
catalogue rows (``fastrl bench --group bandit-agent-<name>``) time fastrl's
agent against these loops in the same run. They are baselines, not
references: the tests check fastrl against ``tests/reference*.py``.
"""

from __future__ import annotations

from fastrl._loops._play import CURVES, LOOPS, play

__all__ = ["CURVES", "LOOPS", "play"]
