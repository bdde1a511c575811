"""Classic control: Gymnasium's CartPole as batched numba kernels, and linear-policy search.

* :class:`CartPole`: CartPole-v1's physical parameters (per run if wanted),
  stepped with Gymnasium's exact equations by every kernel of the family.
* :func:`search`: random search, hill climbing and the cross-entropy method
  over deterministic linear (or softmax-linear) policies, thousands of candidates per generation
  evaluated in one fused parallel kernel.
* :func:`evaluate_linear`: the returns of given linear policies.
* :class:`MountainCar`, :class:`ContinuousMountainCar`, :class:`Acrobot` and
  :class:`Pendulum`: the parameters of MountainCar-v0, MountainCarContinuous-v0,
  Acrobot-v1 and Pendulum-v1, stepped with Gymnasium's exact
  equations (Acrobot with its RK4 integrator) by the Gymnasium environments.
* :func:`tile_sarsa`: semi-gradient Sarsa with a :class:`TileCoder` on Mountain
  Car (Sutton & Barto 10.1), many runs in one parallel kernel.

The Gymnasium environments (``fastrl/CartPole-v1``, ``fastrl/MountainCar-v0``,
``fastrl/MountainCarContinuous-v0``, ``fastrl/Acrobot-v1``,
``fastrl/Pendulum-v1``) live in :mod:`fastrl.gym`.
"""

from fastrl.control.acrobot import Acrobot
from fastrl.control.cartpole import CartPole
from fastrl.control.continuous_mountain_car import ContinuousMountainCar
from fastrl.control.mountain_car import MountainCar
from fastrl.control.pendulum import Pendulum
from fastrl.control.search import METHODS, LinearEvaluation, SearchResult, evaluate_linear, search
from fastrl.control.tile_sarsa import TileSarsaResult, tile_sarsa
from fastrl.control.tiles import TileCoder

__all__ = [
    "Acrobot",
    "CartPole",
    "ContinuousMountainCar",
    "MountainCar",
    "Pendulum",
    "METHODS",
    "LinearEvaluation",
    "SearchResult",
    "evaluate_linear",
    "search",
    "TileCoder",
    "TileSarsaResult",
    "tile_sarsa",
]
