"""The hand-written yardstick kernel of ``fastrl bench`` does the same job as ``train``."""

from __future__ import annotations

import numpy as np

from fastrl._handwritten import q_learning_handwritten
from fastrl.tabular import QLearning, frozen_lake, train


def test_handwritten_q_learning_equals_train_bit_for_bit():
    mdp, runs, episodes = frozen_lake(), 130, 30  # three blocks, the last one partial
    q, curves = q_learning_handwritten(mdp, alpha=0.1, gamma=0.99, epsilon=0.1, runs=runs,
                                       episodes=episodes, seed=5)  # fmt: skip
    res = train(mdp, QLearning(alpha=0.1, gamma=0.99, epsilon=0.1), runs=runs,
                episodes=episodes, seed=5)  # fmt: skip
    np.testing.assert_array_equal(q, res.q)
    np.testing.assert_allclose(curves[0], res.episode_return, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(curves[1], res.episode_length, rtol=1e-12)
    np.testing.assert_allclose(curves[2], res.success_rate, rtol=1e-12, atol=1e-15)
