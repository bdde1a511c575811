"""``fastrl bench`` rows of the multi-step and trace learners (Sutton & Barto 7, 12).

The job of each: FrozenLake 4x4 (slippery), 10,000 runs x 200 episodes,
alpha 0.1, gamma 0.99, epsilon 0.1, the learner's defaults otherwise
(``n = 4``, ``lam = 0.9``, accumulating traces), statistics included.
Each row compares the learner with the book's pseudocode of the same
algorithm as a plain-Python loop stepping Gymnasium's FrozenLake-v1
(:mod:`fastrl._baselines`, :mod:`fastrl._baselines_backups`), whose cost per
step is flat, so it takes a few thousand steps only. The issue's targets:
20 M env-steps/s and 300x the loop.
"""

from __future__ import annotations

from fastrl import _baselines_backups as _bb
from fastrl._baselines import gymnasium_sarsa_lambda

#: the groups of this module
NAMES = (
    "learn-nstep", "learn-nstep-expected", "learn-tree-backup", "learn-lambda", "learn-watkins",
)  # fmt: skip
#: the issue's throughput target of every row (2-core machine)
TARGET = 20e6
#: the issue's ratio to the plain-Python loop of the same algorithm
RATIO = 300.0
_SHARP = dict(alpha=0.1, gamma=0.99, epsilon=0.1)


def learner_fastrl(name: str):
    """The job of learner ``name`` (a key of ``LEARNERS``): env-steps reported by ``train``."""

    def make(scale: float = 1.0):
        from fastrl.tabular import frozen_lake, train
        from fastrl.tabular.learners import LEARNERS

        runs, episodes = max(int(10_000 * scale), 64), 200
        mdp, agent = frozen_lake(), LEARNERS[name](**_SHARP)
        return None, lambda: train(mdp, agent, runs=runs, episodes=episodes).total_steps

    return make


def python_loop(loop):
    """The plain-Python ``loop(steps)`` (it returns its env-steps) as a benchmark workload."""

    def make(scale: float = 1.0):
        steps = max(int(5_000 * scale), 200)
        return None, lambda: loop(steps)

    make.__doc__ = loop.__doc__
    return make


def groups(group_class) -> list:
    """The rows, as ``group_class`` (``fastrl._bench.Group``) instances."""
    job = "FrozenLake 4x4, 10,000 runs x 200 episodes"
    rows = [
        ("learn-nstep", "n-step-sarsa", "n-step SARSA (n = 4)",
         _bb.gymnasium_n_step_sarsa, "n-step SARSA"),
        ("learn-nstep-expected", "n-step-expected-sarsa", "n-step Expected SARSA (n = 4)",
         _bb.gymnasium_n_step_expected_sarsa, "n-step Expected SARSA"),
        ("learn-tree-backup", "tree-backup", "n-step Tree Backup (n = 4)",
         _bb.gymnasium_tree_backup, "n-step Tree Backup"),
        ("learn-lambda", "sarsa-lambda", "SARSA(lambda) (lam = 0.9, accumulating)",
         gymnasium_sarsa_lambda, "SARSA(lambda)"),
        ("learn-watkins", "watkins-q-lambda", "Watkins's Q(lambda) (lam = 0.9)",
         _bb.gymnasium_watkins_q_lambda, "Watkins's Q(lambda)"),
    ]  # fmt: skip
    return [
        group_class(
            group,
            f"{what}, {job}",
            learner_fastrl(name),
            python_loop(loop),
            f"plain-Python {label} loop (Gymnasium FrozenLake-v1)",
            TARGET,
            RATIO,
            "env-steps",
        )  # fmt: skip
        for group, name, what, loop, label in rows
    ]
