"""``search``: batched linear-policy search on CartPole (random search, hill climbing, CEM)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fastrl.control._dynamics import P_THETA_THRESHOLD, POLY_LIMIT
from fastrl.control._kernels import DRAW_NORMAL, DRAW_UNIFORM, _draw_candidates, evaluate_kernel
from fastrl.control._lane_kernels import LANE_BLOCK, _evaluate_linear_lanes
from fastrl.control._params import single_task
from fastrl.control.cartpole import CartPole
from fastrl.rng import STREAM_AGENT, STREAM_ENV, STREAM_EXTRA, check_seed, stream_roots
from fastrl.validation import check_array, check_memory, check_real, check_size

__all__ = ["METHODS", "POLICIES", "LinearEvaluation", "SearchResult", "evaluate_linear", "search"]

#: the search methods of :func:`search`
METHODS = ("random", "hill_climbing", "cem")
NUM_WEIGHTS = 4
BLOCK_SIZE = 16
_RESET_LOW, _RESET_HIGH = -0.05, 0.05


def _task(task) -> CartPole:
    return single_task(task, CartPole, "CartPole-v1", " for a search")


#: the policy families of :func:`search` and :func:`evaluate_linear`
POLICIES = ("linear", "softmax")


def _check_policy(policy) -> bool:
    if not isinstance(policy, str) or policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    return policy == "softmax"


def _evaluate(params, weights, softmax, root, first, episodes, max_steps):
    mean = np.zeros(weights.shape[0])
    m2 = np.zeros(weights.shape[0])
    # The SIMD-lane kernel for deterministic policies wherever its sine and cosine
    # polynomials hold (see fastrl.control._lane_kernels); the same numbers either way.
    if not softmax and params[0, P_THETA_THRESHOLD] <= POLY_LIMIT:
        kernel, block = _evaluate_linear_lanes, LANE_BLOCK
    else:
        kernel, block = evaluate_kernel(softmax), BLOCK_SIZE
    kernel(
        params, weights, root, first, episodes, max_steps, _RESET_LOW, _RESET_HIGH, block, mean, m2
    )
    return mean, m2


def _se(m2, n):
    return np.sqrt(np.maximum(m2, 0.0) / (n - 1) / n) if n > 1 else np.full_like(m2, np.nan)


@dataclass(frozen=True, eq=False)
class LinearEvaluation:
    """Returns of linear policies over the same fresh episodes.

    Attributes
    ----------
    mean, se : ndarray of float64, shape (policies,)
        Average return of each policy and its standard error.
    episodes, seed : int
    env_steps : int
        Environment steps simulated.
    """

    mean: np.ndarray
    se: np.ndarray
    episodes: int
    seed: int
    env_steps: int


def evaluate_linear(
    task, weights, *, episodes: int = 100, seed: int = 0, policy: str = "linear"
) -> LinearEvaluation:
    """Evaluate linear policies ``action = int(w @ obs > 0)`` in one fused kernel.

    Parameters
    ----------
    task : "CartPole-v1" or CartPole
    weights : array_like, shape (4,) or (policies, 4)
    episodes : int
        Episodes per policy; every policy meets the same initial states.
    seed : int
    policy : {"linear", "softmax"}
        ``"softmax"``: the stochastic policy pushing right with probability
        ``1 / (1 + exp(-w @ obs))`` (softmax over the logits ``(0, w @ obs)``).

    Returns
    -------
    LinearEvaluation

    Examples
    --------
    >>> from fastrl.control import evaluate_linear
    >>> evaluate_linear("CartPole-v1", [0.0, 0.0, 1.0, 1.0], episodes=10).mean.shape
    (1,)
    """
    task = _task(task)
    w = check_array("weights", weights, ndim=(1, 2))
    w = np.ascontiguousarray(w.reshape(-1, w.shape[-1]) if w.ndim == 2 else w[None, :])
    if w.shape[1] != NUM_WEIGHTS:
        raise ValueError(f"weights must have {NUM_WEIGHTS} columns, got shape {np.shape(weights)}")
    episodes = check_size("episodes", episodes, low=1)
    seed = check_seed(seed)
    softmax = _check_policy(policy)
    root = stream_roots(seed)[STREAM_EXTRA]
    mean, m2 = _evaluate(task.params(), w, softmax, root, 0, episodes, task.max_episode_steps)
    steps = int(round(mean.sum() * episodes))
    return LinearEvaluation(mean, _se(m2, episodes), episodes, seed, steps)


@dataclass(frozen=True, eq=False)
class SearchResult:
    """Outcome of :func:`search`.

    Attributes
    ----------
    weights : ndarray of float64, shape (4,)
        The best policy found: ``action = int(weights @ obs > 0)``.
    mean_return, mean_return_se : float
        Its average return over ``eval_episodes`` fresh episodes (never used by the
        search) and the standard error.
    solved : bool
        ``mean_return >= 475``, Gymnasium's threshold for CartPole-v1.
    best_return, generation_mean, best_so_far : ndarray of float64, shape (generations,)
        The search curve: each generation's best and average candidate score
        (mean return over ``episodes`` episodes) and the best score so far.
    method : str
    population, generations, episodes, eval_episodes, seed : int
    env_steps : int
        Environment steps simulated by the search, evaluation included.
    """

    weights: np.ndarray
    mean_return: float
    mean_return_se: float
    solved: bool
    best_return: np.ndarray
    generation_mean: np.ndarray
    best_so_far: np.ndarray
    method: str
    population: int
    generations: int
    episodes: int
    eval_episodes: int
    seed: int
    env_steps: int

    def to_frame(self):
        """:class:`pandas.DataFrame` with one row per generation and the curve's columns."""
        import pandas as pd

        return pd.DataFrame(
            {
                "generation": np.arange(self.generations),
                "best_return": self.best_return,
                "generation_mean": self.generation_mean,
                "best_so_far": self.best_so_far,
            }
        )


