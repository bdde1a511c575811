"""``fastrl bench`` rows of the multi-step and trace learners (Sutton & Barto 7, 12).

The job of each: FrozenLake 4x4 (slippery), 10,000 runs x 200 episodes,
alpha 0.1, gamma 0.99, epsilon 0.1, the learner's defaults otherwise
(``n = 4``, ``lam = 0.9``, accumulating traces), statistics included.
``learn-nstep`` and ``learn-lambda`` compare n-step SARSA and SARSA(lambda)
with the book's pseudocode as a plain-Python loop stepping Gymnasium's
FrozenLake-v1 (:mod:`fastrl._baselines`); the other rows compare a learner
with the one-step learner it generalises, on the same job, so the ratio is
the cost of the longer backup.
"""

from __future__ import annotations

from fastrl._baselines import gymnasium_n_step_sarsa, gymnasium_sarsa_lambda

#: the groups of this module
NAMES = (
    "learn-nstep", "learn-nstep-expected", "learn-tree-backup", "learn-lambda", "learn-watkins",
)  # fmt: skip
#: the issue's throughput target of every row (2-core machine)
TARGET = 20e6
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


def n_step_sarsa_python(scale: float = 1.0):
    """n-step SARSA (n = 4) in Python on Gymnasium's FrozenLake-v1 (its cost per step is flat)."""
    steps = max(int(5_000 * scale), 200)
    return None, lambda: gymnasium_n_step_sarsa(steps)


def sarsa_lambda_python(scale: float = 1.0):
    """SARSA(lambda) (lam = 0.9) in Python on Gymnasium's FrozenLake-v1."""
    steps = max(int(5_000 * scale), 200)
    return None, lambda: gymnasium_sarsa_lambda(steps)


def groups(group_class) -> list:
    """The rows, as ``group_class`` (``fastrl._bench.Group``) instances."""
    job = "FrozenLake 4x4, 10,000 runs x 200 episodes"
    rows = [
        ("learn-nstep", "n-step-sarsa", "n-step SARSA (n = 4)", n_step_sarsa_python,
         "plain-Python n-step SARSA loop (Gymnasium FrozenLake-v1)"),
        ("learn-nstep-expected", "n-step-expected-sarsa", "n-step Expected SARSA (n = 4)",
         learner_fastrl("expected-sarsa"), "one-step Expected SARSA"),
        ("learn-tree-backup", "tree-backup", "n-step Tree Backup (n = 4)",
         learner_fastrl("q-learning"), "one-step Q-learning"),
        ("learn-lambda", "sarsa-lambda", "SARSA(lambda) (lam = 0.9, accumulating)",
         sarsa_lambda_python, "plain-Python SARSA(lambda) loop (Gymnasium FrozenLake-v1)"),
        ("learn-watkins", "watkins-q-lambda", "Watkins's Q(lambda) (lam = 0.9)",
         learner_fastrl("q-learning"), "one-step Q-learning"),
    ]  # fmt: skip
    return [
        group_class(
            group,
            f"{what}, {job}",
            learner_fastrl(name),
            baseline,
            label,
            TARGET,
            None,
            "env-steps",
        )  # fmt: skip
        for group, name, what, baseline, label in rows
    ]
