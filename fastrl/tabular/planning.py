"""Batched dynamic programming: value iteration, exact policy evaluation, policy iteration.

Sutton & Barto (2018), sections 4.1 (policy evaluation), 4.3 (policy
iteration) and 4.4 (value iteration). Given a :class:`~fastrl.tabular.mdp.TabularMDP`
the functions solve it; given an :class:`~fastrl.tabular.mdp.MDPStack` they
solve every MDP of the stack in one parallel numba call.

Bellman backup (terminated transitions are not bootstrapped), summing over
the entries ``k`` of ``(s, a)``::

    Q(s, a) = sum_k p_k * (r_k + gamma * V(s'_k) * (1 - terminated_k))

Greedy policies break ties by the lowest action index, so results are
deterministic. Non-convergence is reported in ``converged`` and by a
``RuntimeWarning`` naming how many problems did not converge.

Example
-------
>>> from fastrl.tabular import frozen_lake, value_iteration
>>> res = value_iteration(frozen_lake("4x4"), gamma=0.99)
>>> round(float(res.values[0]), 3)
0.542
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from fastrl._threads import run_blocks
from fastrl.tabular import _plan_kernels as _k
from fastrl.tabular import _sparse_eval as _sparse
from fastrl.tabular.mdp import MDPStack, TabularMDP, batched_arrays
from fastrl.validation import MAX_SIZE, check_int, check_memory, check_real

__all__ = ["PlanningResult", "value_iteration", "policy_evaluation", "policy_iteration"]


@dataclass(frozen=True)
class PlanningResult:
    """Solution of one MDP or of a batch.

    Attributes
    ----------
    values : float64 array, shape (S,) or (N, S)
        State values.
    q : float64 array, shape (S, A) or (N, S, A)
        Action values, one Bellman backup of ``values``.
    policy : int64 array, shape (S,) or (N, S)
        Greedy policy with respect to ``q`` (lowest index among ties).
    iterations : int or int64 array of shape (N,)
        Sweeps (value iteration) or improvement steps (policy iteration); 1 for
        exact evaluation.
    converged : bool or bool array of shape (N,)
    """

    values: np.ndarray
    q: np.ndarray
    policy: np.ndarray
    iterations: int | np.ndarray
    converged: bool | np.ndarray

    def to_frame(self):
        """A long pandas DataFrame: one row per (mdp, state) with value and greedy action."""
        import pandas as pd

        values = np.atleast_2d(self.values)
        policy = np.atleast_2d(self.policy)
        N, S = values.shape
        return pd.DataFrame(
            {
                "mdp": np.repeat(np.arange(N), S),
                "state": np.tile(np.arange(S), N),
                "value": values.ravel(),
                "action": policy.ravel(),
                "converged": np.repeat(np.atleast_1d(self.converged), S),
            }
        )


def _blocks(N: int) -> int:
    """The kernels' block count for ``N`` problems."""
    return -(-N // _k.BLOCK)


def _check_dense(S: int, N: int) -> None:
    """Exact evaluation solves a dense ``S x S`` system per thread's share: refuse, naming
    the state count, when those cannot fit (numba would raise a bare ``SystemError``)."""
    import numba

    blocks = min(-(-N // _k.BLOCK), numba.get_num_threads())
    check_memory({"mdp.num_states": 8 * S * S * blocks})


def _check_mdp(mdp) -> None:
    if not isinstance(mdp, TabularMDP | MDPStack):
        raise TypeError(f"mdp must be a TabularMDP or MDPStack, got {type(mdp).__name__}")


def as_policy_batch(policies, num_states: int, num_actions: int, name: str = "policy"):
    """Coerce a policy argument.

    Integer arrays are deterministic policies, shape (S,) or (N, S), with
    actions in ``[0, A)``; float arrays are stochastic, shape (S, A) or
    (N, S, A), rows non-negative and summing to 1 (within 1e-9).

    Returns
    -------
    probs : float64 array (N, S, A)
        Action probabilities (one-hot for deterministic policies).
    actions : int64 array (N, S) or None
        The actions of deterministic policies, else None.
    single : bool
        Whether one policy (no batch axis) was given.
    """
    try:
        arr = np.asarray(policies)
    except Exception as exc:
        raise TypeError(f"{name} must be array-like, got {type(policies).__name__}") from exc
    if arr.dtype.kind in "iu":
        if arr.ndim not in (1, 2) or arr.shape[-1] != num_states:
            raise ValueError(
                f"{name} (deterministic) must have shape ({num_states},) or "
                f"(N, {num_states}), got {arr.shape}"
            )
        if arr.size and (arr.min() < 0 or arr.max() >= num_actions):
            raise ValueError(
                f"{name} actions must lie in [0, {num_actions}), got {arr.min()} to {arr.max()}"
            )
        single = arr.ndim == 1
        actions = np.ascontiguousarray(np.atleast_2d(arr), dtype=np.int64)
        if actions.shape[0] < 1:
            raise ValueError(f"{name} must contain at least one policy")
        probs = np.zeros(actions.shape + (num_actions,))
        np.put_along_axis(probs, actions[..., None], 1.0, axis=-1)
        return probs, actions, single
    if arr.dtype.kind == "f":
        if arr.ndim not in (2, 3) or arr.shape[-2:] != (num_states, num_actions):
            raise ValueError(
                f"{name} (stochastic) must have shape ({num_states}, {num_actions}) or "
                f"(N, {num_states}, {num_actions}), got {arr.shape}"
            )
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite (no NaN or inf)")
        if arr.size and arr.min() < 0.0:
            raise ValueError(f"{name} probabilities must be non-negative, got {arr.min()}")
        if np.any(np.abs(arr.sum(axis=-1) - 1.0) > 1e-9):
            raise ValueError(f"{name} rows must sum to 1 (within 1e-9)")
        single = arr.ndim == 2
        probs = np.ascontiguousarray(arr.reshape((-1, num_states, num_actions)), dtype=np.float64)
        if probs.shape[0] < 1:
            raise ValueError(f"{name} must contain at least one policy")
        return probs, None, single
    raise TypeError(
        f"{name} must be an integer (deterministic) or float (stochastic) array, "
        f"got dtype {arr.dtype}"
    )


def _warn(what: str, converged: np.ndarray, detail: str) -> None:
    bad = int((~converged).sum())
    if bad:
        warnings.warn(
            f"{what}: {bad} of {converged.size} problem(s) did not converge ({detail}); "
            "see PlanningResult.converged",
            RuntimeWarning,
            stacklevel=3,
        )


def _overflow(what: str, values: np.ndarray, q: np.ndarray, converged: np.ndarray) -> np.ndarray:
    """Non-finite values are overflow, never convergence: clear ``converged`` and warn.

    Returns ``converged`` as the iteration saw it, for :func:`_warn` (which reports the rest).
    """
    seen = converged.copy()
    finite = np.isfinite(values).all(axis=1) & np.isfinite(q).all(axis=(1, 2))
    if not finite.all():
        converged &= finite
        warnings.warn(
            f"{what}: the values of {int((~finite).sum())} of {finite.size} problem(s) "
            "overflowed to inf or NaN (rewards too large for this gamma); reported as not "
            "converged",
            RuntimeWarning,
            stacklevel=3,
        )
    return seen | ~finite


def _result(values, q, policy, iterations, converged, single) -> PlanningResult:
    if single:
        return PlanningResult(values[0], q[0], policy[0], int(iterations[0]), bool(converged[0]))
    return PlanningResult(values, q, policy, iterations, converged)


def _outputs(N, S, A):
    return np.empty((N, S)), np.empty((N, S, A)), np.empty((N, S), dtype=np.int64)


def value_iteration(
    mdp: TabularMDP | MDPStack,
    gamma: float,
    tol: float = 1e-10,
    max_iter: int = 100_000,
    *,
    epsilon: float | None = None,
) -> PlanningResult:
    """Value iteration (Sutton & Barto 4.4) from ``V = 0``, synchronous sweeps.

    ``V_{j+1}(s) = max_a Q_j(s, a)``; stops when ``max_s |V_{j+1} - V_j| < tol``
    (each MDP of a stack stops on its own) or after ``max_iter`` sweeps.

    With ``epsilon`` the threshold is instead ``epsilon (1 - gamma) / (2 gamma)``
    (Puterman 1994, theorem 6.3.1; QuantEcon's ``DiscreteDP`` rule): then the
    returned ``values`` are within ``epsilon / 2`` of ``V*`` and the returned
    greedy ``policy`` is epsilon-optimal, ``max_s |V^pi(s) - V*(s)| < epsilon``
    (terminating transitions only shrink the contraction, so the bound holds
    for episodic MDPs too). ``gamma = 0`` stops after one sweep, which is exact.

    Parameters
    ----------
    mdp : TabularMDP or MDPStack
    gamma : float in [0, 1]
        Discount; 1 is allowed for episodic MDPs (divergence shows as non-convergence).
        With ``epsilon``, gamma must be below 1.
    tol : float > 0
        Ignored when ``epsilon`` is given.
    max_iter : int >= 1
    epsilon : float > 0 or None
        Ask for an epsilon-optimal policy (replaces ``tol``).

    Returns
    -------
    PlanningResult
        ``iterations`` counts sweeps; ``converged`` is False where ``max_iter``
        was reached (a ``RuntimeWarning`` says how many).
    """
    _check_mdp(mdp)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0)
    tol = check_real("tol", tol, low=0.0, low_open=True)
    max_iter = check_int("max_iter", max_iter, low=1, high=MAX_SIZE)
    if epsilon is not None:
        tol = epsilon_threshold(epsilon, gamma)
    arrays = batched_arrays(mdp)
    N, S, A = arrays[0].shape[:3]
    values, q, policy = _outputs(N, S, A)
    iterations = np.empty(N, dtype=np.int64)
    converged = np.empty(N, dtype=np.bool_)
    run_blocks(_k._value_iteration, _blocks(N), (
        *arrays[:4], gamma, tol, max_iter, values, q, policy, iterations, converged,
    ))  # fmt: skip
    seen = _overflow("value_iteration", values, q, converged)
    _warn("value_iteration", seen, f"max_iter={max_iter}, tol={tol}")
    return _result(values, q, policy, iterations, converged, isinstance(mdp, TabularMDP))


def epsilon_threshold(epsilon, gamma: float) -> float:
    """The sup-norm threshold ``epsilon (1 - gamma) / (2 gamma)`` of an epsilon-optimal
    stop (``inf`` for ``gamma = 0``); ``epsilon`` validated, ``gamma`` must be below 1."""
    epsilon = check_real("epsilon", epsilon, low=0.0, low_open=True)
    if gamma >= 1.0:
        raise ValueError(f"gamma must be < 1 for the epsilon-optimal stopping rule, got {gamma}")
    return math.inf if gamma == 0.0 else epsilon * (1.0 - gamma) / (2.0 * gamma)


def _raise_singular(singular: np.ndarray, gamma: float) -> None:
    if np.any(singular):
        first = int(np.flatnonzero(singular)[0])
        raise ValueError(
            f"policy evaluation is singular for {int(singular.sum())} problem(s) "
            f"(first: index {first}) with gamma={gamma}: under the policy some state never "
            "reaches a terminating transition, "
            "so its undiscounted value is unbounded; use gamma < 1 or a policy that terminates"
        )


def policy_evaluation(mdp: TabularMDP | MDPStack, policy, gamma: float) -> PlanningResult:
    """Exact ``V^pi`` by solving ``(I - gamma P_pi) V = r_pi`` (Sutton & Barto 4.1).

    Parameters
    ----------
    mdp : TabularMDP or MDPStack
    policy : array
        Deterministic: int array (S,) or (N, S); stochastic: float array
        (S, A) or (N, S, A). With a stack of ``N`` MDPs, either one policy
        for all or one per MDP; with one MDP, ``N`` policies give ``N`` results.
    gamma : float in [0, 1]
        With ``gamma = 1`` the system is solvable when the policy terminates
        from every state; otherwise a ``ValueError`` says it is singular.

    Returns
    -------
    PlanningResult
        ``values = V^pi``, ``q = Q^pi``, ``policy`` greedy w.r.t. ``Q^pi`` (one
        improvement step), ``iterations = 1``, ``converged = True``.
    """
    return _policy_evaluation(mdp, policy, gamma)


def _policy_evaluation(mdp, policy, gamma) -> PlanningResult:
    """:func:`policy_evaluation` (``train`` and ``predict`` value their policies with it)."""
    _check_mdp(mdp)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0)
    arrays = batched_arrays(mdp)
    N_mdp, S, A = arrays[0].shape[:3]
    probs, _, single = as_policy_batch(policy, S, A)
    N_pi = probs.shape[0]
    if N_mdp > 1 and N_pi > 1 and N_pi != N_mdp:
        raise ValueError(f"policy must hold 1 or {N_mdp} policies for this stack, got {N_pi}")
    N = max(N_mdp, N_pi)
    values, q, greedy = _outputs(N, S, A)
    singular = np.zeros(N, dtype=np.bool_)
    if _sparse.use_sparse(S, gamma):
        _sparse.evaluate_batch(arrays, probs, gamma, values, q, greedy)
    else:
        _check_dense(S, N)
        run_blocks(_k._policy_evaluation, _blocks(N), (
            *arrays[:4], probs, gamma, values, q, greedy, singular,
        ))  # fmt: skip
    _raise_singular(singular, gamma)
    ones = np.ones(N, dtype=np.int64)
    converged = ones.astype(bool)
    _overflow("policy_evaluation", values, q, converged)
    return _result(values, q, greedy, ones, converged, single and N == 1)


def policy_iteration(
    mdp: TabularMDP | MDPStack, gamma: float, max_iter: int = 1_000
) -> PlanningResult:
    """Policy iteration (Sutton & Barto 4.3) from the policy "always action 0".

    Each step evaluates the policy exactly and switches a state's action only
    when another is better by more than ``1e-12`` (relative), so ties cannot
    cycle; it stops when no state switches. The returned ``policy`` is the
    lowest-index greedy policy of the final ``q``, as for value iteration.

    Raises
    ------
    ValueError
        With ``gamma = 1``, when a policy met along the way does not
        terminate from some state (singular evaluation).
    """
    _check_mdp(mdp)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0)
    max_iter = check_int("max_iter", max_iter, low=1, high=MAX_SIZE)
    arrays = batched_arrays(mdp)
    N, S, A = arrays[0].shape[:3]
    values, q, policy = _outputs(N, S, A)
    iterations = np.empty(N, dtype=np.int64)
    converged = np.empty(N, dtype=np.bool_)
    singular = np.zeros(N, dtype=np.bool_)
    if _sparse.use_sparse(S, gamma):
        _sparse.iterate_policies(arrays, gamma, max_iter, values, q, policy, iterations, converged)
    else:
        _check_dense(S, N)
        run_blocks(_k._policy_iteration, _blocks(N), (
            *arrays[:4], gamma, max_iter, values, q, policy, iterations, converged, singular,
        ))  # fmt: skip
    _raise_singular(singular, gamma)
    seen = _overflow("policy_iteration", values, q, converged)
    _warn("policy_iteration", seen, f"max_iter={max_iter}")
    return _result(values, q, policy, iterations, converged, isinstance(mdp, TabularMDP))