def search(
    task="CartPole-v1",
    method: str = "random",
    *,
    population: int = 1000,
    generations: int = 5,
    episodes: int = 10,
    eval_episodes: int = 100,
    scale: float = 1.0,
    elite_frac: float = 0.1,
    noise: float = 0.0,
    seed: int = 0,
    policy: str = "linear",
) -> SearchResult:
    """Search linear policies for CartPole: ``action = int(w @ obs > 0)`` or softmax-linear.

    Each generation evaluates ``population`` candidate weight vectors on the same
    ``episodes`` episodes with one fused parallel kernel (rollouts, policy and
    return statistics together). Methods:

    * ``"random"``: the tutorials' parameterised random search; every candidate
      uniform on ``[-scale, scale)^4``, the best kept.
    * ``"hill_climbing"``: candidates are the incumbent (row 0, re-scored on the
      generation's episodes) and Gaussian perturbations of it with standard
      deviation ``scale``; the best becomes the incumbent.
    * ``"cem"``: the cross-entropy method (Rubinstein 1999; Szita & Lorincz 2006 on
      Tetris): candidates from a diagonal Gaussian (mean 0, standard deviation
      ``scale`` at first; row 0 is the mean), refitted to the top ``elite_frac``
      with ``noise`` added to its standard deviation.

    The best candidate of all generations (by score, earliest on ties) is then
    evaluated on ``eval_episodes`` fresh episodes.

    Parameters
    ----------
    task : "CartPole-v1" or CartPole
    method : {"random", "hill_climbing", "cem"}
    population, generations, episodes, eval_episodes : int, >= 1 (eval_episodes >= 2)
    scale : float, > 0
    elite_frac : float in (0, 1]
        CEM only.
    noise : float, >= 0
        CEM only.
    seed : int
    policy : {"linear", "softmax"}
        Deterministic ``int(w @ obs > 0)`` or the softmax-linear policy of
        :func:`evaluate_linear` (scored, and finally evaluated, stochastically).

    Returns
    -------
    SearchResult

    Examples
    --------
    >>> from fastrl.control import search
    >>> res = search("CartPole-v1", "random", population=200, generations=2, seed=0)
    >>> res.weights.shape
    (4,)
    """
    task = _task(task)
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    population = check_size("population", population, low=1)
    generations = check_size("generations", generations, low=1)
    episodes = check_size("episodes", episodes, low=1)
    eval_episodes = check_size("eval_episodes", eval_episodes, low=2)
    check_memory({"population": 4 * 8 * NUM_WEIGHTS * population})
    scale = check_real("scale", scale, low=0.0, low_open=True)
    elite_frac = check_real("elite_frac", elite_frac, low=0.0, high=1.0, low_open=True)
    noise = check_real("noise", noise, low=0.0)
    seed = check_seed(seed)
    softmax = _check_policy(policy)
    roots = stream_roots(seed)
    params, limit = task.params(), task.max_episode_steps
    center = np.zeros(NUM_WEIGHTS)
    spread = np.full(NUM_WEIGHTS, scale)
    num_elite = max(1, math.ceil(elite_frac * population))
    kind = DRAW_UNIFORM if method == "random" else DRAW_NORMAL
    cand = np.empty((population, NUM_WEIGHTS))
    best_w, best_score = np.zeros(NUM_WEIGHTS), -math.inf
    curve = np.zeros((3, generations))
    steps = 0.0
    for g in range(generations):
        _draw_candidates(roots[STREAM_AGENT], g, kind, center, spread, cand)
        if method != "random" and g > 0:
            cand[0] = center
        score, _ = _evaluate(
            params, cand, softmax, roots[STREAM_ENV], g * episodes, episodes, limit
        )
        steps += score.sum() * episodes
        top = int(np.argmax(score))
        if score[top] > best_score:
            best_score, best_w = float(score[top]), cand[top].copy()
        curve[:, g] = score[top], score.mean(), best_score
        if method == "hill_climbing":
            center = cand[top].copy()
        elif method == "cem":
            elite = cand[np.argsort(-score, kind="stable")[:num_elite]]
            center = elite.mean(axis=0)
            spread = elite.std(axis=0) + noise
    mean, m2 = _evaluate(
        params, best_w[None, :], softmax, roots[STREAM_EXTRA], 0, eval_episodes, limit
    )
    steps += mean[0] * eval_episodes
    return SearchResult(
        weights=best_w,
        mean_return=float(mean[0]),
        mean_return_se=float(_se(m2, eval_episodes)[0]),
        solved=bool(mean[0] >= 475.0),
        best_return=curve[0],
        generation_mean=curve[1],
        best_so_far=curve[2],
        method=method,
        population=population,
        generations=generations,
        episodes=episodes,
        eval_episodes=eval_episodes,
        seed=seed,
        env_steps=int(round(steps)),
    )
