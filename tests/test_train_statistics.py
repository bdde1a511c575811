"""Statistical checks of tabular learning against textbook results (fixed seeds, >= 5 SE)."""

from __future__ import annotations

import math

import numpy as np

from fastrl.tabular import (
    QLearning,
    Sarsa,
    cliff_walking,
    compare,
    frozen_lake,
    train,
    value_iteration,
)


def test_cliff_walking_sarsa_beats_q_learning_online():
    # Sutton & Barto, example 6.6: with epsilon 0.1 SARSA learns the safe path and earns
    # more per episode online (about -25 vs -50) while Q-learning walks the cliff edge.
    agents = {
        "Q-learning": QLearning(alpha=0.5, gamma=1.0, epsilon=0.1),
        "SARSA": Sarsa(alpha=0.5, gamma=1.0, epsilon=0.1),
    }
    cmp = compare(agents, cliff_walking(), runs=200, episodes=500, max_episode_steps=1000, seed=11)
    summary = cmp.summary()
    q, sarsa = summary.loc["Q-learning"], summary.loc["SARSA"]
    se_diff = math.hypot(q.mean_return_se, sarsa.mean_return_se)
    assert sarsa.mean_return - q.mean_return > 5.0 * se_diff
    assert sarsa.mean_return - q.mean_return > 10.0  # the textbook gap is about 25
    # Q-learning's greedy policy is the optimal cliff-edge path (-13); SARSA's is safer
    q_values = cmp.results["Q-learning"].policy_value
    assert np.all(q_values[np.isfinite(q_values)] <= -13.0)
    assert summary.loc["Q-learning", "policy_value"] > summary.loc["SARSA", "policy_value"]


def test_q_learning_frozen_lake_approaches_optimum():
    mdp, gamma, runs = frozen_lake(), 0.99, 200
    optimum = float(value_iteration(mdp, gamma).values @ mdp.initial)
    agent = QLearning(alpha=0.1, gamma=gamma, epsilon=0.2)
    early = train(mdp, agent, runs=runs, episodes=300, seed=5).policy_value
    late = train(mdp, agent, runs=runs, episodes=3000, seed=5).policy_value
    assert np.all(late <= optimum + 1e-6)  # no policy beats the optimum (VI tolerance aside)
    se = late.std(ddof=1) / math.sqrt(runs)
    assert late.mean() > 0.9 * optimum
    se_gain = math.hypot(se, early.std(ddof=1) / math.sqrt(runs))
    assert late.mean() - early.mean() > 5.0 * se_gain
