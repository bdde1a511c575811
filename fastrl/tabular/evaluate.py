"""Monte Carlo evaluation of many fixed policies, and random policy search.

The FrozenLake random-search tutorial in one call: draw thousands of random
deterministic policies, play each for a number of episodes, keep the best.

Definitions
-----------
* **return**: the undiscounted sum of rewards of an episode.
* **success**: the episode terminated (was not truncated) and the reward of
  its final transition is positive (FrozenLake: the goal was reached).
* **length**: steps in the episode, truncated ones included.

Randomness: policy ``j`` is run ``j`` and uses environment key
``run_key(roots[STREAM_ENV], j)`` (and, for stochastic policies, agent key
``run_key(roots[STREAM_AGENT], j)``), with draws addressed by the run's global
step counter. So with the same seed, run ``j`` sees the same environment draws
whatever the batch size, the thread count, or the other policies evaluated
(common random numbers).

Example
-------
>>> from fastrl.tabular import frozen_lake, random_search
>>> res = random_search(frozen_lake("4x4"), 1000, episodes=100, seed=0)
>>> res.policies.shape, res.scores.shape
((1000, 16), (1000,))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastrl import rng
from fastrl.tabular import _rollout_kernels as _k
from fastrl.tabular._dynamics import successor_tables
from fastrl.tabular.mdp import MDPStack, TabularMDP, batched_arrays
from fastrl.tabular.planning import as_policy_batch
from fastrl.validation import check_memory, check_size

__all__ = ["EvaluationResult", "SearchResult", "evaluate", "random_search"]


@dataclass(frozen=True)
class EvaluationResult:
    """Per-policy Monte Carlo statistics, arrays of shape (N,).

    Attributes
    ----------
    mean_return : float64 (N,)
        Mean undiscounted return over ``episodes`` episodes.
    sem : float64 (N,)
        Its standard error ``sqrt(s^2 / episodes)`` (unbiased ``s^2``; NaN if episodes < 2).
    success_rate : float64 (N,)
        Fraction of episodes that terminated with a positive final reward.
    mean_length : float64 (N,)
        Mean episode length in steps.
    episodes : int
    max_episode_steps : int
        The truncation limit used.
    """

    mean_return: np.ndarray
    sem: np.ndarray
    success_rate: np.ndarray
    mean_length: np.ndarray
    episodes: int
    max_episode_steps: int

    def to_frame(self):
        """A pandas DataFrame with one row per policy."""
        import pandas as pd

        return pd.DataFrame(
            {
                "policy": np.arange(self.mean_return.shape[0]),
                "mean_return": self.mean_return,
                "sem": self.sem,
                "success_rate": self.success_rate,
                "mean_length": self.mean_length,
            }
        )


@dataclass(frozen=True)
class SearchResult:
    """Outcome of :func:`random_search`.

    Attributes
    ----------
    best_policy : int64 (S,)
        The policy with the highest mean return (lowest index among ties).
    best_index : int
    best_score : float
        Its mean return.
    scores : float64 (N,)
        Mean return of every policy (the distribution of scores).
    policies : int64 (N, S)
        All policies drawn.
    evaluation : EvaluationResult
        Full statistics of every policy.
    """

    best_policy: np.ndarray
    best_index: int
    best_score: float
    scores: np.ndarray
    policies: np.ndarray
    evaluation: EvaluationResult

    def to_frame(self):
        """One row per policy: its statistics and whether it is the best."""
        df = self.evaluation.to_frame()
        df["best"] = df["policy"] == self.best_index
        return df


def _episode_limit(mdp, max_episode_steps) -> int:
    if max_episode_steps is None:
        if mdp.max_episode_steps is None:
            raise ValueError(
                "max_episode_steps is required: the MDP has no default episode limit "
                "and episodes might never end"
            )
        return int(mdp.max_episode_steps)
    return check_size("max_episode_steps", max_episode_steps)


def evaluate(
    mdp: TabularMDP | MDPStack,
    policies,
    *,
    episodes: int,
    seed: int = 0,
    max_episode_steps: int | None = None,
) -> EvaluationResult:
    """Monte Carlo evaluation of a batch of fixed policies, in parallel.

    Parameters
    ----------
    mdp : TabularMDP or MDPStack
        With a stack of ``N`` MDPs, policy ``j`` runs on MDP ``j``.
    policies : array
        Deterministic: int array (N, S) (or one policy (S,)); stochastic:
        float array (N, S, A) (or (S, A)) of action probabilities.
    episodes : int >= 1
        Episodes per policy.
    seed : int >= 0
    max_episode_steps : int, optional
        Truncation limit; defaults to the MDP's own (an error if it has none).

    Returns
    -------
    EvaluationResult
        Arrays of shape (N,); N = 1 for a single policy on a single MDP.
    """
    if not isinstance(mdp, TabularMDP | MDPStack):
        raise TypeError(f"mdp must be a TabularMDP or MDPStack, got {type(mdp).__name__}")
    episodes = check_size("episodes", episodes)
    roots = rng.stream_roots(seed)
    limit = _episode_limit(mdp, max_episode_steps)
    arrays = batched_arrays(mdp)
    N_mdp, S, A = arrays[0].shape[:3]
    probs, actions, _ = as_policy_batch(policies, S, A, "policies")
    N_pol = probs.shape[0]
    if N_mdp > 1 and N_pol > 1 and N_pol != N_mdp:
        raise ValueError(f"policies must hold 1 or {N_mdp} policies for this stack, got {N_pol}")
    N = max(N_mdp, N_pol)
    deterministic = actions is not None
    if deterministic:
        probs = np.zeros((1, 1, 1))  # unused: keep the kernel's argument types fixed
    else:
        actions = np.zeros((1, 1), dtype=np.int64)
    mean = np.empty(N)
    m2 = np.empty(N)
    success = np.empty(N, dtype=np.int64)
    length = np.empty(N, dtype=np.int64)
    next_state, prob, reward, terminated, initial = arrays
    _k._evaluate(
        next_state, *successor_tables(prob), reward, terminated, initial, probs, actions,
        deterministic, roots[rng.STREAM_ENV], roots[rng.STREAM_AGENT],
        episodes, limit, mean, m2, success, length,
    )  # fmt: skip
    if episodes > 1:
        sem = np.sqrt(np.maximum(m2, 0.0) / (episodes - 1) / episodes)
    else:
        sem = np.full(N, np.nan)
    return EvaluationResult(mean, sem, success / episodes, length / episodes, episodes, limit)


def random_policies(
    num_states: int, num_actions: int, num_policies: int, seed: int = 0
) -> np.ndarray:
    """Uniformly random deterministic policies, int64 array (num_policies, num_states).

    Policy ``j``'s action in state ``s`` is ``randint(run_key(roots[STREAM_PROBLEM], j),
    counter(s, 0), num_actions)``, so policy ``j`` depends only on ``seed`` and ``j``.
    """
    num_states = check_size("num_states", num_states)
    num_actions = check_size("num_actions", num_actions)
    num_policies = check_size("num_policies", num_policies)
    check_memory({"num_policies": 8 * num_policies * num_states})
    roots = rng.stream_roots(seed)
    out = np.empty((num_policies, num_states), dtype=np.int64)
    _k._random_policies(roots[rng.STREAM_PROBLEM], np.int64(num_actions), out)
    return out


def random_search(
    mdp: TabularMDP | MDPStack,
    num_policies: int,
    *,
    episodes: int = 100,
    seed: int = 0,
    max_episode_steps: int | None = None,
) -> SearchResult:
    """Random search over deterministic policies (the FrozenLake tutorial).

    Draws ``num_policies`` uniformly random deterministic policies with
    :func:`random_policies` (problem stream), evaluates each with
    :func:`evaluate` (same ``seed``) and returns the best by mean return.
    """
    if not isinstance(mdp, TabularMDP | MDPStack):
        raise TypeError(f"mdp must be a TabularMDP or MDPStack, got {type(mdp).__name__}")
    num_policies = check_size("num_policies", num_policies)
    if isinstance(mdp, MDPStack) and num_policies not in (1, len(mdp)):
        raise ValueError(
            f"num_policies must be 1 or len(mdp) = {len(mdp)} for an MDPStack (policy j "
            f"runs on MDP j), got {num_policies}"
        )
    policies = random_policies(mdp.num_states, mdp.num_actions, num_policies, seed)
    ev = evaluate(mdp, policies, episodes=episodes, seed=seed, max_episode_steps=max_episode_steps)
    best = int(np.argmax(ev.mean_return))
    return SearchResult(
        policies[best].copy(), best, float(ev.mean_return[best]), ev.mean_return, policies, ev
    )
