"""``fastrl warmup``: its tasks cover every registered kernel, each compiles, the pool runs them.

Each task is a test of its own, run last (``run_last``) so that it reuses what the
other tests compiled in its worker and spreads over the workers; the command line
runs two cheap tasks through the process pool, which loads them from the cache.
"""

from __future__ import annotations

import os

import pytest

from fastrl import warmup as warmup_module
from fastrl.bandits.agents import AGENTS
from fastrl.cli import main
from fastrl.tabular.learners import LEARNERS
from fastrl.warmup import PROBLEMS, compile_task, tasks, warmup

#: learners whose softmax drivers tests/test_learning.py compiles
ONE_STEP = ("q-learning", "sarsa", "expected-sarsa", "double-q", "dyna-q")


def test_tasks_cover_every_agent_and_learner():
    work = tasks()
    assert {name for kind, name in work if kind == "bandit"} == set(AGENTS)
    assert {name for kind, name in work if kind == "train"} == set(LEARNERS)
    assert {kind for kind, _ in work} == {
        "bandit",
        "train",
        "planning",
        "control",
        "control-learning",
    }
    assert len(set(work)) == len(work)


@pytest.mark.run_last
@pytest.mark.parametrize(("kind", "name"), tasks(), ids=[f"{k}-{n}" for k, n in tasks()])
def test_task_compiles(kind, name):
    # Suite time: a learner's softmax driver costs 10-30 s to compile. The one-step learners'
    # are compiled by their reference tests anyway (tests/test_learning.py); the others'
    # only with FASTRL_SLOW=1 (their epsilon-greedy drivers come from their own tests).
    # Bandit agents: the three problems compile three drivers per agent, 6-10 s each, and
    # the reference tests compile Bernoulli drivers of every agent; the two-arm and Gaussian
    # drivers nothing else needs cost 125 CPU-seconds in all, so only with FASTRL_SLOW=1.
    slow = os.environ.get("FASTRL_SLOW") == "1"
    rules = ("epsilon_greedy", "softmax")
    if kind == "train" and name not in ONE_STEP and not slow:
        rules = ("epsilon_greedy",)
    problems = PROBLEMS if slow else ("bernoulli-3",)
    done = compile_task(kind, name, rules, problems)
    assert done and all(isinstance(line, str) for line in done)


@pytest.mark.run_last
def test_command_line_runs_the_tasks_in_processes(capsys, monkeypatch):
    cheap = [("planning", "frozen_lake"), ("bandit", "epsilon-greedy")]
    monkeypatch.setattr(warmup_module, "tasks", lambda: cheap)
    assert main(["warmup", "--jobs", "2"]) == 0
    captured = capsys.readouterr()
    assert "compiled fastrl's kernels in" in captured.out
    assert "planning and evaluation" in captured.err
    assert "simulate: EpsilonGreedy on bernoulli-2" in captured.err


def test_validates():
    with pytest.raises(ValueError, match="jobs"):
        warmup(jobs=0)
    with pytest.raises(TypeError, match="jobs"):
        warmup(jobs=1.5)
    with pytest.raises(ValueError, match="kind"):
        compile_task("nope", "x")
