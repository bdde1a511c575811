"""More batched planning: modified policy iteration and finite-horizon backward induction.

Like :mod:`fastrl.tabular.planning` (whose conventions they share: terminated
transitions are not bootstrapped, greedy ties go to the lowest action index,
an :class:`~fastrl.tabular.mdp.MDPStack` is solved in one parallel call):

* :func:`modified_policy_iteration`: Puterman (1994) section 6.5; Sutton &
  Barto (2018) section 4.6 (generalized policy iteration).
* :func:`backward_induction`: Puterman (1994) section 4.5; Sutton & Barto
  section 4.1's finite-horizon backups; Bellman's principle of optimality.

The epsilon-optimal stop of value iteration is an option of
:func:`fastrl.tabular.planning.value_iteration` (``epsilon=``).

Example
-------
>>> from fastrl.tabular import frozen_lake, modified_policy_iteration, backward_induction
>>> res = modified_policy_iteration(frozen_lake("4x4"), gamma=0.99, k=20)
>>> round(float(res.values[0]), 3)
0.542
>>> fh = backward_induction(frozen_lake("4x4"), horizon=10)
>>> fh.values.shape, fh.policy.shape
((11, 16), (10, 16))
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from fastrl._threads import run_blocks
from fastrl.tabular import _solver_kernels as _k
from fastrl.tabular.mdp import MDPStack, TabularMDP, batched_arrays
from fastrl.tabular.planning import (
    PlanningResult,
    _blocks,
    _check_mdp,
    _outputs,
    _overflow,
    _result,
    _warn,
    epsilon_threshold,
)
from fastrl.validation import MAX_SIZE, check_int, check_memory, check_real, check_size

__all__ = ["FiniteHorizonResult", "modified_policy_iteration", "backward_induction"]


def modified_policy_iteration(
    mdp: TabularMDP | MDPStack,
    gamma: float,
    k: int = 20,
    epsilon: float = 1e-8,
    max_iter: int = 100_000,
) -> PlanningResult:
    """Modified policy iteration (Puterman 1994, section 6.5), batched over stacks.

    From ``v_0 = min(0, min_{s,a} r(s, a)) / (1 - rho)``, where ``rho <= gamma`` is the
    largest row sum of the discounted bootstrap weights ``gamma * p * (1 - terminated)`` (a
    lower bound with ``T v_0 >= v_0``, so the iterates rise monotonically to ``V*`` for any
    ``k``), each step improves, ``pi_n`` greedy with respect to ``v_n`` and ``u = T v_n``,
    and then evaluates partially, ``v_{n+1} = T_{pi_n}^k u`` (``k`` synchronous sweeps). ``k
    = 0`` is value iteration; large ``k`` approaches policy iteration. It stops when ``max_s
    |u - v_n| < epsilon (1 - gamma) / (2 gamma)`` and returns ``values = u`` (within
    ``epsilon / 2`` of ``V*``) and the greedy policy of ``Q = backup(u)``, which is
    epsilon-optimal: ``max_s |V^pi(s) - V*(s)| < epsilon`` (the same rule and guarantee as
    ``value_iteration(..., epsilon=...)``).

    Parameters
    ----------
    mdp : TabularMDP or MDPStack
    gamma : float in [0, 1)
    k : int >= 0
        Evaluation sweeps per improvement (QuantEcon's ``DiscreteDP`` default: 20).
    epsilon : float > 0
        Optimality gap of the returned policy.
    max_iter : int >= 1
        Improvement steps before giving up.

    Returns
    -------
    PlanningResult
        ``iterations`` counts improvement steps; ``converged`` is False where
        ``max_iter`` was reached (a ``RuntimeWarning`` says how many).
    """
    _check_mdp(mdp)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0)
    k = check_int("k", k, low=0, high=2**31)
    thr = epsilon_threshold(epsilon, gamma)
    max_iter = check_int("max_iter", max_iter, low=1, high=MAX_SIZE)
    arrays = batched_arrays(mdp)
    N, S, A = arrays[0].shape[:3]
    values, q, policy = _outputs(N, S, A)
    iterations = np.empty(N, dtype=np.int64)
    converged = np.empty(N, dtype=np.bool_)
    run_blocks(_k._modified_policy_iteration, _blocks(N), (
        *arrays[:4], gamma, k, thr, max_iter, values, q, policy, iterations, converged,
    ))  # fmt: skip
    seen = _overflow("modified_policy_iteration", values, q, converged)
    _warn("modified_policy_iteration", seen, f"max_iter={max_iter}, epsilon={epsilon}")
    return _result(values, q, policy, iterations, converged, isinstance(mdp, TabularMDP))


@dataclass(frozen=True)
class FiniteHorizonResult:
    """Solution of a finite-horizon problem (``H`` decisions), one MDP or a batch.

    Attributes
    ----------
    values : float64 array, shape (H+1, S) or (N, H+1, S)
        ``values[t, s]``: the optimal expected return of the ``H - t``
        remaining decisions from ``s``; ``values[H] = 0``.
    q : float64 array, shape (H, S, A) or (N, H, S, A)
        ``q[t, s, a] = r(s, a) + gamma * sum_s' P(s' | s, a) values[t + 1, s']``
        (terminated transitions not bootstrapped).
    policy : int64 array, shape (H, S) or (N, H, S)
        ``policy[t, s]``: the optimal decision at time ``t`` (lowest index on ties).
    """

    values: np.ndarray
    q: np.ndarray
    policy: np.ndarray

    def to_frame(self):
        """A long pandas DataFrame: one row per (mdp, t, state) for ``t < H``, with
        value and optimal action."""
        import pandas as pd

        policy = self.policy if self.policy.ndim == 3 else self.policy[None]
        values = self.values if self.values.ndim == 3 else self.values[None]
        N, H, S = policy.shape
        return pd.DataFrame(
            {
                "mdp": np.repeat(np.arange(N), H * S),
                "t": np.tile(np.repeat(np.arange(H), S), N),
                "state": np.tile(np.arange(S), N * H),
                "value": values[:, :H].ravel(),
                "action": policy.ravel(),
            }
        )


def backward_induction(
    mdp: TabularMDP | MDPStack, horizon: int, gamma: float = 1.0
) -> FiniteHorizonResult:
    """Finite-horizon dynamic programming by backward induction (Puterman 1994, 4.5).

    ``V_H = 0``; for ``t = H - 1, ..., 0``: ``Q_t = r + gamma P V_{t+1}`` and
    ``V_t = max_a Q_t``, ``pi_t = argmax_a Q_t`` (lowest index on ties). The
    time-dependent policy ``pi_0 .. pi_{H-1}`` is optimal over all history-
    dependent policies for the ``H``-step return; terminating transitions end
    the sum early. Exact: no iteration, no tolerance.

    Parameters
    ----------
    mdp : TabularMDP or MDPStack
    horizon : int >= 0
        The number of decisions ``H``.
    gamma : float in [0, 1]

    Returns
    -------
    FiniteHorizonResult
        Shapes ``(H+1, S)``, ``(H, S, A)``, ``(H, S)`` for one MDP, with a
        leading axis ``N`` for a stack.
    """
    _check_mdp(mdp)
    H = check_size("horizon", horizon, low=0)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0)
    arrays = batched_arrays(mdp)
    N, S, A = arrays[0].shape[:3]
    check_memory({"horizon": 8 * N * (H * S * A + 2 * H * S + S)})
    values = np.empty((N, H + 1, S))
    q = np.empty((N, H, S, A))
    policy = np.empty((N, H, S), dtype=np.int64)
    run_blocks(_k._backward_induction, _blocks(N), (*arrays[:4], gamma, values, q, policy))
    if not (np.isfinite(values).all() and np.isfinite(q).all()):
        warnings.warn(
            "backward_induction: values overflowed to inf or NaN (rewards too large for "
            "this horizon)",
            RuntimeWarning,
            stacklevel=2,
        )
    if isinstance(mdp, TabularMDP):
        return FiniteHorizonResult(values[0], q[0], policy[0])
    return FiniteHorizonResult(values, q, policy)
