"""Classic control: Gymnasium's CartPole as batched numba kernels, and linear-policy search.

* :class:`CartPole`: CartPole-v1's physical parameters (per run if wanted),
  stepped with Gymnasium's exact equations by every kernel of the family.
* :func:`search`: random search, hill climbing and the cross-entropy method
  over deterministic linear policies, thousands of candidates per generation
  evaluated in one fused parallel kernel.
* :func:`evaluate_linear`: the returns of given linear policies.

The Gymnasium environments (``fastrl/CartPole-v1``) live in :mod:`fastrl.gym`.
"""

from fastrl.control.cartpole import CartPole
from fastrl.control.search import METHODS, LinearEvaluation, SearchResult, evaluate_linear, search

__all__ = ["CartPole", "METHODS", "LinearEvaluation", "SearchResult", "evaluate_linear", "search"]
