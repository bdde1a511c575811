"""fastrl: batched bandit and tabular reinforcement-learning simulation in numba."""

__version__ = "0.1.0"
