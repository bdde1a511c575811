"""``train_binned``: tabular learners on a discretised CartPole, as the popular tutorials do it.

The tutorials' recipe for CartPole with Q-learning: cut each observed variable
into a few equal-width bins (often one bin, i.e. ignored, for the cart's
position and velocity), number the cells, and run a tabular learner on the
cell index. Here the learner is any of fastrl's
:class:`~fastrl.tabular.learners.TabularAgent` configs, compiled into a
CartPole driver (:mod:`fastrl.control._binned_driver`) through the same hooks
and the same generated records as :func:`fastrl.tabular.train`; the dynamics
are Gymnasium's CartPole-v1, bit for bit. The binned state is not Markov, so
this is an approximation, and the curves show how far it gets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numba.core.errors import NumbaError

from fastrl._chunks import chunk_runs
from fastrl._threads import run_each_block
from fastrl.control import _binned_driver as K
from fastrl.control._params import single_task
from fastrl.control.cartpole import CartPole
from fastrl.rng import STREAM_AGENT, STREAM_ENV, check_seed, stream_roots
from fastrl.stats import Accumulator
from fastrl.tabular._learn_plan import _plan
from fastrl.tabular.learners import TabularAgent
from fastrl.tabular.learners._base import exploration_settings, explore_kind
from fastrl.validation import check_array, check_memory, check_size

__all__ = ["BinnedResult", "train_binned", "DEFAULT_BINS", "DEFAULT_LOW", "DEFAULT_HIGH"]

#: the tutorials' bins of (x, x_dot, theta, theta_dot): only the pole is looked at
DEFAULT_BINS = (1, 1, 6, 12)
#: upper bounds of the bins (the lower ones mirror them): the cart's track, a velocity
#: bound, the pole's termination angle (12 degrees), 50 degrees/s
DEFAULT_HIGH = (2.4, 3.0, 12 * 2 * math.pi / 360, math.radians(50))
DEFAULT_LOW = tuple(-v for v in DEFAULT_HIGH)
_TEMPLATE = "fastrl.control._binned_driver"


def _task(task) -> CartPole:
    return single_task(task, CartPole, "CartPole-v1")


def _binning(bins, low, high) -> np.ndarray:
    n = check_array("bins", bins, ndim=1, dtype=np.int64)
    lo = check_array("low", low, ndim=1)
    hi = check_array("high", high, ndim=1)
    for name, arr in (("bins", n), ("low", lo), ("high", hi)):
        if arr.shape != (4,):
            raise ValueError(f"{name} must have 4 entries (x, x_dot, theta, theta_dot), got {arr}")
    if np.any(n < 1):
        raise ValueError(f"bins must be >= 1, got {n}")
    if np.any(lo >= hi):
        raise ValueError(f"low must be < high for every variable, got {lo} and {hi}")
    if int(np.prod(n)) > 1 << 24:
        raise ValueError(f"bins must give at most 2**24 states, got {int(np.prod(n))}")
    return np.column_stack([lo, n / (hi - lo), n.astype(np.float64)])


@dataclass(frozen=True, eq=False)
class BinnedResult:
    """Outcome of :func:`train_binned` (``E`` episodes, ``R`` runs, ``S`` bins, 2 actions).

    Attributes
    ----------
    episode_length, episode_length_se : numpy.ndarray
        float64 ``(E,)``: steps per episode (CartPole's return), mean over runs
        and standard error (NaN for one run).
    solved_rate : numpy.ndarray
        float64 ``(E,)``: fraction of runs whose episode lasted ``max_episode_steps``.
    q : numpy.ndarray
        float64 ``(R, S, 2)``: final Q tables, state ``s`` the mixed-radix bin index.
    env_steps : int
    """

    agent: TabularAgent
    runs: int
    episodes: int
    bins: tuple
    low: tuple
    high: tuple
    max_episode_steps: int
    seed: int
    episode_length: np.ndarray
    episode_length_se: np.ndarray
    solved_rate: np.ndarray
    env_steps: int
    q: np.ndarray = field(repr=False)

    @property
    def policy(self) -> np.ndarray:
        """int64 ``(R, S)``: greedy actions of the final Q tables (lowest index on ties)."""
        return np.argmax(self.q, axis=2).astype(np.int64)

    def to_frame(self):
        """:class:`pandas.DataFrame`, one row per episode: ``episode, episode_length,
        episode_length_se, solved_rate``."""
        import pandas as pd

        return pd.DataFrame(
            {
                "episode": np.arange(self.episodes),
                "episode_length": self.episode_length,
                "episode_length_se": self.episode_length_se,
                "solved_rate": self.solved_rate,
            }
        )

    def plot(self, ax=None, *, label: str | None = None, smooth: int = 1):
        """Steps per episode (moving average over ``smooth`` episodes) with a +-1 SE band."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        kernel = np.ones(smooth) / smooth
        mean = np.convolve(self.episode_length, kernel, mode="valid")
        se = np.convolve(np.nan_to_num(self.episode_length_se), kernel, mode="valid")
        x = np.arange(mean.size) + (smooth - 1)
        (line,) = ax.plot(x, mean, label=label or type(self.agent).__name__)
        ax.fill_between(x, mean - se, mean + se, color=line.get_color(), alpha=0.25)
        ax.set_xlabel("episode")
        ax.set_ylabel("steps per episode")
        ax.legend()
        return ax


def train_binned(
    agent: TabularAgent,
    task="CartPole-v1",
    *,
    runs: int,
    episodes: int,
    bins=DEFAULT_BINS,
    low=DEFAULT_LOW,
    high=DEFAULT_HIGH,
    max_episode_steps: int | None = None,
    seed: int = 0,
) -> BinnedResult:
    """Train a tabular learner on CartPole's binned observation, ``runs`` runs at once.

    Parameters
    ----------
    agent : TabularAgent
        Any tabular learner config (:class:`~fastrl.tabular.QLearning`, ...),
        exploration and schedules included; run through its hooks unchanged.
    task : "CartPole-v1" or CartPole
    runs, episodes : int, >= 1
    bins : sequence of 4 ints, >= 1
        Equal-width bins of ``x, x_dot, theta, theta_dot`` between ``low`` and
        ``high`` (the outer bins take everything beyond); the state is the
        mixed-radix index, ``prod(bins)`` states. Default the tutorials'
        ``(1, 1, 6, 12)``.
    low, high : sequence of 4 floats
    max_episode_steps : int, optional
        Default the task's (500 for CartPole-v1).
    seed : int
        Run ``i`` depends only on ``seed`` and ``i``.

    Returns
    -------
    BinnedResult

    Examples
    --------
    >>> from fastrl.control.binned import train_binned
    >>> from fastrl.tabular import QLearning
    >>> res = train_binned(QLearning(alpha=0.1, gamma=0.99, epsilon=0.1), runs=4, episodes=10)
    >>> res.q.shape
    (4, 72, 2)
    """
    if not isinstance(agent, TabularAgent):
        raise TypeError(f"agent must be a TabularAgent (QLearning, Sarsa, ...), got {agent!r}")
    task = _task(task)
    runs = check_size("runs", runs)
    episodes = check_size("episodes", episodes)
    binning = _binning(bins, low, high)
    if max_episode_steps is None:
        max_steps = task.max_episode_steps
    else:
        max_steps = check_size("max_episode_steps", max_episode_steps)
    seed = check_seed(seed)
    num_states = int(np.prod(binning[:, 2]))
    check_memory({"runs": 8 * runs * num_states * K.NUM_ACTIONS})
    plan = _plan(type(agent), explore_kind(agent), _TEMPLATE)
    p = plan.params(agent)
    dims = plan.dims(agent, num_states, K.NUM_ACTIONS, max_steps)
    roots = stream_roots(seed)
    params = task.params()
    q = np.zeros((runs, num_states, K.NUM_ACTIONS))
    acc = Accumulator(K.NUM_METRICS, episodes)
    total = 0
    for start, count in chunk_runs(runs, 2 * 8 * K.NUM_METRICS * episodes, K.BLOCK):
        blocks = -(-count // K.BLOCK)
        block_n = np.zeros(blocks, dtype=np.int64)
        block_steps = np.zeros(blocks, dtype=np.int64)
        block_mean = np.zeros((K.NUM_METRICS, blocks, episodes))
        block_m2 = np.zeros((K.NUM_METRICS, blocks, episodes))
        block_bad = np.full((blocks, 2), -1, dtype=np.int64)
        try:
            run_each_block(plan.kernel, blocks, (
                p, exploration_settings(agent), dims, params, binning, np.int64(max_steps),
                np.int64(episodes), roots[STREAM_ENV], roots[STREAM_AGENT], np.int64(start),
                np.int64(count), q, block_n, block_steps, block_mean, block_m2, block_bad,
            ))  # fmt: skip
        except NumbaError as exc:
            raise plan.diagnose(exc, p, dims, num_states, K.NUM_ACTIONS) from exc
        bad = np.flatnonzero(block_bad[:, 0] >= 0)
        if bad.size:
            run, action = block_bad[bad[0]]
            raise ValueError(
                f"{plan.label}.hooks.act returned action {action} in run {run}, outside [0, 2)"
            )
        acc.add_blocks(block_n, block_mean, block_m2)
        total += int(block_steps.sum())
    mean, se = acc.mean(), acc.sem()
    return BinnedResult(
        agent=agent,
        runs=runs,
        episodes=episodes,
        bins=tuple(int(v) for v in binning[:, 2]),
        low=tuple(float(v) for v in np.asarray(low, dtype=np.float64)),
        high=tuple(float(v) for v in np.asarray(high, dtype=np.float64)),
        max_episode_steps=max_steps,
        seed=seed,
        episode_length=mean[0],
        episode_length_se=se[0],
        solved_rate=mean[1],
        env_steps=total,
        q=q,
    )
