"""Prediction as a job: estimate ``v_pi`` from sampled episodes on many runs at once.

:func:`predict` runs ``runs`` independent estimators of one method on one
policy in one parallel kernel and streams, per episode, the RMS error of the
estimates against the policy's exact values (Sutton & Barto's convention: the
root mean square over the non-terminal states, averaged over runs), with
standard errors over runs. Memory is ``O(episodes)`` for the curves (blocks of
64 runs merged in block order, :mod:`fastrl.stats`) plus the final estimates
``O(runs x states)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastrl._threads import run_each_block
from fastrl.rng import STREAM_AGENT, STREAM_ENV, check_seed, stream_roots
from fastrl.stats import Accumulator
from fastrl.tabular import _predict_kernels as K
from fastrl.tabular._dynamics import successor_tables
from fastrl.tabular.mdp import TabularMDP, batched_arrays
from fastrl.tabular.planning import _policy_evaluation, as_policy_batch
from fastrl.tabular.train import SAFETY_CAP
from fastrl.validation import check_int, check_memory, check_real, check_size

__all__ = ["predict", "PredictionResult", "METHODS", "non_terminal"]

#: method names and the book section of each
METHODS = {
    "td": (K.TD0, "TD(0), 6.1"),
    "n-step-td": (K.NSTEP, "n-step TD, 7.1"),
    "true-online-td": (K.TRUE_ONLINE, "true online TD(lambda), 12.5"),
    "mc-first-visit": (K.MC_FIRST, "first-visit MC, 5.1 / constant-alpha MC, 6.1"),
    "mc-every-visit": (K.MC_EVERY, "every-visit MC, 5.1 / constant-alpha MC, 6.1"),
    "mc-ordinary-is": (K.IS_ORDINARY, "off-policy MC, ordinary importance sampling, 5.5"),
    "mc-weighted-is": (K.IS_WEIGHTED, "off-policy MC, weighted importance sampling, 5.5-5.6"),
}
_OFF_POLICY = ("mc-ordinary-is", "mc-weighted-is")
_MONTE_CARLO = ("mc-first-visit", "mc-every-visit")


@dataclass(frozen=True, eq=False)
class PredictionResult:
    """Outcome of :func:`predict` (``E`` episodes, ``R`` runs, ``S`` states).

    Attributes
    ----------
    method : str
    runs, episodes : int
    rms_error, rms_error_se : numpy.ndarray
        float64 ``(E,)``: after each episode, the RMS error over the evaluated
        states, averaged over runs, and its standard error (NaN for one run).
    run_mean_rms : numpy.ndarray
        float64 ``(R,)``: each run's RMS error averaged over its episodes (the
        y axis of figure 7.2 is its mean).
    values : numpy.ndarray
        float64 ``(R, S)``: the final estimates.
    true_values : numpy.ndarray
        float64 ``(S,)``: ``v_pi``, exact (:func:`~fastrl.tabular.policy_evaluation`).
    states : numpy.ndarray
        bool ``(S,)``: the states of the RMS error (default: non-terminal ones).
    params : dict
        The method's settings (``alpha``, ``gamma``, ``n``, ``lam``, ...).
    """

    method: str
    runs: int
    episodes: int
    rms_error: np.ndarray
    rms_error_se: np.ndarray
    run_mean_rms: np.ndarray
    values: np.ndarray
    true_values: np.ndarray
    states: np.ndarray
    params: dict

    def to_frame(self):
        """:class:`pandas.DataFrame` with columns ``episode, rms_error, se`` (episodes from 1)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "episode": np.arange(1, self.episodes + 1),
                "rms_error": self.rms_error,
                "se": self.rms_error_se,
            }
        )

    def plot(self, ax=None, label: str | None = None):
        """The RMS-error curve with a shaded +-1 standard-error band; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        x = np.arange(1, self.episodes + 1)
        se = np.nan_to_num(self.rms_error_se)
        (line,) = ax.plot(x, self.rms_error, label=label or self.method)
        ax.fill_between(x, self.rms_error - se, self.rms_error + se, color=line.get_color(),
                        alpha=0.25)  # fmt: skip
        ax.set_xlabel("episode")
        ax.set_ylabel("RMS error, averaged over runs")
        ax.legend()
        return ax


def non_terminal(mdp: TabularMDP) -> np.ndarray:
    """bool ``(S,)``: states that some action leaves with positive probability."""
    S = mdp.num_states
    stays = (mdp.next_state == np.arange(S)[:, None, None]) | (mdp.prob == 0.0)
    return ~stays.all(axis=(1, 2))


def _probs(name: str, policy, mdp: TabularMDP) -> np.ndarray:
    probs, _, single = as_policy_batch(policy, mdp.num_states, mdp.num_actions, name=name)
    if not single:
        raise ValueError(f"{name} must be one policy, shape ({mdp.num_states},) or "
                         f"({mdp.num_states}, {mdp.num_actions})")  # fmt: skip
    # renormalised rows: the sampler scans cumulative sums against 1.0
    return np.ascontiguousarray(probs[0] / probs[0].sum(axis=1, keepdims=True))


def predict(
    mdp: TabularMDP,
    policy,
    method: str,
    *,
    runs: int,
    episodes: int,
    alpha: float | str = 0.1,
    gamma: float = 1.0,
    n: int = 1,
    lam: float = 0.9,
    seed: int = 0,
    max_episode_steps: int | None = None,
    initial_value: float = 0.0,
    behaviour=None,
    states=None,
) -> PredictionResult:
    """Estimate ``v_pi`` with ``runs`` independent runs of ``method``; RMS error per episode.

    Parameters
    ----------
    mdp : TabularMDP
    policy : array
        The policy evaluated: int ``(S,)`` (deterministic) or float ``(S, A)``
        action probabilities.
    method : str
        One of :data:`METHODS`: ``"td"`` (TD(0), 6.1), ``"n-step-td"`` (7.1),
        ``"true-online-td"`` (12.5, one-hot features), ``"mc-first-visit"``,
        ``"mc-every-visit"`` (5.1; constant-alpha MC of 6.1 unless
        ``alpha="average"``), ``"mc-ordinary-is"``, ``"mc-weighted-is"``
        (every-visit off-policy MC, 5.5/5.6; episodes follow ``behaviour``).
    runs, episodes : int
        Independent runs (>= 1) and episodes per run (>= 1).
    alpha : float in (0, 1] or "average"
        Step size; ``"average"`` (Monte Carlo only) is the sample average
        ``1 / N(s)``. Unused by the importance-sampling methods.
    gamma : float in [0, 1]
    n : int >= 1
        Steps of n-step TD.
    lam : float in [0, 1]
        lambda of true online TD(lambda).
    seed : int
        Run ``i`` depends only on ``seed`` and ``i``; methods with one seed see
        the same episodes (common random numbers).
    max_episode_steps : int, optional
        Truncation limit; default the MDP's, else :data:`~fastrl.tabular.train.SAFETY_CAP`
        (100,000 steps, as :func:`~fastrl.tabular.train`). TD targets bootstrap at a
        truncation; Monte Carlo returns stop there.
    initial_value : float
        The initial estimate of every state.
    behaviour : array, optional
        The behaviour policy of the importance-sampling methods (required
        there, refused elsewhere); it must give a positive probability to
        every action ``policy`` can take in a non-terminal state.
    states : bool array (S,), optional
        The states of the RMS error; default :func:`non_terminal`.

    Returns
    -------
    PredictionResult

    Examples
    --------
    >>> import numpy as np
    >>> from fastrl.tabular import predict, random_walk
    >>> walk = random_walk(5)  # one action: the walk's policy is "take it"
    >>> res = predict(walk, np.ones((walk.num_states, 1)), "td", runs=100, episodes=100,
    ...               alpha=0.1, initial_value=0.5)
    >>> res.rms_error.shape, bool(res.rms_error[-1] < res.rms_error[0])
    ((100,), True)
    """
    if not isinstance(mdp, TabularMDP):
        raise TypeError(f"mdp must be a TabularMDP, got {type(mdp).__name__}")
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    code = METHODS[method][0]
    runs = check_size("runs", runs)
    episodes = check_size("episodes", episodes)
    average = isinstance(alpha, str)
    if average:
        if alpha != "average" or method not in _MONTE_CARLO:
            raise ValueError(f"alpha must be a float in (0, 1] (or 'average' for the MC methods "
                             f"{_MONTE_CARLO}), got {alpha!r}")  # fmt: skip
        alpha = 1.0
    alpha = check_real("alpha", alpha, low=0.0, high=1.0, low_open=True)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0)
    n = check_int("n", n, low=1)
    lam = check_real("lam", lam, low=0.0, high=1.0)
    initial_value = check_real("initial_value", initial_value)
    roots = stream_roots(check_seed(seed))
    if max_episode_steps is None:  # train's rule: the MDP's limit, else the safety cap
        max_steps = SAFETY_CAP if mdp.max_episode_steps is None else int(mdp.max_episode_steps)
    else:
        max_steps = check_size("max_episode_steps", max_episode_steps)
    target = _probs("policy", policy, mdp)
    if states is None:
        mask = non_terminal(mdp)
    else:
        mask = np.asarray(states)
        if mask.dtype != bool or mask.shape != (mdp.num_states,):
            raise TypeError(f"states must be a bool array of shape ({mdp.num_states},)")
    if not mask.any():
        raise ValueError("states: no state to measure the RMS error on")
    if method in _OFF_POLICY:
        if behaviour is None:
            raise ValueError(f"behaviour must be given for method {method!r}")
        act = _probs("behaviour", behaviour, mdp)
        live = non_terminal(mdp)[:, None]
        if np.any(live & (target > 0.0) & (act == 0.0)):
            s, a = np.argwhere(live & (target > 0.0) & (act == 0.0))[0]
            raise ValueError(f"behaviour must cover policy: b({a} | {s}) = 0 < pi({a} | {s})")
    elif behaviour is not None:
        raise ValueError(f"behaviour is only for {_OFF_POLICY}, not {method!r}")
    else:
        act = target
    check_memory({"runs": 8 * runs * (mdp.num_states + 1),
                  "episodes": 16 * episodes * (-(-runs // K.BLOCK) + 1)})  # fmt: skip
    exact = _policy_evaluation(mdp, target, gamma)
    true_v = np.ascontiguousarray(exact.values, dtype=np.float64)

    blocks = -(-runs // K.BLOCK)
    out_v = np.empty((runs, mdp.num_states))
    out_mean = np.empty(runs)
    block_n = np.zeros(blocks, dtype=np.int64)
    block_mean = np.zeros((blocks, episodes))
    block_m2 = np.zeros((blocks, episodes))
    next_state, prob, reward, terminated, initial = batched_arrays(mdp)
    cum, last_entry = successor_tables(prob)
    run_each_block(K.predict_block, blocks, (
        np.int64(code), next_state, cum, last_entry, reward, terminated, initial, target, act,
        true_v,
        np.ascontiguousarray(mask), alpha, average, gamma, np.int64(n), lam, initial_value,
        np.int64(max_steps), np.int64(episodes), roots[STREAM_ENV], roots[STREAM_AGENT],
        np.int64(runs), out_v, out_mean, block_n, block_mean, block_m2,
    ))  # fmt: skip
    acc = Accumulator(1, episodes)
    acc.add_blocks(block_n, block_mean[None], block_m2[None])
    params = {
        "alpha": "average" if average else alpha, "gamma": gamma, "n": n, "lam": lam,
        "initial_value": initial_value, "max_episode_steps": max_steps, "seed": seed,
    }  # fmt: skip
    return PredictionResult(
        method=method, runs=runs, episodes=episodes, rms_error=acc.mean()[0],
        rms_error_se=acc.sem()[0], run_mean_rms=out_mean, values=out_v, true_values=true_v,
        states=mask.copy(), params=params,
    )  # fmt: skip
